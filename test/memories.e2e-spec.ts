import { FakeVllmServer } from './support/fake-vllm.server.js';
import { parseMetrics, total } from './support/metrics.js';
import { createTestApp, type TestApp } from './support/test-app.js';

interface MemoryBody {
  id: string;
  content: string;
  type: string;
  tags: string[];
  metadata: Record<string, unknown>;
  sessionId: string | null;
  createdAt: string;
  updatedAt: string;
  embeddingModel: string;
  contentHash: string;
}
interface ScoredBody extends MemoryBody {
  score: number;
  distance: number;
  scoring: { mode: string; vector?: number; keyword?: number };
}

const embedders = [
  { name: 'the local embedder', model: 'local-semantic-v3', vllm: false },
  { name: 'a vLLM-compatible server', model: 'BAAI/bge-small-en-v1.5', vllm: true },
];

describe.each(embedders)('memories API with $name', ({ model, vllm }) => {
  let t: TestApp;
  let fake: FakeVllmServer | undefined;

  beforeAll(async () => {
    fake = vllm ? await new FakeVllmServer().start() : undefined;
    t = await createTestApp({ VLLM_URL: fake?.url ?? '', VLLM_MAX_BATCH: '16' });
  });
  afterAll(async () => {
    await t.close();
    await fake?.stop();
  });

  const create = (body: object) => t.api.post('/api/v1/memories').send(body);

  it('stores a memory and answers 201 with it', async () => {
    const res = await create({
      content: 'The user prefers dark roast coffee',
      type: 'preference',
      tags: ['coffee', 'drinks', 'coffee'],
      metadata: { source: 'chat', confidence: 0.8, pinned: true },
    }).expect(201);
    const memory = res.body as MemoryBody;
    expect(memory.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(memory).toMatchObject({
      content: 'The user prefers dark roast coffee',
      type: 'preference',
      tags: ['coffee', 'drinks'],
      metadata: { source: 'chat', confidence: 0.8, pinned: true },
      sessionId: null,
      embeddingModel: model,
    });
    expect(memory.createdAt).toBe(memory.updatedAt);
    const fetched = await t.api.get(`/api/v1/memories/${memory.id}`).expect(200);
    expect(fetched.body).toEqual(memory);
  });

  it('answers 200 with the stored memory when the same content and type come again', async () => {
    const body = { content: 'Remember the milk', type: 'todo' };
    const first = await create(body).expect(201);
    const again = await create({ ...body, tags: ['other'] }).expect(200);
    expect(again.body.id).toBe(first.body.id);
    const sameContentOtherType = await create({ ...body, type: 'note' }).expect(201);
    expect(sameContentOtherType.body.id).not.toBe(first.body.id);
  });

  it("checks for duplicates in the user's keyword index, built on their first write: no Chroma read per add", async () => {
    const writer = (await t.signUp(`writer-${model.length}`)).agent;
    const chromaReads = async () =>
      total(
        parseMetrics((await t.http.get('/metrics').expect(200)).text),
        'memory_system_backend_request_duration_seconds_count',
        { backend: 'chroma', operation: 'get' },
      );
    await writer
      .post('/api/v1/memories')
      .send({ content: 'first of many', type: 'note' })
      .expect(201);
    const before = await chromaReads();
    for (let i = 0; i < 5; i++) {
      await writer
        .post('/api/v1/memories')
        .send({ content: `note ${i}`, type: 'note' })
        .expect(201);
    }
    const again = await writer
      .post('/api/v1/memories')
      .send({ content: 'note 3', type: 'note' })
      .expect(200); // found as a duplicate, from the index's copies
    expect(again.body.content).toBe('note 3');
    expect(await chromaReads()).toBe(before);
  });

  it('stores racing identical creates once', async () => {
    const body = { content: `Race ${Date.now()}`, type: 'note' };
    const responses = await Promise.all(Array.from({ length: 5 }, () => create(body)));
    const ids = new Set(responses.map((r) => r.body.id));
    expect(ids.size).toBe(1);
    expect(responses.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 201]);
  });

  it('finds memories by meaning, best first, with score and distance', async () => {
    await create({ content: 'Paris is the capital of France', type: 'fact', tags: ['geo'] }).expect(
      201,
    );
    await create({ content: 'The cat sleeps on the warm windowsill', type: 'fact' }).expect(201);
    for (const mode of ['vector', 'hybrid', undefined]) {
      const res = await t.api
        .post('/api/v1/memories/search')
        .send({ query: 'capital of France', limit: 3, mode })
        .expect(200);
      const results = res.body.results as ScoredBody[];
      expect(results[0]!.content).toBe('Paris is the capital of France');
      expect(results.length).toBeLessThanOrEqual(3);
      for (const r of results) {
        expect(r.scoring.mode).toBe(mode ?? 'hybrid');
        expect(r.scoring.vector).toBeCloseTo(1 - r.distance, 6);
        if (mode === 'vector') expect(r.score).toBeCloseTo(1 - r.distance, 6);
      }
      const scores = results.map((r) => r.score);
      expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    }
  });

  it('filters searches by type, tags, metadata, dates and minScore', async () => {
    const before = new Date(Date.now() - 1000).toISOString();
    await create({
      content: 'Green tea in the afternoon',
      type: 'habit',
      tags: ['tea'],
      metadata: { mood: 'calm' },
    }).expect(201);
    await create({
      content: 'Black tea at breakfast',
      type: 'habit',
      tags: ['tea', 'morning'],
      metadata: { mood: 'busy' },
    }).expect(201);
    const search = (filter: object, extra: object = {}) =>
      t.api
        .post('/api/v1/memories/search')
        .send({ query: 'tea', limit: 10, filter, ...extra })
        .expect(200)
        .then((r) => (r.body.results as ScoredBody[]).map((m) => m.content));

    expect(await search({ type: 'habit', tags: ['morning'] })).toEqual(['Black tea at breakfast']);
    expect(await search({ type: 'habit', metadata: { mood: 'calm' } })).toEqual([
      'Green tea in the afternoon',
    ]);
    expect((await search({ type: 'habit', createdAfter: before })).sort()).toEqual([
      'Black tea at breakfast',
      'Green tea in the afternoon',
    ]);
    expect(await search({ type: 'habit', createdBefore: before })).toEqual([]);
    expect(await search({ type: 'habit' }, { minScore: 0.9999 })).toEqual([]);
  });

  it('updates content (re-embedding it), tags and metadata, keeping the id and createdAt', async () => {
    const created = (
      await create({
        content: 'Meeting with Bob on Monday',
        type: 'event',
        tags: ['work', 'bob'],
        metadata: { room: 'A', floor: 2 },
      }).expect(201)
    ).body as MemoryBody;
    const res = await t.api
      .patch(`/api/v1/memories/${created.id}`)
      .send({
        content: 'Meeting with Alice about the budget',
        tags: ['work'],
        metadata: { room: 'B' },
      })
      .expect(200);
    const updated = res.body as MemoryBody;
    expect(updated).toMatchObject({
      id: created.id,
      createdAt: created.createdAt,
      tags: ['work'],
      metadata: { room: 'B' },
    });
    expect(Date.parse(updated.updatedAt)).toBeGreaterThanOrEqual(Date.parse(created.updatedAt));
    expect((await t.api.get(`/api/v1/memories/${created.id}`).expect(200)).body).toEqual(updated);

    const found = await t.api
      .post('/api/v1/memories/search')
      .send({ query: 'Alice budget', limit: 1, filter: { type: 'event' } })
      .expect(200);
    expect(found.body.results[0].id).toBe(created.id);
    const byOldTag = await t.api
      .post('/api/v1/memories/search')
      .send({ query: 'meeting', filter: { tags: ['bob'] } })
      .expect(200);
    expect(byOldTag.body.results).toEqual([]);
    const byOldMeta = await t.api
      .post('/api/v1/memories/search')
      .send({ query: 'meeting', filter: { metadata: { floor: 2 } } })
      .expect(200);
    expect(byOldMeta.body.results).toEqual([]);
  });

  it('refuses an update that would duplicate another memory (409)', async () => {
    const a = (await create({ content: 'Alpha fact', type: 'fact' }).expect(201))
      .body as MemoryBody;
    const b = (await create({ content: 'Beta fact', type: 'fact' }).expect(201)).body as MemoryBody;
    const res = await t.api
      .patch(`/api/v1/memories/${b.id}`)
      .send({ content: 'Alpha fact' })
      .expect(409);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.existingId).toBe(a.id);
    expect((await t.api.get(`/api/v1/memories/${b.id}`)).body.content).toBe('Beta fact');
  });

  it('deletes a memory: 204, then 404 everywhere', async () => {
    const m = (await create({ content: 'Forget me', type: 'note' }).expect(201)).body as MemoryBody;
    await t.api.delete(`/api/v1/memories/${m.id}`).expect(204);
    await t.api.get(`/api/v1/memories/${m.id}`).expect(404);
    await t.api.delete(`/api/v1/memories/${m.id}`).expect(404);
    await t.api.patch(`/api/v1/memories/${m.id}`).send({ content: 'x' }).expect(404);
    const found = await t.api
      .post('/api/v1/memories/search')
      .send({ query: 'Forget me', limit: 100 })
      .expect(200);
    expect((found.body.results as MemoryBody[]).map((r) => r.id)).not.toContain(m.id);
  });

  it('lists with a cursor and filters by type, tag and session', async () => {
    const sessionId = (await t.api.post('/api/v1/sessions').send({}).expect(201)).body.id as string;
    const contents = Array.from({ length: 7 }, (_, i) => `Listed item ${i}`);
    for (const [i, content] of contents.entries()) {
      await create({
        content,
        type: 'listed',
        tags: i % 2 ? ['odd'] : ['even'],
        sessionId: i < 2 ? sessionId : undefined,
      }).expect(201);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { body: { items: MemoryBody[]; nextCursor: string | null } } = await t.api
        .get('/api/v1/memories')
        .query({ type: 'listed', limit: 3, ...(cursor ? { cursor } : {}) })
        .expect(200);
      seen.push(...(res.body.items as MemoryBody[]).map((m) => m.content));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual([...contents].sort());

    const odd = await t.api
      .get('/api/v1/memories')
      .query({ type: 'listed', tag: 'odd' })
      .expect(200);
    expect((odd.body.items as MemoryBody[]).map((m) => m.content).sort()).toEqual([
      'Listed item 1',
      'Listed item 3',
      'Listed item 5',
    ]);
    const inSession = await t.api.get('/api/v1/memories').query({ sessionId }).expect(200);
    expect((inSession.body.items as MemoryBody[]).map((m) => m.content).sort()).toEqual([
      'Listed item 0',
      'Listed item 1',
    ]);
  });

  it('pages by a stable key: deletes and adds between pages neither skip nor repeat a memory', async () => {
    const made: MemoryBody[] = [];
    for (let i = 0; i < 24; i++) {
      made.push((await create({ content: `Paged item ${i}`, type: 'paged' }).expect(201)).body);
    }
    const page = async (cursor?: string) =>
      (
        await t.api
          .get('/api/v1/memories')
          .query({ type: 'paged', limit: 5, ...(cursor ? { cursor } : {}) })
          .expect(200)
      ).body as { items: MemoryBody[]; nextCursor: string | null };
    const seen: string[] = [];
    const deleted = new Set<string>();
    let current = await page();
    for (let round = 0; ; round++) {
      seen.push(...current.items.map((m) => m.id));
      if (!current.nextCursor) break;
      // Between pages: delete one memory already shown and one not shown yet, and add one.
      const shown = current.items[0]!.id;
      const ahead = made.find((m) => !seen.includes(m.id) && !deleted.has(m.id));
      for (const id of [shown, ahead?.id].filter((id): id is string => !!id)) {
        await t.api.delete(`/api/v1/memories/${id}`).expect(204);
        deleted.add(id);
      }
      made.push((await create({ content: `Paged late ${round}`, type: 'paged' }).expect(201)).body);
      current = await page(current.nextCursor);
    }
    expect(new Set(seen).size).toBe(seen.length); // nothing repeated
    // Every memory that existed throughout was shown (added ones may or may not be).
    const throughout = made.slice(0, 24).filter((m) => !deleted.has(m.id));
    for (const m of throughout) expect(seen).toContain(m.id);
    // An offset cursor of an older release, or anything made up, is a clear 400.
    const old = Buffer.from(JSON.stringify({ o: 5 })).toString('base64url');
    const refused = await t.api.get('/api/v1/memories').query({ cursor: old }).expect(400);
    expect(refused.body.detail).toMatch(/cursor/);
  });

  it('stores a batch with per-item results, one embedding request per chunk', async () => {
    const items = Array.from({ length: 40 }, (_, i) => ({
      content: `Batch memory number ${i}`,
      type: 'batch',
    }));
    items.push({ content: 'Batch memory number 3', type: 'batch' }); // repeated inside the batch
    await create({ content: 'Batch memory number 5', type: 'batch' }).expect(201); // stored before
    const embeddingCallsBefore =
      fake?.requests.filter((r) => r.path === '/v1/embeddings').length ?? 0;

    const res = await t.api.post('/api/v1/memories/batch').send({ items }).expect(200);
    expect(res.body.created).toBe(39);
    expect(res.body.existing).toBe(2);
    const results = res.body.results as Array<{
      index: number;
      status: number;
      memory: MemoryBody;
    }>;
    expect(results.map((r) => r.index)).toEqual(items.map((_, i) => i));
    expect(results[5]!.status).toBe(200);
    expect(results[40]!.status).toBe(200);
    expect(results[40]!.memory.id).toBe(results[3]!.memory.id);
    for (const [i, r] of results.entries()) expect(r.memory.content).toBe(items[i]!.content);

    if (fake) {
      const calls = fake.requests
        .filter((r) => r.path === '/v1/embeddings')
        .slice(embeddingCallsBefore);
      // 39 new texts at VLLM_MAX_BATCH=16: 3 requests, each at most 16 inputs.
      expect(calls).toHaveLength(3);
      for (const call of calls)
        expect((call.body as { input: string[] }).input.length).toBeLessThanOrEqual(16);
    }
    const listed = await t.api
      .get('/api/v1/memories')
      .query({ type: 'batch', limit: 100 })
      .expect(200);
    expect(listed.body.items).toHaveLength(40);
  });
});
