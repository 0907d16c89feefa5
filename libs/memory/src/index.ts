export { MemoryModule } from './memory.module.js';
export { MemoryService, type CreateOutcome } from './memory.service.js';
export type * from './domain/memory.js';
export { MemoryLimits } from './domain/memory-limits.js';
export { contentHash } from './domain/content-hash.js';
