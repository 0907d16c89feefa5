import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AppConfig, Metrics } from '@memory-system/core';
import { SqliteStateStore } from '@memory-system/state';
import type { VectorStore } from '@memory-system/vector';
import { lexicalOwner, LexicalSearch } from './lexical-search.js';
import { SqliteLexicalIndex } from './sqlite/sqlite-lexical.index.js';

const scope = { userId: 'user-1', model: 'model', dimension: 2 };
const owner = lexicalOwner(scope.userId);
const memory = (id: string, content: string) => ({
  id,
  content,
  metadata: { type: 'note' },
  embedding: [1, 0],
});

/** An index whose next write fails, as a full disk would make it. */
class FailingIndex extends SqliteLexicalIndex {
  failNext = false;
  override apply(...args: Parameters<SqliteLexicalIndex['apply']>): Promise<void> {
    if (!this.failNext) return super.apply(...args);
    this.failNext = false;
    return Promise.reject(new Error('disk full'));
  }
}

// These paths never read Chroma: the test's own `write` stands for the Chroma side.
const noChroma = new Proxy({} as VectorStore, {
  get: () => {
    throw new Error('Chroma is not read on these paths');
  },
});

describe('LexicalSearch.write', () => {
  let dir: string;
  let index: FailingIndex;
  let state: SqliteStateStore;
  let sut: LexicalSearch;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lexical-search-'));
    index = new FailingIndex(':memory:');
    state = new SqliteStateStore(join(dir, 'state.db'));
    const config = { redis: { lexicalFeedLength: 1000 } } as AppConfig;
    sut = new LexicalSearch(index, state, noChroma, new Metrics(), config);
    // A built, in-step index for the user (shared generation 0).
    await index.rebuild(owner, (async function* () {})(), { generation: 0, space: 'model/2' });
  });
  afterEach(async () => {
    await sut.beforeApplicationShutdown();
    index.close();
    state.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers once Chroma has the change, and the index has it before any read', async () => {
    const answer = await sut.write(scope, { upsert: [memory('m1', 'violin lessons')] }, () =>
      Promise.resolve('stored'),
    );
    expect(answer).toBe('stored');
    // The answer came first: the index write waits for the next turn of the event loop.
    expect((await index.syncedGeneration(owner))?.generation).toBe(0);
    // A read in that moment waits for it and finds the index in step, with the memory.
    expect(await sut.isInStep(scope)).toBe(true);
    expect([...(await sut.records(scope, ['m1'])).keys()]).toEqual(['m1']);
    // Two steps of the shared generation: the write's begin and its end.
    expect((await index.syncedGeneration(owner))?.generation).toBe(2);
  });

  it('answers a write whose index update fails, leaving the index behind to be rebuilt', async () => {
    index.failNext = true;
    await expect(
      sut.write(scope, { upsert: [memory('m1', 'violin lessons')] }, () => Promise.resolve('ok')),
    ).resolves.toBe('ok');
    expect(await sut.isInStep(scope)).toBe(false);
    // The next write does not claim the index is in step either.
    await sut.write(scope, { upsert: [memory('m2', 'piano')] }, () => Promise.resolve('ok'));
    expect(await sut.isInStep(scope)).toBe(false);
  });

  it('finds a message said in another form of the question\'s words ("buy" finds "bought")', async () => {
    const said = [
      memory('swim', 'Maya: Swim practice on Tuesday'),
      memory('rum', 'Maya: Got him a nice bottle of rum, bought it at the market'),
      memory('kids', 'Maya: The children loved the museum'),
      memory('home', 'Maya: She lives in Lisbon now'),
      // Another speaker's small talk, so that "maya" is a term worth something.
      ...['Ha, nice', 'See you Sunday', 'Sounds good', 'Lol yes', 'Same', 'Night!'].map((text, i) =>
        memory(`sam-${i}`, `Sam: ${text}`),
      ),
    ];
    await sut.write(scope, { upsert: said }, () => Promise.resolve('ok'));
    const ids = async (query: string) => (await sut.search(scope, query, 3)).map((h) => h.id);
    // Without base forms, only "maya" matches, and the shortest of Maya's lines wins.
    expect((await ids('What did Maya buy?'))[0]).toBe('rum');
    expect(await ids('Which child went?')).toEqual(['kids']);
    // Regular forms still meet through Porter stemming.
    expect((await ids('Where does Maya live?'))[0]).toBe('home');
  });

  it('refuses a write that Chroma refused, and touches nothing in the index', async () => {
    await expect(
      sut.write(scope, { upsert: [memory('m1', 'violin lessons')] }, () =>
        Promise.reject(new Error('Chroma is unavailable')),
      ),
    ).rejects.toThrow('Chroma is unavailable');
    expect((await index.records(owner, ['m1'], { embeddings: false })).size).toBe(0);
    expect(await sut.isInStep(scope)).toBe(false);
  });
});
