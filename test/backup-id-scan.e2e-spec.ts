import { ChromaClient, type Collection } from 'chromadb';
import { type IdReader, scanIds } from '@memory-system/vector';
import { createChromaDatabase, sharedChromaUrl } from './support/chroma.js';

/**
 * The backup reads a collection's ids by offset while the service keeps running. Against a real
 * Chroma: records deleted between two reads must not make the scan skip one that is still there.
 */
describe('backup id scan over a real Chroma collection', () => {
  let collection: Collection;
  const COUNT = 600;

  beforeEach(async () => {
    const url = sharedChromaUrl();
    const { hostname, port } = new URL(url);
    const database = await createChromaDatabase(url);
    const client = new ChromaClient({ host: hostname, port: Number(port), ssl: false, database });
    collection = await client.createCollection({ name: 'scan-test', embeddingFunction: null });
    // Ids that do not sort in the order they were written: the scan must follow Chroma's order.
    const ids = Array.from({ length: COUNT }, (_, i) => `r${String(COUNT - i).padStart(4, '0')}`);
    await collection.add({ ids, embeddings: ids.map((_, i) => [i, 1, 0]), documents: ids });
  });

  /** Reads ids by offset; before every read after the first, deletes with `deleteBefore`. */
  function readerDeleting(deleteBefore: (read: number) => Promise<string[]>) {
    const deleted = new Set<string>();
    let reads = 0;
    const read: IdReader = async (offset, limit) => {
      if (reads++ > 0) for (const id of await deleteBefore(reads)) deleted.add(id);
      return (await collection.get({ offset, limit, include: [] })).ids;
    };
    return { read, deleted };
  }

  /** Deletes `count` records that were already read (the start of the collection) and one that was not. */
  const deleteSome = (count: number) => async () => {
    const { ids } = await collection.get({ limit: count, include: [] });
    const { ids: last } = await collection.get({
      offset: (await collection.count()) - 1,
      include: [],
    });
    const gone = [...ids, ...last];
    await collection.delete({ ids: gone });
    return gone;
  };

  async function everyId(read: IdReader, overlap: number): Promise<string[]> {
    const all: string[] = [];
    for await (const ids of scanIds(read, { block: 50, overlap })) all.push(...ids);
    return all;
  }

  it('reads every record still there, once, while records are deleted', async () => {
    const { read, deleted } = readerDeleting(deleteSome(3));
    const scanned = await everyId(read, 10);
    const { ids: remaining } = await collection.get({ include: [] });
    expect(deleted.size).toBeGreaterThan(20);
    expect(remaining.every((id) => scanned.includes(id))).toBe(true);
    expect(new Set(scanned).size).toBe(scanned.length);
  });

  it('looks further back when more were deleted than its overlap', async () => {
    const { read } = readerDeleting(deleteSome(40));
    const scanned = await everyId(read, 5);
    const { ids: remaining } = await collection.get({ include: [] });
    expect(remaining.every((id) => scanned.includes(id))).toBe(true);
  });

  it('(the hazard it guards against) a plain offset scan does skip records', async () => {
    const { read } = readerDeleting(deleteSome(3));
    const scanned: string[] = [];
    for (let offset = 0; ; offset += 50) {
      const ids = await read(offset, 50);
      scanned.push(...ids);
      if (ids.length < 50) break;
    }
    const { ids: remaining } = await collection.get({ include: [] });
    expect(remaining.filter((id) => !scanned.includes(id)).length).toBeGreaterThan(0);
  });
});
