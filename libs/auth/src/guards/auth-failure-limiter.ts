import { Injectable } from '@nestjs/common';
import { AppConfig, TooManyRequests } from '@memory-system/core';
import { StateStore } from '@memory-system/state';

const FAILURES = 'auth-failures';

/**
 * Requests with a bad bearer token or API key, counted per client address in the shared state
 * store: past AUTH_FAILURE_LIMIT per THROTTLE_TTL the address gets 429s before any credential is
 * checked, so guessing keys costs the guesser, not the service (others behind the same address
 * wait too, for at most THROTTLE_TTL).
 */
@Injectable()
export class AuthFailureLimiter {
  constructor(
    private readonly state: StateStore,
    private readonly config: AppConfig,
  ) {}

  async assertAllowed(address: string): Promise<void> {
    const window = await this.state.get<{ count: number; until: number }>(FAILURES, address);
    if (window && window.count >= this.config.throttle.authFailureLimit) {
      throw new TooManyRequests(
        `More than ${this.config.throttle.authFailureLimit} requests with bad credentials; slow down.`,
        Math.max(1, Math.ceil((window.until - Date.now()) / 1000)),
      );
    }
  }

  async recordFailure(address: string): Promise<void> {
    const now = Date.now();
    const window = await this.state.get<{ count: number; until: number }>(FAILURES, address);
    const current =
      window && window.until > now
        ? { count: window.count + 1, until: window.until }
        : { count: 1, until: now + this.config.throttle.ttlMs };
    await this.state.put(FAILURES, address, current, { ttlMs: current.until - now });
  }
}
