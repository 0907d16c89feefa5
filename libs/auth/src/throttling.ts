import { type ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import {
  ThrottlerGuard,
  type ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
} from '@nestjs/throttler';
import { type AppConfig, type Caller, TooManyRequests } from '@memory-system/core';

const LOGIN_THROTTLED = 'throttle:login';

/** Marks the login route for the stricter 'login' limit (per client address). */
export const LoginThrottle = () => SetMetadata(LOGIN_THROTTLED, true);

const isLogin = (context: ExecutionContext) =>
  Reflect.getMetadata(LOGIN_THROTTLED, context.getHandler()) === true;

/** Two limits: every request per user (or per address before login), and login attempts per address. */
export function throttlerOptions(config: AppConfig): ThrottlerModuleOptions {
  return {
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
 * Counters live in this process: with several replicas each enforces its own share.
 */
@Injectable()
export class CallerThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(req: { caller?: Caller; ip?: string }): Promise<string> {
    return req.caller ? `user:${req.caller.userId}` : `ip:${req.ip ?? 'unknown'}`;
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
