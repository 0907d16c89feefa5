import { hostname } from 'node:os';
import { Injectable } from '@nestjs/common';
import { Conflict } from '@memory-system/core';
import { LOCKS, StateStore } from '@memory-system/state';

const LOCK_ID = 'backup';
/** A lock whose holder died is released by its expiry. */
const LOCK_TTL_MS = 6 * 60 * 60 * 1000;

/**
 * One backup or restore at a time, across every replica: the lock is an entry in the shared
 * state store, taken atomically.
 */
@Injectable()
export class BackupLock {
  constructor(private readonly store: StateStore) {}

  async hold<T>(purpose: string, work: () => Promise<T>): Promise<T> {
    const holder = { purpose, host: hostname(), pid: process.pid, since: new Date().toISOString() };
    if (!(await this.store.insert(LOCKS, LOCK_ID, holder, { ttlMs: LOCK_TTL_MS }))) {
      const current = await this.store.get<typeof holder>(LOCKS, LOCK_ID);
      throw new Conflict(
        `A ${current?.purpose ?? 'backup'} is already running (on ${current?.host ?? 'another replica'} since ${current?.since ?? 'recently'}).`,
      );
    }
    try {
      return await work();
    } finally {
      await this.store.delete(LOCKS, LOCK_ID);
    }
  }
}
