import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStateStore } from '@memory-system/state';
import { createTestApp, type TestApp } from './support/test-app.js';

interface Version {
  version: number;
  content: string;
  tags: string[];
  event: string;
  by: { via: string };
}

describe('memory history: nothing is destroyed silently', () => {
  let t: TestApp;
  const dataDir = mkdtempSync(join(tmpdir(), 'ms-history-'));
  beforeAll(async () => (t = await createTestApp({ DATA_DIR: dataDir })));
  afterAll(() => t.close());

  const history = async (id: string) =>
    (await t.api.get(`/api/v1/memories/${id}/history`).expect(200)).body.items as Version[];

  it('keeps every state a change or a delete replaced, and restores any of them', async () => {
    const memory = (
      await t.api
        .post('/api/v1/memories')
        .send({ content: 'Alice lives in Berlin', type: 'fact', tags: ['home'] })
        .expect(201)
    ).body;
    expect(await history(memory.id)).toEqual([]);

    await t.api
      .patch(`/api/v1/memories/${memory.id}`)
      .send({ content: 'Alice lives in Lisbon' })
      .expect(200);
    const key = (await t.api.post('/api/v1/auth/api-keys').send({ name: 'agent' }).expect(201)).body
      .key as string;
    await t.http
      .patch(`/api/v1/memories/${memory.id}`)
      .set('X-API-Key', key)
      .send({ tags: ['home', 'moved'] })
      .expect(200);
    await t.api.delete(`/api/v1/memories/${memory.id}`).expect(204);
    await t.api.get(`/api/v1/memories/${memory.id}`).expect(404);

    const versions = await history(memory.id);
    expect(versions.map((v) => [v.version, v.content, v.event, v.by.via])).toEqual([
      [1, 'Alice lives in Berlin', 'updated', 'jwt'],
      [2, 'Alice lives in Lisbon', 'updated', 'api-key'],
      [3, 'Alice lives in Lisbon', 'deleted', 'jwt'],
    ]);
    expect(versions[2]!.tags).toEqual(['home', 'moved']);

    // A deleted memory comes back with its id ...
    const back = (await t.api.post(`/api/v1/memories/${memory.id}/history/3/restore`).expect(200))
      .body;
    expect(back).toMatchObject({
      id: memory.id,
      content: 'Alice lives in Lisbon',
      tags: ['home', 'moved'],
      createdAt: memory.createdAt,
    });
    // ... and an earlier version becomes current again, the state it replaces kept as well.
    const first = (await t.api.post(`/api/v1/memories/${memory.id}/history/1/restore`).expect(200))
      .body;
    expect(first).toMatchObject({
      id: memory.id,
      content: 'Alice lives in Berlin',
      tags: ['home'],
    });
    const found = (
      await t.api
        .post('/api/v1/memories/search')
        .send({ query: 'where does Alice live', mode: 'keyword' })
        .expect(200)
    ).body.results;
    expect(found.map((m: { content: string }) => m.content)).toEqual(['Alice lives in Berlin']);
    const after = await history(memory.id);
    expect(after).toHaveLength(4);
    expect(after[3]).toMatchObject({
      version: 4,
      content: 'Alice lives in Lisbon',
      event: 'restored',
    });
  });

  it("answers 404 for another user's history, an unknown memory or version, and a read-only key cannot restore", async () => {
    const memory = (
      await t.api
        .post('/api/v1/memories')
        .send({ content: 'private draft', type: 'note' })
        .expect(201)
    ).body;
    await t.api
      .patch(`/api/v1/memories/${memory.id}`)
      .send({ content: 'private final' })
      .expect(200);
    const bob = await t.signUp('bob-history');
    await bob.agent.get(`/api/v1/memories/${memory.id}/history`).expect(404);
    await bob.agent.post(`/api/v1/memories/${memory.id}/history/1/restore`).expect(404);
    await t.api.get('/api/v1/memories/00000000-0000-4000-8000-000000000000/history').expect(404);
    await t.api.post(`/api/v1/memories/${memory.id}/history/9/restore`).expect(404);
    await t.api.post(`/api/v1/memories/${memory.id}/history/one/restore`).expect(404);

    const reader = (
      await t.api
        .post('/api/v1/auth/api-keys')
        .send({ name: 'reader', scopes: ['memories:read'] })
        .expect(201)
    ).body.key as string;
    await t.http.get(`/api/v1/memories/${memory.id}/history`).set('X-API-Key', reader).expect(200);
    const denied = await t.http
      .post(`/api/v1/memories/${memory.id}/history/1/restore`)
      .set('X-API-Key', reader);
    expect(denied.status).toBe(403);
    expect(denied.body.detail).toMatch(/memories:write/);
    expect((await t.api.get(`/api/v1/memories/${memory.id}`).expect(200)).body.content).toBe(
      'private final',
    );
  });

  it('keeps history through a backup and restore, with the memory expiry', async () => {
    const memory = (
      await t.api
        .post('/api/v1/memories')
        .send({ content: 'Dana works at the bakery', type: 'fact', ttl: 86_400 })
        .expect(201)
    ).body;
    await t.api
      .patch(`/api/v1/memories/${memory.id}`)
      .send({ content: 'Dana works at the bakery on Main Street' })
      .expect(200);
    const before = await history(memory.id);
    const backup = (await t.admin.post('/api/v1/admin/backups').expect(201)).body;
    await t.api
      .patch(`/api/v1/memories/${memory.id}`)
      .send({ content: 'later change' })
      .expect(200);
    await t.admin
      .post(`/api/v1/admin/backups/${backup.name}/restore`)
      .send({ mode: 'replace' })
      .expect(200);
    expect(await history(memory.id)).toEqual(before);
    const restored = (await t.api.get(`/api/v1/memories/${memory.id}`).expect(200)).body;
    expect(restored).toMatchObject({
      content: 'Dana works at the bakery on Main Street',
      expiresAt: memory.expiresAt,
    });
    // Undo still works on the restored history.
    const first = (await t.api.post(`/api/v1/memories/${memory.id}/history/1/restore`).expect(200))
      .body;
    expect(first.content).toBe('Dana works at the bakery');
  });

  it("erases a user's history with the user", async () => {
    const carol = await t.signUp('carol-history');
    const memory = (
      await carol.agent.post('/api/v1/memories').send({ content: 'v1', type: 'note' }).expect(201)
    ).body;
    await carol.agent.patch(`/api/v1/memories/${memory.id}`).send({ content: 'v2' }).expect(200);
    expect(
      (await carol.agent.get(`/api/v1/memories/${memory.id}/history`).expect(200)).body.items,
    ).toHaveLength(1);
    const stored = () => {
      const state = new SqliteStateStore(join(dataDir, 'state.db'));
      try {
        return state.listByOwner('memory-history', carol.id);
      } finally {
        state.close();
      }
    };
    expect(await stored()).toHaveLength(1);
    await t.admin.delete(`/api/v1/admin/users/${carol.id}`).expect(204);
    expect(await stored()).toEqual([]);
  });
});
