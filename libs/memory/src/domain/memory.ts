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

export type MemoryPatch = Partial<Pick<NewMemory, 'content' | 'type' | 'metadata' | 'tags'>>;

export interface ScoredMemory extends Memory {
  /** 1 − cosine distance: 1 is identical, 0 unrelated. */
  score: number;
  distance: number;
}

export interface MemorySearch {
  query: string;
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
