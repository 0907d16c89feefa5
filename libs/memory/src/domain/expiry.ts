import { InvalidRequest } from '@memory-system/core';

/**
 * The moment a memory expires, from `expiresAt` or `ttl` (seconds from now): undefined when
 * neither is given, null when expiresAt is null (never expires). Both at once, or a moment
 * already past, is a 400: a memory that expires as it is stored would be lost without a word.
 */
export function expiryOf(
  request: { expiresAt?: string | null; ttl?: number },
  now = Date.now(),
): string | null | undefined {
  if (request.expiresAt !== undefined && request.ttl !== undefined) {
    throw new InvalidRequest('Give expiresAt or ttl, not both.', [
      { field: 'ttl', messages: ['give expiresAt or ttl, not both'] },
    ]);
  }
  if (request.ttl !== undefined) return new Date(now + request.ttl * 1000).toISOString();
  if (request.expiresAt === undefined || request.expiresAt === null) return request.expiresAt;
  const at = Date.parse(request.expiresAt);
  if (at <= now) {
    throw new InvalidRequest('expiresAt must be in the future.', [
      { field: 'expiresAt', messages: ['expiresAt must be in the future'] },
    ]);
  }
  return new Date(at).toISOString();
}
