import type { MemoryMetadata } from '../domain/memory.js';
import { MemoryFields } from './memory-fields.js';

export class CreateMemoryDto {
  @MemoryFields.content() content!: string;
  @MemoryFields.type() type!: string;
  @MemoryFields.metadata() metadata?: MemoryMetadata;
  @MemoryFields.tags() tags?: string[];
  @MemoryFields.sessionId() sessionId?: string;
  @MemoryFields.conversationId() conversationId?: string;
  @MemoryFields.occurredAt() occurredAt?: string;
  @MemoryFields.expiresAt() expiresAt?: string;
  @MemoryFields.ttl() ttl?: number;
  @MemoryFields.pinned() pinned?: boolean;
}
