import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { InferenceModule } from '@memory-system/inference';
import { StateModule } from '@memory-system/state';
import { VectorModule } from '@memory-system/vector';
import { BackendHealthIndicators } from './backend-health.indicators.js';
import { HealthController } from './health.controller.js';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), VectorModule, InferenceModule, StateModule],
  controllers: [HealthController],
  providers: [BackendHealthIndicators],
})
export class HealthModule {}
