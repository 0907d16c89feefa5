import { FakeVllmServer } from './support/fake-vllm.server.js';
import { parseMetrics, type Sample, total } from './support/metrics.js';
import { RedisServer } from './support/redis.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const contents = (res: { body: { results: Array<{ content: string }> } }) =>
  res.body.results.map((r) => r.content);

describe('caching', () => {
  let t: TestApp;
  let vllm: FakeVllmServer;
  const scrape = async (): Promise<Sample[]> =>
    parseMetrics((await t.http.get('/metrics').expect(200)).text);
  const searchCache = async (result: 'hit' | 'miss') =>
    total(await scrape(), 'memory_system_cache_requests_total', { cache: 'search', result });
  const embeddingCalls = () => vllm.requests.filter((r) => r.path === '/v1/embeddings').length;

  beforeAll(async () => {
    vllm = await new FakeVllmServer().start();
    t = await createTestApp({ VLLM_URL: vllm.url });
    await t.api
      .post('/api/v1/memories')
      .send({ content: 'Bob likes hiking in the Alps', type: 'fact' })
      .expect(201);
  });
  afterAll(async () => {
    await t.close();
    await vllm.stop();
  });

  it('answers a repeated search from the cache, embedding the query once', async () => {
    const hits = await searchCache('hit');
    const calls = embeddingCalls();
    const first = await t.api
      .post('/api/v1/memories/search')
      .send({ query: 'hiking trips' })
      .expect(200);
    const second = await t.api
      .post('/api/v1/memories/search')
      .send({ query: 'hiking trips' })
      .expect(200);
    expect(second.body).toEqual(first.body);
    expect(await searchCache('hit')).toBe(hits + 1);
    expect(embeddingCalls()).toBe(calls + 1);

    // A different limit is another search, but the query's embedding comes from the cache.
    await t.api
      .post('/api/v1/memories/search')
      .send({ query: 'hiking trips', limit: 3 })
      .expect(200);
    expect(embeddingCalls()).toBe(calls + 1);
  });

  it('never serves a search from before a create, update or delete', async () => {
    const search = () =>
      t.api
        .post('/api/v1/memories/search')
        .send({ query: 'mountain hiking', limit: 10 })
        .expect(200);
    expect(contents(await search())).toEqual(['Bob likes hiking in the Alps']);
    await search(); // cached now

    const created = (
      await t.api
        .post('/api/v1/memories')
        .send({ content: 'Mountain hiking needs good boots', type: 'fact' })
        .expect(201)
    ).body;
    expect(contents(await search())).toContain('Mountain hiking needs good boots');

    await t.api
      .patch(`/api/v1/memories/${created.id}`)
      .send({ content: 'Mountain hiking needs warm socks' })
      .expect(200);
    const afterUpdate = contents(await search());
    expect(afterUpdate).toContain('Mountain hiking needs warm socks');
    expect(afterUpdate).not.toContain('Mountain hiking needs good boots');

    await t.api.delete(`/api/v1/memories/${created.id}`).expect(204);
    expect(contents(await search())).not.toContain('Mountain hiking needs warm socks');

    await t.api
      .post('/api/v1/memories/batch')
      .send({ items: [{ content: 'Hiking poles help on descents', type: 'fact' }] })
      .expect(200);
    expect(contents(await search())).toContain('Hiking poles help on descents');
  });

  it("keeps one user's cache away from another's", async () => {
    const { agent: other } = await t.signUp('cache-other');
    await other
      .post('/api/v1/memories/search')
      .send({ query: 'hiking trips' })
      .expect(200)
      .expect((res) => {
        expect(res.body.results).toEqual([]);
      });
  });
});

describe('a cache shared through Redis by two replicas', () => {
  let redis: RedisServer;
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    redis = await RedisServer.start();
    a = await createTestApp({ REDIS_URL: redis.url });
    // Replica b shares everything with a: Chroma database, Redis state and cache, secret.
    b = await createTestApp({
      REDIS_URL: redis.url,
      CHROMA_URL: a.chroma!.url,
      CHROMA_DATABASE: a.chroma!.database,
      JWT_SECRET: undefined,
      DATA_DIR: undefined,
    });
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
    await redis.stop();
  });

  it('shows a write made through one replica to the next search through the other', async () => {
    // The same user on both replicas (state is shared through Redis).
    const tokens = await b.login('alice', 'alice-password-123');
    const aliceOnB = b.agentFor(tokens.accessToken);
    const search = () =>
      aliceOnB.post('/api/v1/memories/search').send({ query: 'sailing', limit: 10 }).expect(200);
    expect(contents(await search())).toEqual([]);
    await search(); // cached in Redis now
    await a.api
      .post('/api/v1/memories')
      .send({ content: 'Alice learned sailing last summer', type: 'fact' })
      .expect(201);
    expect(contents(await search())).toEqual(['Alice learned sailing last summer']);
  });
});

describe('metrics', () => {
  let t: TestApp;
  let vllm: FakeVllmServer;
  beforeAll(async () => {
    vllm = await new FakeVllmServer().start();
    t = await createTestApp({ VLLM_URL: vllm.url, METRICS_TOKEN: 'scrape-token-for-tests' });
    const m = (
      await t.api
        .post('/api/v1/memories')
        .send({ content: 'metrics memory', type: 'note' })
        .expect(201)
    ).body;
    await t.api.get(`/api/v1/memories/${m.id}`).expect(200);
    await t.api.get('/api/v1/memories/00000000-0000-4000-8000-000000000000').expect(404);
    await t.api.post('/api/v1/memories/search').send({ query: 'metrics' }).expect(200);
    await t.api.post('/api/v1/memories/search').send({ query: 'metrics' }).expect(200);
  });
  afterAll(async () => {
    await t.close();
    await vllm.stop();
  });

  it('guards /metrics with METRICS_TOKEN', async () => {
    await t.http.get('/metrics').expect(401);
    await t.http.get('/metrics').set('Authorization', 'Bearer wrong').expect(401);
    await t.http.get('/metrics').set('Authorization', 'Bearer scrape-token-for-tests').expect(200);
  });

  it('exports request, operation, backend, cache, breaker and process metrics with Prometheus names', async () => {
    const res = await t.http
      .get('/metrics')
      .set('Authorization', 'Bearer scrape-token-for-tests')
      .expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const samples = parseMetrics(res.text);
    const has = (name: string, labels: Record<string, string> = {}) => total(samples, name, labels);

    // Route templates, never concrete ids.
    expect(
      has('memory_system_http_request_duration_seconds_count', {
        route: '/api/v1/memories/:id',
        method: 'GET',
        status_code: '200',
      }),
    ).toBe(1);
    expect(
      has('memory_system_http_request_duration_seconds_count', {
        route: '/api/v1/memories/:id',
        status_code: '404',
      }),
    ).toBe(1);
    expect(samples.some((s) => s.labels.route?.includes('00000000'))).toBe(false);
    expect(
      has('memory_system_memory_operations_total', { operation: 'create', outcome: 'success' }),
    ).toBe(1);
    expect(
      has('memory_system_memory_operations_total', { operation: 'get', outcome: 'error' }),
    ).toBe(1);
    expect(
      has('memory_system_backend_request_duration_seconds_count', {
        backend: 'chroma',
        operation: 'add',
        outcome: 'success',
      }),
    ).toBe(1);
    expect(
      has('memory_system_backend_request_duration_seconds_count', {
        backend: 'vllm',
        operation: 'embeddings',
      }),
    ).toBeGreaterThan(0);
    expect(has('memory_system_cache_requests_total', { cache: 'search', result: 'hit' })).toBe(1);
    expect(
      has('memory_system_cache_requests_total', { cache: 'embedding', result: 'miss' }),
    ).toBeGreaterThan(0);
    expect(
      samples.find(
        (s) =>
          s.name === 'memory_system_circuit_breaker_state' &&
          s.labels.backend === 'vllm-embeddings',
      )?.value,
    ).toBe(0);
    expect(has('memory_system_process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(has('memory_system_nodejs_heap_size_used_bytes')).toBeGreaterThan(0);

    // Conventions: counters end in _total, durations are in seconds.
    const types = [...res.text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map(([, name, type]) => ({
      name: name!,
      type: type!,
    }));
    for (const { name, type } of types) {
      expect(name).toMatch(/^memory_system_/);
      if (type === 'counter') expect(name).toMatch(/_total$/);
      if (name.includes('duration')) expect(name).toMatch(/_seconds$/);
    }
  });
});

describe('health while vLLM is down', () => {
  let t: TestApp;
  let vllm: FakeVllmServer;
  beforeAll(async () => {
    vllm = await new FakeVllmServer().start();
    t = await createTestApp({ VLLM_URL: vllm.url });
  });
  afterAll(async () => {
    await t.close();
    await vllm.stop();
  });

  it('/health/ready and /health/live stay 200 (no restart loop); /health reports 503', async () => {
    await t.http.get('/health').expect(200);
    vllm.fail({ kind: 'status', status: 503, times: Infinity });
    const full = await t.http.get('/health').expect(503);
    expect(full.body.error.embedder.status).toBe('down');
    expect(full.body.error.chat.status).toBe('down');
    const ready = await t.http.get('/health/ready').expect(200);
    expect(Object.keys(ready.body.details).sort()).toEqual([
      'chroma',
      'models',
      'startup',
      'state',
    ]);
    // A model server that is down is an outage, not a misconfiguration: readiness stays up.
    expect(ready.body.details.models.status).toBe('up');
    await t.http.get('/health/live').expect(200);
    vllm.clearFaults();
  });
});
