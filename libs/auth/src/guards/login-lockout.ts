import { Injectable } from '@nestjs/common';
import { AppConfig, TooManyRequests } from '@memory-system/core';
import { StateStore } from '@memory-system/state';

const FAILURES = 'login-failures';
const FIRST_LOCK_MS = 30_000;
const LONGEST_LOCK_MS = 15 * 60_000;

interface Failures {
  count: number;
  lockedUntil: number;
}

/**
 * Failed logins counted per username, in the shared state store (so every replica sees them):
 * after LOGIN_ACCOUNT_LIMIT failures the name is locked for 30 s, doubling with each further
 * failure up to 15 min. A name that does not exist is counted and locked just the same, so the
 * answer never tells whether an account exists. A success clears the count.
 */
@Injectable()
export class LoginLockout {
  constructor(
    private readonly state: StateStore,
    private readonly config: AppConfig,
  ) {}

  async assertOpen(username: string): Promise<void> {
    const failures = await this.state.get<Failures>(FAILURES, key(username));
    const waitMs = (failures?.lockedUntil ?? 0) - Date.now();
    if (waitMs > 0) throw locked(waitMs);
  }

  /** Counts a failure; answers how long the name is now locked (0: not locked). */
  async recordFailure(username: string): Promise<number> {
    const previous = await this.state.get<Failures>(FAILURES, key(username));
    const count = (previous?.count ?? 0) + 1;
    const over = count - this.config.throttle.accountLimit;
    const lockMs = over < 0 ? 0 : Math.min(FIRST_LOCK_MS * 2 ** over, LONGEST_LOCK_MS);
    const failures: Failures = { count, lockedUntil: lockMs ? Date.now() + lockMs : 0 };
    // The count is forgotten a while after the last failure (and after any lock).
    await this.state.put(FAILURES, key(username), failures, { ttlMs: lockMs + LONGEST_LOCK_MS });
    return lockMs;
  }

  async reset(username: string): Promise<void> {
    await this.state.delete(FAILURES, key(username));
  }
}

const key = (username: string) => username.trim().toLowerCase();

export function locked(waitMs: number): TooManyRequests {
  return new TooManyRequests(
    'Too many failed logins for this account; try again later.',
    Math.ceil(waitMs / 1000),
  );
}
