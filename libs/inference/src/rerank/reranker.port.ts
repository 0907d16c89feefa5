/** A cross-encoder that scores how well each document answers the query (vLLM's rerank API). */
export abstract class Reranker {
  /** False when no reranker is configured: searches keep their own order. */
  abstract readonly available: boolean;
  /** One relevance score per document, in the documents' order (higher is better). */
  abstract rerank(query: string, documents: string[]): Promise<number[]>;
  abstract ping(): Promise<void>;
}

export class NoReranker extends Reranker {
  readonly available = false;
  rerank(): Promise<number[]> {
    return Promise.reject(new Error('no reranker is configured'));
  }
  ping(): Promise<void> {
    return Promise.resolve();
  }
}
