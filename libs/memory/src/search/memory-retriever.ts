import { setImmediate as nextTurnOfEventLoop } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import { AppConfig, isSubjectSpace, makeRoom } from '@memory-system/core';
import {
  type Embedder,
  LOCAL_MODEL_V1,
  LOCAL_MODEL_V2,
  LOCAL_MODEL_V3,
  Reranker,
} from '@memory-system/inference';
import {
  cosineSimilarity,
  diversify,
  type Evidence,
  type Fused,
  fuse,
  LexicalSearch,
  peopleNamedIn,
  answerKindAsked,
  type QuerySignals,
  rankByKeyword,
  signalBoost,
  type SignalWeights,
  signalParts,
  withinOne,
  timeWindowsOf,
} from '@memory-system/retrieval';
import {
  matchesFilter,
  type QueryMatch,
  type StoredRecord,
  type VectorFilter,
  type VectorScope,
  VectorStore,
} from '@memory-system/vector';
import type { MemorySearch, ScoredMemory, SearchMode, SearchOutcome } from '../domain/memory.js';
import { toVectorFilter } from '../domain/memory-filter.js';
import { toMemory } from '../domain/memory-record.mapper.js';
import { isRecordShown, isShown } from '../domain/visibility.js';
import { QueryDecomposer } from './query-decomposer.js';
import { weighByRecency } from './recency.js';
import { type SpaceHandle, UserSpaces } from '../spaces/user-spaces.js';

/**
 * Share of vector similarity in hybrid scores, measured per embedder on the recall benchmark
 * (`npm run bench:recall`, BENCH_RECALL_WEIGHTS): recall@10 rose up to about these weights and
 * then flattened, so each is the low end of its plateau (BM25 is the stronger signal on real
 * conversations). A remote model is not measurable here: an even share, the common default.
 */
const LOCAL_VECTOR_WEIGHTS: Record<string, number> = {
  [LOCAL_MODEL_V1]: 0.4,
  [LOCAL_MODEL_V2]: 0.5,
  [LOCAL_MODEL_V3]: 0.4,
};
const REMOTE_VECTOR_WEIGHT = 0.5;
/**
 * Nearest memories asked for beyond the limit, for users whose searches met hidden ones, so that
 * a few hidden ones cost no second query.
 */
const HIDDEN_SLACK = 10;
/** Users remembered as having hidden memories, per replica (the oldest forgotten first). */
const MAX_HIDING_USERS = 10_000;
/** Memories said within the dates a query names that join the candidates (the latest first). */
const WINDOW_CANDIDATES = 100;
/**
 * A subject holding at most this many memories (that pass the search's filter) is searched
 * exactly over the keyword index's copies of them, not by Chroma (see nearestOwnCopies).
 */
const SUBJECT_EXACT_SEARCH_MAX = 1_000;
/**
 * Diversity compares the best this many times the limit: enough for near-copies in the answer
 * to make room, while its word comparisons stay short for long texts.
 */
const DIVERSITY_WINDOW = 2;

interface Filters {
  /** The caller's filter and the status condition: what the search may show. */
  shown: VectorFilter | undefined;
  /** The caller's filter alone. */
  chroma: VectorFilter | undefined;
}

/** Ranks one user's memories for a query in the mode asked: vector, keyword (BM25) or hybrid. */
@Injectable()
export class MemoryRetriever {
  /**
   * Users whose searches met superseded, retracted or expired memories. Others are asked for
   * exactly the limit: Chroma answers 10 nearest faster than 20, and there are half as many
   * copies to read (0.3-0.4 ms of a 10,000-memory search, measured).
   */
  private readonly hiding = new Set<string>();

  constructor(
    private readonly store: VectorStore,
    private readonly lexical: LexicalSearch,
    private readonly reranker: Reranker,
    private readonly decomposer: QueryDecomposer,
    private readonly config: AppConfig,
  ) {}

  modeOf(search: MemorySearch): SearchMode {
    return search.mode ?? this.config.search.defaultMode;
  }

  /** Ranks in `scope`, embedding the query with the embedder of the space it serves from. */
  async search(
    scope: VectorScope,
    search: MemorySearch,
    serving: SpaceHandle,
  ): Promise<SearchOutcome> {
    const mode = this.modeOf(search);
    const filters = {
      // What the search may show, status included: the keyword side's in-process check.
      shown: toVectorFilter(search.filter, search),
      // Chroma is asked without the status condition (see vectorMatches).
      chroma: toVectorFilter(search.filter, { includeSuperseded: true }),
    };
    // Vector mode is similarity alone and keyword mode BM25 alone; hybrid hears what the query
    // says beyond its words too.
    const signals = mode === 'hybrid' ? this.querySignals(search) : undefined;
    const ranked =
      mode === 'keyword'
        ? await this.byKeyword(scope, search, filters)
        : mode === 'vector'
          ? await this.byVector(scope, search, filters, UserSpaces.embedderOf(serving))
          : await this.hybridLanes(
              scope,
              search,
              filters,
              UserSpaces.embedderOf(serving),
              signals!,
            );
    const halfLifeDays = search.halfLifeDays ?? this.config.search.halfLifeDays;
    const weighed = weighByRecency(
      this.withSignals(
        ranked.filter((result) => isShown(result, search)),
        signals,
      ),
      halfLifeDays,
    ).filter((result) => search.minScore === undefined || result.score >= search.minScore);
    const kept = signals ? this.diversified(weighed, search.limit) : weighed;
    if (!this.reranker.available || search.rerank === false) {
      return { results: kept.slice(0, search.limit), rerank: { status: 'off' } };
    }
    return this.rerank(search, kept);
  }

  /**
   * What the query says beyond its words: the dates it names (read against its reference date)
   * and the people it names. Only what a weight in force will use is worked out.
   */
  private querySignals(search: MemorySearch): QuerySignals {
    const { timeWeight, peopleWeight, answerKindWeight } = this.config.search.signals;
    const reference = search.referenceDate ? new Date(search.referenceDate) : new Date();
    return {
      windows: timeWeight > 0 ? timeWindowsOf(search.query, reference) : [],
      reference: reference.getTime(),
      people: peopleWeight > 0 ? peopleNamedIn(search.query) : [],
      answerKind: answerKindWeight > 0 ? answerKindAsked(search.query) : undefined,
    };
  }

  /**
   * Gives each signal the query calls on its share of the score (its weight; the fused score
   * keeps the rest, so scores stay in [0, 1]), says what each added in the scoring, and ranks
   * again.
   */
  private withSignals(ranked: ScoredMemory[], signals?: QuerySignals): ScoredMemory[] {
    if (!signals) return ranked;
    const configured = this.config.search.signals;
    const inForce: SignalWeights = {
      time: signals.windows.length > 0 ? configured.timeWeight : 0,
      recency: configured.recencyWeight,
      people: signals.people.length > 0 ? configured.peopleWeight : 0,
      answerKind: signals.answerKind ? configured.answerKindWeight : 0,
      statement: configured.statementWeight,
    };
    const { weights, share } = withinOne(inForce);
    return ranked
      .map((result) => {
        const speaker = result.metadata.speaker;
        const parts = signalParts(
          {
            at: Date.parse(result.occurredAt),
            text: result.content,
            speaker: typeof speaker === 'string' ? speaker : undefined,
            relevance: result.score,
          },
          signals,
          weights,
        );
        const score = share * result.score + signalBoost(parts);
        const { recency: recencyPrior, ...rest } = parts;
        const explained = { ...rest, ...(recencyPrior ? { recencyPrior } : {}) };
        return { ...result, score, scoring: { ...result.scoring, ...explained } };
      })
      .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
  }

  /** Near-copies of a better result make room for other answers (MMR; see diversify). */
  private diversified(ranked: ScoredMemory[], limit: number): ScoredMemory[] {
    const lambda = this.config.search.signals.diversity;
    return diversify(
      ranked.map((memory) => ({
        id: memory.id,
        score: memory.score,
        text: memory.content,
        memory,
      })),
      lambda,
      limit * DIVERSITY_WINDOW,
    ).map(({ candidate, score, overlap }) =>
      overlap > 0
        ? { ...candidate.memory, score, scoring: { ...candidate.memory.scoring, overlap } }
        : candidate.memory,
    );
  }

  /**
   * The nearest memories the search may show. Chroma is asked without the status condition,
   * since any \`where\` makes its query several times slower (5.5 -> 28 ms p50 at 10,000
   * memories, measured), so a few more are asked for and hidden ones dropped here; only when
   * hidden memories crowd the answer out is the slower filtered query made.
   */
  private async vectorMatches(
    scope: VectorScope,
    embedding: number[],
    search: MemorySearch,
    filters: Filters,
  ): Promise<QueryMatch[]> {
    const shownOf = (matches: QueryMatch[]) =>
      matches.filter((match) => isRecordShown(match.metadata, search));
    // A user not known to hide memories is asked for the limit alone, then with the slack.
    const slacks = this.hiding.has(scope.userId) ? [HIDDEN_SLACK] : [0, HIDDEN_SLACK];
    for (const slack of slacks) {
      const asked = search.limit + slack;
      const matches = await this.nearestRecords(scope, embedding, asked, filters.chroma);
      const shown = shownOf(matches);
      if (shown.length < matches.length) this.rememberHiding(scope.userId);
      if (shown.length >= search.limit || matches.length < asked) {
        return shown.slice(0, search.limit);
      }
    }
    const asked = search.limit + HIDDEN_SLACK;
    const filtered = await this.nearestRecords(scope, embedding, asked, filters.shown);
    return shownOf(filtered).slice(0, search.limit);
  }

  private rememberHiding(userId: string): void {
    if (this.hiding.has(userId)) return;
    makeRoom(this.hiding, MAX_HIDING_USERS);
    this.hiding.add(userId);
  }

  /**
   * The nearest records with their documents and metadata. When the keyword index is in step,
   * Chroma is asked for ids and distances only and the records come from the index's copies:
   * reading each match's metadata rows is most of a small Chroma query's time (6.4 -> 4.0 ms
   * for 20 matches with a memory's metadata, measured). Otherwise, or for a match the index does
   * not hold yet (a write between the two reads), Chroma answers in full.
   */
  private async nearestRecords(
    scope: VectorScope,
    embedding: number[],
    limit: number,
    filter: VectorFilter | undefined,
  ): Promise<QueryMatch[]> {
    if (!(await this.lexical.isInStep(scope))) {
      return this.store.query(scope, embedding, { limit, filter });
    }
    if (isSubjectSpace(scope.userId)) {
      const own = await this.nearestOwnCopies(scope, embedding, limit, filter);
      if (own) return own;
    }
    const nearest = await this.store.nearest(scope, embedding, { limit, filter });
    const ids = nearest.map((match) => match.id);
    const records = new Map<string, StoredRecord>();
    for (const [id, { document, metadata }] of await this.lexical.records(scope, ids)) {
      records.set(id, { id, document, metadata });
    }
    const missing = ids.filter((id) => !records.has(id));
    for (const record of missing.length ? await this.store.get(scope, missing) : []) {
      records.set(record.id, record);
    }
    // A record deleted between the two reads is left out.
    return nearest.flatMap(({ id, distance }) => {
      const record = records.get(id);
      return record ? [{ ...record, distance }] : [];
    });
  }

  /**
   * A subject's records share a home with its account's other subjects' (see homeHashOf), and
   * Chroma's search of a home held to one subject by a filter costs with the whole home (1.21x a
   * user's own collection at 10,000 subjects, measured). The keyword index, in step, holds a copy
   * of each of the subject's records with its vector: while they are few, the nearest are found
   * exactly among them here, at a cost that grows with the subject alone. Undefined when there
   * are more than SUBJECT_EXACT_SEARCH_MAX (Chroma answers then).
   */
  private async nearestOwnCopies(
    scope: VectorScope,
    embedding: number[],
    limit: number,
    filter: VectorFilter | undefined,
  ): Promise<QueryMatch[] | undefined> {
    const { records, more } = await this.lexical.page(scope, {
      limit: SUBJECT_EXACT_SEARCH_MAX,
      matches: (metadata) => matchesFilter(metadata, filter),
    });
    if (more) return undefined;
    const copies = await this.lexical.records(
      scope,
      records.map((record) => record.id),
      { embeddings: true },
    );
    const matches: QueryMatch[] = [];
    for (const record of records) {
      const stored = copies.get(record.id)?.embedding;
      if (!stored) continue;
      matches.push({ ...record, distance: 1 - cosineSimilarity(embedding, stored) });
    }
    return matches
      .sort((a, b) => a.distance - b.distance || a.id.localeCompare(b.id))
      .slice(0, limit);
  }

  /**
   * The reranker reorders the best candidates; if it fails (after the client's retries, or with
   * its breaker open), the first-stage order stands and the answer says so.
   */
  private async rerank(search: MemorySearch, ranked: ScoredMemory[]): Promise<SearchOutcome> {
    const candidates = ranked.slice(0, Math.max(search.limit, this.config.rerank.candidates));
    try {
      const scores = await this.reranker.rerank(
        search.query,
        candidates.map((memory) => memory.content),
      );
      const results = candidates
        .map((memory, i) => ({ ...memory, scoring: { ...memory.scoring, rerank: scores[i]! } }))
        .sort((a, b) => b.scoring.rerank - a.scoring.rerank)
        .slice(0, search.limit);
      return { results, rerank: { status: 'applied' } };
    } catch (error) {
      return {
        results: candidates.slice(0, search.limit),
        rerank: { status: 'failed', detail: (error as Error).message },
      };
    }
  }

  private async byVector(
    scope: VectorScope,
    search: MemorySearch,
    filters: Filters,
    embedder: Embedder,
  ): Promise<ScoredMemory[]> {
    const [embedding] = await embedder.embed([search.query]);
    const matches = await this.vectorMatches(scope, embedding!, search, filters);
    return matches
      .map((match) => ({
        ...toMemory(match, scope.model),
        score: 1 - match.distance,
        distance: match.distance,
        scoring: { mode: 'vector' as const, vector: 1 - match.distance },
      }))
      .sort((a, b) => a.distance - b.distance);
  }

  /** BM25 only: hits and their records come from the keyword index, with no Chroma round trip. */
  private async byKeyword(
    scope: VectorScope,
    search: MemorySearch,
    filters: Filters,
  ): Promise<ScoredMemory[]> {
    const hits = await this.lexical.search(scope, search.query, this.pool(search, filters));
    const ids = hits.map((hit) => hit.id);
    const records = await this.keywordRecords(scope, ids, filters.shown);
    const evidence = hits
      .filter((hit) => records.has(hit.id))
      .map((hit) => ({ id: hit.id, keyword: hit.score }));
    return rankByKeyword(evidence).map((fused) =>
      this.result(scope, records.get(fused.id)!.record, fused, 'keyword'),
    );
  }

  /**
   * Both sides propose candidates; each candidate then gets both scores (its similarity from its
   * stored vector, its BM25 from the index), so fusion never guesses a missing score. Keyword
   * candidates come from the index's own copy of the records, worked on while Chroma answers the
   * vector side: one Chroma call per search, as in vector mode.
   */
  private async hybrid(
    scope: VectorScope,
    search: MemorySearch,
    filters: Filters,
    embedder: Embedder,
    signals: QuerySignals,
  ): Promise<ScoredMemory[]> {
    const [embedding] = await embedder.embed([search.query]);
    // A memory outside the vector side's top `limit` reaches the answer only with a strong BM25,
    // and then the keyword side proposes it: Chroma is asked for no more than vector mode asks.
    const vectorSide = this.vectorMatches(scope, embedding!, search, filters);
    vectorSide.catch(() => undefined); // awaited below; keeps an early failure from going unhandled
    // The keyword side's SQLite work is synchronous: let the event loop send Chroma's request
    // first, or the two run one after the other (measured at 10,000 memories: +7 ms -> +0).
    await nextTurnOfEventLoop();
    const pool = this.pool(search, filters);
    // Terms most memories hold are left out: scoring them would mean scoring most of the index.
    // What the rest match is bounded, so all of it is read in one pass: every candidate's BM25
    // is then known, whichever side proposed it.
    const terms = await this.lexical.selectiveTerms(scope, search.query);
    const matched = await this.lexical.matches(scope, terms);
    const records = new Map<string, StoredRecord>();
    const evidence = new Map<string, Evidence>();
    const propose = async (ids: string[]) => {
      for (const [id, { record, embedding: stored }] of await this.keywordRecords(
        scope,
        ids,
        filters.shown,
      )) {
        records.set(id, record);
        evidence.set(id, { id, similarity: cosineSimilarity(embedding!, stored) });
      }
    };
    await propose((await matched.best(pool)).map((hit) => hit.id));
    // The date lane: memories said within the dates the query names are candidates too, with
    // their similarity from their stored vectors.
    if (signals.windows.length) {
      const dated = await this.lexical.saidWithin(scope, signals.windows, WINDOW_CANDIDATES);
      await propose(dated.filter((id) => !evidence.has(id)));
    }
    for (const match of await vectorSide) {
      records.set(match.id, match);
      evidence.set(match.id, { id: match.id, similarity: 1 - match.distance });
    }
    const keywordScores = await matched.scoresOf([...evidence.keys()]);
    for (const item of evidence.values()) item.keyword = keywordScores.get(item.id) ?? 0;
    const fullMatch = await this.lexical.fullMatchScore(scope, terms);
    return fuse([...evidence.values()], this.vectorWeight(scope), fullMatch).map((fused) =>
      this.result(scope, records.get(fused.id)!, fused, 'hybrid'),
    );
  }

  /**
   * Hybrid search of the question and, with query decomposition on, of each sub-question the
   * chat model split it into (asked while the question is searched): a memory keeps its best
   * score, and names the sub-question that gave it when that one beat the whole question.
   */
  private async hybridLanes(
    scope: VectorScope,
    search: MemorySearch,
    filters: Filters,
    embedder: Embedder,
    signals: QuerySignals,
  ): Promise<ScoredMemory[]> {
    const parts = this.decomposer.enabled
      ? this.decomposer.subQuestions(search.query)
      : Promise.resolve([]);
    const whole = await this.hybrid(scope, search, filters, embedder, signals);
    const subQuestions = await parts;
    if (subQuestions.length === 0) return whole;
    const best = new Map(whole.map((result) => [result.id, result]));
    for (const subQuestion of subQuestions) {
      const query = { ...search, query: subQuestion };
      for (const result of await this.hybrid(scope, query, filters, embedder, signals)) {
        const known = best.get(result.id);
        if (known && known.score >= result.score) continue;
        best.set(result.id, { ...result, scoring: { ...result.scoring, subQuestion } });
      }
    }
    return [...best.values()].sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
  }

  /**
   * The index's copies of these records that pass the filter (as Chroma would judge it), each
   * with its stored vector.
   */
  private async keywordRecords(
    scope: VectorScope,
    ids: string[],
    filter: VectorFilter | undefined,
  ): Promise<Map<string, { record: StoredRecord; embedding: ArrayLike<number> }>> {
    const copies = await this.lexical.records(scope, ids, { embeddings: true });
    const records = new Map<string, { record: StoredRecord; embedding: ArrayLike<number> }>();
    for (const [id, { document, metadata, embedding }] of copies) {
      if (matchesFilter(metadata, filter))
        records.set(id, { record: { id, document, metadata }, embedding });
    }
    return records;
  }

  private result(
    scope: VectorScope,
    record: StoredRecord,
    fused: Fused,
    mode: SearchMode,
  ): ScoredMemory {
    const similarity = fused.similarity;
    return {
      ...toMemory(record, scope.model),
      score: fused.score,
      distance: similarity === undefined ? null : 1 - similarity,
      scoring: {
        mode,
        ...(similarity === undefined ? {} : { vector: similarity }),
        keyword: fused.keyword ?? 0,
      },
    };
  }

  /** Candidates per side: a caller's filter discards some keyword hits, so it asks for more. */
  private pool(search: MemorySearch, filters: Filters): number {
    const base = Math.max(search.limit, this.config.search.candidates);
    return filters.chroma ? base * 4 : base;
  }

  private vectorWeight(scope: VectorScope): number {
    return (
      this.config.search.vectorWeight ?? LOCAL_VECTOR_WEIGHTS[scope.model] ?? REMOTE_VECTOR_WEIGHT
    );
  }
}
