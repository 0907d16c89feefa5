import { type IdReader, scanIds } from './id-scan.js';

/** A list read by offset, like a Chroma collection, whose owner may delete between two reads. */
function listOf(count: number) {
  const ids = Array.from({ length: count }, (_, i) => `id-${i}`);
  let beforeRead: (offset: number) => void = () => undefined;
  const read: IdReader = async (offset, limit) => {
    beforeRead(offset);
    return ids.slice(offset, offset + limit);
  };
  const remove = (...gone: string[]) => {
    for (const id of gone) ids.splice(ids.indexOf(id), 1);
  };
  return {
    ids,
    read,
    remove,
    onRead: (hook: (offset: number) => void) => (beforeRead = hook),
  };
}

async function scan(read: IdReader, block = 10, overlap = 3): Promise<string[]> {
  const all: string[] = [];
  for await (const ids of scanIds(read, { block, overlap })) all.push(...ids);
  return all;
}

describe('scanIds', () => {
  it('reads every id once, a block at a time', async () => {
    const list = listOf(95);
    const blocks: number[] = [];
    for await (const ids of scanIds(list.read, { block: 10, overlap: 3 })) blocks.push(ids.length);
    expect(blocks).toEqual([10, 10, 10, 10, 10, 10, 10, 10, 10, 5]);
    expect(await scan(list.read)).toEqual(list.ids);
  });

  it('ends on an exact multiple of the block and on an empty list', async () => {
    expect(await scan(listOf(30).read)).toHaveLength(30);
    expect(await scan(listOf(0).read)).toEqual([]);
  });

  it('misses nothing that is still there when records are deleted between reads', async () => {
    const list = listOf(100);
    const survivors = new Set(list.ids);
    let reads = 0;
    list.onRead(() => {
      // Each time, delete two records that were already read and one that was not.
      if (++reads < 2) return;
      const gone = [list.ids[1]!, list.ids[2]!, list.ids[list.ids.length - 1]!];
      list.remove(...gone);
      for (const id of gone) survivors.delete(id);
    });
    const read = await scan(list.read);
    expect(read.filter((id) => survivors.has(id)).sort()).toEqual([...survivors].sort());
    expect(new Set(read).size).toBe(read.length);
  });

  it('looks further back when more were deleted than the overlap covers', async () => {
    const list = listOf(60);
    let reads = 0;
    list.onRead(() => {
      // After the first block: delete eight already-read records, far more than the overlap of 3.
      if (++reads === 2) list.remove(...list.ids.slice(0, 8));
    });
    const read = await scan(list.read);
    expect(read.slice(10)).toEqual(list.ids.slice(2));
    expect(new Set(read).size).toBe(read.length);
  });

  it('keeps up with records written at the end while it reads', async () => {
    const list = listOf(25);
    list.onRead(() => {
      if (list.ids.length < 40) list.ids.push(`late-${list.ids.length}`);
    });
    expect(await scan(list.read)).toEqual(list.ids);
  });
});
