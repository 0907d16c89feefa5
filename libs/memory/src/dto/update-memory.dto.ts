import type { MemoryMetadata } from '../domain/memory.js';
import { MemoryFields } from './memory-fields.js';

/** Only the fields given change; `metadata` and `tags`, when given, replace the old ones whole. */
export class UpdateMemoryDto {
  @MemoryFields.content(false) content?: string;
  @MemoryFields.type(false) type?: string;
  @MemoryFields.metadata() metadata?: MemoryMetadata;
  @MemoryFields.tags() tags?: string[];
  @MemoryFields.conversationId(true) conversationId?: string | null;
  @MemoryFields.occurredAt() occurredAt?: string;
  @MemoryFields.expiresAt(true) expiresAt?: string | null;
  @MemoryFields.ttl() ttl?: number;
  @MemoryFields.pinned() pinned?: boolean;
}
