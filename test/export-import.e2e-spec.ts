import { createChromaDatabase, sharedChromaUrl } from './support/chroma.js';
import { chromaProxy, isRecordWrite } from './support/chroma-proxy.js';
import { exportText } from './support/export.js';
import { createTestApp, type TestApp } from './support/test-app.js';

interface Memory {
  id: string;
  content: string;
  type: string;
  tags: string[];
  metadata: Record<string, unknown>;
  createdAt: string;
  embeddingModel: string;
}
type Agent = TestApp['api'];

const lines = (ndjson: string) =>
  ndjson
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
const importInto = (agent: Agent, ndjson: string) =>
  agent.post('/api/v1/memories/import').set('Content-Type', 'application/x-ndjson').send(ndjson);
const listAll = async (agent: Agent) =>
  (
    (await agent.get('/api/v1/memories').query({ limit: 100 }).expect(200)).body.items as Memory[]
  ).sort((a, b) => a.id.localeCompare(b.id));

describe('per-user export and import', () => {
  let t: TestApp;
  let bob: Agent;
  beforeAll(async () => {
    t = await createTestApp({ IMPORT_BODY_LIMIT: '256kb' });
    await t.api
      .post('/api/v1/memories/batch')
      .send({
        items: [
          { content: 'Alice grows tomatoes on the balcony', type: 'fact', tags: ['garden'] },
          { content: 'Alice is allergic to peanuts', type: 'fact', metadata: { severity: 3 } },
          { content: 'Alice prefers trains to planes', type: 'preference' },
        ],
      })
      .expect(200);
    bob = (await t.signUp('bob-import')).agent;
  });
  afterAll(() => t.close());

  it('exports a header and every memory, with vectors only when asked', async () => {
    const [header, ...memories] = lines(await exportText(t.api));
    expect(header).toMatchObject({
      format: 'memory-system-memories',
      version: 2,
      embeddingModel: 'local-semantic-v3',
      dimension: 384,
      embeddings: false,
    });
    expect(memories.map((m) => m.content).sort()).toEqual([
      'Alice grows tomatoes on the balcony',
      'Alice is allergic to peanuts',
      'Alice prefers trains to planes',
    ]);
    expect(memories.find((m) => m.type === 'preference')).not.toHaveProperty('embedding');
    expect(memories.find((m) => String(m.content).includes('peanuts'))).toMatchObject({
      metadata: { severity: 3 },
      createdAt: expect.any(String),
    });
    const [withVectors, ...embedded] = lines(await exportText(t.api, true));
    expect(withVectors).toMatchObject({ embeddings: true });
    for (const m of embedded) expect((m.embedding as number[]).length).toBe(384);
  });

  it('imports into another user with ids and times kept; the same file twice stores nothing twice', async () => {
    const file = await exportText(t.api, true);
    const first = await importInto(bob, file).expect(200);
    expect(first.body).toEqual({
      memories: 3,
      created: 3,
      existing: 0,
      expired: 0,
      reembedded: false,
      vectorsFromFile: true,
    });
    const alice = await listAll(t.api);
    const copied = await listAll(bob);
    const comparable = (m: Memory) => ({ ...m, userId: undefined });
    expect(copied.map(comparable)).toEqual(alice.map(comparable));
    const found = (
      await bob.post('/api/v1/memories/search').send({ query: 'peanut allergy' }).expect(200)
    ).body.results as Memory[];
    expect(found[0]!.content).toBe('Alice is allergic to peanuts');

    const again = await importInto(bob, file).expect(200);
    expect(again.body).toMatchObject({ memories: 3, created: 0, existing: 3 });
    expect(await listAll(bob)).toHaveLength(3);
  });

  it('carries history and lifecycle fields; a second import adds no history twice', async () => {
    const erin = (await t.signUp('erin-export')).agent;
    const frank = (await t.signUp('frank-import')).agent;
    const memory = (
      await erin
        .post('/api/v1/memories')
        .send({ content: 'Erin drives a red car', type: 'fact', pinned: true })
        .expect(201)
    ).body as Memory;
    await erin
      .patch(`/api/v1/memories/${memory.id}`)
      .send({ content: 'Erin drives a blue car' })
      .expect(200);
    const [, line] = lines(await exportText(erin));
    expect(line).toMatchObject({ content: 'Erin drives a blue car', pinned: true });
    expect(line!.history).toEqual([
      expect.objectContaining({ version: 1, content: 'Erin drives a red car', event: 'updated' }),
    ]);
    const file = await exportText(erin);
    await importInto(frank, file).expect(200);
    await importInto(frank, file).expect(200);
    const versions = (await frank.get(`/api/v1/memories/${memory.id}/history`).expect(200)).body
      .items;
    expect(versions.map((v: { content: string }) => v.content)).toEqual(['Erin drives a red car']);
    // Its author is what the file claims: the version says it was imported, when and how.
    expect(versions[0].imported).toEqual({ at: expect.any(String), via: 'jwt' });
    expect(Date.now() - Date.parse(versions[0].imported.at)).toBeLessThan(60_000);
    const erinsOwn = (await erin.get(`/api/v1/memories/${memory.id}/history`).expect(200)).body;
    expect(erinsOwn.items[0].imported).toBeUndefined();
    // Exported again and imported, a version says so afresh (a file cannot pre-set the mark).
    const forged = lines(await exportText(frank)).map((l, i) =>
      i === 0
        ? l
        : {
            ...l,
            history: (l.history as object[]).map((v) => ({ ...v, imported: { at: 'never' } })),
          },
    );
    const grace = (await t.signUp('grace-import')).agent;
    await importInto(grace, forged.map((l) => JSON.stringify(l)).join('\n') + '\n').expect(200);
    const graces = (await grace.get(`/api/v1/memories/${memory.id}/history`).expect(200)).body;
    expect(graces.items[0].imported.at).not.toBe('never');
    const restored = (
      await frank.post(`/api/v1/memories/${memory.id}/history/1/restore`).expect(200)
    ).body;
    expect(restored).toMatchObject({ content: 'Erin drives a red car', pinned: true });
    // The file's history belongs to the importer now: erin's copy is untouched.
    expect((await erin.get(`/api/v1/memories/${memory.id}`).expect(200)).body.content).toBe(
      'Erin drives a blue car',
    );
  });

  it('re-embeds a file from another model, and it is found by meaning', async () => {
    const carol = (await t.signUp('carol-import')).agent;
    const header = {
      format: 'memory-system-memories',
      version: 1,
      exportedAt: new Date().toISOString(),
      embeddingModel: 'BAAI/bge-m3',
      dimension: 4,
      embeddings: true,
    };
    const memory = {
      id: '7f1c2a4e-0000-4000-8000-000000000001',
      content: 'Carol keeps bees in the orchard',
      type: 'fact',
      tags: [],
      metadata: {},
      createdAt: '2025-01-02T03:04:05.000Z',
      updatedAt: '2025-01-02T03:04:05.000Z',
      embedding: [0.1, 0.2, 0.3, 0.4],
    };
    const res = await importInto(carol, [header, memory].map((l) => JSON.stringify(l)).join('\n'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 1, reembedded: true, vectorsFromFile: false });
    const [stored] = await listAll(carol);
    expect(stored).toMatchObject({
      id: memory.id,
      createdAt: memory.createdAt,
      embeddingModel: 'local-semantic-v3',
    });
    const found = (
      await carol
        .post('/api/v1/memories/search')
        .send({ query: 'beekeeping in the orchard', mode: 'vector' })
        .expect(200)
    ).body.results as Memory[];
    expect(found[0]!.id).toBe(memory.id);
  });

  it('refuses a file with a bad line, naming the line, and stores nothing of it', async () => {
    const dave = (await t.signUp('dave-import')).agent;
    const [header, ...memories] = (await exportText(t.api)).trim().split('\n');
    const broken = JSON.parse(memories[1]!) as Record<string, unknown>;
    broken.content = '   ';
    const cases: Array<[string[], RegExp]> = [
      [[header!, memories[0]!, JSON.stringify(broken), memories[2]!], /line 3: content/],
      [[header!, memories[0]!, '{not json', memories[2]!], /line 3: not JSON/],
      [[header!, memories[0]!, memories[0]!], /line 3: id repeats line 2/],
      [[header!, memories[0]!.replace('"type"', '"__proto__":1,"type"')], /line 2: .*reserved/],
      [[header!, JSON.stringify({ ...broken, content: 'x', extra: true })], /line 2: .*extra/],
      [['{"format":"something-else"}', memories[0]!], /line 1: not a memory-system export/],
      [[header!.replace('"version":2', '"version":9'), memories[0]!], /line 1: version 9 is newer/],
      [[''], /line 1: the file is empty/],
    ];
    for (const [file, expected] of cases) {
      const res = await importInto(dave, file.join('\n'));
      expect(res.status).toBe(400);
      expect(res.type).toBe('application/problem+json');
      expect(res.body.detail).toMatch(expected);
    }
    expect(await listAll(dave)).toEqual([]);
  });

  it("lets an admin export and import a named user's memories, and no one else", async () => {
    const erin = await t.signUp('erin-import');
    const aliceFile = await exportText(
      t.admin,
      false,
      `/api/v1/admin/users/${t.aliceId}/memories/export`,
    );
    const aliceLines = lines(aliceFile).slice(1);
    expect(aliceLines.map((m) => m.id).sort()).toEqual((await listAll(t.api)).map((m) => m.id));
    const imported = await t.admin
      .post(`/api/v1/admin/users/${erin.id}/memories/import`)
      .set('Content-Type', 'application/x-ndjson')
      .send(aliceFile)
      .expect(200);
    expect(imported.body).toMatchObject({ created: aliceLines.length });
    expect((await listAll(erin.agent)).map((m) => m.content).sort()).toEqual(
      aliceLines.map((m) => m.content).sort(),
    );
    await t.api.get(`/api/v1/admin/users/${erin.id}/memories/export`).expect(403);
    await t.api
      .post(`/api/v1/admin/users/${erin.id}/memories/import`)
      .set('Content-Type', 'application/x-ndjson')
      .send(aliceFile)
      .expect(403);
    const missing = await t.admin.get(
      '/api/v1/admin/users/00000000-0000-4000-8000-000000000000/memories/export',
    );
    expect(missing.status).toBe(404);
    expect(missing.type).toBe('application/problem+json');
  });

  it('takes only NDJSON, within IMPORT_BODY_LIMIT, and only with the write scope', async () => {
    const json = await t.api.post('/api/v1/memories/import').send({ items: [] });
    expect(json.status).toBe(400);
    expect(json.body.detail).toMatch(/application\/x-ndjson/);
    const huge = await importInto(t.api, 'x'.repeat(300 * 1024));
    expect(huge.status).toBe(413);
    expect(huge.type).toBe('application/problem+json');

    const reader = (
      await t.api
        .post('/api/v1/auth/api-keys')
        .send({ name: 'export-only', scopes: ['memories:read'] })
        .expect(201)
    ).body.key as string;
    await t.http.get('/api/v1/memories/export').set('X-API-Key', reader).expect(200);
    const denied = await t.http
      .post('/api/v1/memories/import')
      .set('X-API-Key', reader)
      .set('Content-Type', 'application/x-ndjson')
      .send(await exportText(t.api));
    expect(denied.status).toBe(403);
    expect(denied.body.detail).toMatch(/memories:write/);
  });

  it('says a file of the same model without vectors was embedded here, not re-embedded', async () => {
    const dora = (await t.signUp('dora')).agent;
    const res = await importInto(dora, await exportText(t.api)).expect(200);
    expect(res.body).toMatchObject({ reembedded: false, vectorsFromFile: false });
  });
});

describe('an import that meets a Chroma failure midway', () => {
  it('takes back what it stored, answers 503, and completes when run again', async () => {
    // Fails every record write once told to.
    const state = { failWrites: false, writes: 0 };
    const proxy = await chromaProxy(sharedChromaUrl(), {
      fail: (req) => {
        if (!isRecordWrite(req)) return false;
        state.writes++;
        return state.failWrites;
      },
    });
    const t = await createTestApp({
      CHROMA_URL: proxy.url,
      CHROMA_DATABASE: await createChromaDatabase(sharedChromaUrl()),
    });
    try {
      await t.api.post('/api/v1/memories').send({ content: 'kept from before', type: 'n' });
      const header = {
        format: 'memory-system-memories',
        version: 1,
        exportedAt: new Date().toISOString(),
        embeddingModel: 'local-semantic-v3',
        dimension: 384,
        embeddings: false,
      };
      const file = [
        JSON.stringify(header),
        ...Array.from({ length: 1200 }, (_, i) =>
          JSON.stringify({
            id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
            content: `imported memory number ${i}`,
            type: 'note',
            createdAt: '2025-06-01T00:00:00.000Z',
            updatedAt: '2025-06-01T00:00:00.000Z',
          }),
        ),
      ].join('\n');
      // The first page of 500 is stored, then every write fails.
      const writesBefore = state.writes;
      const watcher = setInterval(() => {
        if (state.writes > writesBefore) state.failWrites = true;
      }, 1);
      const failed = await importInto(t.api, file);
      clearInterval(watcher);
      expect(failed.status).toBe(503);
      expect(failed.headers['retry-after']).toBeDefined();
      const left = (await t.api.get('/api/v1/memories').query({ limit: 100 }).expect(200)).body;
      expect(left.items.map((m: Memory) => m.content)).toEqual(['kept from before']);

      state.failWrites = false;
      const done = await importInto(t.api, file).expect(200);
      expect(done.body).toMatchObject({ memories: 1200, created: 1200, existing: 0 });
    } finally {
      await t.close();
      await proxy.close();
    }
  });
});
