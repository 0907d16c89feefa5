import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StateStore } from './state-store.port.js';

/** The namespace every lock lives in (backups leave it out; restores keep it). */
export const LOCKS = 'locks';

export class LockTimeout extends Error {}

/**
 * Runs `work` while holding a lock that every replica sharing the state store respects: an entry
 * inserted only if absent, with a time to live so that a holder that crashed frees it. Waiters
 * poll with a short backoff; past `waitMs` they give up with LockTimeout. A store no other
 * replica shares (SQLite) needs none: the caller's in-process lock is enough.
 */
export async function withSharedLock<T>(
  state: StateStore,
  name: string,
  work: () => Promise<T>,
  { ttlMs = 30_000, waitMs = 15_000 }: { ttlMs?: number; waitMs?: number } = {},
): Promise<T> {
  if (!state.shared) return work();
  const holder = randomUUID();
  const deadline = Date.now() + waitMs;
  for (let pause = 1; !(await state.insert(LOCKS, name, { holder }, { ttlMs }));) {
    if (Date.now() > deadline) throw new LockTimeout(`${name} stayed locked for ${waitMs} ms`);
    await sleep(pause);
    pause = Math.min(pause * 2, 25);
  }
  try {
    return await work();
  } finally {
    const current = await state.get<{ holder: string }>(LOCKS, name);
    if (current?.holder === holder) await state.delete(LOCKS, name);
  }
}
