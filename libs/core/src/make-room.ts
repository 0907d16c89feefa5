/**
 * Forgets the oldest entries of a map or set (they iterate in insertion order) until one more
 * fits within `max`: caches keyed by user or table stay bounded however many there are.
 */
export function makeRoom(entries: Map<unknown, unknown> | Set<unknown>, max: number): void {
  for (const key of entries.keys()) {
    if (entries.size < max) return;
    entries.delete(key);
  }
}
