import { Module, type OnModuleInit } from '@nestjs/common';
import { UserDataErasure } from '@memory-system/core';
import { InferenceModule } from '@memory-system/inference';
import { VectorModule } from '@memory-system/vector';
import { LegacyMemoryController } from './legacy/legacy-memory.controller.js';
import { MemoryController } from './memory.controller.js';
import { InsightsService } from './insights/insights.service.js';
import { MemoryService } from './memory.service.js';
import { SearchCache } from './search/search-cache.js';

@Module({
  imports: [VectorModule, InferenceModule],
  controllers: [MemoryController, LegacyMemoryController],
  providers: [MemoryService, SearchCache, InsightsService],
  exports: [MemoryService],
})
export class MemoryModule implements OnModuleInit {
  constructor(
    private readonly erasure: UserDataErasure,
    private readonly memories: MemoryService,
  ) {}

  onModuleInit(): void {
    this.erasure.register(this.memories);
  }
}
