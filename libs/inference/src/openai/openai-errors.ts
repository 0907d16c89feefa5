import {
  BackendMisconfigured,
  BackendUnavailable,
  ClientGone,
  InputRejected,
} from '@memory-system/core';
import { isAxiosError } from 'axios';
import { TransientBackendError } from '../resilience/backend-policy.js';

/** vLLM answers `{error: {message, type, code}}`; older servers `{message, type}` at the top. */
export function upstreamMessage(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return typeof data === 'string' ? data : undefined;
  const nested = (data as { error?: unknown }).error;
  if (typeof nested === 'object' && nested !== null) {
    const message = (nested as { message?: unknown }).message;
    if (typeof message === 'string') return message;
  }
  if (typeof nested === 'string') return nested;
  const message = (data as { message?: unknown }).message;
  return typeof message === 'string' ? message : undefined;
}

function retryAfter(header: unknown): number | undefined {
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds) : undefined;
}

/** Maps an HTTP failure talking to the inference server onto a domain error. */
export function mapInferenceError(error: unknown, what: string): Error {
  if (!isAxiosError(error)) return error instanceof Error ? error : new Error(String(error));
  // Cancelled because our own client went away: not the server's failure (no retry, no breaker).
  if (error.code === 'ERR_CANCELED')
    return new ClientGone(`${what} was cancelled: the client left`);
  const response = error.response;
  if (!response) {
    // A timeout is not retried: the server is up but slow, and another try would only add load.
    if (error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT') {
      return new BackendUnavailable('vllm', `${what} failed: timed out`);
    }
    return new TransientBackendError('vllm', `${what} failed: ${error.code ?? error.message}`);
  }
  const message = upstreamMessage(response.data) ?? `HTTP ${response.status}`;
  const status = response.status;
  if (status === 429 || status >= 500) {
    return new TransientBackendError(
      'vllm',
      `${what} failed with HTTP ${status}: ${message}`,
      retryAfter(response.headers?.['retry-after']) ?? 5,
    );
  }
  if (status === 400 || status === 413 || status === 422) {
    return new InputRejected(`${what} was refused by the model: ${message}`);
  }
  const hint =
    status === 401 || status === 403
      ? ' (check VLLM_API_KEY)'
      : status === 404
        ? ' (check the model name and URL)'
        : '';
  return new BackendMisconfigured('vllm', `${what} failed with HTTP ${status}: ${message}${hint}`);
}
