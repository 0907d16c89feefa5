import { Module } from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { HttpMetricsMiddleware } from './http-metrics.middleware.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsTokenGuard } from './metrics-token.guard.js';

/** `/metrics` for Prometheus: the service's own metrics (core's Metrics) and the process defaults. */
@Module({
  imports: [
    PrometheusModule.register({
      path: '/metrics',
      controller: MetricsController,
      defaultMetrics: { enabled: true, config: { prefix: 'memory_system_' } },
    }),
  ],
  providers: [MetricsTokenGuard, HttpMetricsMiddleware],
  // Applied by the app to every request (health and /metrics included), not per route.
  exports: [HttpMetricsMiddleware],
})
export class MetricsModule {}
