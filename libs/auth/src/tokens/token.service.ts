import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig, type UserDataEraser, Unauthenticated } from '@memory-system/core';
import { StateStore } from '@memory-system/state';
import type { User } from '../users/user.js';

const REFRESH = 'refresh-tokens';
const USED_REFRESH = 'refresh-tokens-used';
const REVOKED_FAMILIES = 'refresh-families-revoked';
const FAMILIES = 'refresh-families';

export const ACCESS_TOKEN_ISSUER = 'memory-system';

export interface TokenPair {
  tokenType: 'Bearer';
  accessToken: string;
  /** Seconds until the access token expires. */
  expiresIn: number;
  refreshToken: string;
  refreshExpiresIn: number;
}

interface RefreshRecord {
  userId: string;
  familyId: string;
}

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Short-lived access JWTs and rotating refresh tokens. A refresh token is random, stored only as
 * its hash, and works once: using it returns a new pair of the same family. Presenting a token
 * that was already used means it leaked, so the whole family is revoked.
 */
@Injectable()
export class TokenService implements UserDataEraser {
  readonly name = 'refresh tokens';
  private readonly logger = new Logger(TokenService.name);

  constructor(
    private readonly jwt: JwtService,
    private readonly store: StateStore,
    private readonly config: AppConfig,
  ) {}

  async issue(user: User, familyId: string = randomUUID()): Promise<TokenPair> {
    const { accessTtlSeconds, refreshTtlSeconds } = this.config.auth;
    const accessToken = await this.jwt.signAsync(
      // `fam`: the login session, so that ending it (logout, a reused refresh token, a password
      // change) ends its access tokens at once, not when they expire.
      { sub: user.id, role: user.role, typ: 'access', fam: familyId },
      { expiresIn: accessTtlSeconds, issuer: ACCESS_TOKEN_ISSUER, algorithm: 'HS256' },
    );
    const refreshToken = `msr_${randomBytes(32).toString('base64url')}`;
    const ttlMs = refreshTtlSeconds * 1000;
    await this.store.put<RefreshRecord>(
      REFRESH,
      hash(refreshToken),
      { userId: user.id, familyId },
      { owner: familyId, ttlMs },
    );
    await this.store.put(FAMILIES, familyId, { userId: user.id }, { owner: user.id, ttlMs });
    return {
      tokenType: 'Bearer',
      accessToken,
      expiresIn: accessTtlSeconds,
      refreshToken,
      refreshExpiresIn: refreshTtlSeconds,
    };
  }

  /** Exchanges a refresh token for a new pair; a reused one revokes its family. */
  async rotate(
    refreshToken: string,
    loadUser: (id: string) => Promise<User | undefined>,
  ): Promise<TokenPair> {
    const key = hash(refreshToken);
    const record = await this.store.take<RefreshRecord>(REFRESH, key);
    if (!record) {
      const used = await this.store.get<RefreshRecord>(USED_REFRESH, key);
      if (used) {
        this.logger.warn(
          `A used refresh token was presented again: revoking its family (user ${used.userId})`,
        );
        await this.revokeFamily(used.familyId);
      }
      throw new Unauthenticated('The refresh token is invalid, expired or already used.');
    }
    const ttlMs = this.config.auth.refreshTtlSeconds * 1000;
    await this.store.put(USED_REFRESH, key, record, { ttlMs });
    if (await this.store.get(REVOKED_FAMILIES, record.familyId)) {
      throw new Unauthenticated('The refresh token was revoked.');
    }
    const user = await loadUser(record.userId);
    if (!user || user.disabled) throw new Unauthenticated('The account is disabled or deleted.');
    return this.issue(user, record.familyId);
  }

  /** Whether a login session was ended (its access tokens stop working on every replica). */
  async isEnded(familyId: string): Promise<boolean> {
    return (await this.store.get(REVOKED_FAMILIES, familyId)) !== undefined;
  }

  /** Logout: the token's family can no longer be refreshed. Unknown tokens are ignored. */
  async revoke(refreshToken: string): Promise<void> {
    const key = hash(refreshToken);
    const record =
      (await this.store.get<RefreshRecord>(REFRESH, key)) ??
      (await this.store.get<RefreshRecord>(USED_REFRESH, key));
    if (record) await this.revokeFamily(record.familyId);
  }

  async revokeAllFor(userId: string): Promise<void> {
    for (const family of await this.store.listByOwner(FAMILIES, userId))
      await this.revokeFamily(family.id);
  }

  eraseUserData(userId: string): Promise<void> {
    return this.revokeAllFor(userId);
  }

  private async revokeFamily(familyId: string): Promise<void> {
    const ttlMs = this.config.auth.refreshTtlSeconds * 1000;
    await this.store.put(
      REVOKED_FAMILIES,
      familyId,
      { revokedAt: new Date().toISOString() },
      { ttlMs },
    );
    await this.store.deleteByOwner(REFRESH, familyId);
    await this.store.delete(FAMILIES, familyId);
  }
}
