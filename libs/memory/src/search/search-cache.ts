import { createHash, randomUUID } from 'node:crypto';
import { CACHE_MANAGER } from '@nestjs/cache-manager';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Cache } from 'cache-manager';
import { AppConfig, Metrics } from '@memory-system/core';
import type { MemorySearch } from '../domain/memory.js';

/**
 * Search results per user. Each user has a generation, a random token in the cache; results are
 * stored under it, and every write by the user replaces it, so the next search misses: no result
 * is ever served from before the user's last write. A generation that was evicted or expired is
 * replaced by a new random one, never by an old one.
 */
@Injectable()
export class SearchCache {
  private readonly logger = new Logger(SearchCache.name);

  constructor(
    @Inject(CACHE_MANAGER) private readonly cache: Cache,
    private readonly config: AppConfig,
    private readonly metrics: Metrics,
  ) {}

  private get enabled(): boolean {
    return this.config.cache.maxItems > 0 && this.config.cache.searchTtlMs > 0;
  }

  /** The cached results, or a miss, computed by `search` and cached under the current generation. */
  async getOrSearch<T>(
    /**
     * Whose search, in which space, after how many changes to their memories (the shared count,
     * read only when the cache is on).
     */
    owner: { userId: string; model: string; changes: () => Promise<number> },
    request: MemorySearch,
    search: () => Promise<T>,
    /** A degraded answer (say, the reranker failed) is served once, never cached. */
    cacheable: (result: T) => boolean = () => true,
  ): Promise<T> {
    if (!this.enabled) return search();
    const changes = await owner.changes();
    const key = await this.keyFor({ ...owner, changes }, request).catch(() => undefined);
    const cached = key ? await this.cache.get<T>(key).catch(() => undefined) : undefined;
    if (cached) {
      this.metrics.cacheRequests.inc({ cache: 'search', result: 'hit' });
      return cached;
    }
    this.metrics.cacheRequests.inc({ cache: 'search', result: 'miss' });
    const results = await search();
    if (key && cacheable(results)) {
      await this.cache
        .set(key, results, this.config.cache.searchTtlMs)
        .catch((error: Error) => this.logger.warn(`Search cache write failed: ${error.message}`));
    }
    return results;
  }

  /** After any write by the user: their cached results are unreachable from now on. */
  async invalidate(userId: string): Promise<void> {
    if (!this.enabled) return;
    await this.cache.set(this.generationKey(userId), randomUUID(), this.generationTtl());
  }

  private async keyFor(
    { userId, model, changes }: { userId: string; model: string; changes: number },
    request: MemorySearch,
  ): Promise<string> {
    let generation = await this.cache.get<string>(this.generationKey(userId));
    if (!generation) {
      generation = randomUUID();
      await this.cache.set(this.generationKey(userId), generation, this.generationTtl());
    }
    const digest = createHash('sha256')
      .update(JSON.stringify([model, request]))
      .digest('base64url');
    return `search:${userId}:${generation}:${changes}:${digest}`;
  }

  private generationKey(userId: string): string {
    return `search-generation:${userId}`;
  }

  /** Outlives every result stored under it. */
  private generationTtl(): number {
    return this.config.cache.searchTtlMs * 2;
  }
}
