import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ShardedLexicalIndex } from './sharded-lexical.index.js';

const SPACE = 'model/2';
const at = (generation: number) => ({ generation, space: SPACE, pending: {} });
const owner = (i: number) => i.toString(16).padStart(20, '0');
const doc = (id: string, text: string) => ({
  id,
  text,
  record: { document: text, metadata: { type: 'note' }, embedding: [text.length, 0.5] },
});
async function* pagesOf(...docs: Array<ReturnType<typeof doc>>) {
  yield docs;
}

describe('ShardedLexicalIndex', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ms-lexical-shards-'));
  let sut: ShardedLexicalIndex;
  beforeAll(() => {
    sut = new ShardedLexicalIndex(dir, 4);
  });
  afterAll(() => sut.close());

  it('keeps each owner in one of its files, whole, and owners apart', async () => {
    for (let i = 0; i < 40; i++) {
      await sut.rebuild(owner(i), pagesOf(doc(`m${i}`, `owner ${i} keeps bees`)), at(1));
    }
    for (let i = 0; i < 40; i++) {
      const hits = await sut.search(owner(i), ['bees'], 10);
      expect(hits.map((h) => h.id)).toEqual([`m${i}`]);
      expect(await sut.syncedGeneration(owner(i))).toMatchObject({ generation: 1 });
    }
    await sut.apply(owner(3), { upsert: [doc('extra', 'more bees here')] }, at(2));
    expect((await sut.page(owner(3), undefined, 10)).map((r) => r.id)).toEqual(['extra', 'm3']);
    expect((await sut.page(owner(4), undefined, 10)).map((r) => r.id)).toEqual(['m4']);
    await sut.drop(owner(3));
    expect(await sut.search(owner(3), ['bees'], 10)).toEqual([]);
    expect(await sut.search(owner(4), ['bees'], 10)).toHaveLength(1);
  });

  it('spreads owners over every file', () => {
    const files = readdirSync(dir).filter((name) => name.endsWith('.db'));
    expect(files.sort()).toEqual(['0.db', '1.db', '2.db', '3.db']);
    const ownersPerFile = files.map((name) => {
      const db = new Database(join(dir, name), { readonly: true });
      try {
        return (db.prepare('SELECT count(*) AS n FROM owners').get() as { n: number }).n;
      } finally {
        db.close();
      }
    });
    // 39 owners left, each in exactly one file, and no file holds them all.
    expect(ownersPerFile.reduce((a, b) => a + b, 0)).toBe(39);
    expect(Math.max(...ownersPerFile)).toBeLessThan(39);
    expect(Math.min(...ownersPerFile)).toBeGreaterThan(0);
  });
});
