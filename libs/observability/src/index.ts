export { HealthModule } from './health/health.module.js';
