import { createHash } from 'node:crypto';
import { join } from 'node:path';
import {
  type KeywordMatches,
  type LexicalChange,
  type LexicalDocument,
  type LexicalHit,
  LexicalIndex,
  type SyncPoint,
} from '../lexical-index.port.js';
import { type LexicalIndexOptions, SqliteLexicalIndex } from './sqlite-lexical.index.js';

/** Statements all files keep at once, shared out among them. */
const STATEMENTS = 4_000;

/**
 * The keyword index spread over `count` SQLite files, each owner in one of them (by a hash of
 * the owner). Each owner has tables of its own, and SQLite reads its whole schema table for each
 * table created or dropped, so in one file a new owner cost time in proportion to all the others
 * (0.2 s at 6,000 owners, measured, with the event loop waiting: better-sqlite3 is synchronous).
 * Every method names its owner, and every transaction stays within one owner, so within one file.
 */
export class ShardedLexicalIndex extends LexicalIndex {
  private readonly files: SqliteLexicalIndex[];

  constructor(dir: string, count: number, options: LexicalIndexOptions = {}) {
    super();
    const maxStatements = Math.ceil(STATEMENTS / count);
    this.files = Array.from(
      { length: count },
      (_, i) =>
        new SqliteLexicalIndex(join(dir, `${i}.db`), undefined, { ...options, maxStatements }),
    );
  }

  private of(owner: string): SqliteLexicalIndex {
    const hash = createHash('sha256').update(owner).digest();
    return this.files[hash.readUInt32BE(0) % this.files.length]!;
  }

  apply(owner: string, change: LexicalChange, synced?: SyncPoint): Promise<void> {
    return this.of(owner).apply(owner, change, synced);
  }

  search(owner: string, terms: string[], limit: number): Promise<LexicalHit[]> {
    return this.of(owner).search(owner, terms, limit);
  }

  fullMatchScore(owner: string, terms: string[]): Promise<number> {
    return this.of(owner).fullMatchScore(owner, terms);
  }

  documentFrequencies(
    owner: string,
    terms: string[],
  ): ReturnType<LexicalIndex['documentFrequencies']> {
    return this.of(owner).documentFrequencies(owner, terms);
  }

  matches(owner: string, terms: string[]): Promise<KeywordMatches> {
    return this.of(owner).matches(owner, terms);
  }

  records(
    owner: string,
    ids: string[],
    options?: { embeddings?: boolean },
  ): ReturnType<LexicalIndex['records']> {
    return this.of(owner).records(owner, ids, options);
  }

  withContentHashes(
    owner: string,
    hashes: string[],
  ): ReturnType<LexicalIndex['withContentHashes']> {
    return this.of(owner).withContentHashes(owner, hashes);
  }

  page(owner: string, after: string | undefined, limit: number): ReturnType<LexicalIndex['page']> {
    return this.of(owner).page(owner, after, limit);
  }

  conversation(
    owner: string,
    thread: string,
    after: { at: number; id: string } | undefined,
    limit: number,
  ): ReturnType<LexicalIndex['conversation']> {
    return this.of(owner).conversation(owner, thread, after, limit);
  }

  saidWithin(
    owner: string,
    windows: Array<{ from: number; to: number }>,
    limit: number,
  ): Promise<string[]> {
    return this.of(owner).saidWithin(owner, windows, limit);
  }

  syncedGeneration(owner: string): Promise<SyncPoint | undefined> {
    return this.of(owner).syncedGeneration(owner);
  }

  rebuild(
    owner: string,
    pages: AsyncIterable<LexicalDocument[]>,
    synced: SyncPoint,
  ): Promise<number> {
    return this.of(owner).rebuild(owner, pages, synced);
  }

  drop(owner: string): Promise<void> {
    return this.of(owner).drop(owner);
  }

  close(): void {
    for (const file of this.files) file.close();
  }
}
