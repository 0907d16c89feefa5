import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { InferenceModule } from '@memory-system/inference';
import { MemoryModule } from '@memory-system/memory';
import { StateModule } from '@memory-system/state';
import { VectorModule } from '@memory-system/vector';
import { BackendHealthIndicators } from './backend-health.indicators.js';
import { HealthController } from './health.controller.js';

@Module({
  imports: [
    TerminusModule.forRoot({ logger: false }),
    VectorModule,
    InferenceModule,
    StateModule,
    MemoryModule,
  ],
  controllers: [HealthController],
  providers: [BackendHealthIndicators],
})
export class HealthModule {}
