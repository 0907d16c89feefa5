import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@memory-system/core';

/** Whether an archive carries this service's signature. */
export type Authenticity = 'valid' | 'missing' | 'invalid';

/**
 * Signs what the service writes (HMAC-SHA256 of the manifest, which holds every file's sha256),
 * so an archive someone else put in BACKUP_DIR cannot pass for one of ours: checksums alone are
 * self-declared. The key is BACKUP_SIGNING_KEY, or one generated once in DATA_DIR.
 */
@Injectable()
export class BackupSigner {
  private readonly logger = new Logger('Backups');
  private key?: Buffer;

  constructor(private readonly config: AppConfig) {}

  sign(manifest: Buffer): string {
    return createHmac('sha256', this.secret()).update(manifest).digest('hex');
  }

  check(manifest: Buffer, signature: string | undefined): Authenticity {
    if (signature === undefined) return 'missing';
    const expected = Buffer.from(this.sign(manifest), 'hex');
    const given = Buffer.from(signature.trim(), 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected)
      ? 'valid'
      : 'invalid';
  }

  private secret(): Buffer {
    if (this.key) return this.key;
    const configured = this.config.backup.signingKey;
    if (configured) return (this.key = Buffer.from(configured));
    const file = join(this.config.dataDir, 'backup-signing-key');
    if (!existsSync(file)) {
      mkdirSync(this.config.dataDir, { recursive: true });
      writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
      this.logger.warn(
        `No BACKUP_SIGNING_KEY set: generated one in DATA_DIR (give every replica the same key to restore each other's archives)`,
      );
    }
    chmodSync(file, 0o600);
    return (this.key = Buffer.from(readFileSync(file, 'utf8').trim()));
  }
}
