// Runs outside jest's module system (no TypeScript, no path aliases), so it uses the built app:
// `npm test` builds first. One real Chroma server serves every e2e suite; each suite isolates
// itself in a database of its own.
import { mkdtempSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedChromaServer } from '../../dist/libs/vector/src/index.js';

export default async function globalSetup() {
  const server = await EmbeddedChromaServer.start({
    dataDir: mkdtempSync(join(tmpdir(), 'ms-chroma-shared-')),
    runtimeDir:
      process.env.CHROMA_RUNTIME_DIR ||
      join(homedir(), '.cache', 'memory-system', 'chroma-runtime'),
    log: (message) => process.stderr.write(`[test chroma] ${message}\n`),
  });
  process.env.MEMORY_SYSTEM_TEST_CHROMA_URL = server.url;
  globalThis.__CHROMA__ = server;
}
