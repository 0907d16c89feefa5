import { ChromaClient } from 'chromadb';
import { createTestApp, type TestApp } from './support/test-app.js';

/** The HNSW settings a user's collection gets (libs/vector/src/chroma/hnsw-settings.ts). */
describe('memory collections are created with the chosen HNSW settings', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  afterAll(() => t.close());

  it('creates a new user collection with cosine space and sync_threshold 1000', async () => {
    await t.api
      .post('/api/v1/memories')
      .send({ content: 'Likes green tea', type: 'fact' })
      .expect(201);
    const { hostname, port } = new URL(t.chroma!.url);
    const chroma = new ChromaClient({
      host: hostname,
      port: Number(port),
      ssl: false,
      database: t.chroma!.database,
    });
    const collections = (await chroma.listCollections({ limit: 100 })).filter((c) =>
      c.name.startsWith('mem-'),
    );
    expect(collections).toHaveLength(1);
    expect(collections[0]!.configuration.hnsw).toMatchObject({
      space: 'cosine',
      sync_threshold: 1000,
    });
  });
});
