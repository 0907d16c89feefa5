import {
  actingFor,
  AppConfig,
  assertScope,
  assertSubjectId,
  type Caller,
  InvalidRequest,
} from '@memory-system/core';
import type { FastifyRequest } from 'fastify';

/** What a request's X-Memory-* headers (and the deployment) ask of the proxy. */
export interface MemoryOptions {
  /** X-Memory-Mode: off: relay untouched, learn nothing. */
  off: boolean;
  /** X-Memory-Session: also this session's recent turns. */
  sessionId?: string;
  /** Learn from the exchange: PROXY_LEARN, no X-Memory-Learn: false, and memories:write. */
  learn: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function header(req: FastifyRequest, name: string): string | undefined {
  const value = req.headers[name];
  return (Array.isArray(value) ? value[0] : value)?.trim() || undefined;
}

/** Reads the headers, refusing a malformed session id (400) or one the caller may not use (403). */
export function memoryOptions(
  req: FastifyRequest,
  caller: Caller,
  config: AppConfig,
): MemoryOptions {
  const off = header(req, 'x-memory-mode')?.toLowerCase() === 'off';
  const sessionId = off ? undefined : header(req, 'x-memory-session');
  if (sessionId !== undefined) {
    if (!UUID.test(sessionId)) {
      throw new InvalidRequest('X-Memory-Session must be a session id (a UUID).');
    }
    assertScope(caller, 'sessions');
  }
  const learn =
    !off &&
    config.proxy.learn &&
    header(req, 'x-memory-learn')?.toLowerCase() !== 'false' &&
    caller.scopes.includes('memories:write');
  return { off, sessionId, learn };
}

/**
 * OpenAI's `user` field names the subject the chat is for, when the credentials hold the
 * `subjects` scope and no X-Memory-Subject header chose one already (the header wins). Without the
 * scope `user` is only passed on, as OpenAI clients send it for their own bookkeeping.
 */
export function chatSubject(caller: Caller, user: unknown): Caller {
  if (caller.subject || user === undefined || !caller.scopes.includes('subjects')) return caller;
  assertSubjectId(user, 'user');
  return actingFor(caller, user);
}
