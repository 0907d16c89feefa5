import { APP_INTERCEPTOR } from '@nestjs/core';
import { Module, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { RestoreFollowUps, StartupWork, UserDataErasure } from '@memory-system/core';
import { InferenceModule } from '@memory-system/inference';
import { RetrievalModule } from '@memory-system/retrieval';
import { StateModule } from '@memory-system/state';
import { VectorModule, VectorStore } from '@memory-system/vector';
import { ContextBuilder } from './context/context-builder.js';
import { ContextController } from './context/context.controller.js';
import { LegacyMemoryController } from './legacy/legacy-memory.controller.js';
import { MemoryController } from './memory.controller.js';
import { InsightsService } from './insights/insights.service.js';
import { MemoryQuota } from './quota/memory-quota.js';
import { MemoryService } from './memory.service.js';
import { MemoryRetriever } from './search/memory-retriever.js';
import { QueryDecomposer } from './search/query-decomposer.js';
import { SearchCache } from './search/search-cache.js';
import { UserSpaces } from './spaces/user-spaces.js';
import { AdminReembedController } from './reembed/admin-reembed.controller.js';
import { MemoryHistory } from './history/memory-history.js';
import { ExtractionController } from './extraction/extraction.controller.js';
import { ExtractionService } from './extraction/extraction.service.js';
import { ExpiryIndex } from './lifecycle/expiry-index.js';
import { ExpirySweeper } from './lifecycle/expiry-sweeper.js';
import { ReembedService } from './reembed/reembed.service.js';
import { SubjectActivityInterceptor } from './subjects/subject-activity.interceptor.js';
import { SubjectRegistry } from './subjects/subject-registry.js';
import { SubjectErasures } from './subjects/subject-erasures.js';
import { SubjectHomeMoves } from './subjects/subject-home-moves.js';
import { UnfinishedErasures } from './subjects/unfinished-erasures.js';
import { SubjectsController } from './subjects/subjects.controller.js';
import { AdminUserMemoriesController } from './transfer/admin-user-memories.controller.js';
import { MemoryTransferController } from './transfer/memory-transfer.controller.js';
import { MemoryTransferService } from './transfer/memory-transfer.service.js';

@Module({
  imports: [VectorModule, InferenceModule, RetrievalModule, StateModule],
  // The transfer routes first: their fixed paths must win over MemoryController's /:id.
  controllers: [
    MemoryTransferController,
    ExtractionController,
    ContextController,
    MemoryController,
    LegacyMemoryController,
    AdminReembedController,
    AdminUserMemoriesController,
    SubjectsController,
  ],
  providers: [
    MemoryService,
    MemoryRetriever,
    QueryDecomposer,
    SearchCache,
    InsightsService,
    UserSpaces,
    ReembedService,
    MemoryTransferService,
    MemoryHistory,
    ExpiryIndex,
    ExtractionService,
    MemoryQuota,
    ContextBuilder,
    SubjectRegistry,
    SubjectErasures,
    SubjectHomeMoves,
    { provide: APP_INTERCEPTOR, useClass: SubjectActivityInterceptor },
  ],
  exports: [
    MemoryService,
    MemoryTransferService,
    ExpiryIndex,
    ExtractionService,
    UserSpaces,
    ContextBuilder,
    SubjectRegistry,
    SubjectErasures,
  ],
})
export class MemoryModule implements OnModuleInit, OnApplicationBootstrap {
  constructor(
    private readonly erasure: UserDataErasure,
    private readonly memories: MemoryService,
    private readonly spaces: UserSpaces,
    private readonly history: MemoryHistory,
    private readonly expiries: ExpiryIndex,
    private readonly extractions: ExtractionService,
    private readonly subjects: SubjectRegistry,
    private readonly store: VectorStore,
    private readonly startup: StartupWork,
    private readonly restores: RestoreFollowUps,
    private readonly homes: SubjectHomeMoves,
  ) {}

  onModuleInit(): void {
    // Extractions first: stopped before the memory writes they would make are waited for.
    this.erasure.register(this.extractions);
    this.erasure.register(this.memories);
    this.erasure.register(this.history);
    this.erasure.register(this.expiries);
    this.erasure.register(this.subjects);
    this.restores.register(this.homes);
  }

  /**
   * Users whose memories are in another embedding space keep being served from it: found at
   * start, and while Chroma does not answer yet, waited for (readiness stays down until found).
   */
  async onApplicationBootstrap(): Promise<void> {
    // Subjects still in collections of their own (an older layout) first: found where they live.
    await this.startup.run('move subjects into shared homes', this.store.location, () =>
      this.homes.moveAll().then(() => undefined),
    );
    await this.startup.run('look for memories in other embedding spaces', this.store.location, () =>
      this.spaces.detectWaiting().then(() => undefined),
    );
  }
}

/**
 * The service's upkeep of memories (the expiry sweep, finishing subject erasures cut short): the
 * API runs it, the CLI not.
 */
@Module({ imports: [MemoryModule, StateModule], providers: [ExpirySweeper, UnfinishedErasures] })
export class MemoryUpkeepModule {}
