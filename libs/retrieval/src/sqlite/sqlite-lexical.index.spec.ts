import { SqliteLexicalIndex } from './sqlite-lexical.index.js';

const ALICE = 'a'.repeat(20);
const BOB = 'b'.repeat(20);

async function* pagesOf(...pages: Array<Array<[string, string]>>) {
  for (const page of pages) yield page.map(([id, text]) => ({ id, text }));
}

describe('SqliteLexicalIndex', () => {
  let sut: SqliteLexicalIndex;
  beforeEach(async () => {
    sut = new SqliteLexicalIndex(':memory:');
    await sut.rebuild(ALICE, pagesOf([]), 0);
  });
  afterEach(() => sut.close());

  const filler = (n: number): Array<[string, string]> =>
    Array.from({ length: n }, (_, i) => [`f${i}`, `filler words number ${i}`]);

  it('ranks by BM25 with Porter stemming, any term matching', async () => {
    await sut.apply(ALICE, {
      upsert: [
        { id: 'm1', text: 'caroline researching adoption agencies' },
        { id: 'm2', text: 'caroline cool look like' },
        ...filler(10).map(([id, text]) => ({ id, text })),
      ],
    });
    const hits = await sut.search(ALICE, ['caroline', 'research'], 10);
    expect(hits.map((h) => h.id)).toEqual(['m1', 'm2']);
    expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
    expect(await sut.search(ALICE, [], 10)).toEqual([]);
  });

  it('keeps statistics exact through deletes and replacements (same scores as a fresh build)', async () => {
    await sut.apply(ALICE, {
      upsert: [
        { id: 'm1', text: 'adoption agencies research' },
        { id: 'gone', text: 'melanie violin long long text many words' },
        ...filler(10).map(([id, text]) => ({ id, text })),
      ],
    });
    await sut.apply(ALICE, { delete: ['gone'], upsert: [{ id: 'f0', text: 'replaced text' }] });
    const fresh = new SqliteLexicalIndex(':memory:');
    await fresh.rebuild(
      ALICE,
      pagesOf([
        ['m1', 'adoption agencies research'],
        ['f0', 'replaced text'],
        ...filler(10).slice(1),
      ]),
      0,
    );
    expect(await sut.search(ALICE, ['adoption'], 5)).toEqual(
      await fresh.search(ALICE, ['adoption'], 5),
    );
    fresh.close();
  });

  it("keeps owners apart: one owner's documents never match or weigh in another's search", async () => {
    await sut.rebuild(BOB, pagesOf([['b1', 'bob sails lake']]), 0);
    const before = await sut.search(BOB, ['lake'], 5);
    await sut.apply(ALICE, {
      upsert: Array.from({ length: 20 }, (_, i) => ({ id: `a${i}`, text: `lake ${i}` })),
    });
    expect(await sut.search(BOB, ['lake'], 5)).toEqual(before);
    expect((await sut.search(ALICE, ['sails'], 5)).length).toBe(0);
  });

  it('scores named documents, and leaves out those matching no term', async () => {
    await sut.apply(ALICE, {
      upsert: [
        { id: 'm1', text: 'kayak red' },
        { id: 'm2', text: 'bicycle' },
      ],
    });
    const scores = await sut.score(ALICE, ['kayak'], ['m1', 'm2', 'unknown']);
    expect([...scores.keys()]).toEqual(['m1']);
    expect(scores.get('m1')).toBeGreaterThan(0);
  });

  it('records generations, rebuilds beside the live index and ignores changes to an owner never built', async () => {
    expect(await sut.syncedGeneration(BOB)).toBeUndefined();
    await sut.apply(BOB, { upsert: [{ id: 'x', text: 'never built' }] }, 5);
    expect(await sut.syncedGeneration(BOB)).toBeUndefined();
    expect(await sut.search(BOB, ['built'], 5)).toEqual([]);

    await sut.apply(ALICE, { upsert: [{ id: 'old', text: 'stale words' }] }, 1);
    expect(await sut.syncedGeneration(ALICE)).toBe(1);
    const count = await sut.rebuild(ALICE, pagesOf([['n1', 'fresh words']], [['n2', 'more']]), 7);
    expect(count).toBe(2);
    expect(await sut.syncedGeneration(ALICE)).toBe(7);
    expect((await sut.search(ALICE, ['stale'], 5)).length).toBe(0);
    expect((await sut.search(ALICE, ['fresh'], 5)).map((h) => h.id)).toEqual(['n1']);
  });

  it('leaves the live index untouched when a rebuild fails midway', async () => {
    await sut.apply(ALICE, { upsert: [{ id: 'keep', text: 'kept words' }] }, 3);
    async function* failing() {
      yield [{ id: 'n', text: 'new' }];
      throw new Error('Chroma went away');
    }
    await expect(sut.rebuild(ALICE, failing(), 9)).rejects.toThrow('Chroma went away');
    expect(await sut.syncedGeneration(ALICE)).toBe(3);
    expect((await sut.search(ALICE, ['kept'], 5)).map((h) => h.id)).toEqual(['keep']);
  });

  it('treats terms as words, never as FTS5 syntax, and refuses owners that are not hashes', async () => {
    await sut.apply(ALICE, { upsert: [{ id: 'q', text: 'kayak or not' }] });
    await expect(sut.search(ALICE, ['"', '*', '(', 'col:x', '^'], 5)).resolves.toEqual([]);
    // A word FTS5 would read as an operator is only a word here.
    expect((await sut.search(ALICE, ['OR'], 5)).map((h) => h.id)).toEqual(['q']);
    await expect(sut.search('x; DROP TABLE owners', ['a'], 5)).rejects.toThrow(/owner/);
  });

  it('forgets an owner entirely on drop', async () => {
    await sut.apply(ALICE, { upsert: [{ id: 'm', text: 'secret pin' }] });
    await sut.drop(ALICE);
    expect(await sut.syncedGeneration(ALICE)).toBeUndefined();
    expect(await sut.search(ALICE, ['secret'], 5)).toEqual([]);
  });
});
