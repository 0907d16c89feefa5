/** Reads up to `limit` ids from position `offset` of a collection, in its stable order. */
export type IdReader = (offset: number, limit: number) => Promise<string[]>;

/**
 * Every id of a collection, a block at a time, by offset in Chroma's order (the order records
 * were first written; updates keep their place). A delete while the scan runs moves every later
 * record one place towards the start, so a plain `offset += block` would skip one that is still
 * there. Each read therefore starts `overlap` places early and resumes after the last id it has
 * already seen; where more than that was deleted between two reads, it looks further back.
 * Memory holds one block of ids, whatever the size of the collection. `from` starts later (a
 * resumed job): ids moved before it by deletes since are not seen.
 */
export async function* scanIds(
  read: IdReader,
  { block, overlap, from = 0 }: { block: number; overlap: number; from?: number },
): AsyncIterable<string[]> {
  let seen = new Set<string>(); // the ids of the last read
  let next = from; // where the first unread id was at the last read
  for (;;) {
    let back = seen.size > 0 ? overlap : 0;
    for (;;) {
      const start = Math.max(0, next - back);
      const limit = block + (next - start);
      const ids = await read(start, limit);
      const resume = lastIndexOf(ids, seen) + 1;
      if (resume === 0 && seen.size > 0 && start > 0) {
        // None of the ids read last time is in this window: more moved than we looked back.
        back *= 4;
        continue;
      }
      const fresh = ids.slice(resume);
      if (fresh.length > 0) yield fresh;
      if (ids.length < limit) return;
      seen = new Set(ids);
      next = start + ids.length;
      break;
    }
  }
}

function lastIndexOf(ids: string[], seen: Set<string>): number {
  for (let i = ids.length - 1; i >= 0; i--) if (seen.has(ids[i]!)) return i;
  return -1;
}
