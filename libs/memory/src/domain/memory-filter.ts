import type { VectorFilter } from '@memory-system/vector';
import { MEMORY_STATUSES, type MemoryFilter } from './memory.js';
import { OCCURRED_AT_SET, recordKeys } from './memory-record.mapper.js';

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
  const occurred = occurredWithin(filter);
  if (occurred) conditions.push(occurred);
  return allOf(conditions);
}

/**
 * Memories that occurred in [occurredAfter, occurredBefore): by their occurredAt, or, for a
 * record without one (it occurred when it was created, and never had OCCURRED_AT_SET), by
 * its createdAt. Chroma and the keyword index's copies judge it alike (see matchesFilter).
 */
function occurredWithin(filter: MemoryFilter): VectorFilter | undefined {
  const from = filter.occurredAfter === undefined ? undefined : Date.parse(filter.occurredAfter);
  const to = filter.occurredBefore === undefined ? undefined : Date.parse(filter.occurredBefore);
  if (from === undefined && to === undefined) return undefined;
  const within = (key: string): VectorFilter[] => [
    ...(from === undefined ? [] : [{ [key]: { $gte: from } }]),
    ...(to === undefined ? [] : [{ [key]: { $lt: to } }]),
  ];
  return {
    $or: [
      allOf(within('occurredAt')),
      allOf([{ [OCCURRED_AT_SET]: { $ne: true } }, ...within('createdAt')]),
    ],
  };
}

/** Every condition must hold (Chroma takes $and only of two or more). */
function allOf(conditions: VectorFilter[]): VectorFilter | undefined {
  if (conditions.length === 0) return undefined;
  return conditions.length === 1 ? conditions[0] : { $and: conditions };
}
