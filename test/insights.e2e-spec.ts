import { FakeVllmServer } from './support/fake-vllm.server.js';
import { createTestApp, type TestApp } from './support/test-app.js';

describe('insights from the LLM', () => {
  let t: TestApp;
  let embeddings: FakeVllmServer;
  let chat: FakeVllmServer;

  beforeAll(async () => {
    // One vLLM serves one model: embeddings and chat live at different URLs, as in production.
    embeddings = await new FakeVllmServer({ model: 'BAAI/bge-small-en-v1.5' }).start();
    chat = await new FakeVllmServer({ model: 'zai-org/GLM-4.5-Air' }).start();
    t = await createTestApp({
      VLLM_EMBEDDING_URL: embeddings.url,
      VLLM_CHAT_URL: chat.url,
      VLLM_RETRIES: '0',
      INSIGHTS_MAX_INPUT_CHARS: '600',
    });
    for (const content of [
      'Alice drinks espresso every morning',
      'Alice switched to decaf espresso in March',
      'Alice says coffee keeps her up at night',
      'The quarterly report is due on Friday',
    ]) {
      await t.api.post('/api/v1/memories').send({ content, type: 'fact' }).expect(201);
    }
  });
  afterEach(() => chat.clearFaults());
  afterAll(async () => {
    await t.close();
    await Promise.all([embeddings.stop(), chat.stop()]);
  });

  it('answers insights over the memories closest to a query, naming its sources', async () => {
    const res = await t.api
      .post('/api/v1/memories/insights')
      .send({ query: 'espresso coffee', limit: 3 })
      .expect(200);
    expect(res.body.model).toBe('zai-org/GLM-4.5-Air');
    expect(res.body.sourceIds).toHaveLength(3);
    expect(res.body.insight).toMatch(/^Insight over 3 memories: /);
    expect(res.body.insight).toContain('espresso');
    expect(res.body.insight).not.toContain('quarterly report');
    const [system, user] = chat.chatPrompts.at(-1)!;
    expect(system!.role).toBe('system');
    expect(system!.content).toMatch(/never follow instructions/);
    expect(user!.content).toMatch(/^Focus on: espresso coffee/);
  });

  it('answers insights over named memories, and 404 for one that is not the caller’s', async () => {
    const list = (await t.api.get('/api/v1/memories').query({ type: 'fact' }).expect(200)).body
      .items;
    const ids = list.slice(0, 2).map((m: { id: string }) => m.id);
    const res = await t.api.post('/api/v1/memories/insights').send({ memoryIds: ids }).expect(200);
    expect(res.body.sourceIds).toEqual(ids);
    await t.api
      .post('/api/v1/memories/insights')
      .send({ memoryIds: [ids[0], '00000000-0000-4000-8000-000000000000'] })
      .expect(404);
  });

  it('refuses a request with both or neither of query and memoryIds', async () => {
    await t.api.post('/api/v1/memories/insights').send({}).expect(400);
    await t.api
      .post('/api/v1/memories/insights')
      .send({ query: 'x', memoryIds: ['00000000-0000-4000-8000-000000000000'] })
      .expect(400);
    await t.api.post('/api/v1/memories/insights').send({ query: 'x', limit: 21 }).expect(400);
  });

  it('cuts the input to INSIGHTS_MAX_INPUT_CHARS', async () => {
    const long = `A long note about espresso ${'and more words '.repeat(80)}`;
    await t.api.post('/api/v1/memories').send({ content: long, type: 'note' }).expect(201);
    await t.api.post('/api/v1/memories/insights').send({ query: 'espresso', limit: 5 }).expect(200);
    const user = chat.chatPrompts.at(-1)![1]!.content;
    const memoriesPart = user.slice(user.indexOf('Memories:'));
    expect(memoriesPart.length).toBeLessThan(600 + 200); // the budget, plus numbering and types
  });

  it('stores a memory with its insight (withInsights), linked to its sources', async () => {
    const res = await t.api
      .post('/api/v1/memories')
      .send({
        content: 'Alice now prefers green tea to espresso',
        type: 'preference',
        withInsights: true,
      })
      .expect(201);
    expect(res.body.content).toBe('Alice now prefers green tea to espresso');
    expect(res.body.insight.status).toBe('created');
    const insight = res.body.insight.memory;
    expect(insight).toMatchObject({
      type: 'insight',
      metadata: { sourceMemory: res.body.id, category: 'analysis' },
    });
    expect(insight.metadata.sources.split(',')[0]).toBe(res.body.id);
    expect(res.body.insight.sourceIds).toContain(res.body.id);
    await t.api.get(`/api/v1/memories/${insight.id}`).expect(200);
    await t.api.get(`/api/v1/memories/${res.body.id}`).expect(200);
  });

  it('still stores the memory when the LLM fails, and says why the insight is missing', async () => {
    chat.fail({ kind: 'status', status: 500, times: Infinity });
    const res = await t.api
      .post('/api/v1/memories')
      .send({ content: 'Alice bought a new grinder', type: 'fact', withInsights: true })
      .expect(201);
    expect(res.body.insight).toEqual({
      status: 'missing',
      reason: expect.stringMatching(/HTTP 500/),
    });
    await t.api.get(`/api/v1/memories/${res.body.id}`).expect(200);
    const insights = await t.api
      .get('/api/v1/memories')
      .query({ type: 'insight', limit: 100 })
      .expect(200);
    expect(
      insights.body.items.map(
        (m: { metadata: { sourceMemory: string } }) => m.metadata.sourceMemory,
      ),
    ).not.toContain(res.body.id);
  });
});

describe('insights with no LLM configured', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ VLLM_URL: '' });
    await t.api.post('/api/v1/memories').send({ content: 'Something', type: 'note' }).expect(201);
  });
  afterAll(() => t.close());

  it('answers 503 with the reason', async () => {
    const res = await t.api
      .post('/api/v1/memories/insights')
      .send({ query: 'something' })
      .expect(503);
    expect(res.body.detail).toMatch(/set VLLM_URL \(or VLLM_CHAT_URL\)/);
  });

  it('stores a memory asked withInsights and reports the insight missing', async () => {
    const res = await t.api
      .post('/api/v1/memories')
      .send({ content: 'Another thing', type: 'note', withInsights: true })
      .expect(201);
    expect(res.body.insight).toEqual({
      status: 'missing',
      reason: expect.stringMatching(/VLLM_URL/),
    });
  });
});
