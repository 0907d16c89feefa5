import KeyvRedis from '@keyv/redis';
import { CacheModule } from '@nestjs/cache-manager';
import { Global, Module } from '@nestjs/common';
import { CacheableMemory } from 'cacheable';
import { Keyv } from 'keyv';
import { AppConfig } from '../config/app-config.js';

/**
 * One cache for the whole app (`CACHE_MANAGER`): an in-process LRU bounded by CACHE_MAX_ITEMS, or
 * Redis when REDIS_URL is set, so that replicas share embeddings and see each other's
 * invalidations. Callers give every entry its own TTL.
 */
@Global()
@Module({
  imports: [
    CacheModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        stores: [
          config.redis.url
            ? new Keyv({
                store: new KeyvRedis(config.redis.url),
                namespace: `${config.redis.keyPrefix}-cache`,
              })
            : new Keyv({ store: new CacheableMemory({ lruSize: config.cache.maxItems }) }),
        ],
      }),
    }),
  ],
  exports: [CacheModule],
})
export class AppCacheModule {}
