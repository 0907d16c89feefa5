import { Injectable } from '@nestjs/common';
import { AppConfig, TooManyRequests } from '@memory-system/core';
import { StateStore } from '@memory-system/state';

const FAILURES = 'auth-failures';

/**
 * Requests with a bad bearer token or API key, counted per client address in the shared state
 * store's hit windows: past AUTH_FAILURE_LIMIT per THROTTLE_TTL, a failing request is answered 429
 * with Retry-After instead of 401, so guessing keys is slowed on every replica. Requests with good
 * credentials are never counted or slowed.
 */
@Injectable()
export class AuthFailureLimiter {
  constructor(
    private readonly state: StateStore,
    private readonly config: AppConfig,
  ) {}

  /** Counts a failure; a 429 to throw instead of the 401 once the address is past its limit. */
  async recordFailure(address: string): Promise<TooManyRequests | undefined> {
    const { authFailureLimit, ttlMs } = this.config.throttle;
    const { count, resetInMs } = await this.state.hit(FAILURES, address, ttlMs);
    if (count <= authFailureLimit) return undefined;
    return new TooManyRequests(
      `More than ${authFailureLimit} requests with bad credentials; slow down.`,
      Math.max(1, Math.ceil(resetInMs / 1000)),
    );
  }
}
