/** Flat metadata, as Chroma stores it. */
export type Metadata = Record<string, string | number | boolean>;

/**
 * Whose vectors, embedded by which model. The store derives the physical collection from it (and
 * for a subject, whose collections its account's other subjects share, the records that are its
 * own), so no caller can read or write outside a user's own space.
 */
export interface VectorScope {
  readonly userId: string;
  readonly model: string;
  readonly dimension: number;
}

export interface VectorRecord {
  id: string;
  document: string;
  embedding: number[];
  metadata: Metadata;
}

export interface StoredRecord {
  id: string;
  document: string;
  metadata: Metadata;
  /** Present only when asked for. */
  embedding?: number[];
}

export interface QueryMatch extends StoredRecord {
  /** Cosine distance: 0 is identical, 2 is opposite. */
  distance: number;
}

/** A Chroma-style filter: `{ key: value }`, `{ key: { $gte: n } }`, `{ $and: [...] }`. */
export type VectorFilter = Record<string, unknown>;

export interface PageRequest {
  limit: number;
  offset: number;
}

/** A collection as backups describe it. */
export interface CollectionInfo {
  name: string;
  model: string;
  dimension: number;
  count: number;
}

export interface ArchivedRecord {
  id: string;
  document: string;
  metadata: Metadata;
  embedding: number[];
}

export abstract class VectorStore {
  /** Where the store is, for log lines (e.g. "Chroma at chromadb:8000"): no credentials. */
  abstract readonly location: string;
  /** Adds records; ids must be new. */
  abstract add(scope: VectorScope, records: VectorRecord[]): Promise<void>;
  /**
   * Writes records over those with the same ids, or adds them. As in Chroma, metadata keys merge:
   * a key missing from the new metadata keeps its old value, so callers overwrite what they drop.
   */
  abstract upsert(scope: VectorScope, records: VectorRecord[]): Promise<void>;
  /** The records with these ids (those missing, or not matching `filter`, are left out). */
  abstract get(
    scope: VectorScope,
    ids: string[],
    options?: { embeddings?: boolean; filter?: VectorFilter },
  ): Promise<StoredRecord[]>;
  /** One page of the records matching `filter`, in the store's stable order. */
  abstract find(
    scope: VectorScope,
    filter: VectorFilter | undefined,
    page: PageRequest,
    options?: { embeddings?: boolean },
  ): Promise<StoredRecord[]>;
  /** The nearest records to `embedding`, nearest first. */
  abstract query(
    scope: VectorScope,
    embedding: number[],
    options: { limit: number; filter?: VectorFilter },
  ): Promise<QueryMatch[]>;
  /**
   * The ids and distances of the nearest records, nearest first, without their documents and
   * metadata: for a caller that holds copies of the records (Chroma reads each returned
   * record's metadata rows otherwise, the larger part of a small query's time).
   */
  abstract nearest(
    scope: VectorScope,
    embedding: number[],
    options: { limit: number; filter?: VectorFilter },
  ): Promise<Array<{ id: string; distance: number }>>;
  abstract delete(scope: VectorScope, ids: string[]): Promise<void>;
  /** How many records the scope holds (every status: what the user's storage holds). */
  abstract count(scope: VectorScope): Promise<number>;
  /** One page of the scope's ids, in the store's stable order (ids only: cheap to page). */
  abstract ids(scope: VectorScope, page: PageRequest): Promise<string[]>;
  /**
   * Removes everything stored for a memory space, in every embedding space: a user's with their
   * subjects' shared homes, a subject's own records from its home.
   */
  abstract deleteUserData(userId: string): Promise<void>;
  /** Resolves when the backend answers; throws BackendUnavailable otherwise. */
  abstract heartbeat(): Promise<void>;

  // Whole-store operations, for backups and restores only (never reachable from a user request).
  /** Every memory collection, with its embedding space and record count. */
  abstract listCollections(): Promise<CollectionInfo[]>;
  /** Every memory collection with its embedding space, not counted (one call per 100). */
  abstract listCollectionSpaces(): Promise<Array<Omit<CollectionInfo, 'count'>>>;
  /** One page of a collection's ids, in the store's stable order (ids only: cheap to page). */
  abstract readIds(name: string, page: PageRequest): Promise<string[]>;
  /** Records of a collection by id, embeddings included. */
  abstract readRecords(name: string, ids: string[]): Promise<ArchivedRecord[]>;
  /** Records of a collection by id without their vectors (cheaper: comparisons, existence). */
  abstract readEntries(name: string, ids: string[]): Promise<StoredRecord[]>;
  /** Upserts records into a collection, creating it (cosine space) if needed. */
  abstract writeCollection(
    info: Omit<CollectionInfo, 'count'>,
    records: ArchivedRecord[],
  ): Promise<void>;
  /** Drops a collection; one already gone is no error. */
  abstract dropCollection(name: string): Promise<void>;
  /** Whether a collection exists (a re-embedding tells a user erased meanwhile by its source). */
  abstract hasCollection(name: string): Promise<boolean>;
  /** Removes records of a collection by id (re-embedding reconciles its copy with them). */
  abstract deleteRecords(name: string, ids: string[]): Promise<void>;
  /**
   * The subject spaces (their userHashOf) a collection holds records of: none for a user's own
   * collection, every subject's in a shared home (a restore tells their keyword indexes).
   */
  abstract spacesIn(name: string): Promise<Set<string>>;
}
