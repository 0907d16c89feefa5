import { join } from 'node:path';
import { Injectable, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { AppConfig } from '@memory-system/core';
import { RedisStateStore } from './redis/redis-state.store.js';
import { SqliteStateStore } from './sqlite/sqlite-state.store.js';
import { StateStore } from './state-store.port.js';

export function stateFile(dataDir: string): string {
  return join(dataDir, 'state.db');
}

function openStateStore(config: AppConfig): StateStore {
  const logger = new Logger('StateStore');
  if (config.redis.url) {
    logger.log(`State in Redis at ${new URL(config.redis.url).host}`);
    return RedisStateStore.connect(config.redis.url, config.redis.keyPrefix);
  }
  const file = stateFile(config.dataDir);
  logger.log(`State in ${file}`);
  return new SqliteStateStore(file);
}

@Injectable()
class StateStoreLifecycle implements OnApplicationShutdown {
  private readonly logger = new Logger('StateStore');
  constructor(private readonly store: StateStore) {}

  /** Expired sessions and tokens are already invisible; this reclaims their space. */
  @Interval('state-sweep', 60_000)
  async sweep(): Promise<void> {
    const removed = await this.store.sweepExpired().catch((error: Error) => {
      this.logger.warn(`Sweeping expired state failed: ${error.message}`);
      return 0;
    });
    if (removed > 0) this.logger.debug(`Swept ${removed} expired entries`);
  }

  async onApplicationShutdown(): Promise<void> {
    const closable = this.store as { close?: () => unknown };
    await closable.close?.();
  }
}

@Module({
  providers: [
    { provide: StateStore, inject: [AppConfig], useFactory: openStateStore },
    StateStoreLifecycle,
  ],
  exports: [StateStore],
})
export class StateModule {}
