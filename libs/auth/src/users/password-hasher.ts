import { Injectable } from '@nestjs/common';
import argon2 from 'argon2';

/** argon2id with its recommended cost (64 MiB, 3 passes): slow and salted by design. */
@Injectable()
export class PasswordHasher {
  /** Verified against when no user matches, so timing does not reveal which usernames exist. */
  private readonly decoy = argon2.hash('no user has this password', { type: argon2.argon2id });

  hash(password: string): Promise<string> {
    return argon2.hash(password, { type: argon2.argon2id });
  }

  async verify(hash: string | undefined, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash ?? (await this.decoy), password);
    } catch {
      return false;
    }
  }
}
