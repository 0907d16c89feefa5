import { Injectable } from '@nestjs/common';
import type { UserDataEraser } from '@memory-system/core';
import { StateStore } from '@memory-system/state';
import type { Memory } from '../domain/memory.js';

const DUE = 'memory-expiry';
/** Entry ids start with the expiry moment, zero-padded so that they sort by time as text. */
const MOMENT_DIGITS = 15;
const momentKey = (ms: number) => String(ms).padStart(MOMENT_DIGITS, '0');

export interface DueExpiry {
  /** The entry, to drop once handled. */
  entryId: string;
  userId: string;
  memoryId: string;
}

/**
 * Which memories expire when, in the shared state store, so the sweep finds the due ones without
 * scanning Chroma (and every replica sees the same list). An entry is only a hint: the sweep
 * checks the memory itself, so an entry left behind by a later change of expiry does no harm.
 */
@Injectable()
export class ExpiryIndex implements UserDataEraser {
  readonly name = 'memory expiry index';

  constructor(private readonly state: StateStore) {}

  async track(userId: string, memories: Memory[]): Promise<void> {
    for (const memory of memories) {
      if (!memory.expiresAt || memory.pinned) continue;
      const entryId = `${momentKey(Date.parse(memory.expiresAt))}:${memory.id}`;
      await this.state.put(DUE, entryId, { userId, memoryId: memory.id }, { owner: userId });
    }
  }

  /** Up to `limit` entries whose moment has come, earliest first. */
  async due(now: number, limit: number): Promise<DueExpiry[]> {
    const page = await this.state.list<{ userId: string; memoryId: string }>(DUE, { limit });
    const cutoff = momentKey(now);
    return page
      .filter((entry) => entry.id.slice(0, MOMENT_DIGITS) <= cutoff)
      .map((entry) => ({ entryId: entry.id, ...entry.value }));
  }

  async drop(entryId: string): Promise<void> {
    await this.state.delete(DUE, entryId);
  }

  async eraseUserData(userId: string): Promise<void> {
    await this.state.deleteByOwner(DUE, userId);
  }
}
