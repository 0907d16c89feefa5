import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ChromaClient } from 'chromadb';
import { SqliteStateStore } from '@memory-system/state';
import { collectionNames } from './support/chroma.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const CLI = join(process.cwd(), 'dist', 'apps', 'memory-cli', 'src', 'main.js');
const V1 = { LOCAL_EMBEDDING_MODEL: 'local-hashed-ngrams-v1', LOCAL_EMBEDDING_DIMENSIONS: '384' };

interface Memory {
  id: string;
  content: string;
  embeddingModel: string;
}

type Agent = TestApp['api'];
const listAll = async (agent: Agent): Promise<Memory[]> =>
  (await agent.get('/api/v1/memories').query({ limit: 100 }).expect(200)).body.items as Memory[];
const search = async (agent: Agent, query: string, mode = 'vector'): Promise<Memory[]> =>
  (await agent.post('/api/v1/memories/search').send({ query, mode, limit: 5 }).expect(200)).body
    .results as Memory[];

async function waitForStatus(t: TestApp, state: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = (await t.admin.get('/api/v1/admin/reembed').expect(200)).body;
    if (status.state === state) return status;
    if (Date.now() > deadline) throw new Error(`re-embedding still ${JSON.stringify(status)}`);
    await sleep(100);
  }
}

describe('re-embedding after the embedding model changed', () => {
  let t: TestApp;
  const dataDir = mkdtempSync(join(tmpdir(), 'ms-reembed-'));
  let chroma: { url: string; database: string };

  beforeAll(async () => {
    // A store written by the first local model, as an older release left it.
    const old = await createTestApp({ DATA_DIR: dataDir, ...V1 });
    chroma = old.chroma!;
    await old.api
      .post('/api/v1/memories/batch')
      .send({
        items: Array.from({ length: 40 }, (_, i) => ({
          content: `Alice note ${i} about ${i % 2 ? 'sailing boats' : 'mountain hiking'}`,
          type: 'note',
        })),
      })
      .expect(200);
    const bob = await old.signUp('bob');
    await bob.agent.post('/api/v1/memories').send({ content: 'Bob likes jazz', type: 'fact' });
    await old.close();
    // The same deployment, upgraded: the default model is now local-semantic-v3.
    t = await createTestApp({
      DATA_DIR: dataDir,
      CHROMA_URL: chroma.url,
      CHROMA_DATABASE: chroma.database,
    });
  });
  afterAll(() => t.close());

  it('keeps serving memories from the old space until they are re-embedded', async () => {
    const items = await listAll(t.api);
    expect(items).toHaveLength(40);
    expect(new Set(items.map((m) => m.embeddingModel))).toEqual(
      new Set(['local-hashed-ngrams-v1']),
    );
    const found = await search(t.api, 'sailing boats');
    expect(found[0]!.content).toMatch(/sailing boats/);
    // The change of model was noticed at start-up, logged with what to do, and /health says so.
    await t.server.waitForOutput(
      /41 memories of 2 users are in another embedding space .*npm run cli -- reembed/,
    );
    const health = (await t.http.get('/health').expect(200)).body;
    expect(health.info.embeddingSpaces).toMatchObject({
      status: 'up',
      waitingUsers: 2,
      waitingMemories: 41,
      models: ['local-hashed-ngrams-v1/384'],
    });
    // A write before the re-embedding lands in the space the user is served from.
    await t.api
      .post('/api/v1/memories')
      .send({ content: 'Alice kept a note', type: 'note' })
      .expect(201);
    expect(await listAll(t.api)).toHaveLength(41);
  });

  it('moves every user online, keeps writes made meanwhile, then drops the old collections', async () => {
    const before = await listAll(t.api);
    const toChange = before.find((m) => m.content === 'Alice note 1 about sailing boats')!;
    const toDelete = before.find((m) => m.content === 'Alice note 2 about mountain hiking')!;
    expect((await t.admin.get('/api/v1/admin/reembed').expect(200)).body.state).toBe('idle');
    // Only an admin may start or watch it.
    await t.api.post('/api/v1/admin/reembed').expect(403);
    await t.api.get('/api/v1/admin/reembed').expect(403);
    const started = await t.admin.post('/api/v1/admin/reembed').expect(202);
    expect(started.body).toMatchObject({
      state: 'running',
      target: { model: 'local-semantic-v3', dimension: 384 },
    });
    await t.admin.post('/api/v1/admin/reembed').expect(409);

    // Writes while it runs: searches and writes keep answering.
    const added = await t.api
      .post('/api/v1/memories')
      .send({ content: 'Alice wrote this during the move', type: 'note' })
      .expect(201);
    await t.api
      .patch(`/api/v1/memories/${toChange.id}`)
      .send({ content: 'Alice changed this during the move' })
      .expect(200);
    await t.api.delete(`/api/v1/memories/${toDelete.id}`).expect(204);
    expect((await search(t.api, 'mountain hiking')).length).toBeGreaterThan(0);

    const done = await waitForStatus(t, 'done');
    expect(done.users).toEqual({ done: 2, total: 2 });
    expect(done.memories.done).toBe(done.memories.total);

    const after = await listAll(t.api);
    expect(after).toHaveLength(41);
    expect(new Set(after.map((m) => m.embeddingModel))).toEqual(new Set(['local-semantic-v3']));
    const contents = after.map((m) => m.content);
    expect(contents).toContain('Alice wrote this during the move');
    expect(contents).toContain('Alice changed this during the move');
    expect(contents).not.toContain('Alice note 2 about mountain hiking');
    expect(after.map((m) => m.id)).toContain(added.body.id);
    expect((await search(t.api, 'changed during the move'))[0]!.id).toBe(toChange.id);

    const names = await collectionNames(chroma.url, chroma.database);
    expect(names.filter((n) => n.includes('local-hashed-ngrams-v1'))).toEqual([]);
    const health = (await t.http.get('/health').expect(200)).body;
    expect(health.info.embeddingSpaces).toEqual({ status: 'up', waitingMemories: 0 });
    expect(names.filter((n) => n.includes('local-semantic-v3'))).toHaveLength(2);
  });

  it('has nothing left to do when run again, through the CLI, with progress', async () => {
    const result = spawnSync(process.execPath, [CLI, 'reembed'], {
      env: {
        ...process.env,
        NODE_ENV: 'test',
        DATA_DIR: dataDir,
        CHROMA_URL: chroma.url,
        CHROMA_DATABASE: chroma.database,
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.stderr).not.toMatch(/Error/);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/Re-embedded 0 memories of 0 users into local-semantic-v3\/384/);
  });

  it('moves a store through the CLI to another dimension', async () => {
    const env = {
      ...process.env,
      NODE_ENV: 'test',
      DATA_DIR: dataDir,
      CHROMA_URL: chroma.url,
      CHROMA_DATABASE: chroma.database,
      LOCAL_EMBEDDING_DIMENSIONS: '512',
    };
    const result = spawnSync(process.execPath, [CLI, 'reembed'], {
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/Re-embedded 42 memories of 2 users into local-semantic-v3\/512/);
    expect(result.stderr).toMatch(/reembed: 42\/42 \(100%\)/);
    const names = await collectionNames(chroma.url, chroma.database);
    expect(names.filter((n) => n.startsWith('mem-') && !n.endsWith('-512'))).toEqual([]);
  });
});

describe('re-embedding that stopped midway (its markers left behind)', () => {
  it('sends every write to both spaces until a rerun finishes the move', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ms-reembed-crash-'));
    const old = await createTestApp({ DATA_DIR: dataDir, ...V1 });
    const chroma = old.chroma!;
    const ids = [];
    for (const content of ['keep me', 'change me', 'delete me']) {
      ids.push((await old.api.post('/api/v1/memories').send({ content, type: 'n' })).body.id);
    }
    const aliceHash = createHash('sha256').update(old.aliceId).digest('hex').slice(0, 20);
    await old.close();
    // What a run that died after marking Alice leaves: served from v1, writes copied to v2.
    const state = new SqliteStateStore(join(dataDir, 'state.db'));
    await state.put('embedding-space', aliceHash, {
      serving: { model: 'local-hashed-ngrams-v1', dimension: 384 },
      target: { model: 'local-semantic-v3', dimension: 384 },
    });
    state.close();

    const t = await createTestApp({
      DATA_DIR: dataDir,
      CHROMA_URL: chroma.url,
      CHROMA_DATABASE: chroma.database,
    });
    try {
      const added = await t.api.post('/api/v1/memories').send({ content: 'new one', type: 'n' });
      await t.api.patch(`/api/v1/memories/${ids[1]}`).send({ content: 'changed' }).expect(200);
      await t.api.delete(`/api/v1/memories/${ids[2]}`).expect(204);
      const v2 = await chromaCollection(chroma, `mem-${aliceHash}-local-semantic-v3`);
      const copied = await v2.get({ include: ['documents', 'metadatas'] });
      expect(copied.documents.sort()).toEqual(['changed', 'new one']);
      // The target collection names the model: its records do not repeat it.
      expect(copied.metadatas.every((m) => m && !('embeddingModel' in m))).toBe(true);

      await t.admin.post('/api/v1/admin/reembed').expect(202);
      await waitForStatus(t, 'done');
      const items = await listAll(t.api);
      expect(items.map((m) => m.content).sort()).toEqual(['changed', 'keep me', 'new one']);
      expect(items.map((m) => m.id)).toContain(added.body.id);
      expect(new Set(items.map((m) => m.embeddingModel))).toEqual(new Set(['local-semantic-v3']));
    } finally {
      await t.close();
    }
  });
});

describe('re-embedding a user with memories in two old spaces', () => {
  it('moves both into the new space: none dropped, none pruned', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ms-reembed-two-'));
    // Two memories written while a 512-dimension model was configured ...
    const first = await createTestApp({
      DATA_DIR: dataDir,
      ...V1,
      LOCAL_EMBEDDING_DIMENSIONS: '512',
    });
    const chroma = first.chroma!;
    const onEnv = { DATA_DIR: dataDir, CHROMA_URL: chroma.url, CHROMA_DATABASE: chroma.database };
    for (const content of ['small space: the violin lesson', 'small space: the ferry timetable']) {
      await first.api.post('/api/v1/memories').send({ content, type: 'n' }).expect(201);
    }
    const aliceHash = createHash('sha256').update(first.aliceId).digest('hex').slice(0, 20);
    await first.close();
    // ... and three while a 384-dimension one was (served from there, as an operator switching
    // models back and forth before re-embedding existed left it).
    const state = new SqliteStateStore(join(dataDir, 'state.db'));
    await state.put('embedding-space', aliceHash, {
      serving: { model: 'local-hashed-ngrams-v1', dimension: 384 },
    });
    state.close();
    const second = await createTestApp({ ...onEnv, ...V1 });
    for (const content of ['large space: a', 'large space: b', 'large space: c']) {
      await second.api.post('/api/v1/memories').send({ content, type: 'n' }).expect(201);
    }
    await second.close();
    const before = await collectionNames(chroma.url, chroma.database);
    expect(before.filter((n) => n.startsWith(`mem-${aliceHash}`))).toHaveLength(2);

    const t = await createTestApp(onEnv);
    try {
      await t.admin.post('/api/v1/admin/reembed').expect(202);
      // Alice keeps writing while it runs; what she sees never shrinks.
      const written: string[] = [];
      let seen = 0;
      for (let i = 0; ; i++) {
        const status = (await t.admin.get('/api/v1/admin/reembed').expect(200)).body;
        // (At most 60, so that everything fits in one page of the list.)
        if (written.length < 60) {
          const content = `written during the move ${i}`;
          await t.api.post('/api/v1/memories').send({ content, type: 'n' }).expect(201);
          written.push(content);
        }
        const count = (await listAll(t.api)).length;
        expect(count).toBeGreaterThanOrEqual(seen);
        seen = count;
        if (status.state === 'done') {
          expect(status.memories).toEqual({ done: 5, total: 5 });
          break;
        }
        if (status.state === 'failed' || i > 600) throw new Error(JSON.stringify(status));
        await sleep(100);
      }
      expect(written.length).toBeGreaterThan(3);
      const items = await listAll(t.api);
      expect(items.map((m) => m.content).sort()).toEqual(
        [
          'large space: a',
          'large space: b',
          'large space: c',
          'small space: the ferry timetable',
          'small space: the violin lesson',
          ...written,
        ].sort(),
      );
      expect(new Set(items.map((m) => m.embeddingModel))).toEqual(new Set(['local-semantic-v3']));
      // Both searches see the memories that were invisible before, the keyword index included.
      expect((await search(t.api, 'violin lesson', 'keyword'))[0]!.content).toMatch(/violin/);
      expect((await search(t.api, 'ferry timetable', 'hybrid'))[0]!.content).toMatch(/ferry/);
      const names = await collectionNames(chroma.url, chroma.database);
      expect(names.filter((n) => n.startsWith(`mem-${aliceHash}`))).toEqual([
        expect.stringContaining('local-semantic-v3'),
      ]);
    } finally {
      await t.close();
    }
  });
});

async function chromaCollection(chroma: { url: string; database: string }, prefix: string) {
  const { hostname, port } = new URL(chroma.url);
  const client = new ChromaClient({
    host: hostname,
    port: Number(port),
    ssl: false,
    database: chroma.database,
  });
  const found = (await client.listCollections({ limit: 1000 })).find((c) =>
    c.name.startsWith(prefix),
  );
  if (!found) throw new Error(`no collection ${prefix}*`);
  return found;
}
