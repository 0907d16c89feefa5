export { HealthModule } from './health/health.module.js';
export { MetricsModule } from './metrics/metrics.module.js';
