import { BackendUnavailable } from '@memory-system/core';
import type { Redis } from 'ioredis';

/**
 * Whether a failed call failed because Redis is away: the client is not connected, gave up
 * retrying (MaxRetriesPerRequestError) or lost the connection mid-call. An error Redis itself
 * answered (a script or type error) is a bug, not an outage.
 */
function isOutage(error: unknown, redis: Redis): boolean {
  if (redis.status !== 'ready') return true;
  const { name, message } = error as Error;
  return name === 'MaxRetriesPerRequestError' || /Connection is closed/.test(message ?? '');
}

/**
 * The store, with every method that fails while Redis is away failing with
 * BackendUnavailable('state') instead: a 503 with Retry-After on every route (credentials, rate
 * limits, the change feed, locks, sessions), never a 500, whichever caller asked.
 */
export function outagesAsUnavailable<T extends object>(store: T, redis: Redis): T {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const result: unknown = value.apply(target, args);
        if (!(result instanceof Promise)) return result;
        return result.catch((error: unknown) => {
          if (error instanceof BackendUnavailable || !isOutage(error, redis)) throw error;
          throw new BackendUnavailable(
            'state',
            `Redis does not answer (${(error as Error).message})`,
          );
        });
      };
    },
  });
}
