import type { VectorFilter } from '@memory-system/vector';
import { MEMORY_STATUSES, type MemoryFilter } from './memory.js';
import { recordKeys } from './memory-record.mapper.js';

const NOT_CURRENT = MEMORY_STATUSES.filter((status) => status !== 'current');

/** Translates a memory filter into the vector store's filter language (all conditions must hold). */
export function toVectorFilter(
  filter: MemoryFilter = {},
  options: { includeSuperseded?: boolean } = {},
): VectorFilter | undefined {
  const conditions: VectorFilter[] = [];
  // A record without a status (stored before statuses existed) passes $nin: it is current.
  if (!options.includeSuperseded) conditions.push({ status: { $nin: NOT_CURRENT } });
  if (filter.type) conditions.push({ type: { $eq: filter.type } });
  if (filter.sessionId) conditions.push({ sessionId: { $eq: filter.sessionId } });
  if (filter.conversationId) {
    conditions.push({ conversationId: { $eq: filter.conversationId } });
  }
  for (const tag of filter.tags ?? []) conditions.push({ [recordKeys.tag(tag)]: { $eq: true } });
  for (const [key, value] of Object.entries(filter.metadata ?? {})) {
    conditions.push({ [recordKeys.meta(key)]: { $eq: value } });
  }
  if (filter.createdAfter) conditions.push({ createdAt: { $gt: filter.createdAfter.getTime() } });
  if (filter.createdBefore) conditions.push({ createdAt: { $lt: filter.createdBefore.getTime() } });
  if (conditions.length === 0) return undefined;
  return conditions.length === 1 ? conditions[0] : { $and: conditions };
}
