import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  accountIdOf,
  AuditLog,
  type Caller,
  DEFAULT_KEY_SCOPES,
  Forbidden,
  LEGACY_KEY_SCOPES,
  NotFound,
  type Scope,
  SCOPES,
  type UserDataEraser,
} from '@memory-system/core';
import { StateStore } from '@memory-system/state';

const API_KEYS = 'api-keys';
const KEY_PATTERN = /^msk_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;

export interface StoredApiKey {
  userId: string;
  name: string;
  /** Absent on keys made before scopes existed (they carry LEGACY_KEY_SCOPES). */
  scopes?: Scope[];
  secretHash: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
}

export interface ApiKeyView {
  id: string;
  name: string;
  scopes: Scope[];
  /** The key's visible start, to tell keys apart; never enough to use it. */
  prefix: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
}

export interface CreatedApiKey extends ApiKeyView {
  /** Shown once, at creation; only its hash is stored. */
  key: string;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest();
const notFound = (id: string) =>
  new NotFound('API key not found', `No API key with id ${JSON.stringify(id)}.`);

/**
 * API keys for service clients (a chat UI, an agent): `msk_<id>_<secret>`. The id finds the
 * record; the secret is checked against its stored sha256 in constant time. Keys are random
 * 256-bit values, so a fast hash is safe here (unlike passwords).
 */
@Injectable()
export class ApiKeysService implements UserDataEraser {
  readonly name = 'API keys';
  /** Writing lastUsedAt on every request would turn reads into writes: once a minute is enough. */
  private static readonly LAST_USED_RESOLUTION_MS = 60_000;

  constructor(
    private readonly store: StateStore,
    private readonly audit: AuditLog,
  ) {}

  async create(
    caller: Caller,
    name: string,
    expiresInDays?: number,
    scopes: readonly Scope[] = DEFAULT_KEY_SCOPES,
  ): Promise<CreatedApiKey> {
    // A key never carries more than its creator holds (only an admin can hand out `admin`).
    const beyond = scopes.find((scope) => !caller.scopes.includes(scope));
    if (beyond) {
      throw new Forbidden(`You cannot give a key the scope ${beyond}: you do not hold it.`);
    }
    const id = randomUUID().replace(/-/g, '');
    const secret = randomBytes(32).toString('base64url');
    const now = new Date();
    const record: StoredApiKey = {
      userId: accountIdOf(caller),
      name,
      scopes: SCOPES.filter((scope) => scopes.includes(scope)),
      secretHash: sha256(secret).toString('hex'),
      createdAt: now.toISOString(),
      expiresAt: expiresInDays
        ? new Date(now.getTime() + expiresInDays * 86_400_000).toISOString()
        : null,
      lastUsedAt: null,
    };
    const ttlMs = expiresInDays ? expiresInDays * 86_400_000 : undefined;
    await this.store.put(API_KEYS, id, record, { owner: accountIdOf(caller), ttlMs });
    this.audit.record('api-key.created', {
      keyId: id,
      user: accountIdOf(caller),
      scopes: (record.scopes ?? []).join(' '),
    });
    return { ...view(id, record), key: `msk_${id}_${secret}` };
  }

  /** The caller's keys in id order, from after `after` (a user holds few: read whole, then cut). */
  async list(caller: Caller, page: { limit: number; after?: string }): Promise<ApiKeyView[]> {
    const entries = await this.store.listByOwner<StoredApiKey>(API_KEYS, accountIdOf(caller));
    return entries
      .map((entry) => view(entry.id, entry.value))
      .filter((key) => page.after === undefined || key.id > page.after)
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .slice(0, page.limit);
  }

  async revoke(caller: Caller, id: string): Promise<void> {
    const record = await this.store.get<StoredApiKey>(API_KEYS, id);
    if (!record || record.userId !== accountIdOf(caller)) throw notFound(id);
    await this.store.delete(API_KEYS, id);
    this.audit.record('api-key.revoked', { keyId: id, user: accountIdOf(caller) });
  }

  /** For administrators: every key (or one user's), with its owner; never a secret. */
  async listAll(userId?: string): Promise<Array<ApiKeyView & { userId: string }>> {
    if (userId) {
      return (await this.store.listByOwner<StoredApiKey>(API_KEYS, userId)).map((entry) => ({
        ...view(entry.id, entry.value),
        userId,
      }));
    }
    const keys: Array<ApiKeyView & { userId: string }> = [];
    for (let after: string | undefined; ;) {
      const page = await this.store.list<StoredApiKey>(API_KEYS, { limit: 500, after });
      keys.push(
        ...page.map((entry) => ({ ...view(entry.id, entry.value), userId: entry.value.userId })),
      );
      if (page.length < 500) return keys;
      after = page[page.length - 1]!.id;
    }
  }

  /** For administrators: revokes any user's key by its id. */
  async revokeById(id: string): Promise<void> {
    if (!(await this.store.delete(API_KEYS, id))) throw notFound(id);
    this.audit.record('api-key.revoked', { keyId: id, by: 'admin' });
  }

  /** The owner and scopes of a valid, unexpired key; undefined for anything else. */
  async authenticate(key: string): Promise<{ userId: string; scopes: Scope[] } | undefined> {
    const match = KEY_PATTERN.exec(key);
    if (!match) return undefined;
    const [, id, secret] = match as unknown as [string, string, string];
    const record = await this.store.get<StoredApiKey>(API_KEYS, id);
    if (!record) return undefined;
    if (!timingSafeEqual(sha256(secret), Buffer.from(record.secretHash, 'hex'))) return undefined;
    await this.touch(id, record);
    return { userId: record.userId, scopes: scopesOf(record) };
  }

  /** A user's stored keys as they are (hashes, not secrets): for a restore to carry over. */
  async storedKeysOf(userId: string): Promise<Array<{ id: string; record: StoredApiKey }>> {
    const entries = await this.store.listByOwner<StoredApiKey>(API_KEYS, userId);
    return entries.map((entry) => ({ id: entry.id, record: entry.value }));
  }

  /**
   * Makes `keys` the only keys of `userId` (a restore keeping current credentials): keys the
   * archive brought back but that are gone now stay gone; keys made since keep working.
   */
  async replaceKeysOf(
    userId: string,
    keys: Array<{ id: string; record: StoredApiKey }>,
  ): Promise<void> {
    await this.store.deleteByOwner(API_KEYS, userId);
    for (const { id, record } of keys) {
      const ttlMs = record.expiresAt ? Date.parse(record.expiresAt) - Date.now() : undefined;
      if (ttlMs !== undefined && ttlMs <= 0) continue;
      await this.store.put(API_KEYS, id, { ...record, userId }, { owner: userId, ttlMs });
    }
  }

  async eraseUserData(userId: string): Promise<void> {
    await this.store.deleteByOwner(API_KEYS, userId);
  }

  private async touch(id: string, record: StoredApiKey): Promise<void> {
    const last = record.lastUsedAt ? Date.parse(record.lastUsedAt) : 0;
    if (Date.now() - last < ApiKeysService.LAST_USED_RESOLUTION_MS) return;
    const ttlMs = record.expiresAt
      ? Math.max(1, Date.parse(record.expiresAt) - Date.now())
      : undefined;
    await this.store.put(
      API_KEYS,
      id,
      { ...record, lastUsedAt: new Date().toISOString() },
      { owner: record.userId, ttlMs },
    );
  }
}

function view(id: string, record: StoredApiKey): ApiKeyView {
  return {
    id,
    name: record.name,
    scopes: scopesOf(record),
    prefix: `msk_${id.slice(0, 8)}`,
    createdAt: record.createdAt,
    expiresAt: record.expiresAt,
    lastUsedAt: record.lastUsedAt,
  };
}

function scopesOf(record: StoredApiKey): Scope[] {
  return record.scopes ?? [...LEGACY_KEY_SCOPES];
}
