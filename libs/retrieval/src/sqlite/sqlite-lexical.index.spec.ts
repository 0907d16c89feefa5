import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DISTRUSTED } from '../lexical-index.port.js';
import { SqliteLexicalIndex } from './sqlite-lexical.index.js';

const ALICE = 'a'.repeat(20);
const BOB = 'b'.repeat(20);

const SPACE = 'model/2';
const at = (generation: number) => ({ generation, space: SPACE, pending: {} });

/** A document with a record copy whose vector and metadata are derived from its text. */
function doc(id: string, text: string) {
  return {
    id,
    text,
    record: {
      document: text,
      metadata: { type: 'note', n: text.length },
      embedding: [text.length, 0.5],
    },
  };
}

async function* pagesOf(...pages: Array<Array<[string, string]>>) {
  for (const page of pages) yield page.map(([id, text]) => doc(id, text));
}

describe('SqliteLexicalIndex', () => {
  let sut: SqliteLexicalIndex;
  beforeEach(async () => {
    sut = new SqliteLexicalIndex(':memory:');
    await sut.rebuild(ALICE, pagesOf([]), at(0));
  });
  afterEach(() => sut.close());

  const filler = (n: number): Array<[string, string]> =>
    Array.from({ length: n }, (_, i) => [`f${i}`, `filler words number ${i}`]);

  it('ranks by BM25 with Porter stemming, any term matching', async () => {
    await sut.apply(ALICE, {
      upsert: [
        doc('m1', 'caroline researching adoption agencies'),
        doc('m2', 'caroline cool look like'),
        ...filler(10).map(([id, text]) => doc(id, text)),
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
        doc('m1', 'adoption agencies research'),
        doc('gone', 'melanie violin long long text many words'),
        ...filler(10).map(([id, text]) => doc(id, text)),
      ],
    });
    await sut.apply(ALICE, { delete: ['gone'], upsert: [doc('f0', 'replaced text')] });
    const fresh = new SqliteLexicalIndex(':memory:');
    await fresh.rebuild(
      ALICE,
      pagesOf([
        ['m1', 'adoption agencies research'],
        ['f0', 'replaced text'],
        ...filler(10).slice(1),
      ]),
      at(0),
    );
    expect(await sut.search(ALICE, ['adoption'], 5)).toEqual(
      await fresh.search(ALICE, ['adoption'], 5),
    );
    fresh.close();
  });

  it("keeps owners apart: one owner's documents never match or weigh in another's search", async () => {
    await sut.rebuild(BOB, pagesOf([['b1', 'bob sails lake']]), at(0));
    const before = await sut.search(BOB, ['lake'], 5);
    await sut.apply(ALICE, {
      upsert: Array.from({ length: 20 }, (_, i) => doc(`a${i}`, `lake ${i}`)),
    });
    expect(await sut.search(BOB, ['lake'], 5)).toEqual(before);
    expect((await sut.search(ALICE, ['sails'], 5)).length).toBe(0);
  });

  it("knows a full match's score: what a document of average length holding each term once gets", async () => {
    // Four documents of two words each: "kayak lake" holds both query terms once.
    await sut.apply(ALICE, {
      upsert: [
        doc('both', 'kayak lake'),
        doc('one', 'kayak trip'),
        doc('other', 'garden roses'),
        doc('more', 'city lights'),
      ],
    });
    const [hit] = await sut.search(ALICE, ['kayak', 'lake'], 1);
    const full = await sut.fullMatchScore(ALICE, ['kayak', 'lake', 'kayak']);
    expect(hit!.id).toBe('both');
    expect(full).toBeCloseTo(hit!.score, 6);
    // FTS5's IDF: kayak is in 2 of 4 (log 1 = 0, clamped to 1e-6), lake in 1 of 4.
    expect(full).toBeCloseTo(1e-6 + Math.log(3.5 / 1.5), 6);
    // A term nobody used counts at its highest; no terms, nothing.
    expect(await sut.fullMatchScore(ALICE, ['zeppelin'])).toBeCloseTo(Math.log(4.5 / 0.5), 6);
    expect(await sut.fullMatchScore(ALICE, [])).toBe(0);
    // The counts follow writes: 3 documents, then lake in 2 of 4.
    await sut.apply(ALICE, { delete: ['more'] });
    expect(await sut.fullMatchScore(ALICE, ['zeppelin'])).toBeCloseTo(Math.log(3.5 / 0.5), 6);
    await sut.apply(ALICE, { upsert: [doc('again', 'lake again')] });
    expect(await sut.fullMatchScore(ALICE, ['lake'])).toBeCloseTo(Math.log(2.5 / 2.5) || 1e-6, 6);
    await sut.apply(ALICE, { delete: ['again', 'both'] });
    expect(await sut.fullMatchScore(ALICE, ['lake'])).toBeCloseTo(Math.log(2.5 / 0.5), 6);
  });

  it('reads every match of the terms with the BM25 its ranking gives, and nothing else', async () => {
    await sut.apply(ALICE, {
      upsert: [doc('m1', 'kayak red'), doc('m2', 'bicycle'), doc('m3', 'red kayak lake')],
    });
    const matches = await sut.matches(ALICE, ['kayak', 'lake']);
    const ranked = await sut.search(ALICE, ['kayak', 'lake'], 10);
    expect(ranked.map((hit) => hit.id).sort()).toEqual(['m1', 'm3']);
    expect(await matches.best(10)).toEqual(ranked);
    expect(await matches.best(1)).toEqual(ranked.slice(0, 1));
    expect(await matches.scoresOf(['m2', 'm3', 'm1', 'none'])).toEqual(
      new Map(ranked.map((hit) => [hit.id, hit.score])),
    );
    expect(await (await sut.matches(ALICE, [])).best(10)).toEqual([]);
    expect(await (await sut.matches(BOB, ['kayak'])).best(10)).toEqual([]);
  });

  it('answers nothing for matches read before a rebuild replaced the tables they name', async () => {
    await sut.apply(ALICE, { upsert: [doc('m1', 'kayak red')] });
    const before = await sut.matches(ALICE, ['kayak']);
    await sut.rebuild(ALICE, pagesOf([['m2', 'kayak blue']]), at(1));
    expect(await before.best(10)).toEqual([]);
    expect(await before.scoresOf(['m1', 'm2'])).toEqual(new Map());
    expect((await (await sut.matches(ALICE, ['kayak'])).best(10)).map((hit) => hit.id)).toEqual([
      'm2',
    ]);
  });

  it('records generations, rebuilds beside the live index and ignores changes to an owner never built', async () => {
    expect(await sut.syncedGeneration(BOB)).toBeUndefined();
    await sut.apply(BOB, { upsert: [doc('x', 'never built')] }, at(5));
    expect(await sut.syncedGeneration(BOB)).toBeUndefined();
    expect(await sut.search(BOB, ['built'], 5)).toEqual([]);

    await sut.apply(ALICE, { upsert: [doc('old', 'stale words')] }, at(1));
    expect(await sut.syncedGeneration(ALICE)).toEqual(at(1));
    const count = await sut.rebuild(ALICE, pagesOf([['n1', 'fresh words']], [['n2', 'more']]), {
      generation: 7,
      space: 'other/3',
    });
    expect(count).toBe(2);
    expect(await sut.syncedGeneration(ALICE)).toEqual({
      generation: 7,
      space: 'other/3',
      pending: {},
    });
    expect((await sut.search(ALICE, ['stale'], 5)).length).toBe(0);
    expect((await sut.search(ALICE, ['fresh'], 5)).map((h) => h.id)).toEqual(['n1']);
  });

  it('leaves the live index untouched when a rebuild fails midway', async () => {
    await sut.apply(ALICE, { upsert: [doc('keep', 'kept words')] }, at(3));
    async function* failing() {
      yield [doc('n', 'new')];
      throw new Error('Chroma went away');
    }
    await expect(sut.rebuild(ALICE, failing(), at(9))).rejects.toThrow('Chroma went away');
    expect(await sut.syncedGeneration(ALICE)).toEqual(at(3));
    expect((await sut.search(ALICE, ['kept'], 5)).map((h) => h.id)).toEqual(['keep']);
  });

  it('treats terms as words, never as FTS5 syntax, and refuses owners that are not hashes', async () => {
    await sut.apply(ALICE, { upsert: [doc('q', 'kayak or not')] });
    await expect(sut.search(ALICE, ['"', '*', '(', 'col:x', '^'], 5)).resolves.toEqual([]);
    // A word FTS5 would read as an operator is only a word here.
    expect((await sut.search(ALICE, ['OR'], 5)).map((h) => h.id)).toEqual(['q']);
    await expect(sut.search('x; DROP TABLE owners', ['a'], 5)).rejects.toThrow(/owner/);
  });

  it('keeps a copy of each record, float32 vector included, and forgets it with the record', async () => {
    await sut.apply(ALICE, { upsert: [doc('r1', 'kayak trip'), doc('r2', 'other')] });
    const copies = await sut.records(ALICE, ['r1', 'unknown']);
    expect([...copies.keys()]).toEqual(['r1']);
    expect(copies.get('r1')).toEqual({
      document: 'kayak trip',
      metadata: { type: 'note', n: 10 },
      // Read back as a view of the stored float32s, not copied into an array.
      embedding: new Float32Array([10, 0.5]),
    });
    await sut.apply(ALICE, { delete: ['r1'] });
    expect((await sut.records(ALICE, ['r1'])).size).toBe(0);
  });

  it('pages records in id order after a key, unmoved by deletes and adds', async () => {
    await sut.apply(ALICE, {
      upsert: ['c', 'a', 'e', 'b', 'd'].map((id) => doc(id, `text ${id}`)),
    });
    const ids = async (after?: string) => (await sut.page(ALICE, after, 2)).map((r) => r.id);
    expect(await ids()).toEqual(['a', 'b']);
    await sut.apply(ALICE, { delete: ['b', 'c'], upsert: [doc('bb', 'late')] });
    expect(await ids('b')).toEqual(['bb', 'd']);
    expect(await ids('d')).toEqual(['e']);
    expect((await sut.page(ALICE, undefined, 1))[0]).toEqual({
      id: 'a',
      document: 'text a',
      metadata: { type: 'note', n: 'text a'.length },
    });
    expect(await sut.page('c'.repeat(20), undefined, 5)).toEqual([]); // never built
  });

  it('finds copies by content hash, through an index made on first use', async () => {
    const hashed = (id: string, hash: string) => ({
      ...doc(id, `text ${id}`),
      record: { ...doc(id, `text ${id}`).record, metadata: { contentHash: hash } },
    });
    await sut.apply(ALICE, {
      upsert: [hashed('h1', 'aaa'), hashed('h2', 'bbb'), hashed('h3', 'ccc')],
    });
    const found = await sut.withContentHashes(ALICE, ['bbb', 'ccc', 'zzz']);
    expect(found.map((r) => r.id).sort()).toEqual(['h2', 'h3']);
    expect(await sut.withContentHashes(BOB, ['bbb'])).toEqual([]);
    await sut.apply(ALICE, { delete: ['h2'] });
    expect((await sut.withContentHashes(ALICE, ['bbb'])).length).toBe(0);
  });

  it('answers from the new tables after a rebuild, though it keeps statements prepared', async () => {
    await sut.apply(ALICE, { upsert: [doc('old', 'harbour lights')] });
    expect((await sut.search(ALICE, ['harbour'], 5)).map((h) => h.id)).toEqual(['old']);
    expect((await sut.records(ALICE, ['old'])).size).toBe(1);
    await sut.rebuild(ALICE, pagesOf([['new', 'harbour cranes']]), at(1));
    expect((await sut.search(ALICE, ['harbour'], 5)).map((h) => h.id)).toEqual(['new']);
    expect([...(await sut.records(ALICE, ['old', 'new'])).keys()]).toEqual(['new']);
  });

  it('distrusts every owner after the machine restarted, and only then', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ms-lexical-')), 'lexical.db');
    const first = new SqliteLexicalIndex(file, { id: 'boot-1' });
    await first.rebuild(ALICE, pagesOf([['m', 'kept words']]), at(7));
    await first.rebuild(BOB, pagesOf([['n', 'other words']]), at(3));
    first.close();

    const sameBoot = new SqliteLexicalIndex(file, { id: 'boot-1' });
    expect(await sameBoot.syncedGeneration(ALICE)).toEqual(at(7));
    sameBoot.close();

    const rebooted = new SqliteLexicalIndex(file, { id: 'boot-2' });
    expect(await rebooted.syncedGeneration(ALICE)).toEqual(at(DISTRUSTED));
    expect(await rebooted.syncedGeneration(BOB)).toEqual(at(DISTRUSTED));
    // Its words still answer until the rebuild replaces them; a rebuild is trusted again.
    expect((await rebooted.search(ALICE, ['kept'], 5)).map((h) => h.id)).toEqual(['m']);
    await rebooted.rebuild(ALICE, pagesOf([['m', 'kept words']]), at(8));
    rebooted.close();

    const again = new SqliteLexicalIndex(file, { id: 'boot-2' });
    expect(await again.syncedGeneration(ALICE)).toEqual(at(8));
    expect(await again.syncedGeneration(BOB)).toEqual(at(DISTRUSTED));
    again.close();
  });

  it('drops owners indexed with another neighbour window: their fields are rebuilt when used', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ms-lexical-')), 'lexical.db');
    const boot = { id: 'boot-1' };
    const narrow = { neighbourWindow: { before: 1, after: 1 } };
    const first = new SqliteLexicalIndex(file, boot, narrow);
    await first.rebuild(ALICE, pagesOf([['m', 'kept words']]), at(4));
    first.close();

    const sameWindow = new SqliteLexicalIndex(file, boot, narrow);
    expect(await sameWindow.syncedGeneration(ALICE)).toEqual(at(4));
    sameWindow.close();

    const wider = new SqliteLexicalIndex(file, boot, { neighbourWindow: { before: 2, after: 1 } });
    expect(await wider.syncedGeneration(ALICE)).toBeUndefined();
    expect(await wider.search(ALICE, ['kept'], 5)).toEqual([]);
    wider.close();
  });

  it.each([
    ['3-neighbours-said/window-2-1-1', 'words as written ("bought")'],
    ['4-base-forms/window-2-1-1', 'words lemmatized by rules ("hoped" as "hop")'],
    ['5-irregular-forms/window-2-1-1', 'every irregular form mapped ("bit" as "bite")'],
  ])("drops owners indexed by an earlier release's layout %s: %s", async (layout) => {
    const file = join(mkdtempSync(join(tmpdir(), 'ms-lexical-')), 'lexical.db');
    const boot = { id: 'boot-1' };
    const first = new SqliteLexicalIndex(file, boot);
    await first.rebuild(ALICE, pagesOf([['m', 'bought rum']]), at(4));
    first.close();
    // What that release wrote in the meta table.
    const earlier = new Database(file);
    earlier.prepare(`UPDATE meta SET value = ? WHERE key = 'layout'`).run(layout);
    earlier.close();

    const upgraded = new SqliteLexicalIndex(file, boot);
    expect(await upgraded.syncedGeneration(ALICE)).toBeUndefined();
    expect(await upgraded.search(ALICE, ['bought'], 5)).toEqual([]);
    upgraded.close();
  });

  it('tells boots apart by boot time where there is no boot id, allowing for clock drift', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ms-lexical-')), 'lexical.db');
    const bootedAt = Date.UTC(2026, 11, 1, 8, 0, 0);
    const first = new SqliteLexicalIndex(file, { bootedAt });
    await first.rebuild(ALICE, pagesOf([['m', 'kept words']]), at(2));
    first.close();
    const drifted = new SqliteLexicalIndex(file, { bootedAt: bootedAt + 30_000 });
    expect(await drifted.syncedGeneration(ALICE)).toEqual(at(2));
    drifted.close();
    const rebooted = new SqliteLexicalIndex(file, { bootedAt: bootedAt + 3_600_000 });
    expect(await rebooted.syncedGeneration(ALICE)).toEqual(at(DISTRUSTED));
    rebooted.close();
  });

  it('forgets an owner entirely on drop', async () => {
    await sut.apply(ALICE, { upsert: [doc('m', 'secret pin')] });
    await sut.drop(ALICE);
    expect(await sut.syncedGeneration(ALICE)).toBeUndefined();
    expect(await sut.search(ALICE, ['secret'], 5)).toEqual([]);
  });
});
