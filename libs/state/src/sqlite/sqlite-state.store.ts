import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type {
  Entry,
  FeedEntry,
  IncrementOptions,
  PutOptions,
  RecordOptions,
  StateEntry,
} from '../state-store.port.js';
import { StateStore } from '../state-store.port.js';

const EXPORT_PAGE = 500;

interface Row {
  id: string;
  value: string;
}

/**
 * The embedded default: one SQLite file in DATA_DIR, in WAL mode with synchronous=FULL, so a
 * write that returned survives a crash (a relaxed increment survives the process's). Expired
 * rows are invisible at once and swept later.
 */
export class SqliteStateStore extends StateStore {
  readonly shared = false;
  /**
   * Rate-limit windows of the one process this file serves: kept in memory, as a durable write
   * (fsync) per request would cost more than the limit protects.
   */
  private readonly hits = new Map<string, { count: number; resetsAt: number }>();
  private readonly db: Database.Database;
  private readonly statements;

  constructor(readonly file: string) {
    super();
    mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS state (
        namespace  TEXT NOT NULL,
        id         TEXT NOT NULL,
        owner      TEXT,
        value      TEXT NOT NULL,
        expires_at INTEGER,
        PRIMARY KEY (namespace, id)
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS state_owner ON state (namespace, owner) WHERE owner IS NOT NULL;
      CREATE INDEX IF NOT EXISTS state_expiry ON state (expires_at) WHERE expires_at IS NOT NULL;

    `);
    const live = '(expires_at IS NULL OR expires_at > @now)';
    this.statements = {
      get: this.db.prepare<{ namespace: string; id: string; now: number }, Row>(
        `SELECT id, value FROM state WHERE namespace = @namespace AND id = @id AND ${live}`,
      ),
      put: this.db.prepare(
        `INSERT INTO state (namespace, id, owner, value, expires_at) VALUES (@namespace, @id, @owner, @value, @expiresAt)
         ON CONFLICT (namespace, id) DO UPDATE SET owner = excluded.owner, value = excluded.value, expires_at = excluded.expires_at`,
      ),
      // An expired row counts as absent, so insert may take its place.
      insert: this.db.prepare(
        `INSERT INTO state (namespace, id, owner, value, expires_at) VALUES (@namespace, @id, @owner, @value, @expiresAt)
         ON CONFLICT (namespace, id) DO UPDATE SET owner = excluded.owner, value = excluded.value, expires_at = excluded.expires_at
         WHERE state.expires_at IS NOT NULL AND state.expires_at <= @now`,
      ),
      // A non-numeric or expired value restarts the count at 1.
      increment: this.db.prepare<{ namespace: string; id: string; now: number }, { value: string }>(
        `INSERT INTO state (namespace, id, owner, value, expires_at) VALUES (@namespace, @id, NULL, '1', NULL)
         ON CONFLICT (namespace, id) DO UPDATE SET
           value = CASE WHEN state.expires_at IS NULL OR state.expires_at > @now
                        THEN CAST(coalesce(CAST(state.value AS INTEGER), 0) + 1 AS TEXT) ELSE '1' END,
           expires_at = NULL
         RETURNING value`,
      ),
      syncNormal: this.db.prepare('PRAGMA synchronous = NORMAL'),
      syncFull: this.db.prepare('PRAGMA synchronous = FULL'),
      take: this.db.prepare<
        { namespace: string; id: string; now: number },
        { value: string; expires_at: number | null }
      >(`DELETE FROM state WHERE namespace = @namespace AND id = @id RETURNING value, expires_at`),
      delete: this.db.prepare(
        `DELETE FROM state WHERE namespace = @namespace AND id = @id AND ${live}`,
      ),
      byOwner: this.db.prepare<{ namespace: string; owner: string; now: number }, Row>(
        `SELECT id, value FROM state WHERE namespace = @namespace AND owner = @owner AND ${live} ORDER BY id`,
      ),
      list: this.db.prepare<{ namespace: string; after: string; limit: number; now: number }, Row>(
        `SELECT id, value FROM state WHERE namespace = @namespace AND id > @after AND ${live} ORDER BY id LIMIT @limit`,
      ),
      sweep: this.db.prepare(
        `DELETE FROM state WHERE expires_at IS NOT NULL AND expires_at <= @now`,
      ),
      exportPage: this.db.prepare<
        { namespace: string; id: string; now: number; limit: number },
        {
          namespace: string;
          id: string;
          owner: string | null;
          value: string;
          expires_at: number | null;
        }
      >(
        `SELECT namespace, id, owner, value, expires_at FROM state
         WHERE (namespace, id) > (@namespace, @id) AND ${live} ORDER BY namespace, id LIMIT @limit`,
      ),
      deleteByOwner: this.db.prepare(
        `DELETE FROM state WHERE namespace = @namespace AND owner = @owner AND ${live}`,
      ),
      clear: this.db.prepare(
        `DELETE FROM state WHERE namespace NOT IN (SELECT value FROM json_each(@keep))`,
      ),
    };
  }

  async get<T>(namespace: string, id: string): Promise<T | undefined> {
    const row = this.statements.get.get({ namespace, id, now: Date.now() });
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  async put<T>(namespace: string, id: string, value: T, options: PutOptions = {}): Promise<void> {
    this.statements.put.run(this.row(namespace, id, value, options));
  }

  async insert<T>(
    namespace: string,
    id: string,
    value: T,
    options: PutOptions = {},
  ): Promise<boolean> {
    return (
      this.statements.insert.run({ ...this.row(namespace, id, value, options), now: Date.now() })
        .changes > 0
    );
  }

  async hit(
    namespace: string,
    id: string,
    windowMs: number,
  ): Promise<{ count: number; resetInMs: number }> {
    const now = Date.now();
    const key = `${namespace}\u0000${id}`;
    const window = this.hits.get(key);
    const current =
      window && window.resetsAt > now
        ? { count: window.count + 1, resetsAt: window.resetsAt }
        : { count: 1, resetsAt: now + Math.max(1, windowMs) };
    this.hits.set(key, current);
    return { count: current.count, resetInMs: current.resetsAt - now };
  }

  async increment(namespace: string, id: string, options?: IncrementOptions): Promise<number> {
    const count = () =>
      Number(this.statements.increment.get({ namespace, id, now: Date.now() })!.value);
    if (!options?.relaxed) return count();
    // WAL without the fsync for this one commit (0.4-1.1 ms a write, measured): the commit is in
    // the log, which outlives the process; the next durable commit syncs it with its own.
    this.statements.syncNormal.run();
    try {
      return count();
    } finally {
      this.statements.syncFull.run();
    }
  }

  /** One process serves this file: it keeps no feed, and only counts. */
  async record<T>(
    namespace: string,
    id: string,
    _value: T,
    options: RecordOptions,
  ): Promise<number> {
    return this.increment(namespace, id, options);
  }

  async readFeed<T>(): Promise<{ count: number; entries: FeedEntry<T>[] } | undefined> {
    return undefined;
  }

  async take<T>(namespace: string, id: string): Promise<T | undefined> {
    const row = this.statements.take.get({ namespace, id, now: Date.now() });
    if (!row || (row.expires_at !== null && row.expires_at <= Date.now())) return undefined;
    return JSON.parse(row.value) as T;
  }

  async delete(namespace: string, id: string): Promise<boolean> {
    return this.statements.delete.run({ namespace, id, now: Date.now() }).changes > 0;
  }

  async listByOwner<T>(namespace: string, owner: string): Promise<Entry<T>[]> {
    return this.statements.byOwner.all({ namespace, owner, now: Date.now() }).map(toEntry<T>);
  }

  async deleteByOwner(namespace: string, owner: string): Promise<number> {
    return this.statements.deleteByOwner.run({ namespace, owner, now: Date.now() }).changes;
  }

  async list<T>(namespace: string, page: { limit: number; after?: string }): Promise<Entry<T>[]> {
    return this.statements.list
      .all({ namespace, after: page.after ?? '', limit: page.limit, now: Date.now() })
      .map(toEntry<T>);
  }

  async sweepExpired(): Promise<number> {
    const now = Date.now();
    for (const [key, window] of this.hits) if (window.resetsAt <= now) this.hits.delete(key);
    return this.statements.sweep.run({ now }).changes;
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async *exportEntries(): AsyncIterable<StateEntry> {
    let after = { namespace: '', id: '' };
    for (;;) {
      const rows = this.statements.exportPage.all({
        ...after,
        now: Date.now(),
        limit: EXPORT_PAGE,
      });
      for (const row of rows) {
        yield {
          namespace: row.namespace,
          id: row.id,
          ...(row.owner === null ? {} : { owner: row.owner }),
          value: JSON.parse(row.value) as unknown,
          ...(row.expires_at === null ? {} : { expiresAt: row.expires_at }),
        };
      }
      if (rows.length < EXPORT_PAGE) return;
      after = rows[rows.length - 1]!;
    }
  }

  async importEntry(entry: StateEntry): Promise<void> {
    this.statements.put.run({
      namespace: entry.namespace,
      id: entry.id,
      owner: entry.owner ?? null,
      value: JSON.stringify(entry.value),
      expiresAt: entry.expiresAt ?? null,
    });
  }

  async clear(keepNamespaces: string[]): Promise<void> {
    this.statements.clear.run({ keep: JSON.stringify(keepNamespaces) });
  }

  close(): void {
    this.db.close();
  }

  private row<T>(namespace: string, id: string, value: T, options: PutOptions) {
    return {
      namespace,
      id,
      owner: options.owner ?? null,
      value: JSON.stringify(value),
      expiresAt: options.ttlMs === undefined ? null : Date.now() + options.ttlMs,
    };
  }
}

function toEntry<T>(row: Row): Entry<T> {
  return { id: row.id, value: JSON.parse(row.value) as T };
}
