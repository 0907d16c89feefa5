import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SpaceEmbedders } from '@memory-system/inference';
import { SqliteStateStore } from '@memory-system/state';
import {
  type CollectionInfo,
  collectionNameForHash,
  type VectorStore,
} from '@memory-system/vector';
import { UserSpaces } from './user-spaces.js';

describe('UserSpaces.waiting', () => {
  const current = { model: 'local-semantic-v3', dimension: 384 };
  const old = { model: 'local-hashed-ngrams-v1', dimension: 384 };
  const hash = 'a'.repeat(20);

  /** Two processes (an API replica and the CLI, say) sharing one state store and one Chroma. */
  function twoProcesses() {
    const state = new SqliteStateStore(join(mkdtempSync(join(tmpdir(), 'ms-spaces-')), 'state.db'));
    const collections: CollectionInfo[] = [
      { name: collectionNameForHash(hash, old), ...old, count: 3 },
    ];
    // Ports outside the unit: the vector store lists what the test says it holds.
    const vectors = { listCollections: async () => collections } as unknown as VectorStore;
    const embedders = { current: { space: async () => current } } as unknown as SpaceEmbedders;
    return {
      state,
      collections,
      api: new UserSpaces(state, embedders, vectors),
      cli: new UserSpaces(state, embedders, vectors),
    };
  }

  it('counts again at once when another process moved a user, not a minute later', async () => {
    const { state, collections, api, cli } = twoProcesses();
    expect(await api.waiting()).toMatchObject({ users: 1, memories: 3 });
    // The CLI re-embeds the user: the old collection is replaced, the marker moves.
    collections.splice(0, 1, { name: collectionNameForHash(hash, current), ...current, count: 3 });
    await cli.setMarker(hash, { serving: current });
    expect(await api.waiting()).toMatchObject({ users: 0, memories: 0 });
    state.close();
  });

  it('keeps its count within the minute while nobody moved', async () => {
    const { state, collections, api } = twoProcesses();
    expect(await api.waiting()).toMatchObject({ users: 1 });
    collections.splice(0, 1);
    expect(await api.waiting()).toMatchObject({ users: 1 });
    state.close();
  });
});
