import { type BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { AppConfig, KeyedMutex, Metrics } from '@memory-system/core';
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
  type KeywordMatches,
  type LexicalChange,
  type LexicalDocument,
  type LexicalHit,
  LexicalIndex,
  type PendingWrites,
  type SyncPoint,
} from './lexical-index.port.js';
import { threadPositionOf } from './signals/conversation-thread.js';
import { analyze, queryTerms } from './text/analyzer.js';

/** A query as its text, or as the analysed terms to rank by (see `selectiveTerms`). */
export type LexicalQuery = string | string[];
const termsOf = (query: LexicalQuery) => (typeof query === 'string' ? queryTerms(query) : query);

/**
 * A term held by more documents than this is left out of hybrid search's keyword side (see
 * `selectiveTerms`): the larger of a share of the owner's documents and a floor, so that small
 * indexes keep every term.
 */
const COMMON_TERM_SHARE = 0.05;
const COMMON_TERM_FLOOR = 1_000;

/**
 * Shared counter per owner in the state store: every write anywhere moves it on, and with Redis
 * records what it touches in the owner's change feed under the new value.
 */
export const LEXICAL_GENERATION = 'lexical-generation';
const REBUILD_PAGE = 1000;
const PROGRESS_EVERY = 50_000;
/** Feed entries read at a time, and ids re-read from Chroma at a time. */
const FEED_PAGE = 1000;
/**
 * A write announced this long ago with no outcome in the feed is taken as lost with its replica
 * (killed between Chroma and the feed): its ids are re-read from Chroma as they are.
 */
export const ABANDONED_WRITE_MS = 5 * 60_000;

/**
 * What the change feed says about one write: `begin` before it touches Chroma, `end` once it
 * finished (whatever its outcome: a reader re-reads the ids from Chroma), `reset` when the
 * owner's memories changed wholesale (restore, re-embedding, erasure).
 */
export type FeedNote =
  | { kind: 'begin'; ids: string[]; at: number }
  | { kind: 'end'; ids: string[]; of: number }
  | { kind: 'reset' };

type RebuildReason = 'new' | 'behind' | 'replaced' | 'no_feed' | 'space' | 'distrusted';

const REBUILD_REASONS: Record<RebuildReason, string> = {
  new: 'first use on this replica',
  behind: 'it fell behind what the change feed holds',
  replaced: 'the memories were replaced (restore, re-embedding or erasure)',
  no_feed: 'a write it missed, with no change feed to read it from',
  space: 'another embedding space',
  distrusted: 'the machine restarted since it was written',
};

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
    thread: threadPositionOf(memory.metadata),
  };
}

/**
 * Keyword search over a user's memories, kept in step with Chroma on every replica. Each write
 * records itself in the shared state store before it touches Chroma (`begin`) and after
 * (`end`), each time moving a per-user generation on; with Redis the notes form the user's
 * change feed (a stream). A replica whose index is behind the generation reads the feed from
 * where it stopped and re-reads only the ids named there from Chroma; a whole rebuild happens
 * only when it fell behind what the feed still holds (or has no feed: one process on SQLite),
 * on first use, after a restore or re-embedding, or when its copies are from another vector
 * space. A replica that applies a write itself, in step before it, stays in step.
 */
@Injectable()
export class LexicalSearch implements BeforeApplicationShutdown {
  private readonly logger = new Logger(LexicalSearch.name);
  private readonly mutex = new KeyedMutex();
  /** Per user, the index update of the last write answered, while it is still to be applied. */
  private readonly applying = new Map<string, Promise<void>>();
  private readonly feedLength: number;

  constructor(
    private readonly index: LexicalIndex,
    private readonly state: StateStore,
    private readonly store: VectorStore,
    private readonly metrics: Metrics,
    config: AppConfig,
  ) {
    this.feedLength = config.redis.lexicalFeedLength;
  }

  /**
   * Runs `write` (the Chroma side of a change in `scope`) and applies it to the index too. The
   * caller has its answer once Chroma has the change and the feed says so, so that a search on
   * any replica right after sees it; this replica's index follows a turn of the event loop later
   * (0.6-0.8 ms a write, measured, that no longer delays the answer), still under the user's
   * lock. Until then the index is behind the shared generation, which every reader checks, so
   * nothing stale is ever read; an index write that fails leaves it behind, and the next reader
   * catches up from the feed.
   */
  async write<T>(scope: VectorScope, change: TextChange, write: () => Promise<T>): Promise<T> {
    const owner = lexicalOwner(scope.userId);
    const ids = [...(change.delete ?? []), ...(change.upsert ?? []).map((m) => m.id)];
    return new Promise<T>((answer, fail) => {
      void this.mutex
        .run(owner, async () => {
          const before = await this.index.syncedGeneration(owner);
          const begun = await this.note(owner, { kind: 'begin', ids, at: Date.now() });
          let outcome: { value: T } | { error: unknown };
          try {
            outcome = { value: await write() };
          } catch (error) {
            outcome = { error };
          }
          // Whatever Chroma did (a failed batch may be half written), readers re-read these ids.
          const ended = await this.note(owner, { kind: 'end', ids, of: begun });
          if ('error' in outcome) throw outcome.error;
          answer(outcome.value);
          const inStep =
            before?.generation === begun - 1 &&
            ended === begun + 1 &&
            before.space === spaceOf(scope);
          // Registered before the caller resumes, so that no read of the index comes before it.
          await this.applyNext(
            owner,
            change,
            inStep ? { ...before, generation: ended } : undefined,
          );
        })
        .catch(fail);
    });
  }

  /** Moves the owner's generation on, recording the note in its feed (relaxed: see below). */
  private note(owner: string, note: FeedNote): Promise<number> {
    // Relaxed (no fsync on SQLite): the count outlives a crash of the process, and when the
    // machine goes down the index distrusts itself anyway (SqliteLexicalIndex).
    return this.state.record(LEXICAL_GENERATION, owner, note, {
      keep: this.feedLength,
      relaxed: note.kind !== 'reset',
    });
  }

  /** The index side of a write, a turn of the event loop after its caller has answered. */
  private applyNext(
    owner: string,
    change: TextChange,
    synced: SyncPoint | undefined,
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
          `Applying a write to the keyword index of user ${owner} failed (${error.message}); it catches up when next read`,
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
   * behind and catch up from the feed instead (correct, but a round trip). Never called under
   * the user's lock (the write holds it until applied).
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
      await this.note(owner, { kind: 'reset' });
      await this.index.drop(owner);
    });
  }

  /** The best `limit` memories by BM25 for the query, best first (after catching up if needed). */
  async search(scope: VectorScope, query: LexicalQuery, limit: number): Promise<LexicalHit[]> {
    const owner = lexicalOwner(scope.userId);
    await this.settled(owner);
    await this.catchUp(owner, scope);
    return this.index.search(owner, termsOf(query), limit);
  }

  /**
   * The query's terms that are selective enough to rank by when another signal proposes
   * candidates too (hybrid search): the rarest first, as long as the memories they match
   * together stay within max(1,000, 5 %) of the user's memories. The cost of a keyword search
   * grows with the memories its terms match (at 10,000 memories of dense text, 12 ms beside a
   * 6 ms vector query, measured), and the terms left out are the commonest: their IDF is a
   * fraction of a rare term's (FTS5 counts one held by half the memories as nothing). Small
   * indexes keep every term. Call after `search` or `isInStep`.
   */
  async selectiveTerms(scope: VectorScope, query: string): Promise<string[]> {
    const terms = queryTerms(query);
    if (terms.length === 0) return terms;
    const owner = lexicalOwner(scope.userId);
    await this.settled(owner);
    await this.catchUp(owner, scope);
    const { documents, frequencies } = await this.index.documentFrequencies(owner, terms);
    // The rarest terms first, as long as the memories they match together stay in the budget.
    const budget = Math.max(COMMON_TERM_FLOOR, COMMON_TERM_SHARE * documents);
    const kept = new Set<string>();
    let matched = 0;
    for (const term of [...terms].sort((a, b) => frequencies.get(a)! - frequencies.get(b)!)) {
      matched += frequencies.get(term) ?? 0;
      if (matched > budget) break;
      kept.add(term);
    }
    return terms.filter((term) => kept.has(term));
  }

  /**
   * The copies of the user's records with these content hashes, when the index is in step with
   * every write every replica made, after catching up from the feed (else undefined, and the
   * caller asks Chroma: a whole rebuild is not worth one duplicate check). An index this replica
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
    const rebuild = !synced || synced.generation === DISTRUSTED;
    if (!(await this.catchUp(owner, scope, { rebuild }))) return undefined;
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

  /** Memories said within the windows, latest first; call after `search`, which caught up. */
  saidWithin(
    scope: VectorScope,
    windows: Array<{ from: number; to: number }>,
    limit: number,
  ): Promise<string[]> {
    return this.index.saidWithin(lexicalOwner(scope.userId), windows, limit);
  }

  /**
   * One conversation's memories in the order said, after a position (the index's copies,
   * after catching up).
   */
  async conversation(
    scope: VectorScope,
    thread: string,
    after: { at: number; id: string } | undefined,
    limit: number,
  ): Promise<Array<StoredRecord & { at: number }>> {
    const owner = lexicalOwner(scope.userId);
    await this.settled(owner);
    await this.catchUp(owner, scope);
    return this.index.conversation(owner, thread, after, limit);
  }

  /** What a memory that holds every query term once would score (see LexicalIndex). */
  fullMatchScore(scope: VectorScope, query: LexicalQuery): Promise<number> {
    return this.index.fullMatchScore(lexicalOwner(scope.userId), termsOf(query));
  }

  /**
   * Every memory holding one of the terms, with its BM25; for the terms `selectiveTerms` chose
   * (which caught up), whose matches it bounds.
   */
  matches(scope: VectorScope, terms: string[]): Promise<KeywordMatches> {
    return this.index.matches(lexicalOwner(scope.userId), terms);
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

  /**
   * Whether the user's index reflects every write every replica made, in the scope's space,
   * after catching up from the feed (never by a whole rebuild).
   */
  async isInStep(scope: VectorScope): Promise<boolean> {
    const owner = lexicalOwner(scope.userId);
    await this.settled(owner);
    return this.catchUp(owner, scope, { rebuild: false });
  }

  /**
   * Brings the owner's index up to the shared generation: from the feed when it can, else (when
   * `rebuild`) whole from Chroma. True when in step. In step is one read of the generation.
   */
  private async catchUp(
    owner: string,
    scope: VectorScope,
    { rebuild = true }: { rebuild?: boolean } = {},
  ): Promise<boolean> {
    const synced = await this.index.syncedGeneration(owner);
    if (
      synced &&
      usable(synced, scope) &&
      !abandoned(synced.pending) &&
      synced.generation === (await this.generation(owner))
    ) {
      return true;
    }
    return this.mutex.run(owner, () => this.catchUpLocked(owner, scope, rebuild));
  }

  private async catchUpLocked(
    owner: string,
    scope: VectorScope,
    rebuild: boolean,
  ): Promise<boolean> {
    const whole = async (reason: RebuildReason) => {
      if (!rebuild) return false;
      await this.rebuild(owner, scope, reason);
      return true;
    };
    // Timed only when it applies feed entries: the cost a foreign write adds to a read.
    const started = performance.now();
    let applied = 0;
    const caughtUp = () => {
      if (applied > 0) {
        this.metrics.keywordIndexCatchUpDuration.observe((performance.now() - started) / 1000);
      }
      return true;
    };
    for (;;) {
      const synced = await this.index.syncedGeneration(owner);
      if (!synced) return whole('new');
      if (synced.generation === DISTRUSTED) return whole('distrusted');
      if (synced.space !== spaceOf(scope)) return whole('space');
      const feed = await this.state.readFeed<FeedNote>(
        LEXICAL_GENERATION,
        owner,
        synced.generation,
        FEED_PAGE,
      );
      if (!feed) {
        return (await this.generation(owner)) === synced.generation || whole('no_feed');
      }
      const { count, entries } = feed;
      if (count === synced.generation && !abandoned(synced.pending)) return caughtUp();
      // The count went back (Redis lost it) or entries after ours were dropped: the feed cannot
      // say what this index missed.
      if (count < synced.generation) return whole('behind');
      if (count > synced.generation && entries[0]?.seq !== synced.generation + 1) {
        return whole('behind');
      }
      if (entries.some((entry) => entry.value.kind === 'reset')) return whole('replaced');
      const pending: PendingWrites = { ...synced.pending };
      const reread = new Set<string>();
      for (const { seq, value } of entries) {
        if (value.kind === 'begin') pending[seq] = { ids: value.ids, at: value.at };
        else if (value.kind === 'end') {
          delete pending[value.of];
          for (const id of value.ids) reread.add(id);
        }
      }
      for (const [seq, write] of Object.entries(pending)) {
        if (!abandoned({ [seq]: write })) continue;
        for (const id of write.ids) reread.add(id);
        delete pending[seq];
      }
      const generation = entries.at(-1)?.seq ?? synced.generation;
      await this.index.apply(owner, await this.reread(scope, [...reread]), {
        generation,
        space: synced.space,
        pending,
      });
      this.metrics.keywordIndexFeedEntries.inc(entries.length);
      applied += entries.length;
      if (entries.length < FEED_PAGE) return caughtUp();
    }
  }

  /** The records as Chroma holds them now: present ones are upserted, missing ones deleted. */
  private async reread(scope: VectorScope, ids: string[]): Promise<LexicalChange> {
    const upsert: LexicalDocument[] = [];
    const found = new Set<string>();
    for (let i = 0; i < ids.length; i += FEED_PAGE) {
      const records = await this.store.get(scope, ids.slice(i, i + FEED_PAGE), {
        embeddings: true,
      });
      for (const record of records) {
        found.add(record.id);
        upsert.push(
          toDocument({
            id: record.id,
            content: record.document,
            metadata: record.metadata,
            embedding: record.embedding ?? [],
          }),
        );
      }
    }
    return { upsert, delete: ids.filter((id) => !found.has(id)) };
  }

  /** Builds the owner's index whole from Chroma, at the generation read before it starts. */
  private async rebuild(owner: string, scope: VectorScope, reason: RebuildReason): Promise<void> {
    // Writes that end after this read are applied from the feed afterwards.
    const generation = await this.generation(owner);
    const started = Date.now();
    const count = await this.index.rebuild(owner, this.pagesOf(scope), {
      generation,
      space: spaceOf(scope),
      pending: {},
    });
    this.metrics.keywordIndexRebuilds.inc({ reason });
    this.logger.log(
      `Rebuilt the keyword index of user ${owner} from Chroma (${REBUILD_REASONS[reason]}): ${count} memories in ${Date.now() - started} ms`,
    );
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

/** Copies from this space, trusted since the last boot. */
function usable(synced: SyncPoint, scope: VectorScope): boolean {
  return synced.generation !== DISTRUSTED && synced.space === spaceOf(scope);
}

/** Whether any of these pending writes was begun so long ago that its replica must be gone. */
function abandoned(pending: PendingWrites | undefined): boolean {
  const now = Date.now();
  return Object.values(pending ?? {}).some((write) => write.at + ABANDONED_WRITE_MS < now);
}
