export { HealthModule } from './health/health.module.js';
export { MetricsModule } from './metrics/metrics.module.js';
export { HttpMetricsMiddleware } from './metrics/http-metrics.middleware.js';
