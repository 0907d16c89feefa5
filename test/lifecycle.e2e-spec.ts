import { parseMetrics, total } from './support/metrics.js';
import { createTestApp, type TestApp } from './support/test-app.js';

interface Memory {
  id: string;
  content: string;
  status: string;
  supersededBy: string | null;
  expiresAt: string | null;
  pinned: boolean;
  scoring?: { recency?: number };
}

const HEADER = {
  format: 'memory-system-memories',
  version: 2,
  exportedAt: '2026-01-01T00:00:00.000Z',
  embeddingModel: 'other-model',
  dimension: 8,
  embeddings: false,
};
const ndjson = (...lines: object[]) => lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
let next = 0;
const uuid = () => `00000000-0000-4000-8000-${String(++next).padStart(12, '0')}`;

const until = async (check: () => Promise<boolean>, what: string, ms = 15_000) => {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

describe('memory lifecycle: expiry, pinning, superseded memories, recency', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp({ MEMORY_EXPIRY_SWEEP_INTERVAL: '300ms' })));
  afterAll(() => t.close());

  const search = async (body: object) =>
    (await t.api.post('/api/v1/memories/search').send(body).expect(200)).body.results as Memory[];
  const list = async (query = '') =>
    (await t.api.get(`/api/v1/memories?limit=100${query}`).expect(200)).body.items as Memory[];

  it('hides an expired memory from every read at once, then the sweep removes it (kept in history)', async () => {
    const metricsBefore = parseMetrics((await t.http.get('/metrics').expect(200)).text);
    const short = (
      await t.api
        .post('/api/v1/memories')
        .send({ content: 'The door code this week is 4711', type: 'fact', ttl: 1 })
        .expect(201)
    ).body as Memory;
    const pinned = (
      await t.api
        .post('/api/v1/memories')
        .send({
          content: 'The door code of the cellar is 0815',
          type: 'fact',
          ttl: 1,
          pinned: true,
        })
        .expect(201)
    ).body as Memory;
    expect(Date.parse(short.expiresAt!) - Date.now()).toBeLessThanOrEqual(1000);
    expect((await search({ query: 'door code', mode: 'keyword' })).map((m) => m.id)).toContain(
      short.id,
    );

    await new Promise((resolve) => setTimeout(resolve, 1100));
    await t.api.get(`/api/v1/memories/${short.id}`).expect(404);
    for (const mode of ['hybrid', 'vector', 'keyword']) {
      const ids = (await search({ query: 'door code', mode })).map((m) => m.id);
      expect(ids).not.toContain(short.id);
      expect(ids).toContain(pinned.id); // pinned: never expires
    }
    expect((await list()).map((m) => m.id)).not.toContain(short.id);

    // The sweep (every 300 ms here) removes it and keeps it as an `expired` version.
    await until(
      async () =>
        ((await t.api.get(`/api/v1/memories/${short.id}/history`)).body.items ?? []).length > 0,
      'the expiry sweep',
    );
    const [version] = (await t.api.get(`/api/v1/memories/${short.id}/history`).expect(200)).body
      .items;
    expect(version).toMatchObject({
      content: 'The door code this week is 4711',
      event: 'expired',
      by: { via: 'system', cause: 'expiry' },
    });
    // The count goes up once the memory is gone from Chroma, just after its version is written.
    const expired = (samples: typeof metricsBefore) =>
      total(samples, 'memory_system_memories_expired_total');
    const expiredSince = async () =>
      expired(parseMetrics((await t.http.get('/metrics').expect(200)).text)) -
      expired(metricsBefore);
    await until(async () => (await expiredSince()) > 0, 'the expired count');
    expect(await expiredSince()).toBe(1);
    await t.api.get(`/api/v1/memories/${pinned.id}`).expect(200);
  });

  it('refuses an expiry in the past or given twice, and an update can clear or set one', async () => {
    const past = await t.api
      .post('/api/v1/memories')
      .send({ content: 'too late', type: 'fact', expiresAt: '2020-01-01T00:00:00Z' })
      .expect(400);
    expect(past.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(past.body.detail).toMatch(/expiresAt must be in the future/);
    await t.api
      .post('/api/v1/memories')
      .send({ content: 'both', type: 'fact', ttl: 60, expiresAt: daysAgo(-1) })
      .expect(400);
    await t.api.post('/api/v1/memories').send({ content: 'x', type: 'fact', ttl: 0 }).expect(400);
    await t.api
      .post('/api/v1/memories')
      .send({ content: 'x', type: 'fact', expiresAt: 'tomorrow' })
      .expect(400);

    const memory = (
      await t.api
        .post('/api/v1/memories')
        .send({ content: 'Parking spot 12 is ours until Friday', type: 'fact', ttl: 3600 })
        .expect(201)
    ).body as Memory;
    const cleared = (
      await t.api.patch(`/api/v1/memories/${memory.id}`).send({ expiresAt: null }).expect(200)
    ).body as Memory;
    expect(cleared.expiresAt).toBeNull();
    expect(
      (await t.api.get(`/api/v1/memories/${memory.id}`).expect(200)).body.expiresAt,
    ).toBeNull();
    const set = (await t.api.patch(`/api/v1/memories/${memory.id}`).send({ ttl: 1 }).expect(200))
      .body as Memory;
    expect(set.expiresAt).not.toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await t.api.get(`/api/v1/memories/${memory.id}`).expect(404);
    await t.api.patch(`/api/v1/memories/${memory.id}`).send({ pinned: true }).expect(404);
  });

  it('leaves superseded and retracted memories out unless includeSuperseded, in every mode and list', async () => {
    const [current, old, retracted] = [uuid(), uuid(), uuid()];
    const report = (
      await t.api
        .post('/api/v1/memories/import')
        .set('Content-Type', 'application/x-ndjson')
        .send(
          ndjson(
            HEADER,
            {
              id: current,
              content: 'Bob lives in Lisbon',
              type: 'fact',
              createdAt: daysAgo(1),
              updatedAt: daysAgo(1),
            },
            {
              id: old,
              content: 'Bob lives in Berlin',
              type: 'fact',
              createdAt: daysAgo(90),
              updatedAt: daysAgo(1),
              status: 'superseded',
              supersededBy: current,
            },
            {
              id: retracted,
              content: 'Bob lives with a cat named Tiger',
              type: 'fact',
              createdAt: daysAgo(5),
              updatedAt: daysAgo(2),
              status: 'retracted',
            },
          ),
        )
        .expect(200)
    ).body;
    expect(report).toMatchObject({ created: 3, existing: 0 });

    for (const mode of ['hybrid', 'vector', 'keyword']) {
      const shown = await search({ query: 'where does Bob live', mode });
      expect(shown.map((m) => m.id)).toContain(current);
      expect(shown.map((m) => m.id)).not.toContain(old);
      expect(shown.map((m) => m.id)).not.toContain(retracted);
      const all = await search({ query: 'where does Bob live', mode, includeSuperseded: true });
      expect(all.find((m) => m.id === old)).toMatchObject({
        status: 'superseded',
        supersededBy: current,
      });
      expect(all.find((m) => m.id === retracted)).toMatchObject({ status: 'retracted' });
    }
    const listed = (await list()).map((m) => m.id);
    expect(listed).toContain(current);
    expect(listed).not.toContain(old);
    const everything = await list('&includeSuperseded=true');
    expect(everything.find((m) => m.id === old)?.status).toBe('superseded');
    await t.api.get('/api/v1/memories?includeSuperseded=maybe').expect(400);
    // Direct reads still reach it, and restoring makes it current again.
    expect((await t.api.get(`/api/v1/memories/${old}`).expect(200)).body.status).toBe('superseded');
  });

  it('finds the current memories even when many superseded ones are nearer the query', async () => {
    const lines: object[] = [HEADER];
    for (let i = 0; i < 25; i++) {
      lines.push({
        id: uuid(),
        content: `Carol's favourite tea was number ${i}, a green tea`,
        type: 'fact',
        createdAt: daysAgo(30),
        updatedAt: daysAgo(30),
        status: 'superseded',
      });
    }
    const currentTea = uuid();
    lines.push({
      id: currentTea,
      content: "Carol's favourite drink is now black coffee, no tea",
      type: 'fact',
      createdAt: daysAgo(1),
      updatedAt: daysAgo(1),
    });
    await t.api
      .post('/api/v1/memories/import')
      .set('Content-Type', 'application/x-ndjson')
      .send(ndjson(...lines))
      .expect(200);
    const found = await search({ query: "Carol's favourite green tea", mode: 'vector', limit: 3 });
    expect(found.map((m) => m.id)).toContain(currentTea);
    expect(found.every((m) => m.status === 'current')).toBe(true);
  });

  it('weighs by recency only when asked, and never a pinned memory', async () => {
    const [oldOne, newOne, pinnedOld] = [uuid(), uuid(), uuid()];
    await t.api
      .post('/api/v1/memories/import')
      .set('Content-Type', 'application/x-ndjson')
      .send(
        ndjson(
          HEADER,
          {
            id: oldOne,
            content: 'Dave plays the bass guitar in a jazz band on Fridays',
            type: 'fact',
            createdAt: daysAgo(400),
            updatedAt: daysAgo(400),
          },
          {
            id: newOne,
            content: 'Dave started playing guitar',
            type: 'fact',
            createdAt: daysAgo(1),
            updatedAt: daysAgo(1),
          },
          {
            id: pinnedOld,
            content: 'Dave bass guitar jazz band Fridays rehearsal room',
            type: 'note',
            createdAt: daysAgo(400),
            updatedAt: daysAgo(400),
            pinned: true,
          },
        ),
      )
      .expect(200);
    const query = { query: 'Dave bass guitar jazz band Fridays', mode: 'keyword' };
    const plain = await search(query);
    expect(plain.findIndex((m) => m.id === oldOne)).toBeLessThan(
      plain.findIndex((m) => m.id === newOne),
    );
    expect(plain[0]!.scoring?.recency).toBeUndefined();
    const recent = await search({ ...query, halfLifeDays: 30 });
    expect(recent.findIndex((m) => m.id === newOne)).toBeLessThan(
      recent.findIndex((m) => m.id === oldOne),
    );
    const pinned = recent.find((m) => m.id === pinnedOld)!;
    expect(pinned.scoring?.recency).toBeUndefined();
    expect(recent[0]!.id).toBe(pinnedOld);
    expect(recent.find((m) => m.id === oldOne)!.scoring!.recency).toBeLessThan(0.001);
    await t.api
      .post('/api/v1/memories/search')
      .send({ ...query, halfLifeDays: -1 })
      .expect(400);
  });
});
