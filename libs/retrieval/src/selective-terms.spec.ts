import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AppConfig, Metrics } from '@memory-system/core';
import { SqliteStateStore } from '@memory-system/state';
import type { VectorStore } from '@memory-system/vector';
import type { LexicalDocument } from './lexical-index.port.js';
import { lexicalOwner, LexicalSearch } from './lexical-search.js';
import { SqliteLexicalIndex } from './sqlite/sqlite-lexical.index.js';

const scope = { userId: 'user-1', model: 'model', dimension: 2 };
const owner = lexicalOwner(scope.userId);
const doc = (id: string, text: string): LexicalDocument => ({
  id,
  text,
  record: { document: text, metadata: {}, embedding: [1, 0] },
});
const noChroma = new Proxy({} as VectorStore, {
  get: () => {
    throw new Error('Chroma is not read on these paths');
  },
});

describe('LexicalSearch.selectiveTerms: the cost bound of hybrid search', () => {
  let dir: string;
  let index: SqliteLexicalIndex;
  let state: SqliteStateStore;
  let sut: LexicalSearch;

  const build = async (documents: LexicalDocument[]) => {
    await index.rebuild(
      owner,
      (async function* () {
        yield documents;
      })(),
      { generation: 0, space: 'model/2' },
    );
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'selective-terms-'));
    index = new SqliteLexicalIndex(':memory:');
    state = new SqliteStateStore(join(dir, 'state.db'));
    const config = { redis: { lexicalFeedLength: 1000 } } as AppConfig;
    sut = new LexicalSearch(index, state, noChroma, new Metrics(), config);
  });
  afterEach(() => {
    index.close();
    state.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('leaves out a term more than max(1,000, 5 %) of the memories hold, keeping the rare ones', async () => {
    await build(
      Array.from({ length: 1_500 }, (_, i) =>
        doc(`m${i}`, i < 3 ? 'coffee kayak' : i < 1_200 ? `coffee note ${i}` : `note ${i}`),
      ),
    );
    expect(await sut.selectiveTerms(scope, 'coffee and kayak notes')).toEqual(['kayak']);
    // Only common terms: the keyword side has nothing to rank by.
    expect(await sut.selectiveTerms(scope, 'coffee notes')).toEqual([]);
  });

  it('keeps the rarest terms while the memories they match together stay in the budget', async () => {
    // lake in 400 memories, boat in 700: together over 1,000, so only lake is ranked by.
    await build(
      Array.from({ length: 1_500 }, (_, i) =>
        doc(`m${i}`, `${i < 400 ? 'lake' : ''} ${i >= 800 ? 'boat' : ''} line ${i}`),
      ),
    );
    expect(await sut.selectiveTerms(scope, 'boat on the lake')).toEqual(['lake']);
  });

  it('keeps every term of a small index, however common', async () => {
    await build(Array.from({ length: 20 }, (_, i) => doc(`m${i}`, `coffee ${i}`)));
    expect(await sut.selectiveTerms(scope, 'coffee')).toEqual(['coffee']);
  });
});
