import { Module } from '@nestjs/common';
import { InferenceModule } from '@memory-system/inference';
import { RetrievalModule } from '@memory-system/retrieval';
import { StateModule } from '@memory-system/state';
import { VectorModule } from '@memory-system/vector';
import { UserSpaces } from '../spaces/user-spaces.js';
import { ReembedService } from './reembed.service.js';

/** Re-embedding without HTTP, for the CLI. */
@Module({
  imports: [VectorModule, InferenceModule, StateModule, RetrievalModule],
  providers: [ReembedService, UserSpaces],
  exports: [ReembedService],
})
export class ReembedCoreModule {}
