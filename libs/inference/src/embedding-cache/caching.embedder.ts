import type { Embedder, EmbeddingSpace } from '../embedder.port.js';
import type { EmbeddingCache } from './embedding-cache.js';

/** A remote embedder with a cache in front: only texts it has not seen go to the model. */
export class CachingEmbedder implements Embedder {
  readonly kind;

  constructor(
    private readonly inner: Embedder,
    private readonly cache: EmbeddingCache,
  ) {
    this.kind = inner.kind;
  }

  space(): Promise<EmbeddingSpace> {
    return this.inner.space();
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }

  async embed(texts: string[]): Promise<number[][]> {
    const { model } = await this.inner.space();
    const cached = await this.cache.getMany(model, texts);
    const missing = [...new Set(texts.filter((_, i) => !cached[i]))];
    const fresh = missing.length ? await this.inner.embed(missing) : [];
    const byText = new Map(missing.map((text, i) => [text, fresh[i]!]));
    await this.cache.setMany(
      model,
      missing.map((text) => ({ text, vector: byText.get(text)! })),
    );
    return texts.map((text, i) => cached[i] ?? byText.get(text)!);
  }
}
