import type { LexicalDocument } from '../lexical-index.port.js';
import { SqliteLexicalIndex } from './sqlite-lexical.index.js';

const ALICE = 'a'.repeat(20);
const at = (generation: number) => ({ generation, space: 'model/2' });

/** A message of conversation `thread`, said at minute `minute`. */
function said(id: string, text: string, thread?: string, minute = 0): LexicalDocument {
  const metadata: Record<string, string | number> = thread
    ? { conversationId: thread, occurredAt: minute * 60_000 }
    : {};
  return {
    id,
    text,
    record: { document: text, metadata, embedding: [1, 0] },
    thread: thread ? { thread, at: minute * 60_000 } : undefined,
  };
}

/** Unrelated talk, so that IDFs are those of a real index. */
const filler = Array.from({ length: 12 }, (_, i) =>
  said(`f${i}`, `weather talk number ${i} today`, 'other', i),
);

async function* pagesOf(documents: LexicalDocument[]) {
  yield documents;
}

describe('SqliteLexicalIndex conversation neighbours', () => {
  // One turn each way, so each case below has one right answer; the default window (two
  // before, one after) has a case of its own.
  const ONE_EACH_WAY = { neighbourWindow: { before: 1, after: 1 } };
  let sut: SqliteLexicalIndex;
  beforeEach(async () => {
    sut = new SqliteLexicalIndex(':memory:', undefined, ONE_EACH_WAY);
    await sut.rebuild(ALICE, pagesOf(filler), at(0));
  });
  afterEach(() => sut.close());

  const ids = async (terms: string[]) => (await sut.search(ALICE, terms, 5)).map((h) => h.id);

  it('a neighbour lifts the turn that answers: the reply after the question matches it', async () => {
    await sut.apply(ALICE, {
      upsert: [
        said('q', 'did you ever sign up for pottery classes', 'c1', 1),
        said('a', 'yes started last week first bowl disaster', 'c1', 2),
        said('x', 'yes started running again', 'c2', 1),
      ],
    });
    // "pottery" is said only in the question; the reply after it is found through it.
    expect(await ids(['pottery'])).toEqual(['q', 'a']);
    // Its own words still count most: a turn holding the term beats one beside it.
    const [own, beside] = await sut.search(ALICE, ['pottery'], 2);
    expect(own!.score).toBeGreaterThan(beside!.score);
    // Off (weight 0), a message matches by its own words only.
    const plain = new SqliteLexicalIndex(':memory:', undefined, { neighbourWeight: 0 });
    await plain.rebuild(
      ALICE,
      pagesOf([...filler, said('q', 'pottery classes', 'c1', 1), said('a', 'yes', 'c1', 2)]),
      at(0),
    );
    expect((await plain.search(ALICE, ['pottery'], 5)).map((h) => h.id)).toEqual(['q']);
    plain.close();
  });

  it('by default a message hears the two turns before it and the one after', async () => {
    const wide = new SqliteLexicalIndex(':memory:');
    await wide.rebuild(ALICE, pagesOf(filler), at(0));
    await wide.apply(ALICE, {
      upsert: [
        said('q', 'did the shelter kitten find a home', 'c1', 1),
        said('y', 'yes', 'c1', 2),
        said('a', 'mrs shaw a retired piano teacher', 'c1', 3),
        said('z', 'lovely', 'c1', 4),
        said('later', 'see you soon', 'c1', 5),
      ],
    });
    // "kitten" is said in q only: y and a (one and two after it) hear it, z (three after) not.
    const found = (await wide.search(ALICE, ['kitten'], 5)).map((h) => h.id);
    expect(found[0]).toBe('q');
    expect(found.slice(1).sort()).toEqual(['a', 'y']);
    // "piano" is said in a: the turn before it (y) and the two after it (z, later) hear it.
    const piano = (await wide.search(ALICE, ['piano'], 5)).map((h) => h.id);
    expect(piano[0]).toBe('a');
    expect(piano.slice(1).sort()).toEqual(['later', 'y', 'z']);
    wide.close();
  });

  it('the reply to a question hears it twice: it outranks a turn that only followed the talk', async () => {
    const index = (answeredQuestion: number) =>
      new SqliteLexicalIndex(':memory:', undefined, {
        neighbourWindow: { before: 2, after: 1, answeredQuestion },
      });
    // "Bass mostly" answers a question about the band; "sure thing" follows a statement about
    // it, as long, so that without the repeat the two score the same.
    const chat = [
      said('q', 'do you play in the band?', 'c1', 1),
      said('a', 'bass mostly', 'c1', 2),
      said('s', 'so you play in the band', 'c2', 1),
      said('t', 'sure thing', 'c2', 2),
    ];
    const scores = async (sut: SqliteLexicalIndex) => {
      await sut.rebuild(ALICE, pagesOf([...filler, ...chat]), at(0));
      const hits = await sut.search(ALICE, ['band'], 10);
      sut.close();
      return new Map(hits.map((hit) => [hit.id, hit.score]));
    };
    const twice = await scores(index(1));
    const once = await scores(index(0));
    expect(twice.get('a')).toBeGreaterThan(once.get('a')!);
    expect(twice.get('a')).toBeGreaterThan(twice.get('t')!);
    expect(once.get('a')).toBeCloseTo(once.get('t')!, 6);
    // Only a question counts more: the turn after a statement hears it as before.
    expect(twice.get('t')).toBeCloseTo(once.get('t')!, 1);
  });

  it('a reply hears its question twice only while it is one (an edit keeps the field in step)', async () => {
    const wide = new SqliteLexicalIndex(':memory:');
    await wide.rebuild(ALICE, pagesOf(filler), at(0));
    await wide.apply(ALICE, {
      upsert: [said('q', 'what do you play in the band?', 'c1', 1), said('a', 'bass', 'c1', 2)],
    });
    const asked = (await wide.search(ALICE, ['band'], 5)).find((hit) => hit.id === 'a')!.score;
    await wide.apply(ALICE, { upsert: [said('q', 'i play in the band', 'c1', 1)] });
    const told = (await wide.search(ALICE, ['band'], 5)).find((hit) => hit.id === 'a')!.score;
    expect(asked).toBeGreaterThan(told);
    const fresh = new SqliteLexicalIndex(':memory:');
    await fresh.rebuild(
      ALICE,
      pagesOf([...filler, said('q', 'i play in the band', 'c1', 1), said('a', 'bass', 'c1', 2)]),
      at(0),
    );
    expect(await wide.search(ALICE, ['band'], 5)).toEqual(await fresh.search(ALICE, ['band'], 5));
    wide.close();
    fresh.close();
  });

  it('keeps neighbours right whatever the order messages arrive, move or go (same as a rebuild)', async () => {
    // Said in order q (1), a (2), b (3); arriving b, q, a.
    await sut.apply(ALICE, { upsert: [said('b', 'kiln fired glaze', 'c1', 3)] });
    await sut.apply(ALICE, { upsert: [said('q', 'pottery question', 'c1', 1)] });
    expect(await ids(['pottery'])).toEqual(['q', 'b']); // b is q's neighbour until a comes
    await sut.apply(ALICE, { upsert: [said('a', 'yes indeed', 'c1', 2)] });
    expect(await ids(['pottery'])).toEqual(['q', 'a']);
    expect(await ids(['kiln'])).toEqual(['b', 'a']);
    // a moves after b (its occurredAt changed): now b follows q.
    await sut.apply(ALICE, { upsert: [said('a', 'yes indeed', 'c1', 4)] });
    expect((await ids(['pottery'])).sort()).toEqual(['b', 'q']);
    // b leaves the conversation: q and a are neighbours again.
    await sut.apply(ALICE, { upsert: [said('b', 'kiln fired glaze')] });
    expect(await ids(['pottery'])).toEqual(['q', 'a']);
    expect(await ids(['kiln'])).toEqual(['b']);
    // a is deleted: q has no neighbour left.
    await sut.apply(ALICE, { delete: ['a'] });
    expect(await ids(['pottery'])).toEqual(['q']);

    const fresh = new SqliteLexicalIndex(':memory:', undefined, ONE_EACH_WAY);
    await fresh.rebuild(
      ALICE,
      pagesOf([...filler, said('q', 'pottery question', 'c1', 1), said('b', 'kiln fired glaze')]),
      at(0),
    );
    for (const terms of [['pottery'], ['kiln'], ['weather', 'question']]) {
      expect(await sut.search(ALICE, terms, 5)).toEqual(await fresh.search(ALICE, terms, 5));
    }
    fresh.close();
  });

  it('lists a conversation in the order it was said, from a position', async () => {
    await sut.apply(ALICE, {
      upsert: [
        said('m3', 'third', 'c1', 3),
        said('m1', 'first', 'c1', 1),
        said('m2', 'b', 'c1', 2),
      ],
    });
    const page = await sut.conversation(ALICE, 'c1', undefined, 2);
    expect(page.map((r) => r.id)).toEqual(['m1', 'm2']);
    const next = await sut.conversation(ALICE, 'c1', { at: page[1]!.at, id: 'm2' }, 2);
    expect(next.map((r) => r.id)).toEqual(['m3']);
    expect(await sut.conversation(ALICE, 'nope', undefined, 2)).toEqual([]);
  });
});
