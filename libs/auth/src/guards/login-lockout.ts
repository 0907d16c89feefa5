import { Injectable } from '@nestjs/common';
import { AppConfig, TooManyRequests } from '@memory-system/core';
import { StateStore } from '@memory-system/state';

const FAILURES = 'login-failures';
/** One entry per guess allowed before a lock: taken atomically, so parallel guesses queue up. */
const SLOTS = 'login-slots';
/** One entry per lock that ran out: the one guess that lock's end allows, taken atomically. */
const TURNS = 'login-turns';
const FIRST_LOCK_MS = 30_000;
const LONGEST_LOCK_MS = 15 * 60_000;

interface Failures {
  /** Failed guesses so far (a hint where to look for a free slot; slots are the real count). */
  count: number;
  lockedUntil: number;
  /** How many locks ran out since the count began: each doubles the next. */
  level: number;
}

/** What let a guess through: one of the first LOGIN_ACCOUNT_LIMIT slots, or a lock's end. */
export type Admission = { slot: number } | { turnAfterLock: number };

/**
 * Failed logins counted per username, in the shared state store (so every replica sees them):
 * at most LOGIN_ACCOUNT_LIMIT guesses are ever checked before the name is locked for 30 s, even
 * when they arrive at once, because each guess takes a slot atomically before its password is
 * hashed. After a lock runs out exactly one guess is checked, and the next lock (doubling, up to
 * 15 min) is set before it is. A name that does not exist is counted and locked just the same,
 * so the answer never tells whether an account exists. A success clears the count.
 */
@Injectable()
export class LoginLockout {
  constructor(
    private readonly state: StateStore,
    private readonly config: AppConfig,
  ) {}

  /** Lets one guess through to the password check, or throws 429. */
  async admit(username: string): Promise<Admission> {
    const name = key(username);
    const failures = await this.state.get<Failures>(FAILURES, name);
    const now = Date.now();
    if (failures && failures.lockedUntil > now) throw locked(failures.lockedUntil - now);
    const limit = this.config.throttle.accountLimit;
    for (let slot = Math.min(failures?.count ?? 0, limit) + 1; slot <= limit; slot++) {
      if (await this.state.insert(SLOTS, `${name}#${slot}`, true, { ttlMs: LONGEST_LOCK_MS })) {
        return { slot };
      }
    }
    // Every slot is taken: guesses still being checked, or a lock that has run out.
    if (!failures?.lockedUntil) throw locked(FIRST_LOCK_MS);
    const turn = `${name}@${failures.lockedUntil}`;
    if (!(await this.state.insert(TURNS, turn, true, { ttlMs: 2 * LONGEST_LOCK_MS }))) {
      throw locked(FIRST_LOCK_MS);
    }
    const level = failures.level + 1;
    await this.lock(name, { ...failures, count: failures.count + 1, level });
    return { turnAfterLock: level };
  }

  /** Counts a failed guess; answers how long the name is now locked (0: not locked). */
  async recordFailure(username: string, admission: Admission): Promise<number> {
    const name = key(username);
    const failures = (await this.state.get<Failures>(FAILURES, name)) ?? {
      count: 0,
      lockedUntil: 0,
      level: 0,
    };
    if ('turnAfterLock' in admission) return Math.max(0, failures.lockedUntil - Date.now());
    const count = Math.max(failures.count + 1, admission.slot);
    if (admission.slot < this.config.throttle.accountLimit) {
      await this.state.put(FAILURES, name, { ...failures, count }, { ttlMs: LONGEST_LOCK_MS });
      return 0;
    }
    return this.lock(name, { count, lockedUntil: 0, level: 0 });
  }

  /** A good password: the name's count starts again. */
  async reset(username: string, admission: Admission): Promise<void> {
    const name = key(username);
    const failures = await this.state.get<Failures>(FAILURES, name);
    await this.state.delete(FAILURES, name);
    const taken = Math.max(failures?.count ?? 0, 'slot' in admission ? admission.slot : 0);
    const limit = this.config.throttle.accountLimit;
    for (let slot = 1; slot <= Math.min(taken || limit, limit); slot++) {
      await this.state.delete(SLOTS, `${name}#${slot}`);
    }
  }

  /** Locks the name for 30 s doubled `level` times (at most 15 min); returns how long. */
  private async lock(name: string, failures: Failures): Promise<number> {
    const lockMs = Math.min(FIRST_LOCK_MS * 2 ** failures.level, LONGEST_LOCK_MS);
    const lockedUntil = Date.now() + lockMs;
    // The count is forgotten a while after the last failure (and after any lock).
    await this.state.put(
      FAILURES,
      name,
      { ...failures, lockedUntil },
      { ttlMs: lockMs + LONGEST_LOCK_MS },
    );
    return lockMs;
  }
}

const key = (username: string) => username.trim().toLowerCase();

export function locked(waitMs: number): TooManyRequests {
  return new TooManyRequests(
    'Too many failed logins for this account; try again later.',
    Math.ceil(waitMs / 1000),
  );
}
