import { setTimeout as sleep } from 'node:timers/promises';
import { FakeVllmServer } from './support/fake-vllm.server.js';
import { parseMetrics, total } from './support/metrics.js';
import { createTestApp, type TestApp } from './support/test-app.js';

let unique = 0;
const fresh = () => ({ content: `resilience memory ${++unique}`, type: 'note' });

describe('the vLLM client retries, times out and breaks the circuit', () => {
  let t: TestApp;
  let vllm: FakeVllmServer;
  const embeddingCalls = () => vllm.requests.filter((r) => r.path === '/v1/embeddings').length;
  const breakerState = async () =>
    total(
      parseMetrics((await t.http.get('/metrics').expect(200)).text),
      'memory_system_circuit_breaker_state',
      {
        backend: 'vllm-embeddings',
      },
    );

  beforeAll(async () => {
    vllm = await new FakeVllmServer().start();
    t = await createTestApp({
      VLLM_URL: vllm.url,
      VLLM_TIMEOUT_MS: '300',
      VLLM_RETRIES: '2',
      VLLM_RETRY_BASE_MS: '20',
      VLLM_BREAKER_THRESHOLD: '4',
      VLLM_BREAKER_COOLDOWN: '1500ms',
    });
    await t.api.post('/api/v1/memories').send(fresh()).expect(201); // resolves the model and dimension
  });
  afterEach(() => vllm.clearFaults());
  afterAll(async () => {
    await t.close();
    await vllm.stop();
  });

  it.each([
    ['a 500', { kind: 'status', status: 500, times: 2 }],
    ['a 503', { kind: 'status', status: 503, times: 2 }],
    ['a 429', { kind: 'status', status: 429, times: 2, retryAfter: 1 }],
    ['a dropped connection', { kind: 'drop-connection', times: 2 }],
  ] as const)('retries %s and succeeds on the third attempt', async (_name, fault) => {
    vllm.fail({ ...fault });
    const before = embeddingCalls();
    await t.api.post('/api/v1/memories').send(fresh()).expect(201);
    expect(embeddingCalls() - before).toBe(3);
  });

  it('gives up after VLLM_RETRIES with a 503', async () => {
    vllm.fail({ kind: 'status', status: 500, times: 3 });
    const before = embeddingCalls();
    const res = await t.api.post('/api/v1/memories').send(fresh());
    expect(res.status).toBe(503);
    expect(embeddingCalls() - before).toBe(3);
    await t.api.post('/api/v1/memories').send(fresh()).expect(201); // resets the failure count
  });

  it('does not retry a timeout or a refusal', async () => {
    vllm.fail({ kind: 'slow', delayMs: 1000 });
    let before = embeddingCalls();
    expect((await t.api.post('/api/v1/memories').send(fresh())).status).toBe(503);
    expect(embeddingCalls() - before).toBe(1);

    before = embeddingCalls();
    expect(
      (await t.api.post('/api/v1/memories').send({ content: 'x '.repeat(12_000), type: 'note' }))
        .status,
    ).toBe(422);
    expect(embeddingCalls() - before).toBe(1);
    await sleep(800); // let the slow request finish on the server side
    await t.api.post('/api/v1/memories').send(fresh()).expect(201);
  });

  it('opens the circuit after consecutive failures, fails fast while open, and closes after a good probe', async () => {
    expect(await breakerState()).toBe(0);
    vllm.fail({ kind: 'status', status: 500, times: Infinity });
    // 2 requests × 3 attempts: the 4th consecutive failure opens the circuit.
    for (let i = 0; i < 2; i++)
      expect((await t.api.post('/api/v1/memories').send(fresh())).status).toBe(503);
    expect(await breakerState()).toBe(2);

    const before = embeddingCalls();
    const started = Date.now();
    const fast = await t.api.post('/api/v1/memories').send(fresh());
    expect(fast.status).toBe(503);
    expect(fast.body.detail).toMatch(/circuit open/);
    expect(Number(fast.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(embeddingCalls()).toBe(before); // vLLM was not even called
    expect(Date.now() - started).toBeLessThan(1000);

    vllm.clearFaults();
    await sleep(1600);
    await t.api.post('/api/v1/memories').send(fresh()).expect(201); // the probe goes through
    expect(await breakerState()).toBe(0);
  });
});
