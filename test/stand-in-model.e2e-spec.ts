import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import OpenAI from 'openai';
import { createTestApp, type TestApp } from './support/test-app.js';

interface Reranked {
  rerank: { status: string };
  results: Array<{ content: string; scoring: { rerank?: number } }>;
}

interface Decision {
  action: string;
  fact: { content: string };
}

/** `npm run stand-in-model` as a newcomer starts it (on a free port), and the service on it. */
describe('the stand-in model (npm run stand-in-model) drives insights, extraction and the proxy', () => {
  let standIn: ChildProcess;
  let url: string;
  let t: TestApp;

  beforeAll(async () => {
    standIn = spawn(process.execPath, ['apps/stand-in-model/stand-in-model.mjs'], {
      env: { ...process.env, STAND_IN_PORT: '0' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let printed = '';
    standIn.stdout!.on('data', (chunk: Buffer) => (printed += chunk.toString()));
    for (let i = 0; i < 100 && !/127\.0\.0\.1:\d+\/v1/.test(printed); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(printed).toMatch(/STAND-IN model/);
    url = /(http:\/\/127\.0\.0\.1:\d+)\/v1/.exec(printed)![1]!;
    t = await createTestApp({ VLLM_URL: url, VLLM_RERANK_URL: url, VLLM_RETRIES: '0' });
  });
  afterAll(async () => {
    await t?.close();
    standIn?.kill();
    if (standIn && standIn.exitCode === null) await once(standIn, 'exit');
  });

  it('extraction learns first-person facts, and supersedes one that changed', async () => {
    const first = await t.api
      .post('/api/v1/memories/extract')
      .send({ messages: [{ role: 'user', content: 'I live in Berlin. I love jazz!' }] })
      .expect(200);
    expect((first.body.decisions as Decision[]).map((d) => [d.action, d.fact.content])).toEqual([
      ['add', 'The user lives in Berlin.'],
      ['add', 'The user loves jazz.'],
    ]);
    const second = await t.api
      .post('/api/v1/memories/extract')
      .send({ messages: [{ role: 'user', content: 'I live in Lisbon now.' }] })
      .expect(200);
    expect((second.body.decisions as Decision[]).map((d) => d.action)).toEqual(['supersede']);
  });

  it('insights answer over related memories', async () => {
    await t.api
      .post('/api/v1/memories')
      .send({ content: 'The user plays jazz piano on weekends', type: 'fact' })
      .expect(201);
    const res = await t.api
      .post('/api/v1/memories/insights')
      .send({ query: 'jazz', limit: 5 })
      .expect(200);
    expect(res.body.insight).toMatch(/^\(stand-in model\) \d+ memories; words they share: .*jazz/);
  });

  it('answers through the chat proxy with the memories it was given, streamed too', async () => {
    const key = (await t.api.post('/api/v1/auth/api-keys').send({ name: 'ui' }).expect(201)).body
      .key as string;
    const client = new OpenAI({ apiKey: key, baseURL: `${t.url}/v1`, maxRetries: 0 });
    const [model] = (await client.models.list()).data;
    expect(model!.id).toBe('stand-in/deterministic-v1');
    const answer = await client.chat.completions.create({
      model: model!.id,
      messages: [{ role: 'user', content: 'Where do I live?' }],
    });
    expect(answer.choices[0]!.message.content).toMatch(/I was given \d+ memories: .*Lisbon/);
    const stream = await client.chat.completions.create({
      model: model!.id,
      messages: [{ role: 'user', content: 'Where do I live?' }],
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toBe(answer.choices[0]!.message.content);
  });

  it('reranks searches, and answers bad rerank requests with 4xx as vLLM does', async () => {
    await t.api
      .post('/api/v1/memories/batch')
      .send({
        items: ['lake house, lake house', 'what about the lake this weekend'].map((content) => ({
          content,
          type: 'note',
        })),
      })
      .expect(200);
    const search = async (body: object): Promise<Reranked> =>
      (
        await t.api
          .post('/api/v1/memories/search')
          .send({ query: 'what about the lake house', mode: 'keyword', ...body })
          .expect(200)
      ).body as Reranked;
    // BM25 leaves out "what", "about" and "the"; the stand-in counts every word of 3+ letters.
    const firstStage = await search({ rerank: false });
    expect(firstStage.rerank).toEqual({ status: 'off' });
    expect(firstStage.results[0]!.content).toBe('lake house, lake house');
    const answer = await search({});
    expect(answer.rerank).toEqual({ status: 'applied' });
    expect(answer.results.map((m) => [m.content, m.scoring.rerank])).toEqual([
      ['what about the lake this weekend', 0.8],
      ['lake house, lake house', 0.4],
    ]);
    const rerank = (body: string) =>
      fetch(`${url}/v1/rerank`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body,
      });
    const refused = await rerank(
      JSON.stringify({ model: 'BAAI/bge-reranker-v2-m3', query: 'q', documents: ['d'] }),
    );
    expect(refused.status).toBe(404);
    expect(((await refused.json()) as { error: { param: string } }).error.param).toBe('model');
    for (const body of [
      'null',
      '[]',
      JSON.stringify({
        model: 'stand-in/deterministic-v1',
        query: 'q',
        documents: ['d'],
        top_n: 1.5,
      }),
    ]) {
      expect((await rerank(body)).status).toBe(400);
    }
    // Still serving after them.
    expect((await fetch(`${url}/v1/models`)).status).toBe(200);
  });
});
