export { HealthModule } from './health/health.module.js';
export { MetricsModule } from './metrics/metrics.module.js';
export { HttpMetricsHook } from './metrics/http-metrics.hook.js';
