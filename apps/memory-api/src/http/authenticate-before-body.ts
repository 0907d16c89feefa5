import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuthenticationGuard } from '@memory-system/auth';
import { PUBLIC_ROUTES } from './body-parsers.js';

/** Whether the request carries a body at all (Fastify reads none otherwise). */
const hasBody = (request: FastifyRequest): boolean => {
  const length = request.headers['content-length'];
  return (
    request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')
  );
};

/**
 * Credentials are checked before a body is read, not after: a request with a body and no valid
 * credentials is answered 401 (429 past AUTH_FAILURE_LIMIT) with its body never parsed, so
 * anonymous clients cannot make the service parse megabytes of JSON for them. Only the routes
 * anyone may call (login, refresh, logout: 16 KB bodies at most) read a body first; an unknown
 * route needs credentials too before its body is looked at. The guard finds the caller again on
 * the request and does not verify twice.
 */
export function authenticateBeforeBody(fastify: FastifyInstance, guard: AuthenticationGuard): void {
  fastify.addHook('preParsing', async (request, reply, payload) => {
    if (hasBody(request) && !PUBLIC_ROUTES.has(request.routeOptions.url ?? '')) {
      await guard.authenticate(request, reply);
    }
    return payload;
  });
}
