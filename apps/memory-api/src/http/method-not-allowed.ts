import type { FastifyInstance } from 'fastify';
import FindMyWay, { type HTTPMethod } from 'find-my-way';
import { MethodNotAllowed } from '@memory-system/core';

/**
 * A request for a path the API knows, with a method it does not take there (PUT on a memory),
 * answers 405 with `Allow`, not 404. Fastify's router has no "which methods match this path":
 * a second router (find-my-way, the one inside Fastify) holds every route, and is asked only for
 * requests that matched nothing, so a routed request pays nothing.
 */
export function registerMethodNotAllowed(fastify: FastifyInstance): void {
  const known = FindMyWay({ ignoreTrailingSlash: true });
  const methods = new Set<HTTPMethod>();
  fastify.addHook('onRoute', (route) => {
    for (const method of [route.method].flat().map((name) => name.toUpperCase() as HTTPMethod)) {
      methods.add(method);
      known.on(method, route.url, () => undefined);
    }
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    if (!request.is404) return done();
    const path = request.url.split('?')[0]!;
    const allowed = [...methods].filter((method) => known.find(method, path) !== null);
    if (allowed.length === 0) return done();
    reply.header('Allow', allowed.join(', '));
    done(
      new MethodNotAllowed(
        `${request.method} is not a method of ${path}; it takes ${allowed.join(', ')}.`,
      ),
    );
  });
}
