import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startChroma } from '../support/chroma.js';
import { freePort } from '../support/server-process.js';
import { createTestApp } from '../support/test-app.js';
import { missingWrites, waitFor, writeLoad } from '../support/write-load.js';

/** kill -9 of Chroma in the middle of a write load, then a restart on the same data. */
describe('fault: Chroma is killed during writes', () => {
  it('keeps every acknowledged write, answers 503 + Retry-After while down, and reports it in /health', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ms-fault-chroma-'));
    const port = await freePort();
    let chroma = await startChroma(dataDir, port);
    const t = await createTestApp({
      CHROMA_URL: chroma.url,
      CHROMA_DATABASE: 'default_database',
      CHROMA_TIMEOUT_MS: '2000',
      THROTTLE_LIMIT: '1000000',
    });
    const health = async () => (await t.http.get('/health')).status;
    try {
      const load = writeLoad(() => t.api, 'chroma-kill');
      await sleep(1500);
      await chroma.kill();
      const downAfter = await waitFor(async () => (await health()) === 503, 10_000);
      await sleep(1500); // writes keep coming while Chroma is down
      const during = new Map(load.report.statuses);

      chroma = await startChroma(dataDir, port);
      const upAfter = await waitFor(async () => (await health()) === 200, 10_000);
      await sleep(1500);
      const report = await load.stop();

      expect(report.violations).toEqual([]);
      expect(during.get(503) ?? 0).toBeGreaterThan(0);
      expect(report.acknowledged.length).toBeGreaterThan(20);
      expect(await missingWrites(t.api, report.acknowledged)).toEqual([]);
      expect(downAfter).toBeLessThan(10_000);
      expect(upAfter).toBeLessThan(10_000);
      console.log(
        `chroma kill: ${report.acknowledged.length} acknowledged writes, all present; statuses ${JSON.stringify([...report.statuses])}; ` +
          `/health 503 after ${downAfter} ms, 200 again ${upAfter} ms after the restart`,
      );
    } finally {
      await t.close();
      await chroma.stop();
    }
  });
});
