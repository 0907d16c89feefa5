/** Which model embeds, and into how many dimensions: together they name a vector space. */
export interface EmbeddingSpace {
  readonly model: string;
  readonly dimension: number;
}

/** Whether two spaces are the same: vectors of one can be compared with the other's. */
export function sameSpace(a: EmbeddingSpace, b: EmbeddingSpace): boolean {
  return a.model === b.model && a.dimension === b.dimension;
}

export abstract class Embedder {
  /** 'local' runs in-process; 'remote' calls an inference server (health probes it). */
  abstract readonly kind: 'local' | 'remote';
  /** The model and dimension this embedder produces (resolved once, then cached). */
  abstract space(): Promise<EmbeddingSpace>;
  /** One vector per text, in order. */
  abstract embed(texts: string[]): Promise<number[][]>;
  /** Resolves when the backend answers; throws BackendUnavailable otherwise. */
  abstract ping(): Promise<void>;
}
