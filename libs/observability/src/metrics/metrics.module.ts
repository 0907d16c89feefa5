import { Module } from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { HttpMetricsHook } from './http-metrics.hook.js';
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
  providers: [MetricsTokenGuard, HttpMetricsHook],
  // Applied by the app to every request (health and /metrics included), not per route.
  exports: [HttpMetricsHook],
})
export class MetricsModule {}
