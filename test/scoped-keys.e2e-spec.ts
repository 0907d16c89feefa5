import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStateStore } from '@memory-system/state';
import { createTestApp, type TestApp } from './support/test-app.js';

type Problem = { status: number; detail: string };

describe('scoped API keys', () => {
  let t: TestApp;
  const dataDir = mkdtempSync(join(tmpdir(), 'ms-scopes-'));
  beforeAll(async () => (t = await createTestApp({ DATA_DIR: dataDir })));
  afterAll(() => t.close());

  const createKey = async (agent: TestApp['api'], body: object) =>
    (await agent.post('/api/v1/auth/api-keys').send(body).expect(201)).body as {
      id: string;
      key: string;
      scopes: string[];
    };
  const as = (key: string) => ({
    get: (path: string) => t.http.get(path).set('X-API-Key', key),
    post: (path: string, body: object = {}) => t.http.post(path).set('X-API-Key', key).send(body),
    patch: (path: string, body: object) => t.http.patch(path).set('X-API-Key', key).send(body),
    delete: (path: string) => t.http.delete(path).set('X-API-Key', key),
  });
  const expectMissingScope = (
    res: { status: number; body: Problem; type: string },
    scope: string,
  ) => {
    expect(res.status).toBe(403);
    expect(res.type).toBe('application/problem+json');
    expect(res.body.detail).toContain(scope);
  };

  it('gives a new key read and write by default, and says so in the listing', async () => {
    const created = await createKey(t.api, { name: 'default' });
    expect(created.scopes).toEqual(['memories:read', 'memories:write']);
    const listed = (await t.api.get('/api/v1/auth/api-keys').expect(200)).body.items as Array<{
      id: string;
      scopes: string[];
    }>;
    expect(listed.find((k) => k.id === created.id)?.scopes).toEqual([
      'memories:read',
      'memories:write',
    ]);
    const key = as(created.key);
    await key.post('/api/v1/memories', { content: 'stored with a key', type: 'note' }).expect(201);
    await key.post('/api/v1/memories/search', { query: 'stored with a key' }).expect(200);
    // Sessions were not given.
    expectMissingScope(await key.post('/api/v1/sessions', { title: 's' }), 'sessions');
    expectMissingScope(await key.get('/api/v1/sessions'), 'sessions');
  });

  it('lets a read-only key read and nothing else, on the current and the seed routes', async () => {
    const written = (
      await t.api.post('/api/v1/memories').send({ content: 'readable fact', type: 'fact' })
    ).body as { id: string };
    const key = as((await createKey(t.api, { name: 'reader', scopes: ['memories:read'] })).key);
    await key.get('/api/v1/memories').expect(200);
    await key.get(`/api/v1/memories/${written.id}`).expect(200);
    await key.post('/api/v1/memories/search', { query: 'readable' }).expect(200);
    await key.get('/api/memories?query=readable').expect(200);
    for (const res of [
      await key.post('/api/v1/memories', { content: 'nope', type: 'note' }),
      await key.post('/api/v1/memories/batch', { items: [{ content: 'nope', type: 'n' }] }),
      await key.delete(`/api/v1/memories/${written.id}`),
      await key.post('/api/memories', { content: 'nope', type: 'note' }),
      await key.patch(`/api/v1/memories/${written.id}`, { content: 'changed' }),
    ]) {
      expectMissingScope(res, 'memories:write');
    }
    // Nothing was written or changed.
    const page = (await t.api.get('/api/v1/memories').query({ limit: 100 }).expect(200)).body as {
      items: Array<{ content: string }>;
    };
    expect(page.items.map((m) => m.content)).not.toContain('nope');
    expect(page.items.map((m) => m.content)).toContain('readable fact');
  });

  it('lets a sessions key reach sessions only', async () => {
    const key = as((await createKey(t.api, { name: 'chat', scopes: ['sessions'] })).key);
    await key.post('/api/v1/sessions', { title: 'chat' }).expect(201);
    expectMissingScope(await key.get('/api/v1/memories'), 'memories:read');
  });

  it("shows a sessions-only key a session but not its memories' text", async () => {
    const session = (await t.api.post('/api/v1/sessions').send({ title: 'diary' }).expect(201))
      .body as { id: string };
    await t.api
      .post(`/api/v1/sessions/${session.id}/context`)
      .send({ items: [{ role: 'user', content: 'my own words' }] })
      .expect(200);
    const memory = (
      await t.api
        .post('/api/v1/memories')
        .send({ content: 'the safe combination is 1234', type: 'fact', sessionId: session.id })
        .expect(201)
    ).body as { id: string };
    type Item = { role: string; content: string; memoryId?: string };
    const contextAs = async (scopes: string[]) => {
      const key = as((await createKey(t.api, { name: `viewer-${scopes.length}`, scopes })).key);
      const read = (await key.get(`/api/v1/sessions/${session.id}`).expect(200)).body.context;
      const appended = (
        await key
          .post(`/api/v1/sessions/${session.id}/context`, {
            items: [{ role: 'user', content: 'hi' }],
          })
          .expect(200)
      ).body.context;
      return [read as Item[], appended as Item[]];
    };
    for (const context of await contextAs(['sessions'])) {
      expect(context.find((i) => i.role === 'user')?.content).toBe('my own words');
      const item = context.find((i) => i.role === 'memory');
      expect(item).toMatchObject({ memoryId: memory.id, content: '' });
      expect(JSON.stringify(context)).not.toContain('1234');
    }
    for (const context of await contextAs(['sessions', 'memories:read'])) {
      expect(context.find((i) => i.role === 'memory')?.content).toBe(
        'the safe combination is 1234',
      );
    }
  });

  it('never lets an API key create accounts or set passwords, even an admin key', async () => {
    const made = await createKey(t.admin, { name: 'ops-users', scopes: ['admin'] });
    const key = as(made.key);
    const created = await key.post('/api/v1/admin/users', {
      username: 'minted-by-key',
      password: 'minted-password-123',
      role: 'admin',
    });
    expect(created.status).toBe(403);
    expect(created.body.detail).toMatch(/password login/);
    const set = await key.patch(`/api/v1/admin/users/${t.aliceId}`, {
      password: 'taken-over-123456',
    });
    expect(set.status).toBe(403);
    expect(set.body.detail).toMatch(/Setting a password needs a password login/);
    await t.http
      .post('/api/v1/auth/login')
      .send({ username: 'alice', password: 'taken-over-123456' })
      .expect(401);
    await t.http
      .post('/api/v1/auth/login')
      .send({ username: 'minted-by-key', password: 'minted-password-123' })
      .expect(401);
    // What mints nothing still works with the key.
    await key.patch(`/api/v1/admin/users/${t.aliceId}`, { disabled: false }).expect(200);
    // A password login may do both.
    await t.admin
      .post('/api/v1/admin/users')
      .send({ username: 'made-by-login', password: 'made-password-123', role: 'user' })
      .expect(201);
    await t.admin.delete(`/api/v1/auth/api-keys/${made.id}`).expect(204);
  });

  it('says keys outlive a new password, and revokes them in the same call when asked', async () => {
    const { id: bobId, agent: bob } = await t.signUp('bob-keys');
    const key = async () =>
      (
        await bob
          .post('/api/v1/auth/api-keys')
          .send({ name: `k${Date.now()}` })
          .expect(201)
      ).body.key as string;
    const kept = await key();
    const changed = await t.admin
      .patch(`/api/v1/admin/users/${bobId}`)
      .send({ password: 'bob-second-password-1' })
      .expect(200);
    expect(changed.body.apiKeysStillWorking).toBe(1);
    await as(kept).get('/api/v1/memories').expect(200);

    const again = t.agentFor((await t.login('bob-keys', 'bob-second-password-1')).accessToken);
    const second = (await again.post('/api/v1/auth/api-keys').send({ name: 'two' }).expect(201))
      .body.key as string;
    const revoked = await t.admin
      .patch(`/api/v1/admin/users/${bobId}`)
      .send({ password: 'bob-third-password-12', revokeApiKeys: true })
      .expect(200);
    expect(revoked.body.apiKeysStillWorking).toBe(0);
    await as(kept).get('/api/v1/memories').expect(401);
    await as(second).get('/api/v1/memories').expect(401);
    // Revoking keys goes with a new password only.
    await t.admin.patch(`/api/v1/admin/users/${bobId}`).send({ revokeApiKeys: true }).expect(400);
  });

  it('never lets an API key create, list or revoke keys, even one with every scope', async () => {
    const all = await createKey(t.admin, {
      name: 'everything',
      scopes: ['memories:read', 'memories:write', 'sessions', 'admin'],
    });
    const key = as(all.key);
    for (const res of [
      await key.post('/api/v1/auth/api-keys', { name: 'minted' }),
      await key.get('/api/v1/auth/api-keys'),
      await key.delete(`/api/v1/auth/api-keys/${all.id}`),
    ]) {
      expect(res.status).toBe(403);
      expect(res.body.detail).toMatch(/password login/);
    }
    // Still there, still working: the revoke did not happen.
    await key.get('/api/v1/auth/me').expect(200);
    const listed = (await t.admin.get('/api/v1/auth/api-keys').expect(200)).body.items as Array<{
      name: string;
    }>;
    expect(listed.map((k) => k.name)).toEqual(['everything']);
  });

  it('gives admin only when an admin asks, and admin routes need it', async () => {
    const res = await t.api
      .post('/api/v1/auth/api-keys')
      .send({ name: 'escalate', scopes: ['admin'] });
    expectMissingScope(res, 'admin');
    const adminDefault = as((await createKey(t.admin, { name: 'admin-default' })).key);
    expectMissingScope(await adminDefault.get('/api/v1/admin/users'), 'admin');
    const adminKey = as((await createKey(t.admin, { name: 'ops', scopes: ['admin'] })).key);
    await adminKey.get('/api/v1/admin/users').expect(200);
    expectMissingScope(await adminKey.get('/api/v1/memories'), 'memories:read');
  });

  it('refuses unknown, empty or repeated scopes with a 400 that names the field', async () => {
    for (const scopes of [['memories:delete'], [], ['sessions', 'sessions'], 'sessions']) {
      const res = await t.api.post('/api/v1/auth/api-keys').send({ name: 'bad', scopes });
      expect(res.status).toBe(400);
      expect(res.type).toBe('application/problem+json');
      expect(JSON.stringify(res.body)).toContain('scopes');
    }
  });

  it('keeps a key made before scopes existed working for memories and sessions, not admin', async () => {
    const made = await createKey(t.admin, { name: 'old', scopes: ['admin'] });
    const chroma = t.chroma!;
    await t.close();
    // What an older release stored: no scopes at all.
    const state = new SqliteStateStore(join(dataDir, 'state.db'));
    const record = await state.get<Record<string, unknown>>('api-keys', made.id);
    const { scopes: _, ...legacy } = record!;
    await state.put('api-keys', made.id, legacy, { owner: legacy.userId as string });
    state.close();
    t = await createTestApp({
      DATA_DIR: dataDir,
      CHROMA_URL: chroma.url,
      CHROMA_DATABASE: chroma.database,
    });
    const key = as(made.key);
    await key.get('/api/v1/memories').expect(200);
    await key.post('/api/v1/sessions', { title: 'old' }).expect(201);
    expectMissingScope(await key.get('/api/v1/admin/users'), 'admin');
    const listed = (await t.admin.get('/api/v1/auth/api-keys').expect(200)).body.items as Array<{
      id: string;
      scopes: string[];
    }>;
    expect(listed.find((k) => k.id === made.id)?.scopes).toEqual([
      'memories:read',
      'memories:write',
      'sessions',
    ]);
  });
});
