import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestApp } from '../support/test-app.js';
import { missingWrites, waitFor, writeLoad } from '../support/write-load.js';

/** kill -9 of the service (and so of its embedded Chroma) during writes, then a restart. */
describe('fault: the service is killed during writes', () => {
  it('keeps every acknowledged write across kill -9 and a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ms-fault-app-'));
    let t = await createTestApp({ CHROMA_URL: '', DATA_DIR: dataDir });
    const load = writeLoad(() => t.api, 'app-kill');
    // Killed once enough writes were acknowledged to mean something (a loaded machine takes
    // longer to get there), and at least 2 s in, with more still arriving.
    await sleep(2000);
    await waitFor(async () => load.report.acknowledged.length > 20, 30_000);
    t.server.child.kill('SIGKILL');
    await t.server.exited;
    const report = await load.stop();

    t = await createTestApp({ CHROMA_URL: '', DATA_DIR: dataDir });
    try {
      expect(report.violations).toEqual([]);
      expect(report.acknowledged.length).toBeGreaterThan(20);
      expect(await missingWrites(t.api, report.acknowledged)).toEqual([]);
      console.log(
        `app kill -9: ${report.acknowledged.length} acknowledged writes, all present after restart`,
      );
    } finally {
      await t.close();
    }
  });
});
