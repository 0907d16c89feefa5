import type { ThreadPosition } from './signals/conversation-thread.js';

/** A memory as the lexical index holds it: its analysed words, and a copy of the record. */
export interface LexicalDocument {
  id: string;
  /** The analysed words BM25 ranks by. */
  text: string;
  /** The record as Chroma has it, so a keyword hit needs no round trip to Chroma. */
  record: IndexedRecord;
  /** Its place in a conversation, whose neighbouring messages lend it their words. */
  thread?: ThreadPosition;
}

export interface IndexedRecord {
  document: string;
  metadata: Record<string, string | number | boolean>;
  /**
   * The vector in the space the owner is served from; read back as a view of the stored
   * float32s (copying them into an array was a third of a hybrid search's record reads).
   */
  embedding: ArrayLike<number>;
}

/** A document that matched, with its BM25 score (higher is better; 0 means no term matched). */
export interface LexicalHit {
  id: string;
  score: number;
}

/**
 * Every document holding one of a query's terms, with its BM25. Ids are read only for the
 * documents asked about: most matches are only compared, and reading the id of each (from the
 * table that holds the records) was a third of the work.
 */
export interface KeywordMatches {
  /** The `limit` best, best first (equal scores in the order the documents were indexed). */
  best(limit: number): Promise<LexicalHit[]>;
  /** The BM25 of each named document that matched (one that did not is left out). */
  scoresOf(ids: string[]): Promise<Map<string, number>>;
}

/** What one write changes in an owner's index. */
export interface LexicalChange {
  upsert?: LexicalDocument[];
  delete?: string[];
}

/**
 * Writes another replica announced and has not finished yet, by the feed position of their
 * announcement: the ids each touches, and when it began (epoch ms).
 */
export type PendingWrites = Record<string, { ids: string[]; at: number }>;

/** Where an owner's index stands: the shared generation it reflects, in which vector space. */
export interface SyncPoint {
  generation: number;
  space: string;
  /** Writes begun up to `generation` whose outcome the index has still to read. */
  pending?: PendingWrites;
}

/**
 * A keyword (BM25) index per owner (a user, by the hash of their id), with a copy of each record
 * so that keyword candidates need no second round trip to Chroma. Each owner's statistics
 * (document frequencies, average length) are their own, so one user's memories never shape
 * another's scores. The index is derived data: Chroma stays the source of truth, and
 * `LexicalSearch` rebuilds an owner from it whenever the index may have missed a write.
 */
/** The generation of an index the machine may have lost writes of: it is rebuilt when used. */
export const DISTRUSTED = -1;

export abstract class LexicalIndex {
  /**
   * Applies a change in one step; with `generation`, also records that the owner's index now
   * reflects every write up to that shared generation.
   */
  abstract apply(owner: string, change: LexicalChange, synced?: SyncPoint): Promise<void>;
  /** The best `limit` documents for any of the analysed `terms`, best first. */
  abstract search(owner: string, terms: string[], limit: number): Promise<LexicalHit[]>;
  /**
   * The BM25 of a document of average length that holds each of the analysed `terms` once: the
   * sum of their IDFs (a term the owner never used counts at its highest), so a score read
   * against it says how much of the query a document matches, not only how it compares with
   * the best match. 0 when there are no terms.
   */
  abstract fullMatchScore(owner: string, terms: string[]): Promise<number>;
  /**
   * How many documents the owner's index holds, and how many hold each of the analysed terms
   * (as FTS5 matches them, stemmed).
   */
  abstract documentFrequencies(
    owner: string,
    terms: string[],
  ): Promise<{ documents: number; frequencies: Map<string, number> }>;
  /**
   * Every document holding one of the analysed `terms`, with its BM25: one pass over the terms'
   * matches, for terms known to be selective (its cost grows with the matches).
   */
  abstract matches(owner: string, terms: string[]): Promise<KeywordMatches>;
  /**
   * The stored copies of the named records (those it does not hold are left out); without
   * `embeddings`, their vectors are left empty (decoding them is most of the work).
   */
  abstract records(
    owner: string,
    ids: string[],
    options?: { embeddings?: boolean },
  ): Promise<Map<string, IndexedRecord>>;
  /**
   * The copies whose metadata `contentHash` is one of `hashes` (the duplicate check of a write,
   * without a round trip to Chroma).
   */
  abstract withContentHashes(
    owner: string,
    hashes: string[],
  ): Promise<Array<{ id: string } & Omit<IndexedRecord, 'embedding'>>>;
  /**
   * Up to `limit` records in id order, after `after` when given (without their vectors): pages
   * keyed by id neither skip nor repeat a record when others are added or deleted meanwhile.
   */
  abstract page(
    owner: string,
    after: string | undefined,
    limit: number,
  ): Promise<Array<{ id: string } & Omit<IndexedRecord, 'embedding'>>>;
  /**
   * Up to `limit` records of one conversation in the order said (occurredAt, then id), after
   * the position `after` when given (without their vectors).
   */
  abstract conversation(
    owner: string,
    thread: string,
    after: { at: number; id: string } | undefined,
    limit: number,
  ): Promise<Array<{ id: string; at: number } & Omit<IndexedRecord, 'embedding'>>>;
  /**
   * Up to `limit` ids of documents said (occurredAt, else createdAt) within any of the windows
   * [from, to), the latest first: the date lane of a query that names a time.
   */
  abstract saidWithin(
    owner: string,
    windows: Array<{ from: number; to: number }>,
    limit: number,
  ): Promise<string[]>;
  /**
   * The shared generation the owner's index was last in step with, and the vector space its
   * copies are in; undefined if never built, DISTRUSTED if built before the machine restarted.
   */
  abstract syncedGeneration(owner: string): Promise<SyncPoint | undefined>;
  /**
   * Replaces the owner's index with documents streamed in pages (the old one answers until the
   * new one is whole), and records the generation it reflects.
   */
  abstract rebuild(
    owner: string,
    pages: AsyncIterable<LexicalDocument[]>,
    synced: SyncPoint,
  ): Promise<number>;
  /** Forgets the owner entirely. */
  abstract drop(owner: string): Promise<void>;
}
