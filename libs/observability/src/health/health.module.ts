import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { InferenceModule } from '@memory-system/inference';
import { VectorModule } from '@memory-system/vector';
import { BackendHealthIndicators } from './backend-health.indicators.js';
import { HealthController } from './health.controller.js';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), VectorModule, InferenceModule],
  controllers: [HealthController],
  providers: [BackendHealthIndicators],
})
export class HealthModule {}
