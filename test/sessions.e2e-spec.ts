import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SqliteStateStore } from '@memory-system/state';
import { RedisServer } from './support/redis.js';
import { createTestApp, type TestApp } from './support/test-app.js';

interface ContextItem {
  role: string;
  content: string;
  memoryId?: string;
}

describe('sessions', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp({ SESSION_MAX_CONTEXT_ITEMS: '5' })));
  afterAll(() => t.close());

  it('creates, lists (most recent first), gets and deletes sessions', async () => {
    const a = (
      await t.api
        .post('/api/v1/sessions')
        .send({ title: 'first', metadata: { client: 'webui' } })
        .expect(201)
    ).body;
    expect(a).toMatchObject({ title: 'first', metadata: { client: 'webui' }, context: [] });
    expect(Date.parse(a.expiresAt) - Date.parse(a.lastActivityAt)).toBe(30 * 60 * 1000);
    const b = (await t.api.post('/api/v1/sessions').send({}).expect(201)).body;
    expect(b.title).toBeNull();
    await sleep(5);
    await t.api.get(`/api/v1/sessions/${a.id}`).expect(200); // touching a makes it the most recent
    const list = (await t.api.get('/api/v1/sessions').expect(200)).body.items.map(
      (s: { id: string }) => s.id,
    );
    expect(list.slice(0, 2)).toEqual([a.id, b.id]);
    await t.api.delete(`/api/v1/sessions/${b.id}`).expect(204);
    await t.api.get(`/api/v1/sessions/${b.id}`).expect(404);
    await t.api.get('/api/v1/sessions/not-a-uuid').expect(404);
  });

  it('keeps the newest SESSION_MAX_CONTEXT_ITEMS context items', async () => {
    const s = (await t.api.post('/api/v1/sessions').send({}).expect(201)).body;
    const items = Array.from({ length: 4 }, (_, i) => ({
      role: i % 2 ? 'assistant' : 'user',
      content: `turn ${i}`,
    }));
    await t.api.post(`/api/v1/sessions/${s.id}/context`).send({ items }).expect(200);
    const after = (
      await t.api
        .post(`/api/v1/sessions/${s.id}/context`)
        .send({
          items: [
            { role: 'user', content: 'turn 4' },
            { role: 'assistant', content: 'turn 5' },
            { role: 'tool', content: 'turn 6' },
          ],
        })
        .expect(200)
    ).body;
    expect(after.context.map((c: ContextItem) => c.content)).toEqual([
      'turn 2',
      'turn 3',
      'turn 4',
      'turn 5',
      'turn 6',
    ]);
  });

  it('refuses bad context items with a 400 and appends nothing', async () => {
    const s = (await t.api.post('/api/v1/sessions').send({}).expect(201)).body;
    for (const body of [
      { items: [] },
      { items: [{ role: 'memory', content: 'x' }] },
      { items: [{ role: 'user', content: '' }] },
      {
        items: [
          { role: 'user', content: 'ok' },
          { role: 'robot', content: 'x' },
        ],
      },
      { items: [{ role: 'user', content: 'ok', extra: 1 }] },
    ]) {
      const res = await t.api.post(`/api/v1/sessions/${s.id}/context`).send(body);
      expect(res.status).toBe(400);
    }
    expect((await t.api.get(`/api/v1/sessions/${s.id}`).expect(200)).body.context).toEqual([]);
  });

  it('attaches a memory created with sessionId, through v1, batch and the seed route', async () => {
    const s = (await t.api.post('/api/v1/sessions').send({}).expect(201)).body;
    const m1 = (
      await t.api
        .post('/api/v1/memories')
        .send({ content: 'Lisbon trip in May', type: 'plan', sessionId: s.id })
        .expect(201)
    ).body;
    expect(m1.sessionId).toBe(s.id);
    const m2 = (
      await t.api
        .post('/api/memories')
        .send({ content: 'Book the tram tour', type: 'todo', sessionId: s.id })
        .expect(201)
    ).body;
    await t.api
      .post('/api/v1/memories/batch')
      .send({ items: [{ content: 'Pack sunscreen', type: 'todo', sessionId: s.id }] })
      .expect(200);

    const session = (await t.api.get(`/api/v1/sessions/${s.id}`).expect(200)).body;
    expect(session.context.map((c: ContextItem) => [c.role, c.content])).toEqual([
      ['memory', 'Lisbon trip in May'],
      ['memory', 'Book the tram tour'],
      ['memory', 'Pack sunscreen'],
    ]);
    expect(session.context[1].memoryId).toBe(m2.id);
    const inSession = (await t.api.get('/api/v1/memories').query({ sessionId: s.id }).expect(200))
      .body.items;
    expect(inSession).toHaveLength(3);
  });

  it('forgets a deleted memory in every context it joined (deleted means forgotten)', async () => {
    const session = (await t.api.post('/api/v1/sessions').send({ title: 'bank' }).expect(201)).body;
    await t.api
      .post(`/api/v1/sessions/${session.id}/context`)
      .send({ items: [{ role: 'user', content: 'Please note my PIN' }] })
      .expect(200);
    const pin = (
      await t.api
        .post('/api/v1/memories')
        .send({ content: 'My bank PIN is 9876', type: 'fact', sessionId: session.id })
        .expect(201)
    ).body;
    const kept = (
      await t.api
        .post('/api/v1/memories')
        .send({ content: 'Banks with the credit union', type: 'fact', sessionId: session.id })
        .expect(201)
    ).body;
    const before = (await t.api.get(`/api/v1/sessions/${session.id}`).expect(200)).body;
    expect(JSON.stringify(before.context)).toContain('9876');

    await t.api.delete(`/api/v1/memories/${pin.id}`).expect(204);
    const after = (await t.api.get(`/api/v1/sessions/${session.id}`).expect(200)).body;
    expect(JSON.stringify(after)).not.toContain('9876');
    expect(after.context.map((item: ContextItem) => item.content)).toEqual([
      'Please note my PIN',
      'Banks with the credit union',
    ]);
    expect(after.context[1].memoryId).toBe(kept.id);
  });

  it('refuses a memory for an unknown session with 404 and stores nothing', async () => {
    const ghost = '11111111-2222-4333-8444-555555555555';
    await t.api
      .post('/api/v1/memories')
      .send({ content: 'orphan memory', type: 'note', sessionId: ghost })
      .expect(404);
    await t.api
      .post('/api/memories')
      .send({ content: 'orphan memory', type: 'note', sessionId: ghost })
      .expect(404);
    const batch = await t.api.post('/api/v1/memories/batch').send({
      items: [
        { content: 'fine memory', type: 'note' },
        { content: 'orphan memory', type: 'note', sessionId: ghost },
      ],
    });
    expect(batch.status).toBe(404);
    const found = (
      await t.api
        .post('/api/v1/memories/search')
        .send({ query: 'orphan fine memory', limit: 100 })
        .expect(200)
    ).body.results;
    expect(found.map((r: { content: string }) => r.content)).not.toEqual(
      expect.arrayContaining(['orphan memory']),
    );
    expect(found.map((r: { content: string }) => r.content)).not.toContain('fine memory');
  });

  it('answers the context with the memories most relevant to a query, or those stored in it', async () => {
    const s = (await t.api.post('/api/v1/sessions').send({}).expect(201)).body;
    await t.api
      .post(`/api/v1/sessions/${s.id}/context`)
      .send({ items: [{ role: 'user', content: 'what should I cook?' }] })
      .expect(200);
    await t.api
      .post('/api/v1/memories')
      .send({ content: 'The user is allergic to peanuts', type: 'fact', sessionId: s.id })
      .expect(201);
    await t.api
      .post('/api/v1/memories')
      .send({ content: 'The user loves spicy noodles', type: 'preference' })
      .expect(201);

    const withQuery = (
      await t.api
        .get(`/api/v1/sessions/${s.id}/context`)
        .query({ query: 'spicy noodles', limit: 1 })
        .expect(200)
    ).body;
    expect(withQuery.session.id).toBe(s.id);
    // The context window is given once, beside the session, not inside it too.
    expect(withQuery.session.context).toBeUndefined();
    expect(withQuery.session.contextItems).toBe(2);
    expect(withQuery.context.map((c: ContextItem) => c.content)).toEqual([
      'what should I cook?',
      'The user is allergic to peanuts',
    ]);
    expect(withQuery.memories).toHaveLength(1);
    expect(withQuery.memories[0]).toMatchObject({
      content: 'The user loves spicy noodles',
      score: expect.any(Number),
    });

    const stored = (await t.api.get(`/api/v1/sessions/${s.id}/context`).expect(200)).body;
    expect(stored.memories.map((m: { content: string }) => m.content)).toEqual([
      'The user is allergic to peanuts',
    ]);
    await t.api.get(`/api/v1/sessions/${s.id}/context`).query({ limit: 0 }).expect(400);
  });
});

describe('session lists and limits', () => {
  let t: TestApp;
  const dataDir = mkdtempSync(join(tmpdir(), 'ms-session-limits-'));
  beforeAll(
    async () => (t = await createTestApp({ DATA_DIR: dataDir, SESSION_MAX_PER_USER: '3' })),
  );
  afterAll(() => t.close());

  it('lists sessions a page at a time, without their context, saying how many items each holds', async () => {
    const ids: string[] = [];
    for (const title of ['one', 'two', 'three']) {
      const s = (await t.api.post('/api/v1/sessions').send({ title }).expect(201)).body;
      await t.api
        .post(`/api/v1/sessions/${s.id}/context`)
        .send({ items: [{ role: 'user', content: `${title} `.repeat(1000) }] })
        .expect(200);
      ids.unshift(s.id);
      await sleep(5);
    }
    const first = (await t.api.get('/api/v1/sessions').query({ limit: 2 }).expect(200)).body;
    expect(first.items.map((s: { id: string }) => s.id)).toEqual(ids.slice(0, 2));
    expect(first.items[0]).not.toHaveProperty('context');
    expect(first.items[0]).toMatchObject({ title: 'three', contextItems: 1 });
    const second = (
      await t.api.get('/api/v1/sessions').query({ limit: 2, cursor: first.nextCursor }).expect(200)
    ).body;
    expect(second).toEqual({
      items: [expect.objectContaining({ id: ids[2], contextItems: 1 })],
      nextCursor: null,
    });
    await t.api.get('/api/v1/sessions').query({ cursor: 'made-up' }).expect(400);
    await t.api.get('/api/v1/sessions').query({ limit: 1000 }).expect(400);
  });

  it('refuses a session past SESSION_MAX_PER_USER with a 409 that says so; deleting one makes room', async () => {
    const refused = await t.api.post('/api/v1/sessions').send({ title: 'four' });
    expect(refused.status).toBe(409);
    expect(refused.type).toBe('application/problem+json');
    expect(refused.body.detail).toMatch(
      /3 live sessions, the most SESSION_MAX_PER_USER \(3\) allows/,
    );
    // Another user has room of their own.
    const bob = await t.signUp('bob-sessions');
    await bob.agent.post('/api/v1/sessions').send({}).expect(201);
    const [oldest] = (
      await t.api.get('/api/v1/sessions').query({ limit: 100 }).expect(200)
    ).body.items.slice(-1);
    await t.api.delete(`/api/v1/sessions/${oldest.id}`).expect(204);
    await t.api.post('/api/v1/sessions').send({ title: 'four' }).expect(201);
  });

  it('still reads a session stored with its context inline (before lists left it out)', async () => {
    const chroma = t.chroma!;
    // The most recent session, rewritten below as an older release stored it.
    const target = (await t.api.get('/api/v1/sessions').expect(200)).body.items[0];
    await t.close();
    const state = new SqliteStateStore(join(dataDir, 'state.db'));
    const stored = await state.get<Record<string, unknown>>('sessions', target.id);
    const { contextItems: _, ...legacy } = stored!;
    const inline = [
      { role: 'user', content: 'kept from an older release', createdAt: new Date().toISOString() },
    ];
    await state.put(
      'sessions',
      target.id,
      { ...legacy, context: inline },
      { owner: legacy.userId as string, ttlMs: 60_000 },
    );
    await state.delete('session-contexts', target.id);
    state.close();
    t = await createTestApp({
      DATA_DIR: dataDir,
      CHROMA_URL: chroma.url,
      CHROMA_DATABASE: chroma.database,
      SESSION_MAX_PER_USER: '3',
    });
    const listed = (await t.api.get('/api/v1/sessions').query({ limit: 100 }).expect(200)).body
      .items;
    expect(listed.find((s: { id: string }) => s.id === target.id)).toMatchObject({
      contextItems: 1,
    });
    const read = (await t.api.get(`/api/v1/sessions/${target.id}`).expect(200)).body;
    expect(read.context.map((item: ContextItem) => item.content)).toEqual([
      'kept from an older release',
    ]);
    await t.api
      .post(`/api/v1/sessions/${target.id}/context`)
      .send({ items: [{ role: 'assistant', content: 'and a new item' }] })
      .expect(200);
    const after = (await t.api.get(`/api/v1/sessions/${target.id}`).expect(200)).body;
    expect(after.context).toHaveLength(2);
  });
});

describe('session expiry', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp({ SESSION_TTL: '2s' })));
  afterAll(() => t.close());

  it('expires after SESSION_TTL of inactivity; using it keeps it alive', async () => {
    const idle = (await t.api.post('/api/v1/sessions').send({}).expect(201)).body;
    const busy = (await t.api.post('/api/v1/sessions').send({}).expect(201)).body;
    for (let i = 0; i < 3; i++) {
      await sleep(900);
      await t.api.get(`/api/v1/sessions/${busy.id}`).expect(200);
    }
    await t.api.get(`/api/v1/sessions/${idle.id}`).expect(404);
    await t.api
      .post('/api/v1/memories')
      .send({ content: 'too late', type: 'note', sessionId: idle.id })
      .expect(404);
    const ids = (await t.api.get('/api/v1/sessions').expect(200)).body.items.map(
      (s: { id: string }) => s.id,
    );
    expect(ids).toEqual([busy.id]);
  });
});

describe.each([
  ['the embedded SQLite file', false],
  ['Redis', true],
])('sessions and users survive a restart of the app, with state in %s', (_name, useRedis) => {
  let redis: RedisServer | undefined;
  beforeAll(async () => {
    if (useRedis) redis = await RedisServer.start();
  });
  afterAll(async () => redis?.stop());

  it('keeps users, sessions and their context', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ms-sessions-'));
    const env = { DATA_DIR: dataDir, ...(redis ? { REDIS_URL: redis.url } : {}) };
    let t = await createTestApp(env);
    const s = (await t.api.post('/api/v1/sessions').send({ title: 'durable' }).expect(201)).body;
    await t.api
      .post(`/api/v1/sessions/${s.id}/context`)
      .send({ items: [{ role: 'user', content: 'remember me' }] })
      .expect(200);
    const chroma = t.chroma!;
    await t.close();
    if (redis) await redis.restart();

    t = await createTestApp({ ...env, CHROMA_URL: chroma.url, CHROMA_DATABASE: chroma.database });
    try {
      const again = (await t.api.get(`/api/v1/sessions/${s.id}`).expect(200)).body;
      expect(again.title).toBe('durable');
      expect(again.context.map((c: ContextItem) => c.content)).toEqual(['remember me']);
    } finally {
      await t.close();
    }
  });
});
