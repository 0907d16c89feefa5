import type { TestApp } from './test-app.js';

export interface Acknowledged {
  id: string;
  content: string;
}

export interface LoadReport {
  acknowledged: Acknowledged[];
  statuses: Map<number, number>;
  /** Problems that broke the rules: a 500, an answer without Retry-After, a hang. */
  violations: string[];
}

/**
 * `workers` clients writing unique memories until `stop()`; every 2xx is remembered as a
 * promise the service made. A refused connection (the app is dead) is not an answer.
 */
export function writeLoad(agent: () => TestApp['api'], label: string, workers = 4, maxMs = 15_000) {
  const report: LoadReport = { acknowledged: [], statuses: new Map(), violations: [] };
  let running = true;
  let n = 0;
  const worker = async () => {
    while (running) {
      const content = `${label} write ${n++} ${Math.random().toString(36).slice(2)}`;
      const started = Date.now();
      try {
        const res = await agent()
          .post('/api/v1/memories')
          .send({ content, type: 'note' })
          .timeout(maxMs);
        report.statuses.set(res.status, (report.statuses.get(res.status) ?? 0) + 1);
        if (res.status === 201) report.acknowledged.push({ id: res.body.id, content });
        else if (res.status === 503 && !res.headers['retry-after'])
          report.violations.push('503 without Retry-After');
        else if (res.status >= 500 && res.status !== 503)
          report.violations.push(`${res.status}: ${JSON.stringify(res.body)}`);
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EPIPE') {
          await new Promise((resolve) => setTimeout(resolve, 50));
        } else if ((error as { timeout?: number }).timeout) {
          report.violations.push(`a request hung for more than ${maxMs} ms`);
        } else {
          report.violations.push(String(error));
        }
      }
      if (Date.now() - started > maxMs)
        report.violations.push(`a request took ${Date.now() - started} ms`);
    }
  };
  const done = Promise.all(Array.from({ length: workers }, worker));
  return {
    report,
    stop: async () => {
      running = false;
      await done;
      return report;
    },
  };
}

/** Every acknowledged write, read back by id. */
export async function missingWrites(
  api: TestApp['api'],
  acknowledged: Acknowledged[],
): Promise<Acknowledged[]> {
  const missing: Acknowledged[] = [];
  for (const write of acknowledged) {
    const res = await api.get(`/api/v1/memories/${write.id}`);
    if (res.status !== 200 || res.body.content !== write.content) missing.push(write);
  }
  return missing;
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await check()) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`not within ${timeoutMs} ms`);
}
