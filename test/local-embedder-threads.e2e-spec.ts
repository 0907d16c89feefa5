import { LocalEmbedder } from '@memory-system/inference';
import { exportText } from './support/export.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * The local embedder embeds batches in worker threads (LOCAL_EMBEDDING_THREADS) so that a large
 * batch does not hold up other requests: what it stores must be exactly what the one local
 * embedder makes, each vector beside its own text, however the batch is sliced among threads.
 */
describe('the local embedder in worker threads', () => {
  let apps: TestApp[] = [];
  afterEach(async () => {
    await Promise.all(apps.map((t) => t.close()));
    apps = [];
  });

  const reference = new LocalEmbedder(384);
  /** Different texts, so that a vector stored beside the wrong text is caught. */
  const contents = Array.from(
    { length: 50 },
    (_, i) =>
      `Note ${i}: the ${['garden', 'invoice', 'violin', 'harbour', 'recipe'][i % 5]} of week ${i * 7}`,
  );

  async function storedVectors(t: TestApp): Promise<Map<string, number[]>> {
    const ndjson = await exportText(t.api, true);
    const vectors = new Map<string, number[]>();
    for (const line of ndjson.trim().split('\n')) {
      const entry = JSON.parse(line) as { content?: string; embedding?: number[] };
      if (entry.content && entry.embedding) vectors.set(entry.content, entry.embedding);
    }
    return vectors;
  }

  function expectSameVectors(stored: Map<string, number[]>, texts: string[]) {
    expect([...stored.keys()].sort()).toEqual([...texts].sort());
    for (const text of texts) {
      const expected = reference.vectorFor(text);
      const actual = stored.get(text)!;
      expect(actual).toHaveLength(expected.length);
      // Chroma keeps float32: equal to about 7 digits.
      const largestGap = Math.max(...expected.map((v, d) => Math.abs(v - actual[d]!)));
      expect(largestGap).toBeLessThan(1e-6);
    }
  }

  it.each([
    ['three threads, the batch in three slices', '3'],
    ['the automatic thread count', ''],
  ])('stores the very vectors of the local embedder with %s', async (_, threads) => {
    const t = await createTestApp({ LOCAL_EMBEDDING_THREADS: threads });
    apps.push(t);
    await t.api
      .post('/api/v1/memories/batch')
      .send({ items: contents.map((content) => ({ content, type: 'note' })) })
      .expect(200);
    // One memory alone is embedded on the main thread: the same numbers.
    await t.api
      .post('/api/v1/memories')
      .send({ content: 'A single note', type: 'note' })
      .expect(201);
    expectSameVectors(await storedVectors(t), [...contents, 'A single note']);

    // A search embeds its question the same way and finds the exact text first.
    const found = await t.api
      .post('/api/v1/memories/search')
      .send({ query: contents[17], mode: 'vector', limit: 1 })
      .expect(200);
    expect(found.body.results[0].content).toBe(contents[17]);
  });
});
