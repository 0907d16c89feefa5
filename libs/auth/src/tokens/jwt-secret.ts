import { createSecretKey, type KeyObject, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import type { AppConfig } from '@memory-system/core';

/** The key that signs access tokens. */
export class JwtSecret {
  /**
   * The secret as a key object. jsonwebtoken turns a string secret into one on every sign and
   * verify, first trying (and failing) to read it as a public key: about 1 ms per request
   * (measured in a CPU profile of single requests), saved by handing it the key made once.
   */
  readonly key: KeyObject;

  constructor(value: string) {
    this.key = createSecretKey(Buffer.from(value, 'utf8'));
  }

  /**
   * JWT_SECRET when given (always, in production: the config refuses to start without a strong
   * one). Otherwise a random secret kept in DATA_DIR/jwt-secret (mode 600), so development
   * tokens survive a restart without anyone choosing a secret.
   */
  static resolve(config: AppConfig): JwtSecret {
    if (config.auth.jwtSecret) return new JwtSecret(config.auth.jwtSecret);
    const file = join(config.dataDir, 'jwt-secret');
    if (!existsSync(file)) {
      mkdirSync(config.dataDir, { recursive: true });
      writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' });
      new Logger('Auth').warn(
        `No JWT_SECRET set: generated one in ${file} (set JWT_SECRET in production)`,
      );
    }
    chmodSync(file, 0o600);
    return new JwtSecret(readFileSync(file, 'utf8').trim());
  }
}
