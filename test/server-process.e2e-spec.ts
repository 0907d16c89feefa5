import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectionNames, createChromaDatabase, sharedChromaUrl } from './support/chroma.js';
import { isRunning, ServerProcess, waitUntilGone } from './support/server-process.js';
import { createTestApp } from './support/test-app.js';

/**
 * The built service run as `npm start` runs it, with no configuration at all: it starts its own
 * Chroma and uses the local embedder. Its Chroma child never outlives it, even after kill -9.
 */
describe('the service process (npm start)', () => {
  const dataDir = () => mkdtempSync(join(tmpdir(), 'ms-process-'));

  it('serves /health, stores and finds a memory, and stops its Chroma on SIGTERM', async () => {
    const server = await ServerProcess.start({ DATA_DIR: dataDir() });
    try {
      await server.waitForHealth();
      // No ADMIN_PASSWORD in development: a generated one is printed once in the log.
      const password = /generated password: (\S+)/.exec(server.output.join(''))?.[1];
      expect(password).toBeDefined();
      const login = await fetch(`${server.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password }),
      });
      expect(login.status).toBe(200);
      const { accessToken } = (await login.json()) as { accessToken: string };
      const headers = {
        'Content-Type': 'application/json',
        Authorization: `Bearer ${accessToken}`,
      };
      const created = await fetch(`${server.url}/api/v1/memories`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ content: 'The deploy key rotates every Friday', type: 'fact' }),
      });
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as { id: string };
      const search = await fetch(`${server.url}/api/v1/memories/search`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ query: 'when does the deploy key rotate?' }),
      });
      expect(((await search.json()) as { results: Array<{ id: string }> }).results[0]!.id).toBe(id);

      const docs = await fetch(`${server.url}/docs/openapi.json`);
      const openapi = (await docs.json()) as {
        paths: object;
        components: {
          schemas: Record<string, { properties: Record<string, { enum?: string[] }> }>;
        };
      };
      expect(Object.keys(openapi.paths)).toEqual(
        expect.arrayContaining([
          '/api/v1/memories',
          '/api/v1/memories/search',
          '/api/v1/memories/batch',
          '/api/v1/memories/{id}',
          '/api/v1/admin/reembed',
          '/api/memories',
          '/health',
        ]),
      );
      const searchBody = openapi.components.schemas.SearchMemoriesDto!.properties;
      expect(searchBody.mode!.enum).toEqual(['hybrid', 'vector', 'keyword']);
      expect(Object.keys(openapi.components.schemas.SearchResultsView!.properties)).toEqual([
        'results',
        'rerank',
      ]);

      const [chromaPid] = server.childPids();
      expect(chromaPid).toBeDefined();
      server.child.kill('SIGTERM');
      // Nest closes the app (stopping Chroma), then re-raises the signal, as a clean exit on SIGTERM.
      expect(await server.exited).toBe('SIGTERM');
      expect(await waitUntilGone(chromaPid!, 5000)).toBe(true);
      expect(server.output.join('')).toMatch(/Embedded Chroma ready/);
      // The shutdown is said, with how long draining took.
      expect(server.output.join('')).toMatch(/Stopping on SIGTERM/);
      expect(server.output.join('')).toMatch(/Stopped after draining for \d+ ms/);
    } finally {
      server.child.kill('SIGKILL');
    }
  });

  it('leaves no orphan Chroma when it is killed with SIGKILL', async () => {
    const server = await ServerProcess.start({ DATA_DIR: dataDir() });
    await server.waitForHealth();
    const [chromaPid] = server.childPids();
    expect(isRunning(chromaPid!)).toBe(true);
    server.child.kill('SIGKILL');
    await server.exited;
    expect(await waitUntilGone(chromaPid!, 5000)).toBe(true);
  });

  it('refuses to start on a bad setting, naming the variable', async () => {
    const server = await ServerProcess.start({
      DATA_DIR: dataDir(),
      LOG_LEVEL: 'chatty',
      CHROMA_URL: 'nope',
    });
    expect(await server.exited).toBe(1);
    const output = server.output.join('');
    expect(output).toMatch(/LOG_LEVEL: /);
    expect(output).toMatch(/CHROMA_URL: /);
  });

  it('refuses to start in production without real secrets', async () => {
    const server = await ServerProcess.start({
      DATA_DIR: dataDir(),
      NODE_ENV: 'production',
      JWT_SECRET: 'change-me',
    });
    expect(await server.exited).toBe(1);
    const output = server.output.join('');
    expect(output).toMatch(/JWT_SECRET: must be at least 32 bytes/);
    expect(output).toMatch(/ADMIN_PASSWORD: required in production/);
    expect(output).toMatch(/METRICS_TOKEN: required in production.*METRICS_PUBLIC=true/);
  });

  it('refuses to start in production with a weak metrics token or backup signing key', async () => {
    const server = await ServerProcess.start({
      DATA_DIR: dataDir(),
      NODE_ENV: 'production',
      JWT_SECRET: 'k3Jq9vX2mPz8Lw4Rt6Yb1Nc5Hd7Gf0Sa',
      ADMIN_PASSWORD: 'Vt8#qL2m!xR9zP4k',
      METRICS_TOKEN: 'changeme',
      BACKUP_SIGNING_KEY: 'change-me-change-me-change-me-change-me',
    });
    expect(await server.exited).toBe(1);
    const output = server.output.join('');
    expect(output).toMatch(/METRICS_TOKEN: must be at least 16 bytes/);
    expect(output).toMatch(/BACKUP_SIGNING_KEY: is a default or guessable value/);
  });

  it("runs a seed deployment's settings against its servers, and reports a misspelt one", async () => {
    const { hostname, port } = new URL(sharedChromaUrl());
    const database = await createChromaDatabase(sharedChromaUrl());
    const t = await createTestApp({
      CHROMA_URL: '', // no CHROMA_URL: only the seed's names say where Chroma is
      CHROMA_HOST: hostname,
      CHROMA_PORT: port,
      CHROMA_DATABASE: database,
      SEARCH_DEFAULT_MDOE: 'vector',
      LOG_LEVEL: 'warn',
    });
    try {
      await t.api.post('/api/v1/memories').send({ content: 'seed settings work', type: 'note' });
      // The memory is in the cluster's Chroma, not in an embedded one.
      expect((await collectionNames(sharedChromaUrl(), database)).length).toBe(1);
      const output = t.server.output.join('');
      expect(output).toContain(
        `CHROMA_HOST/CHROMA_PORT (seed names) read as CHROMA_URL=http://${hostname}:${port}`,
      );
      expect(output).toMatch(
        /SEARCH_DEFAULT_MDOE is not a setting of this service and is ignored \(did you mean SEARCH_DEFAULT_MODE\?\)/,
      );
    } finally {
      await t.close();
    }
  });
});
