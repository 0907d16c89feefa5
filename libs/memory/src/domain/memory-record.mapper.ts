import type { Metadata, StoredRecord } from '@memory-system/vector';
import { MEMORY_STATUSES, type Memory, type MemoryMetadata, type MemoryStatus } from './memory.js';

/**
 * How a memory sits in Chroma's flat metadata: system fields by name, each tag as a `tag:<name>`
 * flag (so tags filter with plain equality) and user metadata under `meta:<key>`.
 *
 * Chroma merges metadata on upsert and cannot delete a key, so a dropped tag is written as
 * `false` and a dropped metadata key as TOMBSTONE, a value no request can contain (validation
 * refuses NUL characters). Neither ever matches a filter, and both are skipped when reading back.
 */
const TAG = 'tag:';
const META = 'meta:';
export const TOMBSTONE = '\u0000';
/** Set on every record that carries its own occurredAt (the others occurred when created). */
export const OCCURRED_AT_SET = 'hasOccurredAt';

const LIFECYCLE_DEFAULTS: Metadata = {
  status: 'current',
  supersededBy: '',
  expiresAt: 0,
  pinned: false,
};

/**
 * The record's metadata. Every key costs Chroma a metadata row per record, so nothing is written
 * that the record's place already says: the owner and the embedding model are named by the
 * collection (one per user and space), and a memory never changed has `updatedAt` = `createdAt`.
 * Records stored with those keys read the same (the keys are ignored).
 */
export function toRecordMetadata(memory: Memory, previous: Metadata = {}): Metadata {
  const metadata: Metadata = {};
  for (const key of Object.keys(previous)) {
    if (key.startsWith(TAG)) metadata[key] = false;
    else if (key.startsWith(META)) metadata[key] = TOMBSTONE;
  }
  const createdAt = Date.parse(memory.createdAt);
  const updatedAt = Date.parse(memory.updatedAt);
  Object.assign(metadata, { type: memory.type, contentHash: memory.contentHash, createdAt });
  if (updatedAt !== createdAt || 'updatedAt' in previous) metadata.updatedAt = updatedAt;
  // Lifecycle fields are written only when they differ from the default, or to overwrite an
  // earlier value (Chroma merges metadata and cannot delete a key: "none" is '' and 0).
  const lifecycle: Metadata = {
    status: memory.status,
    supersededBy: memory.supersededBy ?? '',
    expiresAt: memory.expiresAt ? Date.parse(memory.expiresAt) : 0,
    pinned: memory.pinned,
  };
  for (const [key, value] of Object.entries(lifecycle)) {
    if (value !== LIFECYCLE_DEFAULTS[key] || key in previous) metadata[key] = value;
  }
  if (memory.sessionId) metadata.sessionId = memory.sessionId;
  // Conversation fields cost a key only when set (or to overwrite an earlier value): a memory
  // said when it was stored needs no occurredAt, one outside any conversation no conversationId.
  if (memory.conversationId || 'conversationId' in previous) {
    metadata.conversationId = memory.conversationId ?? '';
  }
  const occurredAt = Date.parse(memory.occurredAt);
  if (occurredAt !== createdAt || 'occurredAt' in previous) {
    metadata.occurredAt = occurredAt;
    // Chroma cannot ask whether a key is missing, only whether a flag is not true: this one lets
    // an occurredAt window judge a record without occurredAt by its createdAt (see toVectorFilter).
    metadata[OCCURRED_AT_SET] = true;
  }
  for (const tag of memory.tags) metadata[TAG + tag] = true;
  for (const [key, value] of Object.entries(memory.metadata)) metadata[META + key] = value;
  return metadata;
}

/** Keys older records carry that their collection now names: a copy into another space drops them. */
const IMPLIED_BY_COLLECTION = ['userId', 'embeddingModel'];

export function withoutImpliedKeys(metadata: Metadata): Metadata {
  const kept = { ...metadata };
  for (const key of IMPLIED_BY_COLLECTION) delete kept[key];
  return kept;
}

/** The memory a record of the collection for embedding model `model` holds. */
export function toMemory(record: StoredRecord, model: string): Memory {
  const m = record.metadata;
  const tags: string[] = [];
  const metadata: MemoryMetadata = {};
  for (const [key, value] of Object.entries(m)) {
    if (key.startsWith(TAG) && value === true) tags.push(key.slice(TAG.length));
    else if (key.startsWith(META) && value !== TOMBSTONE) metadata[key.slice(META.length)] = value;
  }
  return {
    id: record.id,
    content: record.document,
    type: String(m.type),
    metadata,
    tags: tags.sort(),
    sessionId: typeof m.sessionId === 'string' ? m.sessionId : null,
    conversationId:
      typeof m.conversationId === 'string' && m.conversationId ? m.conversationId : null,
    occurredAt: new Date(Number(m.occurredAt ?? m.createdAt)).toISOString(),
    contentHash: String(m.contentHash),
    createdAt: new Date(Number(m.createdAt)).toISOString(),
    updatedAt: new Date(Number(m.updatedAt ?? m.createdAt)).toISOString(),
    embeddingModel: model,
    // Memories stored before lifecycle fields existed are current, never expire, not pinned.
    status: isStatus(m.status) ? m.status : 'current',
    supersededBy: typeof m.supersededBy === 'string' && m.supersededBy ? m.supersededBy : null,
    expiresAt:
      typeof m.expiresAt === 'number' && m.expiresAt > 0
        ? new Date(m.expiresAt).toISOString()
        : null,
    pinned: m.pinned === true,
  };
}

const isStatus = (value: unknown): value is MemoryStatus =>
  MEMORY_STATUSES.includes(value as MemoryStatus);

export const recordKeys = {
  tag: (tag: string) => TAG + tag,
  meta: (key: string) => META + key,
};
