import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { Metrics } from '@memory-system/core';

/**
 * Times every request into memory_system_http_request_duration_seconds, labelled by the route
 * template (`/api/v1/memories/:id`, never the concrete id, so label cardinality stays bounded).
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: Metrics) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const end = this.metrics.httpRequestDuration.startTimer();
    res.once('finish', () => {
      const template = (req.route as { path?: string } | undefined)?.path;
      end({
        method: req.method,
        route: template ?? 'unmatched',
        status_code: String(res.statusCode),
      });
    });
    next();
  }
}
