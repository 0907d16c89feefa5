export { MemoryModule, MemoryUpkeepModule } from './memory.module.js';
export { ExpirySweeper } from './lifecycle/expiry-sweeper.js';
export { MemoryService, type CreateOutcome } from './memory.service.js';
export type * from './domain/memory.js';
export { MemoryLimits } from './domain/memory-limits.js';
export { contentHash } from './domain/content-hash.js';
export { SessionRegistry, type SessionTurn } from './session-registry.port.js';
export { IsFlatMetadata } from './dto/flat-metadata.validator.js';
export { MemoryView, ScoredMemoryView } from './dto/memory.views.js';
export { UuidOr404 } from './memory-id.pipe.js';
export { ReembedCoreModule } from './reembed/reembed.module.js';
export {
  type ReembedReport,
  ReembedService,
  type ReembedStatus,
} from './reembed/reembed.service.js';
export { MemoryIdPipe } from './memory-id.pipe.js';
export { CreateMemoryDto } from './dto/create-memory.dto.js';
export { UpdateMemoryDto } from './dto/update-memory.dto.js';
export { SearchMemoriesDto } from './dto/search-memories.dto.js';
export { ListMemoriesQuery } from './dto/list-memories.query.js';
export {
  type ImportReport,
  MemoryTransferService,
  type TransferProgress,
} from './transfer/memory-transfer.service.js';
export {
  type Decision,
  type ExtractionReceipt,
  ExtractionService,
} from './extraction/extraction.service.js';
export { ExtractMemoriesDto } from './extraction/extraction.controller.js';
export { UserSpaces, type WaitingMemories } from './spaces/user-spaces.js';
export {
  type BuiltContext,
  CONTEXT_BUDGET_MAX,
  ContextBuilder,
  type ContextRequest,
} from './context/context-builder.js';
export { ContextRequestDto } from './context/context.dto.js';
export { checkedContextRequest } from './context/context.controller.js';
export { SubjectRegistry } from './subjects/subject-registry.js';
export { SubjectErasures } from './subjects/subject-erasures.js';
export { usersAndSubjects } from './subjects/subject-spaces.js';
