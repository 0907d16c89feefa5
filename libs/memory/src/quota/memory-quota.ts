import { Injectable } from '@nestjs/common';
import { AppConfig, Conflict, isSubjectSpace } from '@memory-system/core';
import { VectorStore, type VectorScope } from '@memory-system/vector';

/** How long a counted total is trusted before it is counted again (other replicas write too). */
const FRESH_MS = 10_000;

/**
 * USER_MAX_MEMORIES: how many memories one user may hold. A write that would go past it is
 * refused whole (409) before anything is stored. The total is counted in the store and then kept
 * up to date by this process's own writes, so a write far below the limit costs no extra call;
 * one that would reach it is judged against a fresh count.
 */
@Injectable()
export class MemoryQuota {
  private readonly counted = new Map<string, { count: number; at: number }>();

  constructor(
    private readonly store: VectorStore,
    private readonly config: AppConfig,
  ) {}

  /** Call under the user's write lock, before storing `adding` new memories. */
  async assertRoom(scope: VectorScope, adding: number): Promise<void> {
    if (adding === 0) return;
    const { max, name } = this.limitOf(scope);
    const known = this.counted.get(scope.userId);
    if (known && Date.now() - known.at < FRESH_MS && known.count + adding <= max) return;
    const count = await this.store.count(scope);
    this.counted.set(scope.userId, { count, at: Date.now() });
    if (count + adding > max) {
      throw new Conflict(
        `You hold ${count} memories; storing ${adding} more would pass ${name} ` +
          `(${max}). Delete some first, or store fewer.`,
      );
    }
  }

  /** A subject's space (see subjectSpace) has SUBJECT_MAX_MEMORIES too, when it is set lower. */
  private limitOf(scope: VectorScope): { max: number; name: string } {
    const { maxMemoriesPerUser, maxMemoriesPerSubject } = this.config.quota;
    if (
      isSubjectSpace(scope.userId) &&
      maxMemoriesPerSubject !== undefined &&
      maxMemoriesPerSubject < maxMemoriesPerUser
    ) {
      return { max: maxMemoriesPerSubject, name: 'SUBJECT_MAX_MEMORIES' };
    }
    return { max: maxMemoriesPerUser, name: 'USER_MAX_MEMORIES' };
  }

  /** After a write stored `added` memories. */
  added(scope: VectorScope, added: number): void {
    const known = this.counted.get(scope.userId);
    if (known) known.count += added;
  }
}
