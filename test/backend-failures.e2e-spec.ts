import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type request from 'supertest';
import { FakeVllmServer } from './support/fake-vllm.server.js';
import { RedisServer } from './support/redis.js';
import { createTestApp, type TestApp, USER_PASSWORD } from './support/test-app.js';

const memory = { content: 'Something to remember', type: 'note' };

async function closedPortUrl(): Promise<string> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

function expectProblem(
  res: { status: number; headers: Record<string, string>; body: Record<string, unknown> },
  status: number,
) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body.status).toBe(status);
}

describe('when ChromaDB is unreachable', () => {
  let t: TestApp;
  beforeAll(
    async () =>
      (t = await createTestApp({
        CHROMA_URL: await closedPortUrl(),
        CHROMA_DATABASE: 'default_database',
      })),
  );
  afterAll(() => t.close());

  it.each([
    ['post', '/api/v1/memories', memory],
    ['post', '/api/v1/memories/search', { query: 'x' }],
    ['get', '/api/v1/memories', undefined],
    ['get', '/api/v1/memories/3f1e2d4c-5b6a-4789-9abc-def012345678', undefined],
  ] as const)('%s %s answers 503 with Retry-After', async (method, path, body) => {
    const res = await (body ? t.api[method](path).send(body) : t.api[method](path));
    expectProblem(res, 503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.body.backend).toBe('chroma');
  });

  it('/health answers 503 naming chroma, /health/live still 200', async () => {
    const res = await t.http.get('/health').expect(503);
    expect(res.body.status).toBe('error');
    expect(res.body.error.chroma).toMatchObject({ status: 'down', reason: 'error' });
    expect(res.body.details.embedder.status).toBe('up');
    // Public route: the backend is named, its internal error (addresses, stack) is not.
    expect(JSON.stringify(res.body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|fetch failed|Error:/);
    await t.server.waitForOutput(/Health: chroma is down/);
    await t.http.get('/health/live').expect(200);
  });
});

describe('when ChromaDB accepts connections but never answers', () => {
  let t: TestApp;
  let silent: TcpServer;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    silent = createTcpServer((socket) => void sockets.push(socket)); // holds sockets open, says nothing
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    t = await createTestApp({
      CHROMA_URL: `http://127.0.0.1:${port}`,
      CHROMA_DATABASE: 'default_database',
      CHROMA_TIMEOUT_MS: '300',
    });
  });
  afterAll(async () => {
    await t.close();
    sockets.forEach((socket) => socket.destroy());
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it('answers 503 after CHROMA_TIMEOUT_MS instead of hanging', async () => {
    const started = Date.now();
    const res = await t.api.post('/api/v1/memories').send(memory);
    expectProblem(res, 503);
    expect(res.body.detail).toMatch(/timed out after 300 ms/);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('a Chroma server too old for the v2 API', () => {
  let old: Server;
  beforeAll(async () => {
    old = createServer((req, res) => {
      const ok = req.url === '/api/v1/heartbeat';
      res.writeHead(ok ? 200 : 404, { 'Content-Type': 'application/json' });
      res.end(ok ? '{"nanosecond heartbeat": 1}' : '{"detail":"Not Found"}');
    });
    await new Promise<void>((resolve) => old.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => old.close(() => resolve())));

  it('stops start-up with a message to upgrade', async () => {
    const { port } = old.address() as AddressInfo;
    await expect(
      createTestApp({
        CHROMA_URL: `http://127.0.0.1:${port}`,
        CHROMA_DATABASE: 'default_database',
      }),
    ).rejects.toThrow(/answers only the old v1 API.*upgrade the server to Chroma 1\.x/s);
  });
});

let unique = 0;
/** A memory whose embedding is not cached yet, so the request really reaches vLLM. */
const fresh = () => ({ content: `Something new to remember ${++unique}`, type: 'note' });

describe('when the vLLM server fails', () => {
  let t: TestApp;
  let vllm: FakeVllmServer;
  beforeAll(async () => {
    vllm = await new FakeVllmServer({ apiKey: 'sk-test' }).start();
    // One attempt and no breaker here, to see each failure as it is; retries and the breaker
    // have their own suite (resilience.e2e-spec.ts).
    t = await createTestApp({
      VLLM_URL: vllm.url,
      VLLM_API_KEY: 'sk-test',
      VLLM_TIMEOUT_MS: '400',
      VLLM_RETRIES: '0',
      VLLM_BREAKER_THRESHOLD: '1000',
    });
    await t.api.post('/api/v1/memories').send({ content: 'warm-up', type: 'note' }).expect(201);
  });
  afterEach(() => vllm.clearFaults());
  afterAll(async () => {
    await t.close();
    await vllm.stop();
  });

  it('sends the API key as a bearer token', () => {
    expect(vllm.requests.every((r) => r.authorization === 'Bearer sk-test')).toBe(true);
  });

  it('answers 503 with Retry-After on a 5xx', async () => {
    vllm.fail({ kind: 'status', status: 500 });
    const res = await t.api.post('/api/v1/memories').send(fresh());
    expectProblem(res, 503);
    expect(res.body.backend).toBe('vllm');
    expect(res.headers['retry-after']).toBe('5');
  });

  it("passes vLLM's own Retry-After on a 429", async () => {
    vllm.fail({ kind: 'status', status: 429, retryAfter: 7 });
    const res = await t.api.post('/api/v1/memories/search').send({ query: `anything ${++unique}` });
    expectProblem(res, 503);
    expect(res.headers['retry-after']).toBe('7');
  });

  it('answers 503 when vLLM is slower than VLLM_TIMEOUT_MS', async () => {
    vllm.fail({ kind: 'slow', delayMs: 1500 });
    const started = Date.now();
    const res = await t.api.post('/api/v1/memories').send(fresh());
    expectProblem(res, 503);
    expect(res.body.detail).toMatch(/timed out/);
    expect(Date.now() - started).toBeLessThan(1400);
  });

  it('answers 503 when vLLM drops the connection', async () => {
    vllm.fail({ kind: 'drop-connection' });
    expectProblem(await t.api.post('/api/v1/memories').send(fresh()), 503);
  });

  it("answers 422 with the model's reason when it refuses the input", async () => {
    const res = await t.api
      .post('/api/v1/memories')
      .send({ content: 'long '.repeat(5000), type: 'note' });
    expectProblem(res, 422);
    expect(res.body.detail).toMatch(/maximum context length/);
  });

  it('answers 502 when vLLM returns vectors of the wrong dimension, storing nothing', async () => {
    vllm.fail({ kind: 'wrong-dimension', dimension: 12 });
    const res = await t.api.post('/api/v1/memories').send({ content: 'wrong size', type: 'note' });
    expectProblem(res, 502);
    expect(res.body.detail).toMatch(/12-dimensional vector where 256 were expected/);
    const page = await t.api.get('/api/v1/memories').expect(200);
    expect(page.body.items.map((m: { content: string }) => m.content)).toEqual(['warm-up']);
  });

  it('reports the embedder down in /health while vLLM fails', async () => {
    vllm.fail({ kind: 'status', status: 503, times: 5 });
    const res = await t.http.get('/health').expect(503);
    expect(res.body.error.embedder).toMatchObject({ status: 'down', kind: 'remote' });
    expect(res.body.error.embedder).not.toHaveProperty('error');
    vllm.clearFaults();
    await t.http.get('/health').expect(200);
  });
});

describe('with a wrong vLLM API key', () => {
  let t: TestApp;
  let vllm: FakeVllmServer;
  beforeAll(async () => {
    vllm = await new FakeVllmServer({ apiKey: 'right' }).start();
    t = await createTestApp({ VLLM_URL: vllm.url, VLLM_API_KEY: 'wrong' });
  });
  afterAll(async () => {
    await t.close();
    await vllm.stop();
  });

  it('answers 502 with a hint to check VLLM_API_KEY', async () => {
    const res = await t.api.post('/api/v1/memories').send(memory);
    expectProblem(res, 502);
    expect(res.body.detail).toMatch(/VLLM_API_KEY/);
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not so after ${timeoutMs} ms`);
    await sleep(200);
  }
}

/**
 * A real Redis stopped while the service runs, then started again on the same port and files:
 * every route that needs the state store (all but the probes: credentials, rate limits, the
 * change feed, locks, sessions) answers 503 with Retry-After meanwhile, never 500, and the
 * service serves again once Redis is back.
 */
describe('when Redis goes away while the service runs', () => {
  let redis: RedisServer;
  let t: TestApp;
  let refreshToken: string;
  let apiKey: string;
  let memoryId: string;
  let sessionId: string;
  beforeAll(async () => {
    redis = await RedisServer.start();
    t = await createTestApp({ REDIS_URL: redis.url });
    refreshToken = (await t.login('alice', USER_PASSWORD)).refreshToken;
    apiKey = (await t.api.post('/api/v1/auth/api-keys').send({ name: 'agent' }).expect(201)).body
      .key;
    memoryId = (await t.api.post('/api/v1/memories').send(memory).expect(201)).body.id;
    sessionId = (await t.api.post('/api/v1/sessions').send({}).expect(201)).body.id;
    await redis.stop();
  }, 120_000);
  afterAll(async () => {
    await t.close();
    await redis.stop();
  });

  const routes = (): Array<[string, () => request.Test]> => [
    [
      'POST /memories',
      () => t.api.post('/api/v1/memories').send({ content: 'while away', type: 'n' }),
    ],
    ['POST /memories/batch', () => t.api.post('/api/v1/memories/batch').send({ items: [memory] })],
    [
      'POST /memories/search',
      () => t.api.post('/api/v1/memories/search').send({ query: 'remember' }),
    ],
    ['GET /memories', () => t.api.get('/api/v1/memories')],
    ['GET /memories/:id', () => t.api.get(`/api/v1/memories/${memoryId}`)],
    [
      'PATCH /memories/:id',
      () => t.api.patch(`/api/v1/memories/${memoryId}`).send({ content: 'changed' }),
    ],
    ['GET /memories/:id/history', () => t.api.get(`/api/v1/memories/${memoryId}/history`)],
    ['DELETE /memories/:id', () => t.api.delete(`/api/v1/memories/${memoryId}`)],
    ['GET /memories/export', () => t.api.get('/api/v1/memories/export')],
    ['POST /context', () => t.api.post('/api/v1/context').send({ query: 'remember' })],
    ['POST /sessions', () => t.api.post('/api/v1/sessions').send({})],
    ['GET /sessions', () => t.api.get('/api/v1/sessions')],
    [
      'POST /sessions/:id/context',
      () =>
        t.api
          .post(`/api/v1/sessions/${sessionId}/context`)
          .send({ items: [{ role: 'user', content: 'hi' }] }),
    ],
    ['GET /auth/me', () => t.api.get('/api/v1/auth/me')],
    ['GET /auth/me (API key)', () => t.http.get('/api/v1/auth/me').set('X-API-Key', apiKey)],
    ['GET /auth/api-keys', () => t.api.get('/api/v1/auth/api-keys')],
    [
      'POST /auth/login',
      () => t.http.post('/api/v1/auth/login').send({ username: 'alice', password: USER_PASSWORD }),
    ],
    ['POST /auth/refresh', () => t.http.post('/api/v1/auth/refresh').send({ refreshToken })],
    ['GET /admin/users', () => t.admin.get('/api/v1/admin/users')],
    ['GET /admin/backups', () => t.admin.get('/api/v1/admin/backups')],
    ['GET /v1/models', () => t.api.get('/v1/models')],
    [
      'POST /mcp',
      () =>
        t.http
          .post('/mcp')
          .set('X-API-Key', apiKey)
          .set('Accept', 'application/json, text/event-stream')
          .send({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    ],
  ];

  it('answers 503 with Retry-After on every route that needs it, never 500', async () => {
    // All at once: each waits for the Redis client's two tries (a few seconds) before its 503.
    const answers = Object.fromEntries(
      await Promise.all(
        routes().map(async ([name, send]) => {
          const res = await send();
          const shape = /^application\/problem\+json/.test(res.headers['content-type'] ?? '')
            ? 'problem'
            : res.body?.error?.message
              ? 'OpenAI error'
              : 'other';
          return [
            name,
            `${res.status}${res.headers['retry-after'] ? ' Retry-After' : ''} ${shape}`,
          ];
        }),
      ),
    );
    expect(answers).toEqual(
      Object.fromEntries(
        routes().map(([name]) => [
          name,
          // The OpenAI-compatible routes answer in OpenAI's error shape, for its SDKs.
          `503 Retry-After ${name.startsWith('GET /v1/') ? 'OpenAI error' : 'problem'}`,
        ]),
      ),
    );
    expect((await t.http.get('/health/live')).status).toBe(200);
    const ready = await t.http.get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.details.state.status).toBe('down');
  }, 120_000);

  it('serves again once Redis is back', async () => {
    await redis.restart();
    await waitFor(async () => (await t.api.get('/api/v1/auth/me')).status === 200);
    await t.api.get(`/api/v1/memories/${memoryId}`).expect(200);
    await t.api
      .post('/api/v1/memories')
      .send({ content: 'after the outage', type: 'n' })
      .expect(201);
    await t.http.get('/api/v1/auth/me').set('X-API-Key', apiKey).expect(200);
  }, 60_000);
});
