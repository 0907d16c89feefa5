export type MetadataValue = string | number | boolean;
export type MemoryMetadata = Record<string, MetadataValue>;

export interface Memory {
  id: string;
  content: string;
  type: string;
  metadata: MemoryMetadata;
  tags: string[];
  sessionId: string | null;
  /** sha256 of type and content: the same memory stored twice is recognised by it. */
  contentHash: string;
  createdAt: string;
  updatedAt: string;
  embeddingModel: string;
}

export interface NewMemory {
  content: string;
  type: string;
  metadata?: MemoryMetadata;
  tags?: string[];
  sessionId?: string;
}

/** A memory brought from an export: it keeps its id and times, and its vector when still valid. */
export interface ImportedMemory extends NewMemory {
  id: string;
  createdAt: string;
  updatedAt: string;
  /** Only when the file was embedded by the model (and dimension) this user is served with. */
  embedding?: number[];
}

export type MemoryPatch = Partial<Pick<NewMemory, 'content' | 'type' | 'metadata' | 'tags'>>;

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
}

export interface MemoryFilter {
  type?: string;
  tags?: string[];
  metadata?: MemoryMetadata;
  sessionId?: string;
  createdAfter?: Date;
  createdBefore?: Date;
}

export interface MemoryPage {
  items: Memory[];
  nextCursor: string | null;
}
