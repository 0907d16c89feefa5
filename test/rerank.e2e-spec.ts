import { FakeVllmServer } from './support/fake-vllm.server.js';
import { createTestApp, type TestApp } from './support/test-app.js';

interface Result {
  id: string;
  content: string;
  scoring: { mode: string; rerank?: number };
}
interface Answer {
  results: Result[];
  rerank: { status: string; detail?: string };
}

describe('reranking through a vLLM-compatible rerank API', () => {
  let t: TestApp;
  let fake: FakeVllmServer;
  // The stand-in reranker reads every longer word, question words included; BM25 drops those.
  const QUERY = 'what about the lake house';

  beforeAll(async () => {
    fake = await new FakeVllmServer({ model: 'BAAI/bge-reranker-v2-m3' }).start();
    // Embeddings stay local: only the reranker is remote.
    t = await createTestApp({
      VLLM_RERANK_URL: fake.url,
      RERANK_CANDIDATES: '5',
      VLLM_RETRIES: '0',
      VLLM_BREAKER_THRESHOLD: '1000',
    });
    await t.api
      .post('/api/v1/memories/batch')
      .send({
        items: [
          'lake house, lake house',
          'what about the lake this weekend',
          'The quarterly report is due on Friday',
          'Camping gear: tent, stove, lantern',
        ].map((content) => ({ content, type: 'note' })),
      })
      .expect(200);
  });
  afterAll(async () => {
    await t.close();
    await fake.stop();
  });

  const search = async (body: object = {}): Promise<Answer> =>
    (
      await t.api
        .post('/api/v1/memories/search')
        .send({ query: QUERY, ...body })
        .expect(200)
    ).body as Answer;

  it('reorders the best candidates by the reranker and says so', async () => {
    const before = fake.requests.length;
    const answer = await search();
    expect(answer.rerank).toEqual({ status: 'applied' });
    expect(answer.results[0]!.content).toBe('what about the lake this weekend');
    const scores = answer.results.map((r) => r.scoring.rerank!);
    expect(scores.every((s) => typeof s === 'number')).toBe(true);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    const call = fake.requests.slice(before).find((r) => r.path === '/v1/rerank')!;
    expect(call.body).toMatchObject({ model: 'BAAI/bge-reranker-v2-m3', query: QUERY });
    expect((call.body as { documents: string[] }).documents.length).toBeLessThanOrEqual(5);
  });

  it('keeps the first-stage order when a search asks for no reranking', async () => {
    const answer = await search({ rerank: false });
    expect(answer.rerank).toEqual({ status: 'off' });
    expect(answer.results[0]!.content).toBe('lake house, lake house');
    expect(answer.results.every((r) => r.scoring.rerank === undefined)).toBe(true);
  });

  it('falls back to the first-stage order when the reranker fails, says why, and caches nothing', async () => {
    const firstStage = (await search({ rerank: false })).results.map((r) => r.id);
    fake.fail({ kind: 'status', status: 503, times: Infinity });
    try {
      const answer = await search({ limit: 3 });
      expect(answer.rerank.status).toBe('failed');
      expect(answer.rerank.detail).toMatch(/unavailable|503/i);
      expect(answer.results.map((r) => r.id)).toEqual(firstStage.slice(0, 3));
      const health = await t.http.get('/health').expect(503);
      expect(health.body.error.reranker).toMatchObject({ status: 'down', configured: true });
    } finally {
      fake.clearFaults();
    }
    expect((await search({ limit: 3 })).rerank).toEqual({ status: 'applied' });
    const health = await t.http.get('/health').expect(200);
    expect(health.body.info.reranker).toMatchObject({ status: 'up', configured: true });
  });

  it('counts reranker calls in the backend metrics', async () => {
    const metrics = (await t.http.get('/metrics').expect(200)).text;
    expect(metrics).toMatch(/backend="vllm",operation="rerank"/);
  });

  it('refuses a rerank flag that is not a boolean', async () => {
    const res = await t.api
      .post('/api/v1/memories/search')
      .send({ query: QUERY, rerank: 'yes' })
      .expect(400);
    expect(JSON.stringify(res.body)).toMatch(/rerank must be true or false/);
  });
});
