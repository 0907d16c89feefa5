import type { Metadata } from '@memory-system/vector';
import { MEMORY_STATUSES, type Memory } from './memory.js';

/** Whether the memory's expiry has passed (a pinned memory never expires). */
export function isExpired(memory: Memory, now = Date.now()): boolean {
  return !memory.pinned && memory.expiresAt !== null && Date.parse(memory.expiresAt) <= now;
}

/**
 * Whether a read may return the memory: never once expired (the sweep may not have removed it
 * yet), and superseded or retracted ones only when asked for.
 */
export function isShown(memory: Memory, options: { includeSuperseded?: boolean } = {}): boolean {
  if (isExpired(memory)) return false;
  return memory.status === 'current' || options.includeSuperseded === true;
}

/** isExpired on a stored record's metadata, without building the memory. */
export function isRecordExpired(metadata: Metadata, now = Date.now()): boolean {
  const at = metadata.expiresAt;
  return metadata.pinned !== true && typeof at === 'number' && at > 0 && at <= now;
}

/**
 * isShown on a stored record's metadata, without building the memory (a search judges every
 * match it is given, most of which it then maps anyway). A record without a status, or with one
 * no version wrote, reads as current (see toMemory).
 */
export function isRecordShown(
  metadata: Metadata,
  options: { includeSuperseded?: boolean } = {},
): boolean {
  if (isRecordExpired(metadata)) return false;
  const status = metadata.status;
  const current = status === 'current' || !MEMORY_STATUSES.includes(status as Memory['status']);
  return current || options.includeSuperseded === true;
}
