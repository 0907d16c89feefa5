import {
  ChromaConnectionError,
  ChromaForbiddenError,
  ChromaQuotaExceededError,
  ChromaRateLimitError,
  ChromaServerError,
  ChromaUnauthorizedError,
} from 'chromadb';
import { BackendMisconfigured, BackendUnavailable } from '@memory-system/core';

/**
 * Maps the chromadb client's errors onto domain errors; anything else is our bug and rethrown.
 * By class, not by name: chromadb names its 401 error "ChromaAuthError", not after its class.
 */
export function mapChromaError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const message = error.message;
  switch (true) {
    case error instanceof ChromaConnectionError:
    case error instanceof ChromaServerError:
    case error instanceof ChromaRateLimitError:
    case error instanceof ChromaQuotaExceededError:
      return new BackendUnavailable('chroma', message);
    case error instanceof ChromaUnauthorizedError:
    case error instanceof ChromaForbiddenError:
      return new BackendMisconfigured('chroma', `${message} (check CHROMA_AUTH or CHROMA_TOKEN)`);
    default: {
      const dimensions = /expecting embedding with dimension of (\d+), got (\d+)/.exec(message);
      if (dimensions) {
        return new BackendMisconfigured(
          'chroma',
          `the embedding has ${dimensions[2]} dimensions but the collection holds ${dimensions[1]}-dimensional vectors`,
        );
      }
      if (/fetch failed|ECONNREFUSED|ECONNRESET|socket hang up/i.test(message)) {
        return new BackendUnavailable('chroma', message);
      }
      return error;
    }
  }
}

/** Rejects with BackendUnavailable when `work` takes longer than `ms`: a request never hangs. */
export async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new BackendUnavailable('chroma', `${what} timed out after ${ms} ms`)),
      ms,
    );
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
