// npm run generate:client: starts the built service on a free loopback port (embedded Chroma, a
// throwaway data folder), reads its OpenAPI document and writes the typed client's types.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { API_CLIENT_TYPES, apiClientTypes } from './api-client-types.mjs';

const probe = createServer();
await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
const { port } = probe.address();
await new Promise((resolve) => probe.close(resolve));

const app = spawn(process.execPath, ['dist/apps/memory-api/src/main.js'], {
  env: {
    ...process.env,
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    PORT: String(port),
    HOST: '127.0.0.1',
    SWAGGER_ENABLED: 'true',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'ms-openapi-')),
    BACKUP_DIR: mkdtempSync(join(tmpdir(), 'ms-openapi-backups-')),
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});
try {
  const url = `http://127.0.0.1:${port}/docs/openapi.json`;
  let document;
  for (let i = 0; i < 600 && !document; i++) {
    const res = await fetch(url).catch(() => undefined);
    if (res?.ok) document = await res.json();
    else await sleep(100);
  }
  if (!document) throw new Error(`the service did not serve ${url} within 60 s`);
  writeFileSync(API_CLIENT_TYPES, await apiClientTypes(document));
  console.log(`wrote ${API_CLIENT_TYPES}`);
} finally {
  app.kill('SIGTERM');
}
