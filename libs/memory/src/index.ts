export { MemoryModule } from './memory.module.js';
export { MemoryService, type CreateOutcome } from './memory.service.js';
export type * from './domain/memory.js';
export { MemoryLimits } from './domain/memory-limits.js';
export { contentHash } from './domain/content-hash.js';
export { SessionRegistry } from './session-registry.port.js';
export { IsFlatMetadata } from './dto/flat-metadata.validator.js';
export { MemoryView, ScoredMemoryView } from './dto/memory.views.js';
export { UuidOr404 } from './memory-id.pipe.js';
export { ReembedCoreModule } from './reembed/reembed.module.js';
export {
  type ReembedReport,
  ReembedService,
  type ReembedStatus,
} from './reembed/reembed.service.js';
