/** One stored document and its key. */
export interface Entry<T> {
  id: string;
  value: T;
}

export interface PutOptions {
  /** Groups entries for `listByOwner` (a user's sessions, a refresh-token family, ...). */
  owner?: string;
  /** The entry disappears after this long (reads treat it as absent at once). */
  ttlMs?: number;
}

export interface IncrementOptions {
  /**
   * The count survives the process stopping, however it stops, but may be lost if the machine
   * itself goes down before the store's next durable write (the SQLite file then skips the
   * fsync). For counters whose reader notices such a loss another way: the keyword index
   * distrusts itself after a reboot.
   */
  relaxed?: boolean;
}

/** One entry of a counter's change feed: `seq` is the counter's value it was recorded under. */
export interface FeedEntry<T> {
  seq: number;
  value: T;
}

export interface RecordOptions extends IncrementOptions {
  /** The feed keeps at least this many of its latest entries; older ones are dropped. */
  keep: number;
}

/**
 * Durable state shared by every replica: users, API keys, refresh tokens, sessions, locks.
 * Documents are JSON values in namespaces. Adapters: an embedded SQLite file (the default) and
 * Redis (several replicas). Both pass the same contract suite.
 */
export abstract class StateStore {
  /**
   * True when other replicas share this store (Redis): cross-replica locks and counters are then
   * needed. An SQLite file serves one service process, whose in-process locks suffice.
   */
  abstract readonly shared: boolean;
  abstract get<T>(namespace: string, id: string): Promise<T | undefined>;
  /** Creates or replaces. */
  abstract put<T>(namespace: string, id: string, value: T, options?: PutOptions): Promise<void>;
  /** Creates only if absent, atomically; false when the id was taken. */
  abstract insert<T>(
    namespace: string,
    id: string,
    value: T,
    options?: PutOptions,
  ): Promise<boolean>;
  /**
   * Adds one to a counter (absent counts as 0) in one atomic step and returns the new value.
   * Counters never expire; every replica sees the same sequence.
   */
  abstract increment(namespace: string, id: string, options?: IncrementOptions): Promise<number>;
  /**
   * Adds one to a counter, as `increment` does, and records `value` under the new count in the
   * counter's change feed, in one atomic step; returns the new count. A store no other replica
   * shares keeps no feed (its one process needs none) and only counts.
   */
  abstract record<T>(
    namespace: string,
    id: string,
    value: T,
    options: RecordOptions,
  ): Promise<number>;
  /**
   * A counter's value and up to `limit` of its feed entries recorded after `after`, oldest
   * first; undefined when this store keeps no feed. Entries the feed dropped are missing: the
   * first entry then comes later than `after + 1`. Feeds are not part of backups.
   */
  abstract readFeed<T>(
    namespace: string,
    id: string,
    after: number,
    limit: number,
  ): Promise<{ count: number; entries: FeedEntry<T>[] } | undefined>;
  /**
   * Counts one hit in a fixed window that opens with the first hit and lasts `windowMs`, in one
   * atomic step: the hits so far in this window and when it closes. Rate limits, so that every
   * replica counts against the same total. Windows are not part of backups.
   */
  abstract hit(
    namespace: string,
    id: string,
    windowMs: number,
  ): Promise<{ count: number; resetInMs: number }>;
  /** Reads and removes in one atomic step; undefined when absent (or someone else took it first). */
  abstract take<T>(namespace: string, id: string): Promise<T | undefined>;
  /** True when something was removed. */
  abstract delete(namespace: string, id: string): Promise<boolean>;
  abstract listByOwner<T>(namespace: string, owner: string): Promise<Entry<T>[]>;
  /** Removes every entry of an owner in a namespace; returns how many went. */
  abstract deleteByOwner(namespace: string, owner: string): Promise<number>;
  /** A page of a namespace in id order, after `after` when given. */
  abstract list<T>(namespace: string, page: { limit: number; after?: string }): Promise<Entry<T>[]>;
  /** Removes expired entries (Redis does it by itself); returns how many went. */
  abstract sweepExpired(): Promise<number>;
  /** Resolves when the store answers. */
  abstract ping(): Promise<void>;

  /** Every live entry, read a page at a time (backups). */
  abstract exportEntries(): AsyncIterable<StateEntry>;
  /** Writes an exported entry back as it was, expiry included (restores). */
  abstract importEntry(entry: StateEntry): Promise<void>;
  /** Removes every entry except those in the namespaces kept (restores that replace). */
  abstract clear(keepNamespaces: string[]): Promise<void>;
}

/** An entry as backups carry it. */
export interface StateEntry {
  namespace: string;
  id: string;
  owner?: string;
  value: unknown;
  /** Epoch milliseconds; absent for entries that do not expire. */
  expiresAt?: number;
}
