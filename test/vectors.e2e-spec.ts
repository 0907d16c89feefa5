import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { create as createTar, extract as extractTar } from 'tar';
import { ChromaClient } from 'chromadb';
import type { Response } from 'supertest';
import { FakeVllmServer } from './support/fake-vllm.server.js';
import { createTestApp, type TestApp } from './support/test-app.js';

type Agent = TestApp['api'];

function expectProblem(res: Response, status: number, detail: RegExp) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body.detail).toMatch(detail);
}

const lines = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown> & { id: string });

/**
 * A vector with huge values (3e38 is finite even as float32, but its length overflows) is kept
 * by Chroma as NaN, and an archive holding it could never be restored: such vectors are
 * refused where they enter, and a backup never carries one.
 */
describe('vectors that cannot be stored', () => {
  let t: TestApp;
  const backupDir = mkdtempSync(join(tmpdir(), 'ms-vector-backups-'));
  beforeAll(async () => {
    t = await createTestApp({ BACKUP_DIR: backupDir });
    await t.api
      .post('/api/v1/memories')
      .send({ content: 'Alice waters the plants on Sundays', type: 'habit' })
      .expect(201);
  });
  afterAll(() => t.close());

  async function importWith(agent: Agent, value: number) {
    const exported = (
      await agent.get('/api/v1/memories/export').query({ embeddings: true }).expect(200)
    ).text;
    const [header, memory] = lines(exported);
    const embedding = (memory!.embedding as number[]).map(() => value);
    const planted = { ...memory, id: randomUUID(), content: `planted ${value}`, embedding };
    return agent
      .post('/api/v1/memories/import')
      .set('Content-Type', 'application/x-ndjson')
      .send(`${JSON.stringify(header)}\n${JSON.stringify(planted)}\n`);
  }

  it('refuses them on import with a 400 naming the line, for 3e38 and for 1e308', async () => {
    expectProblem(await importWith(t.api, 3e38), 400, /line 2: embedding has length .* outside/);
    expectProblem(
      await importWith(t.api, 1e308),
      400,
      /line 2: embedding holds 1e\+308 at 0, past float32/,
    );
    const page = await t.api.get('/api/v1/memories').expect(200);
    expect(page.body.items.map((m: { content: string }) => m.content)).toEqual([
      'Alice waters the plants on Sundays',
    ]);
  });

  it('leaves a stored one out of a backup, naming it, so that the backup restores', async () => {
    // Stored before these checks existed: written straight into Chroma, as the old import did.
    const { hostname, port } = new URL(t.chroma!.url);
    const client = new ChromaClient({
      host: hostname,
      port: Number(port),
      ssl: false,
      database: t.chroma!.database,
    });
    const [collection] = await client.listCollections();
    const dimension = (await collection!.get({ limit: 1, include: ['embeddings'] })).embeddings[0]!
      .length;
    const bad = randomUUID();
    await collection!.add({
      ids: [bad],
      documents: ['poisoned'],
      metadatas: [{ type: 'note' }],
      embeddings: [new Array<number>(dimension).fill(3e38)],
    });

    const backup = await t.admin.post('/api/v1/admin/backups').expect(201);
    expect(backup.body.skipped).toEqual([
      { collection: collection!.name, id: bad, reason: expect.stringMatching(/./) },
    ]);
    await t.server.waitForOutput(new RegExp(`left out record ${bad}`));
    const restored = await t.admin
      .post(`/api/v1/admin/backups/${backup.body.name}/restore`)
      .send({ mode: 'replace' })
      .expect(200);
    expect(restored.body.records).toBe(1);
    const page = await t.api.get('/api/v1/memories').expect(200);
    expect(page.body.items.map((m: { content: string }) => m.content)).toEqual([
      'Alice waters the plants on Sundays',
    ]);
  });

  it('restores an older archive holding such a record (a NaN written as null), leaving it out by name', async () => {
    const backup = (await t.admin.post('/api/v1/admin/backups').expect(201)).body;
    const dir = mkdtempSync(join(tmpdir(), 'ms-null-vector-'));
    extractTar({ file: join(backupDir, `${backup.name}.tar`), cwd: dir, sync: true });
    const records = lines(gunzipSync(readFileSync(join(dir, 'chroma.ndjson.gz'))).toString());
    const nulled = {
      ...records[0]!,
      embedding: (records[0]!.embedding as number[]).map(() => null),
    };
    const chroma = gzipSync(
      [nulled, ...records.slice(1)].map((r) => JSON.stringify(r) + '\n').join(''),
    );
    writeFileSync(join(dir, 'chroma.ndjson.gz'), chroma);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    manifest.files['chroma.ndjson.gz'] = {
      sha256: createHash('sha256').update(chroma).digest('hex'),
      bytes: chroma.length,
    };
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    const name = 'memory-system-20200101T000000000Z';
    await createTar({ file: join(backupDir, `${name}.tar`), cwd: dir, portable: true }, [
      'manifest.json',
      'chroma.ndjson.gz',
      'state.ndjson.gz',
    ]);

    const restored = await t.admin
      .post(`/api/v1/admin/backups/${name}/restore`)
      .send({ mode: 'replace', trustUnsigned: true })
      .expect(200);
    expect(restored.body.skipped).toEqual([
      expect.objectContaining({
        id: nulled.id,
        reason: expect.stringMatching(/not a finite number/),
      }),
    ]);
    expect(restored.body.records).toBe(records.length - 1);
  });
});

describe('an embedding server that answers vectors that cannot be stored', () => {
  let t: TestApp;
  let vllm: FakeVllmServer;
  beforeAll(async () => {
    vllm = await new FakeVllmServer().start();
    t = await createTestApp({ VLLM_URL: vllm.url, VLLM_RETRIES: '0' });
    await t.api.post('/api/v1/memories').send({ content: 'warm-up', type: 'note' }).expect(201);
  });
  afterAll(async () => {
    await t.close();
    await vllm.stop();
  });

  it.each([3e38, 1e308])('answers 502 for values of %d, storing nothing', async (value) => {
    vllm.fail({ kind: 'huge-values', value });
    const res = await t.api
      .post('/api/v1/memories')
      .send({ content: `huge vector ${value}`, type: 'note' });
    expectProblem(res, 502, /returned a vector that cannot be stored/);
    const page = await t.api.get('/api/v1/memories').expect(200);
    expect(page.body.items.map((m: { content: string }) => m.content)).toEqual(['warm-up']);
  });
});
