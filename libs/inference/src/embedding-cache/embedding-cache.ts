import { createHash } from 'node:crypto';
import { CACHE_MANAGER } from '@nestjs/cache-manager';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Cache } from 'cache-manager';
import { AppConfig, Metrics } from '@memory-system/core';

/** Embeddings by model and content hash: the same text is never sent to the model twice. */
@Injectable()
export class EmbeddingCache {
  private readonly logger = new Logger(EmbeddingCache.name);

  constructor(
    @Inject(CACHE_MANAGER) private readonly cache: Cache,
    private readonly config: AppConfig,
    private readonly metrics: Metrics,
  ) {}

  /** The cached vector of each text, or undefined; a cache outage only means misses. */
  async getMany(model: string, texts: string[]): Promise<Array<number[] | undefined>> {
    if (this.config.cache.maxItems === 0) return texts.map(() => undefined);
    const found = await this.cache
      .mget<number[]>(texts.map((text) => this.key(model, text)))
      .catch((error: Error) => {
        this.logger.warn(`Embedding cache read failed: ${error.message}`);
        return texts.map(() => undefined);
      });
    const hits = found.filter((v) => Array.isArray(v)).length;
    this.metrics.cacheRequests.inc({ cache: 'embedding', result: 'hit' }, hits);
    this.metrics.cacheRequests.inc({ cache: 'embedding', result: 'miss' }, texts.length - hits);
    return found.map((v) => (Array.isArray(v) ? v : undefined));
  }

  async setMany(model: string, entries: Array<{ text: string; vector: number[] }>): Promise<void> {
    if (this.config.cache.maxItems === 0 || entries.length === 0) return;
    const ttl = this.config.cache.embeddingTtlMs;
    await this.cache
      .mset(entries.map(({ text, vector }) => ({ key: this.key(model, text), value: vector, ttl })))
      .catch((error: Error) => this.logger.warn(`Embedding cache write failed: ${error.message}`));
  }

  private key(model: string, text: string): string {
    return `emb:${model}:${createHash('sha256').update(text).digest('base64url')}`;
  }
}
