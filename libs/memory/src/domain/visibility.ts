import type { Metadata } from '@memory-system/vector';
import type { Memory } from './memory.js';

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
