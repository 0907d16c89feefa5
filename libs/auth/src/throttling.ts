import { type ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import {
  ThrottlerGuard,
  type ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import {
  accountIdOf,
  type AppConfig,
  BackendUnavailable,
  type Caller,
  TooManyRequests,
} from '@memory-system/core';
import type { StateStore } from '@memory-system/state';

const LOGIN_THROTTLED = 'throttle:login';

/** Marks the login route for the stricter 'login' limit (per client address). */
export const LoginThrottle = () => SetMetadata(LOGIN_THROTTLED, true);

const isLogin = (context: ExecutionContext) =>
  Reflect.getMetadata(LOGIN_THROTTLED, context.getHandler()) === true;

/**
 * The limits' counters in the shared state store (Redis with several replicas), so that every
 * replica counts against one total instead of each enforcing its own share.
 */
export class SharedThrottlerStorage implements ThrottlerStorage {
  constructor(private readonly state: StateStore) {}

  async increment(
    key: string,
    ttl: number,
    limit: number,
    _blockDuration: number,
    throttlerName: string,
  ): Promise<Awaited<ReturnType<ThrottlerStorage['increment']>>> {
    // A state store that does not answer (Redis away) makes a 503 of every request, not a 500.
    const { count, resetInMs } = await this.state
      .hit('throttle', `${throttlerName}:${key}`, ttl)
      .catch((error: Error) => {
        throw error instanceof BackendUnavailable
          ? error
          : new BackendUnavailable('state', error.message);
      });
    const seconds = Math.max(1, Math.ceil(resetInMs / 1000));
    const blocked = count > limit;
    return {
      totalHits: count,
      timeToExpire: seconds,
      isBlocked: blocked,
      timeToBlockExpire: blocked ? seconds : 0,
    };
  }
}

/** Two limits: every request per user (or per address before login), and login attempts per address. */
export function throttlerOptions(config: AppConfig, state: StateStore): ThrottlerModuleOptions {
  return {
    storage: new SharedThrottlerStorage(state),
    throttlers: [
      { name: 'default', ttl: config.throttle.ttlMs, limit: config.throttle.limit },
      {
        name: 'login',
        ttl: config.throttle.ttlMs,
        limit: config.throttle.loginLimit,
        skipIf: (c) => !isLogin(c),
      },
    ],
  };
}

/**
 * Counts an authenticated request against its user (shared NAT or a proxy does not lump users
 * together), anything else against its address. Refusals are 429 problems with Retry-After.
 * Counters live in the shared state store: several replicas enforce one total.
 */
@Injectable()
export class CallerThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(req: { caller?: Caller; ip?: string }): Promise<string> {
    return req.caller ? `user:${accountIdOf(req.caller)}` : `ip:${req.ip ?? 'unknown'}`;
  }

  protected override async throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    throw new TooManyRequests(
      `More than ${detail.limit} requests in ${Math.round(detail.ttl / 1000)} s; slow down.`,
      detail.timeToBlockExpire,
    );
  }
}
