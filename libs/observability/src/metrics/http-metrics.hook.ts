import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Metrics } from '@memory-system/core';

/**
 * Times every request into memory_system_http_request_duration_seconds, labelled by the route
 * template (`/api/v1/memories/:id`, never the concrete id, so label cardinality stays bounded).
 * The app calls it from Fastify's onResponse hook, for every request (health and /metrics too).
 */
@Injectable()
export class HttpMetricsHook {
  constructor(private readonly metrics: Metrics) {}

  record(request: FastifyRequest, reply: FastifyReply): void {
    this.metrics.httpRequestDuration.observe(
      {
        method: request.method,
        // A request no route matched has no template.
        route: request.is404 ? 'unmatched' : (request.routeOptions.url ?? 'unmatched'),
        status_code: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  }
}
