import { type BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { KeyedMutex } from '@memory-system/core';
import { StateStore } from '@memory-system/state';
import {
  type Metadata,
  type StoredRecord,
  userHashOf,
  type VectorScope,
  VectorStore,
} from '@memory-system/vector';
import {
  DISTRUSTED,
  type IndexedRecord,
  type LexicalDocument,
  type LexicalHit,
  LexicalIndex,
} from './lexical-index.port.js';
import { analyze, queryTerms } from './text/analyzer.js';

/** Shared counter per owner in the state store: every write anywhere moves it on. */
export const LEXICAL_GENERATION = 'lexical-generation';
const REBUILD_PAGE = 1000;
const PROGRESS_EVERY = 50_000;

/** The owner key of a user: the same hash their Chroma collections are named by. */
export const lexicalOwner = userHashOf;

/** A memory as written to Chroma: the index keeps its words and a copy. */
export interface IndexedMemory {
  id: string;
  content: string;
  metadata: Metadata;
  embedding: number[];
}

export interface TextChange {
  upsert?: IndexedMemory[];
  delete?: string[];
}

const spaceOf = (scope: VectorScope) => `${scope.model}/${scope.dimension}`;

function toDocument(memory: IndexedMemory): LexicalDocument {
  return {
    id: memory.id,
    text: analyze(memory.content).join(' '),
    record: { document: memory.content, metadata: memory.metadata, embedding: memory.embedding },
  };
}

/**
 * Keyword search over a user's memories, kept in step with Chroma on every replica. Each write
 * moves a shared per-user generation (state store) on before it touches Chroma; a replica whose
 * local index is not at the shared generation (it missed a write by another replica, a restore,
 * or a crash between the Chroma write and its own), or holds copies from another vector space,
 * rebuilds that user's index from Chroma before it answers. A replica that applies a write
 * itself, in step before it, stays in step.
 */
@Injectable()
export class LexicalSearch implements BeforeApplicationShutdown {
  private readonly logger = new Logger(LexicalSearch.name);
  private readonly mutex = new KeyedMutex();
  /** Per user, the index update of the last write answered, while it is still to be applied. */
  private readonly applying = new Map<string, Promise<void>>();

  constructor(
    private readonly index: LexicalIndex,
    private readonly state: StateStore,
    private readonly store: VectorStore,
  ) {}

  /**
   * Runs `write` (the Chroma side of a change in `scope`) and applies it to the index too. The
   * caller has its answer as soon as Chroma has the change: the index follows a turn of the event
   * loop later (0.6-0.8 ms a write, measured, that no longer delays the answer), still under the
   * user's lock. Until then the index is behind the shared generation, which every reader checks,
   * so nothing stale is ever read; an index write that fails leaves it behind for good, and the
   * next reader rebuilds it from Chroma.
   */
  async write<T>(scope: VectorScope, change: TextChange, write: () => Promise<T>): Promise<T> {
    const owner = lexicalOwner(scope.userId);
    return new Promise<T>((answer, fail) => {
      void this.mutex
        .run(owner, async () => {
          const before = await this.index.syncedGeneration(owner);
          // Relaxed (no fsync): the count outlives a crash of the process, and when the machine
          // goes down the index distrusts itself anyway (SqliteLexicalIndex).
          const generation = await this.state.increment(LEXICAL_GENERATION, owner, {
            relaxed: true,
          });
          answer(await write());
          const inStep = before?.generation === generation - 1 && before.space === spaceOf(scope);
          // Registered before the caller resumes, so that no read of the index comes before it.
          await this.applyNext(
            owner,
            change,
            inStep ? { generation, space: spaceOf(scope) } : undefined,
          );
        })
        .catch(fail);
    });
  }

  /** The index side of a write, a turn of the event loop after its caller has answered. */
  private applyNext(
    owner: string,
    change: TextChange,
    synced: { generation: number; space: string } | undefined,
  ): Promise<void> {
    const applied = new Promise((next) => setImmediate(next))
      .then(() =>
        this.index.apply(
          owner,
          { upsert: change.upsert?.map(toDocument), delete: change.delete },
          synced,
        ),
      )
      .catch((error: Error) =>
        this.logger.warn(
          `Applying a write to the keyword index of user ${owner} failed (${error.message}); it is rebuilt from Chroma when next read`,
        ),
      )
      .finally(() => {
        if (this.applying.get(owner) === applied) this.applying.delete(owner);
      });
    this.applying.set(owner, applied);
    return applied;
  }

  /**
   * Waits for an index write still to be applied: a read in that moment would find the index
   * behind and ask Chroma instead (correct, but a round trip). Never called under the user's
   * lock (the write holds it until applied).
   */
  private async settled(owner: string): Promise<void> {
    await this.applying.get(owner);
  }

  /** Lets the index writes still in flight finish before the index is closed. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.applying.values());
  }

  /** The user's memories are gone (erasure): every replica's index for them goes too. */
  async erase(userId: string): Promise<void> {
    await this.changedElsewhere(lexicalOwner(userId));
  }

  /**
   * Marks an owner as changed behind the index's back (a restore or a re-embedding wrote Chroma
   * directly): every replica rebuilds it before its next search.
   */
  async changedElsewhere(owner: string): Promise<void> {
    await this.mutex.run(owner, async () => {
      await this.state.increment(LEXICAL_GENERATION, owner);
      await this.index.drop(owner);
    });
  }

  /** The best `limit` memories by BM25 for the query, best first (after catching up if needed). */
  async search(scope: VectorScope, query: string, limit: number): Promise<LexicalHit[]> {
    const owner = lexicalOwner(scope.userId);
    await this.settled(owner);
    await this.catchUp(owner, scope);
    return this.index.search(owner, queryTerms(query), limit);
  }

  /**
   * The copies of the user's records with these content hashes, when the index is in step with
   * every write every replica made (else undefined, and the caller asks Chroma: catching up here
   * would rebuild the user's index on every write another replica made). An index this replica
   * never built is built first, once: else a user who only writes would pay a Chroma lookup
   * (about 6 ms, measured) on every add until their first search.
   */
  async withContentHashes(
    scope: VectorScope,
    hashes: string[],
  ): Promise<StoredRecord[] | undefined> {
    const owner = lexicalOwner(scope.userId);
    await this.settled(owner);
    const synced = await this.index.syncedGeneration(owner);
    if (!synced || synced.generation === DISTRUSTED) await this.catchUp(owner, scope);
    if (!(await this.inStep(owner, scope))) return undefined;
    return this.index.withContentHashes(owner, hashes);
  }

  /**
   * A page of the user's records that pass `matches`, in id order after `after` (the index's
   * copies, after catching up): `more` says whether another page exists. Keyed by id, so a
   * delete or an add between pages neither skips nor repeats one, on any replica.
   */
  async page(
    scope: VectorScope,
    request: { after?: string; limit: number; matches: (metadata: Metadata) => boolean },
  ): Promise<{ records: StoredRecord[]; more: boolean }> {
    const owner = lexicalOwner(scope.userId);
    await this.settled(owner);
    await this.catchUp(owner, scope);
    const records: StoredRecord[] = [];
    const chunk = Math.max(100, request.limit * 2);
    for (let after = request.after; ;) {
      const rows = await this.index.page(owner, after, chunk);
      for (const row of rows) {
        if (!request.matches(row.metadata)) continue;
        if (records.length === request.limit) return { records, more: true };
        records.push(row);
      }
      if (rows.length < chunk) return { records, more: false };
      after = rows[rows.length - 1]!.id;
    }
  }

  /** What a memory that holds every query term once would score (see LexicalIndex). */
  fullMatchScore(scope: VectorScope, query: string): Promise<number> {
    return this.index.fullMatchScore(lexicalOwner(scope.userId), queryTerms(query));
  }

  /** BM25 of the named memories for the query; call after `search`, which caught up. */
  score(scope: VectorScope, query: string, ids: string[]): Promise<Map<string, number>> {
    return this.index.score(lexicalOwner(scope.userId), queryTerms(query), ids);
  }

  /**
   * How many times the user's memories changed, as every replica and process sees it (shared
   * state): a cache keyed by it never serves what was there before a write or a restore.
   */
  changes(userId: string): Promise<number> {
    return this.generation(lexicalOwner(userId));
  }

  /**
   * The index's copies of these records (without vectors unless asked); call after `search`,
   * which caught up, or after `isInStep`.
   */
  records(
    scope: VectorScope,
    ids: string[],
    options: { embeddings?: boolean } = {},
  ): Promise<Map<string, IndexedRecord>> {
    return this.index.records(lexicalOwner(scope.userId), ids, {
      embeddings: options.embeddings ?? false,
    });
  }

  /** Whether the user's index reflects every write every replica made, in the scope's space. */
  async isInStep(scope: VectorScope): Promise<boolean> {
    const owner = lexicalOwner(scope.userId);
    await this.settled(owner);
    return this.inStep(owner, scope);
  }

  private async inStep(owner: string, scope: VectorScope): Promise<boolean> {
    const synced = await this.index.syncedGeneration(owner);
    return synced?.generation === (await this.generation(owner)) && synced.space === spaceOf(scope);
  }

  private async catchUp(owner: string, scope: VectorScope): Promise<void> {
    if (await this.inStep(owner, scope)) return;
    await this.mutex.run(owner, async () => {
      if (await this.inStep(owner, scope)) return;
      const generation = await this.generation(owner);
      const started = Date.now();
      const count = await this.index.rebuild(owner, this.pagesOf(scope), {
        generation,
        space: spaceOf(scope),
      });
      this.logger.log(
        `Rebuilt the keyword index of user ${owner} from Chroma: ${count} memories in ${Date.now() - started} ms`,
      );
    });
  }

  private async generation(owner: string): Promise<number> {
    return (await this.state.get<number>(LEXICAL_GENERATION, owner)) ?? 0;
  }

  private async *pagesOf(scope: VectorScope): AsyncIterable<LexicalDocument[]> {
    for (let offset = 0; ; offset += REBUILD_PAGE) {
      const records = await this.store.find(
        scope,
        undefined,
        { limit: REBUILD_PAGE, offset },
        { embeddings: true },
      );
      yield records.map((record) =>
        toDocument({
          id: record.id,
          content: record.document,
          metadata: record.metadata,
          embedding: record.embedding ?? [],
        }),
      );
      if (records.length < REBUILD_PAGE) return;
      if ((offset + REBUILD_PAGE) % PROGRESS_EVERY === 0) {
        this.logger.log(`Rebuilding a keyword index: ${offset + REBUILD_PAGE} memories so far`);
      }
    }
  }
}
