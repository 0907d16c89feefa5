import { Module, type OnModuleInit } from '@nestjs/common';
import { UserDataErasure } from '@memory-system/core';
import { InferenceModule } from '@memory-system/inference';
import { RetrievalModule } from '@memory-system/retrieval';
import { VectorModule } from '@memory-system/vector';
import { LegacyMemoryController } from './legacy/legacy-memory.controller.js';
import { MemoryController } from './memory.controller.js';
import { InsightsService } from './insights/insights.service.js';
import { MemoryService } from './memory.service.js';
import { MemoryRetriever } from './search/memory-retriever.js';
import { SearchCache } from './search/search-cache.js';

@Module({
  imports: [VectorModule, InferenceModule, RetrievalModule],
  controllers: [MemoryController, LegacyMemoryController],
  providers: [MemoryService, MemoryRetriever, SearchCache, InsightsService],
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
