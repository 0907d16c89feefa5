export type MetadataValue = string | number | boolean;
export type MemoryMetadata = Record<string, MetadataValue>;

/**
 * current: returned by search and lists; superseded: a newer memory contradicts it (see
 * supersededBy); retracted: the user took it back. Neither of the last two is destroyed: search
 * and lists show them when asked (includeSuperseded), and history can make them current again.
 */
export type MemoryStatus = 'current' | 'superseded' | 'retracted';
export const MEMORY_STATUSES: readonly MemoryStatus[] = ['current', 'superseded', 'retracted'];

export interface Memory {
  id: string;
  content: string;
  type: string;
  metadata: MemoryMetadata;
  tags: string[];
  sessionId: string | null;
  /** The conversation (thread) the memory was said in; its memories are ordered by occurredAt. */
  conversationId: string | null;
  /** When it was said or happened (ISO 8601); createdAt unless given. */
  occurredAt: string;
  /** sha256 of type and content: the same memory stored twice is recognised by it. */
  contentHash: string;
  createdAt: string;
  updatedAt: string;
  embeddingModel: string;
  status: MemoryStatus;
  /** The memory that superseded this one, when status is superseded. */
  supersededBy: string | null;
  /** After this moment the memory is never returned, and the expiry sweep removes it. */
  expiresAt: string | null;
  /** A pinned memory never expires and never decays in ranking. */
  pinned: boolean;
}

export interface NewMemory {
  content: string;
  type: string;
  metadata?: MemoryMetadata;
  tags?: string[];
  sessionId?: string;
  conversationId?: string;
  /** ISO 8601; default: the moment it is stored. */
  occurredAt?: string;
  expiresAt?: string;
  /** Seconds from now until it expires (instead of expiresAt). */
  ttl?: number;
  pinned?: boolean;
}

/** A memory brought from an export: it keeps its id and times, and its vector when still valid. */
export interface ImportedMemory extends NewMemory {
  id: string;
  createdAt: string;
  updatedAt: string;
  status?: MemoryStatus;
  supersededBy?: string | null;
  /** Only when the file was embedded by the model (and dimension) this user is served with. */
  embedding?: number[];
}

export type MemoryPatch = Partial<
  Pick<NewMemory, 'content' | 'type' | 'metadata' | 'tags' | 'pinned' | 'occurredAt'> & {
    /** null: no longer part of a conversation. */
    conversationId: string | null;
    /** null: never expires. */
    expiresAt: string | null;
    ttl: number;
    status: MemoryStatus;
    supersededBy: string | null;
  }
>;

export type SearchMode = 'hybrid' | 'vector' | 'keyword';

/** How one result scored, so a client can see why it ranks where it does. */
export interface Scoring {
  mode: SearchMode;
  /** Cosine similarity to the query (1 − distance), when the vector side was asked. */
  vector?: number;
  /** BM25 of the query's terms in the memory (0: none occurs), when the keyword side was asked. */
  keyword?: number;
  /** The reranker's relevance score, when a reranker reordered the results. */
  rerank?: number;
  /** The recency factor the score was multiplied by, when a half-life was in force. */
  recency?: number;
  /** Added because it was said within a date the query names ("in May", "last week"). */
  time?: number;
  /** Added as the weak prior for memories said shortly before the reference date. */
  recencyPrior?: number;
  /** Added because it names, or was said by, a person the query names. */
  people?: number;
  /** Added (a share of its score) because it holds the kind of answer asked for: a time, an amount. */
  answerKind?: number;
  /** Added (a share of its score) because it tells rather than asks. */
  statement?: number;
  /** Word overlap (0-1) with a result ranked above it, which diversity (MMR) held against it. */
  overlap?: number;
  /** The sub-question (query decomposition) that ranked it higher than the whole question. */
  subQuestion?: string;
}

/** Whether a reranker reordered the results: off (none configured or not asked), applied, failed. */
export interface RerankReport {
  status: 'off' | 'applied' | 'failed';
  /** Why it failed; the results are then in their first-stage order. */
  detail?: string;
}

export interface SearchOutcome {
  results: ScoredMemory[];
  rerank: RerankReport;
}

export interface ScoredMemory extends Memory {
  /**
   * The ranking score, higher is better: in vector mode 1 − cosine distance; in keyword mode BM25
   * relative to the best match (1); in hybrid mode the weighted sum of both, in [0, 1].
   */
  score: number;
  /** Cosine distance to the query; null in keyword mode, which does not embed the query. */
  distance: number | null;
  scoring: Scoring;
}

export interface MemorySearch {
  query: string;
  /** Undefined: the deployment's default (SEARCH_DEFAULT_MODE). */
  mode?: SearchMode;
  /** False skips the reranker for this search (when one is configured). */
  rerank?: boolean;
  limit: number;
  minScore?: number;
  filter?: MemoryFilter;
  /** Superseded and retracted memories too (marked by their status). */
  includeSuperseded?: boolean;
  /**
   * Recency weight: a memory's score halves with every this many days since it last changed
   * (pinned ones excepted). Undefined: the deployment's SEARCH_HALF_LIFE_DAYS; 0: off.
   */
  halfLifeDays?: number;
  /**
   * "Now" for the question (ISO 8601): relative dates in the query ("last month") are read
   * against it, and the recency prior counts back from it. Default: the current time.
   */
  referenceDate?: string;
}

export interface MemoryFilter {
  type?: string;
  tags?: string[];
  metadata?: MemoryMetadata;
  sessionId?: string;
  conversationId?: string;
  createdAfter?: Date;
  createdBefore?: Date;
  /** ISO 8601: only memories that occurred at or after this moment (inclusive). */
  occurredAfter?: string;
  /** ISO 8601: only memories that occurred before this moment (exclusive). */
  occurredBefore?: string;
}

export interface MemoryPage {
  items: Memory[];
  nextCursor: string | null;
}
