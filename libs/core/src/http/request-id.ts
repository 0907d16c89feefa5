import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const ACCEPTABLE_ID = /^[\w.:-]{1,128}$/;

/**
 * A request's id (Fastify's genReqId): the caller's `X-Request-Id` when it is sane, otherwise a
 * new one. The app echoes it back, the request log and problem answers carry it.
 */
export function requestIdFor(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && ACCEPTABLE_ID.test(given) ? given : randomUUID();
}
