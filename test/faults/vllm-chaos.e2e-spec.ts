import type { Fault } from '../support/fake-vllm.server.js';
import { FakeVllmServer } from '../support/fake-vllm.server.js';
import { createTestApp } from '../support/test-app.js';
import { writeLoad } from '../support/write-load.js';

/** A vLLM that fails, stalls and drops connections at random under load: no hang and no 500. */
describe('fault: vLLM fails and stalls at random', () => {
  it('answers every request quickly with 2xx or a retryable 503, never 500', async () => {
    const vllm = await new FakeVllmServer().start();
    const t = await createTestApp({
      VLLM_URL: vllm.url,
      VLLM_TIMEOUT_MS: '400',
      VLLM_RETRIES: '1',
      VLLM_RETRY_BASE_MS: '20',
      VLLM_BREAKER_THRESHOLD: '8',
      VLLM_BREAKER_COOLDOWN: '500ms',
      THROTTLE_LIMIT: '1000000', // fail-fast 503s come quickly; the limiter is not under test here
    });
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const faults: Fault[] = [
      { kind: 'status', status: 500 },
      { kind: 'status', status: 503 },
      { kind: 'status', status: 429, retryAfter: 1 },
      { kind: 'slow', delayMs: 1200 },
      { kind: 'drop-connection' },
    ];
    const chaos = setInterval(() => {
      if (random() < 0.6) vllm.fail({ ...faults[Math.floor(random() * faults.length)]! });
    }, 30);
    try {
      // Worst case per request: two attempts of 400 ms each and a backoff: well under 3 s.
      const load = writeLoad(() => t.api, 'vllm-chaos', 6, 3000);
      await new Promise((resolve) => setTimeout(resolve, 4000));
      const report = await load.stop();
      expect(report.violations).toEqual([]);
      expect(
        [...report.statuses.keys()].filter((status) => status !== 201 && status !== 503),
      ).toEqual([]);
      expect(report.statuses.get(201) ?? 0).toBeGreaterThan(0);
      expect(report.statuses.get(503) ?? 0).toBeGreaterThan(0);
      await t.http.get('/health/live').expect(200);
      console.log(`vLLM chaos: statuses ${JSON.stringify([...report.statuses])}`);
    } finally {
      clearInterval(chaos);
      await t.close();
      await vllm.stop();
    }
  });
});
