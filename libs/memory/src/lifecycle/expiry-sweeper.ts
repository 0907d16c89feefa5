import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig, type Caller, MemoryNotFound, Metrics } from '@memory-system/core';
import { LOCKS, StateStore } from '@memory-system/state';
import { MemoryService } from '../memory.service.js';
import { ExpiryIndex } from './expiry-index.js';

const JOB = 'memory-expiry-sweep';
const LOCK_ID = 'memory-expiry-sweep';
const BATCH = 200;

/**
 * Every MEMORY_EXPIRY_SWEEP_INTERVAL, removes the memories whose expiresAt has passed (reads
 * already hide them; this frees the space). Each removal keeps the memory in its history as
 * `expired`, so it can be restored. One replica sweeps at a time (a lock in the state store).
 */
@Injectable()
export class ExpirySweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ExpirySweeper.name);
  private running?: Promise<number>;

  constructor(
    private readonly index: ExpiryIndex,
    private readonly memories: MemoryService,
    private readonly state: StateStore,
    private readonly config: AppConfig,
    private readonly metrics: Metrics,
    private readonly registry: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    const timer = setInterval(() => void this.sweep(), this.config.expiry.sweepIntervalMs);
    this.registry.addInterval(JOB, timer);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.registry.doesExist('interval', JOB)) this.registry.deleteInterval(JOB);
    await this.running?.catch(() => undefined);
  }

  /** One pass; the number of memories removed. Never throws: a failed pass is logged and retried next time. */
  sweep(now = Date.now()): Promise<number> {
    this.running ??= this.sweepLocked(now)
      .catch((error: Error) => {
        this.logger.warn(`Expiry sweep failed, will retry: ${error.message}`);
        return 0;
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private async sweepLocked(now: number): Promise<number> {
    const ttlMs = Math.max(60_000, this.config.expiry.sweepIntervalMs * 5);
    if (!(await this.state.insert(LOCKS, LOCK_ID, { since: now }, { ttlMs }))) return 0;
    try {
      let removed = 0;
      for (let due = await this.index.due(now, BATCH); due.length;) {
        for (const entry of due) {
          if (await this.expire(entry.userId, entry.memoryId, now)) removed++;
          await this.index.drop(entry.entryId);
        }
        due = due.length < BATCH ? [] : await this.index.due(now, BATCH);
      }
      if (removed) this.logger.log(`Expiry sweep removed ${removed} expired memories`);
      return removed;
    } finally {
      await this.state.delete(LOCKS, LOCK_ID);
    }
  }

  /** Removes the memory if it is still expired (its expiry may have moved since the entry). */
  private async expire(userId: string, memoryId: string, now: number): Promise<boolean> {
    const caller: Caller = { userId, role: 'user', via: 'system', scopes: [] };
    try {
      const removed = await this.memories.removeIfExpired(caller, memoryId, now);
      if (removed) this.metrics.memoriesExpired.inc();
      return removed;
    } catch (error) {
      if (error instanceof MemoryNotFound) return false;
      throw error;
    }
  }
}
