import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import type {
  Entry,
  FeedEntry,
  PutOptions,
  RecordOptions,
  StateEntry,
} from '../state-store.port.js';
import { StateStore } from '../state-store.port.js';
import { outagesAsUnavailable } from './outages-as-unavailable.js';

/** Reads the entry's JSON, adds one, writes it back without expiry and indexes the id (as `n`). */
const INCREMENT_STEPS = `
local raw = redis.call('GET', KEYS[1])
local n = 0
if raw then n = tonumber(cjson.decode(raw).value) or 0 end
n = n + 1
redis.call('SET', KEYS[1], cjson.encode({ value = n }))
redis.call('ZADD', KEYS[2], 0, ARGV[1])`;

/** INCREMENT_STEPS, atomically, answering the new count. */
const INCREMENT_SCRIPT = `${INCREMENT_STEPS}
return n`;

/**
 * INCREMENT_STEPS, then the value goes into the counter's stream under the new count as its id
 * (`<count>-0`), trimmed to about ARGV[2] entries. A stream whose last id is not below the count
 * (the counter was lost, the stream not) is started again: its readers see the count go back.
 */
const RECORD_SCRIPT = `${INCREMENT_STEPS}
local id = string.format('%d-0', n)
local added = redis.pcall('XADD', KEYS[3], 'MAXLEN', '~', ARGV[2], id, 'v', ARGV[3])
if type(added) == 'table' and added.err then
  redis.call('DEL', KEYS[3])
  redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[2], id, 'v', ARGV[3])
end
return n`;

const HIT_SCRIPT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) ttl = tonumber(ARGV[1]) end
return { n, ttl }`;

/**
 * State in Redis, for several replicas. Each entry is a string key `<prefix>:<ns>:<id>` holding
 * `{owner, value}`, with Redis' own expiry; `<prefix>:<ns>:~owner:<owner>` sets and a
 * `<prefix>:<ns>:~ids` sorted set index owners and id order. Index members whose entry expired are
 * skipped on read and pruned. A counter's change feed is a stream `<prefix>:<ns>:~feed:<id>`
 * whose entry ids are the counter's values.
 */
export class RedisStateStore extends StateStore {
  readonly shared = true;
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'ms',
  ) {
    super();
  }

  /**
   * A client that keeps reconnecting (ioredis' default: a pause growing to 2 s) however long
   * Redis is away; meanwhile each call fails after two tries, so requests answer 503 instead of
   * hanging, as BackendUnavailable (see outagesAsUnavailable): a 503, never a 500. Connection
   * errors are logged once each through the app's logger (else ioredis prints them itself, as
   * plain text).
   */
  static connect(url: string, prefix?: string): RedisStateStore {
    const redis = new Redis(url, {
      lazyConnect: false,
      maxRetriesPerRequest: 2,
      enableOfflineQueue: true,
    });
    const logger = new Logger('StateStore');
    const where = `Redis at ${new URL(url).host}`;
    let lastError: string | undefined;
    redis.on('error', (error: Error) => {
      if (error.message === lastError) return;
      lastError = error.message;
      logger.warn(`${where} does not answer (${error.message}); reconnecting`);
    });
    redis.on('ready', () => {
      if (lastError) logger.log(`${where} answers again`);
      lastError = undefined;
    });
    return outagesAsUnavailable(new RedisStateStore(redis, prefix), redis);
  }

  async get<T>(namespace: string, id: string): Promise<T | undefined> {
    const raw = await this.redis.get(this.key(namespace, id));
    return raw === null ? undefined : (JSON.parse(raw) as { value: T }).value;
  }

  async put<T>(namespace: string, id: string, value: T, options: PutOptions = {}): Promise<void> {
    const previous = await this.redis.get(this.key(namespace, id));
    const oldOwner =
      previous === null ? undefined : (JSON.parse(previous) as { owner?: string }).owner;
    const body = JSON.stringify({ owner: options.owner, value });
    const tx = this.redis.multi();
    if (options.ttlMs === undefined) tx.set(this.key(namespace, id), body);
    else tx.set(this.key(namespace, id), body, 'PX', Math.max(1, options.ttlMs));
    this.index(tx, namespace, id, options.owner);
    if (oldOwner && oldOwner !== options.owner) tx.srem(this.ownerKey(namespace, oldOwner), id);
    await tx.exec();
  }

  async insert<T>(
    namespace: string,
    id: string,
    value: T,
    options: PutOptions = {},
  ): Promise<boolean> {
    const body = JSON.stringify({ owner: options.owner, value });
    const set =
      options.ttlMs === undefined
        ? await this.redis.set(this.key(namespace, id), body, 'NX')
        : await this.redis.set(
            this.key(namespace, id),
            body,
            'PX',
            Math.max(1, options.ttlMs),
            'NX',
          );
    if (set !== 'OK') return false;
    const tx = this.redis.multi();
    this.index(tx, namespace, id, options.owner);
    await tx.exec();
    return true;
  }

  async hit(
    namespace: string,
    id: string,
    windowMs: number,
  ): Promise<{ count: number; resetInMs: number }> {
    // A plain counter under its own prefix: in no index, so never listed or backed up.
    const key = `${this.prefix}:~hits:${namespace}:${id}`;
    const [count, ttl] = (await this.redis.eval(
      HIT_SCRIPT,
      1,
      key,
      String(Math.max(1, windowMs)),
    )) as [number, number];
    return { count: Number(count), resetInMs: Number(ttl) };
  }

  /** Durability is Redis's own (its appendfsync setting), whatever the options. */
  async increment(namespace: string, id: string): Promise<number> {
    const value = await this.redis.eval(
      INCREMENT_SCRIPT,
      2,
      this.key(namespace, id),
      this.idsKey(namespace),
      id,
    );
    return Number(value);
  }

  async record<T>(
    namespace: string,
    id: string,
    value: T,
    options: RecordOptions,
  ): Promise<number> {
    const count = await this.redis.eval(
      RECORD_SCRIPT,
      3,
      this.key(namespace, id),
      this.idsKey(namespace),
      this.feedKey(namespace, id),
      id,
      String(Math.max(1, options.keep)),
      JSON.stringify(value),
    );
    return Number(count);
  }

  /** One round trip: the count and the entries after `after`, read together. */
  async readFeed<T>(
    namespace: string,
    id: string,
    after: number,
    limit: number,
  ): Promise<{ count: number; entries: FeedEntry<T>[] }> {
    const replies = await this.redis
      .multi()
      .get(this.key(namespace, id))
      .xrange(this.feedKey(namespace, id), `${after + 1}-0`, '+', 'COUNT', limit)
      .exec();
    const [counted, ranged] = replies ?? [];
    if (counted?.[0] || ranged?.[0]) throw counted?.[0] ?? ranged?.[0];
    const raw = counted?.[1] as string | null;
    const count = raw === null ? 0 : Number((JSON.parse(raw) as { value: unknown }).value) || 0;
    const rows = (ranged?.[1] ?? []) as Array<[string, string[]]>;
    return {
      count,
      entries: rows.map(([entryId, fields]) => ({
        seq: Number(entryId.slice(0, entryId.indexOf('-'))),
        value: JSON.parse(fields[fields.indexOf('v') + 1]!) as T,
      })),
    };
  }

  async take<T>(namespace: string, id: string): Promise<T | undefined> {
    const raw = await this.redis.getdel(this.key(namespace, id));
    if (raw === null) return undefined;
    const { owner, value } = JSON.parse(raw) as { owner?: string; value: T };
    await this.unindex(namespace, id, owner);
    return value;
  }

  async delete(namespace: string, id: string): Promise<boolean> {
    const raw = await this.redis.getdel(this.key(namespace, id));
    if (raw === null) return false;
    await this.unindex(namespace, id, (JSON.parse(raw) as { owner?: string }).owner);
    return true;
  }

  async listByOwner<T>(namespace: string, owner: string): Promise<Entry<T>[]> {
    const ids = (await this.redis.smembers(this.ownerKey(namespace, owner))).sort();
    const entries = await this.read<T>(namespace, ids);
    const gone = ids.filter((id) => !entries.some((e) => e.id === id));
    if (gone.length) await this.redis.srem(this.ownerKey(namespace, owner), ...gone);
    return entries;
  }

  async deleteByOwner(namespace: string, owner: string): Promise<number> {
    const ids = await this.redis.smembers(this.ownerKey(namespace, owner));
    if (ids.length === 0) return 0;
    const removed = await this.redis.del(...ids.map((id) => this.key(namespace, id)));
    await this.redis
      .multi()
      .zrem(this.idsKey(namespace), ...ids)
      .del(this.ownerKey(namespace, owner))
      .exec();
    return removed;
  }

  async list<T>(namespace: string, page: { limit: number; after?: string }): Promise<Entry<T>[]> {
    const entries: Entry<T>[] = [];
    let after = page.after;
    // Keep reading past index members whose entries expired until the page is full.
    while (entries.length < page.limit) {
      const min = after === undefined ? '-' : `(${after}`;
      const ids = await this.redis.zrangebylex(
        this.idsKey(namespace),
        min,
        '+',
        'LIMIT',
        0,
        page.limit,
      );
      if (ids.length === 0) break;
      const found = await this.read<T>(namespace, ids);
      const gone = ids.filter((id) => !found.some((e) => e.id === id));
      if (gone.length) await this.redis.zrem(this.idsKey(namespace), ...gone);
      entries.push(...found.slice(0, page.limit - entries.length));
      after = ids[ids.length - 1];
      if (ids.length < page.limit) break;
    }
    return entries;
  }

  async sweepExpired(): Promise<number> {
    return 0; // Redis expires keys itself; stale index members are pruned on read.
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  async *exportEntries(): AsyncIterable<StateEntry> {
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.prefix}:*`, 'COUNT', 500);
      cursor = next;
      const entryKeys = keys.filter((key) => !key.includes(':~')).sort();
      if (entryKeys.length === 0) continue;
      const tx = this.redis.multi();
      for (const key of entryKeys) tx.get(key).pttl(key);
      const replies = (await tx.exec()) ?? [];
      for (const [i, key] of entryKeys.entries()) {
        const raw = replies[i * 2]?.[1] as string | null;
        const ttl = replies[i * 2 + 1]?.[1] as number;
        if (raw === null || raw === undefined) continue; // expired meanwhile
        const rest = key.slice(this.prefix.length + 1);
        const split = rest.indexOf(':');
        const { owner, value } = JSON.parse(raw) as { owner?: string; value: unknown };
        yield {
          namespace: rest.slice(0, split),
          id: rest.slice(split + 1),
          ...(owner ? { owner } : {}),
          value,
          ...(ttl > 0 ? { expiresAt: Date.now() + ttl } : {}),
        };
      }
    } while (cursor !== '0');
  }

  async importEntry(entry: StateEntry): Promise<void> {
    const ttlMs = entry.expiresAt === undefined ? undefined : entry.expiresAt - Date.now();
    if (ttlMs !== undefined && ttlMs <= 0) return;
    await this.put(entry.namespace, entry.id, entry.value, { owner: entry.owner, ttlMs });
  }

  async clear(keepNamespaces: string[]): Promise<void> {
    const keep = keepNamespaces.map((ns) => `${this.prefix}:${ns}:`);
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.prefix}:*`, 'COUNT', 500);
      cursor = next;
      const doomed = keys.filter((key) => !keep.some((k) => key.startsWith(k)));
      if (doomed.length) await this.redis.del(...doomed);
    } while (cursor !== '0');
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private async read<T>(namespace: string, ids: string[]): Promise<Entry<T>[]> {
    if (ids.length === 0) return [];
    const raws = await this.redis.mget(ids.map((id) => this.key(namespace, id)));
    return ids.flatMap((id, i) => {
      const raw = raws[i];
      return raw == null ? [] : [{ id, value: (JSON.parse(raw) as { value: T }).value }];
    });
  }

  private index(
    tx: ReturnType<Redis['multi']>,
    namespace: string,
    id: string,
    owner?: string,
  ): void {
    tx.zadd(this.idsKey(namespace), 0, id);
    if (owner) tx.sadd(this.ownerKey(namespace, owner), id);
  }

  private async unindex(namespace: string, id: string, owner?: string): Promise<void> {
    const tx = this.redis.multi().zrem(this.idsKey(namespace), id);
    if (owner) tx.srem(this.ownerKey(namespace, owner), id);
    await tx.exec();
  }

  private key(namespace: string, id: string): string {
    return `${this.prefix}:${namespace}:${id}`;
  }

  private idsKey(namespace: string): string {
    return `${this.prefix}:${namespace}:~ids`;
  }

  private feedKey(namespace: string, id: string): string {
    return `${this.prefix}:${namespace}:~feed:${id}`;
  }

  private ownerKey(namespace: string, owner: string): string {
    return `${this.prefix}:${namespace}:~owner:${owner}`;
  }
}
