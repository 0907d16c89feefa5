import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import type { EmbeddedChromaServer } from '@memory-system/vector';
import { createChromaDatabase, sharedChromaUrl, startChroma } from './support/chroma.js';
import { RedisServer } from './support/redis.js';
import { freePort, ServerProcess } from './support/server-process.js';
import { ADMIN } from './support/test-app.js';

/** The environment of a service process on the shared Chroma, in a database of its own. */
async function serviceEnv(extra: Record<string, string> = {}): Promise<Record<string, string>> {
  const chroma = sharedChromaUrl();
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'ms-data-')),
    BACKUP_DIR: mkdtempSync(join(tmpdir(), 'ms-backups-')),
    ADMIN_USERNAME: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
    JWT_SECRET: 'startup-test-secret-0123456789-abcdefghij',
    CHROMA_URL: chroma,
    CHROMA_DATABASE: await createChromaDatabase(chroma),
    ...(process.env.CHROMA_RUNTIME_DIR
      ? { CHROMA_RUNTIME_DIR: process.env.CHROMA_RUNTIME_DIR }
      : {}),
    ...extra,
  };
}

async function statusOf(url: string): Promise<number> {
  return fetch(url).then(
    (r) => r.status,
    () => 0,
  );
}

async function waitForStatus(url: string, status: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await statusOf(url)) !== status) {
    if (Date.now() > deadline)
      throw new Error(`${url} did not answer ${status} in ${timeoutMs} ms`);
    await sleep(200);
  }
}

/** Every line the process wrote, parsed: throws on a line that is not JSON. */
function jsonLines(server: ServerProcess): Array<Record<string, unknown>> {
  return server.output
    .join('')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`not a JSON log line: ${line}`);
      }
    });
}

describe('starting up', () => {
  const started: ServerProcess[] = [];
  const start = async (env: Record<string, string>) => {
    const server = await ServerProcess.start(env);
    started.push(server);
    return server;
  };
  afterEach(async () => {
    await Promise.all(started.splice(0).map((server) => server.stop()));
  });

  it('waits for a late Redis (live 200, ready 503), then serves once it comes', async () => {
    const port = await freePort();
    const redisDir = mkdtempSync(join(tmpdir(), 'ms-redis-'));
    const server = await start(await serviceEnv({ REDIS_URL: `redis://127.0.0.1:${port}` }));
    let redis: RedisServer | undefined;
    try {
      await server.waitForLive();
      await server.waitForOutput(
        new RegExp(`Waiting for Redis at 127.0.0.1:${port} to create the admin user`),
      );
      expect(await statusOf(`${server.url}/health/live`)).toBe(200);
      const ready = await request(server.url).get('/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body.details.startup).toEqual({
        status: 'down',
        waiting: ['create the admin user'],
      });
      await sleep(3000); // several tries fail meanwhile; the process stays
      expect(server.child.exitCode).toBeNull();

      redis = await RedisServer.start(redisDir, port);
      await waitForStatus(`${server.url}/health/ready`, 200, 30_000);
      const login = await request(server.url)
        .post('/api/v1/auth/login')
        .send({ username: ADMIN.username, password: ADMIN.password })
        .expect(200);
      const agent = request
        .agent(server.url)
        .set('Authorization', `Bearer ${login.body.accessToken}`);
      await agent.post('/api/v1/memories').send({ content: 'late redis', type: 'n' }).expect(201);
      const found = await agent.post('/api/v1/memories/search').send({ query: 'late' }).expect(200);
      expect(found.body.results.map((r: { content: string }) => r.content)).toEqual(['late redis']);
      // Every line JSON, the waiting ones included (no plain text from the Redis client).
      expect(jsonLines(server).some((l) => /Redis at .* does not answer/.test(String(l.msg)))).toBe(
        true,
      );
    } finally {
      await server.stop();
      await redis?.stop();
    }
  }, 120_000);

  it('waits for a late Chroma (live 200, ready 503 naming Chroma), then serves once it comes', async () => {
    const port = await freePort();
    const env = await serviceEnv({ LOG_FORMAT: 'json' });
    // A Chroma of the test's own, started later on this port: its default database.
    const server = await start({
      ...env,
      CHROMA_URL: `http://127.0.0.1:${port}`,
      CHROMA_DATABASE: 'default_database',
    });
    let chroma: EmbeddedChromaServer | undefined;
    try {
      await server.waitForLive();
      await server.waitForOutput(
        new RegExp(`Waiting for Chroma at 127.0.0.1:${port} to check the Chroma server`),
      );
      await server.waitForOutput(
        new RegExp(
          `Waiting for Chroma at 127.0.0.1:${port} to look for memories in other embedding spaces`,
        ),
      );
      const ready = await request(server.url).get('/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body.details.chroma.status).toBe('down');
      expect(ready.body.details.startup).toEqual({
        status: 'down',
        waiting: [
          'check the Chroma server',
          'move subjects into shared homes',
          'look for memories in other embedding spaces',
        ],
      });
      const login = await request(server.url)
        .post('/api/v1/auth/login')
        .send({ username: ADMIN.username, password: ADMIN.password })
        .expect(200);
      const agent = request
        .agent(server.url)
        .set('Authorization', `Bearer ${login.body.accessToken}`);
      const away = await agent.post('/api/v1/memories').send({ content: 'too early', type: 'n' });
      expect(away.status).toBe(503);
      expect(away.headers['retry-after']).toBeDefined();
      expect(away.headers['content-type']).toContain('application/problem+json');
      await sleep(3000); // several tries fail meanwhile, each pause longer; the process stays
      expect(server.child.exitCode).toBeNull();
      const tries = jsonLines(server).filter((l) =>
        /Waiting for Chroma at .* to check the Chroma server \(try \d+ failed/.test(String(l.msg)),
      );
      expect(tries.length).toBeGreaterThanOrEqual(2);

      chroma = await startChroma(undefined, port);
      await waitForStatus(`${server.url}/health/ready`, 200, 60_000);
      await server.waitForOutput(
        /Chroma at .* answers: done: look for memories in other embedding spaces/,
      );
      await agent.post('/api/v1/memories').send({ content: 'late chroma', type: 'n' }).expect(201);
      const found = await agent.post('/api/v1/memories/search').send({ query: 'late' }).expect(200);
      expect(found.body.results.map((r: { content: string }) => r.content)).toEqual([
        'late chroma',
      ]);
      jsonLines(server); // every line JSON, the waiting ones included
    } finally {
      await server.stop();
      await chroma?.stop();
    }
  }, 180_000);

  it('refuses a second process on a data folder a live one holds, and lets one in after it ended', async () => {
    const env = await serviceEnv({ LOG_FORMAT: 'json' });
    const first = await start(env);
    await first.waitForLive();
    const second = await start({ ...env, PORT: String(await freePort()) });
    expect(await second.exited).toBe(1);
    const last = jsonLines(second).find((line) => /failed to start/.test(String(line.msg)))!;
    expect(last.level).toBe(60);
    expect(String(last.msg)).toContain(
      `DATA_DIR ${env.DATA_DIR} is held by another live memory-system process (pid ${first.child.pid}`,
    );
    // The kernel drops the claim with the process, even one killed outright.
    first.child.kill('SIGKILL');
    await first.exited;
    const third = await start({ ...env, PORT: String(await freePort()) });
    await third.waitForLive();
  }, 120_000);

  it('writes a configuration error as a JSON line under LOG_FORMAT=json', async () => {
    const server = await start(await serviceEnv({ LOG_FORMAT: 'json', CHROMA_TIMEOUT_MS: 'soon' }));
    expect(await server.exited).toBe(1);
    const failure = jsonLines(server).find((line) => /failed to start/.test(String(line.msg)));
    expect(String(failure?.msg)).toContain('CHROMA_TIMEOUT_MS');
  }, 60_000);
});
