import {
  BrokenCircuitError,
  circuitBreaker,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  handleWhen,
  retry,
  wrap,
} from 'cockatiel';
import {
  type AppConfig,
  BackendUnavailable,
  type BreakerState,
  type Metrics,
} from '@memory-system/core';

/** Errors worth another attempt: the server was unreachable, overloaded (429) or failed (5xx). */
export class TransientBackendError extends BackendUnavailable {}

const STATES: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.HalfOpen]: 'half_open',
  [CircuitState.Open]: 'open',
  [CircuitState.Isolated]: 'open',
};

/**
 * How every call to one inference server is made: retried with jittered exponential backoff on
 * transient failures only (never on timeouts or refusals), through a circuit breaker that opens
 * after VLLM_BREAKER_THRESHOLD consecutive failures, fails fast while open, and lets one probe
 * through after VLLM_BREAKER_COOLDOWN. Timeouts count as failures for the breaker.
 */
export class BackendPolicy {
  private readonly policy;
  private openedAt = 0;

  constructor(
    readonly name: string,
    private readonly options: AppConfig['resilience'],
    metrics: Metrics,
  ) {
    const breaker = circuitBreaker(
      handleWhen((error) => error instanceof BackendUnavailable),
      {
        halfOpenAfter: options.breakerCooldownMs,
        breaker: new ConsecutiveBreaker(options.breakerThreshold),
      },
    );
    breaker.onStateChange((state) => {
      if (state === CircuitState.Open) this.openedAt = Date.now();
      metrics.setBreakerState(name, STATES[state]);
    });
    metrics.setBreakerState(name, 'closed');
    const retries = retry(
      handleWhen((error) => error instanceof TransientBackendError),
      {
        maxAttempts: options.retries,
        backoff: new ExponentialBackoff({
          initialDelay: options.retryBaseMs,
          maxDelay: options.retryBaseMs * 20,
        }),
      },
    );
    this.policy = wrap(retries, breaker);
  }

  async execute<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await this.policy.execute(call);
    } catch (error) {
      if (error instanceof BrokenCircuitError) {
        const waitMs = Math.max(1000, this.openedAt + this.options.breakerCooldownMs - Date.now());
        throw new BackendUnavailable(
          'vllm',
          `${this.name} failed ${this.options.breakerThreshold} times in a row; not calling it for a while (circuit open)`,
          Math.ceil(waitMs / 1000),
        );
      }
      throw error;
    }
  }
}
