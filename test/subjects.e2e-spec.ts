import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { extract as extractTar } from 'tar';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SPACE_TAG, subjectHomeHashesOf, userHashOf } from '@memory-system/vector';
import { collectionNames, storedIdsOf as storedIdsIn } from './support/chroma.js';
import { FakeVllmServer } from './support/fake-vllm.server.js';
import { actingFor } from './support/subjects.js';
import { createTestApp, type TestApp } from './support/test-app.js';

type Problem = { status: number; detail: string };
type Memory = { id: string; content: string };

/**
 * One app key acting for many end users (X-Memory-Subject): each subject's memories are kept
 * apart as two accounts' are, from each other, from the key owner's own, and from another
 * account's subject with the same id.
 */
describe('subjects: one key, many end users', () => {
  let t: TestApp;
  let chat: FakeVllmServer;
  let appKey: string;
  let plainKey: string;
  let bobKey: string;
  let secret: Memory;
  let secretSession: string;

  beforeAll(async () => {
    chat = await new FakeVllmServer({ model: 'Qwen/Qwen3-8B', maxInputChars: 1_000_000 }).start();
    t = await createTestApp({
      VLLM_CHAT_URL: chat.url,
      VLLM_CHAT_MODEL: chat.model,
      VLLM_RETRIES: '0',
      PROXY_LEARN: 'false',
      SUBJECT_MAX_MEMORIES: '5',
      MEMORY_EXPIRY_SWEEP_INTERVAL: '300ms',
    });
    const keyOf = async (agent: TestApp['api'], scopes?: string[]) =>
      (await agent.post('/api/v1/auth/api-keys').send({ name: 'app', scopes }).expect(201)).body
        .key as string;
    const all = ['memories:read', 'memories:write', 'sessions', 'subjects'];
    appKey = await keyOf(t.api, all);
    plainKey = await keyOf(t.api, ['memories:read', 'memories:write', 'sessions']);
    bobKey = await keyOf((await t.signUp('bob')).agent, all);
    secretSession = (await as(appKey, 'u1').post('/api/v1/sessions').send({}).expect(201)).body.id;
    secret = (
      await as(appKey, 'u1')
        .post('/api/v1/memories')
        .send({ content: 'Uma keeps her spare key under the blue pot', type: 'secret' })
        .expect(201)
    ).body as Memory;
    await t.api
      .post('/api/v1/memories')
      .send({ content: 'The owner keeps the shop keys in the safe', type: 'note' })
      .expect(201);
  });
  afterAll(async () => {
    await t?.close();
    await chat?.stop();
  });

  /** Requests with a key, acting for `subject` when one is named. */
  function as(key: string, subject?: string) {
    const headers: Record<string, string> = { 'X-API-Key': key };
    if (subject !== undefined) headers['X-Memory-Subject'] = subject;
    return {
      get: (path: string) => t.http.get(path).set(headers),
      post: (path: string) => t.http.post(path).set(headers),
      patch: (path: string) => t.http.patch(path).set(headers),
      put: (path: string) => t.http.put(path).set(headers),
      delete: (path: string) => t.http.delete(path).set(headers),
    };
  }
  type As = ReturnType<typeof as>;
  const contentsIn = async (who: As) => {
    const list = (await who.get('/api/v1/memories').query({ limit: 100 }).expect(200)).body
      .items as Memory[];
    const found = (
      await who.post('/api/v1/memories/search').send({ query: 'spare key blue pot' }).expect(200)
    ).body.results as Memory[];
    const seed = (await who.get('/api/memories').query({ query: 'spare key' }).expect(200))
      .body as Memory[];
    const context = (
      await who.post('/api/v1/context').send({ query: 'where is the spare key' }).expect(200)
    ).body.text as string;
    const exported = (await who.get('/api/v1/memories/export').expect(200)).text;
    return [...[...list, ...found, ...seed].map((m) => m.content), context, exported].join('\n');
  };

  it('refuses a bad subject id with a 400 naming the rule, and stores nothing', async () => {
    for (const bad of ['', ' ', 'a b', 'x'.repeat(129), 'alice/u1', 'ünï', 'u1,u2']) {
      const res = await as(appKey, bad)
        .post('/api/v1/memories')
        .send({ content: `planted by ${JSON.stringify(bad)}`, type: 'note' });
      expect([res.status, res.type]).toEqual([400, 'application/problem+json']);
      expect((res.body as Problem).detail).toContain('1 to 128 characters');
    }
    expect(await contentsIn(as(appKey))).not.toContain('planted');
    await as(appKey, 'x'.repeat(128)).get('/api/v1/memories').expect(200);
    await as(appKey, 'a.b_c@d:e-F9').get('/api/v1/memories').expect(200);
  });

  it('refuses the header with 403 naming the scope to a key without subjects', async () => {
    const res = await as(plainKey, 'u1')
      .post('/api/v1/memories')
      .send({ content: 'written without the scope', type: 'note' });
    expect(res.status).toBe(403);
    expect((res.body as Problem).detail).toContain('subjects');
    expect((await as(plainKey, 'u1').get(`/api/v1/memories/${secret.id}`)).status).toBe(403);
    // Without the header the same key works on its owner's own memories.
    expect(await contentsIn(as(plainKey))).toContain('shop keys');
    expect(await contentsIn(as(appKey, 'u1'))).not.toContain('written without the scope');
  });

  it('shows a subject its own memories, session and history', async () => {
    const u1 = as(appKey, 'u1');
    const seen = await contentsIn(u1);
    expect(seen).toContain('spare key under the blue pot');
    expect(seen).not.toContain('shop keys');
    await u1.get(`/api/v1/memories/${secret.id}`).expect(200);
    await u1.get(`/api/v1/memories/${secret.id}/history`).expect(200);
    await u1.get(`/api/v1/sessions/${secretSession}`).expect(200);
    const sessions = (await u1.get('/api/v1/sessions').expect(200)).body.items as Array<{
      id: string;
    }>;
    expect(sessions.map((s) => s.id)).toEqual([secretSession]);
  });

  const attacks: Array<[string, (who: As) => Promise<{ status: number }>]> = [
    ['get', (w) => w.get(`/api/v1/memories/${secret.id}`)],
    ['history', (w) => w.get(`/api/v1/memories/${secret.id}/history`)],
    ['patch', (w) => w.patch(`/api/v1/memories/${secret.id}`).send({ content: 'changed' })],
    ['seed put', (w) => w.put(`/api/memories/${secret.id}`).send({ content: 'changed' })],
    ['delete', (w) => w.delete(`/api/v1/memories/${secret.id}`)],
    ['seed delete', (w) => w.delete(`/api/memories/${secret.id}`)],
    ['get session', (w) => w.get(`/api/v1/sessions/${secretSession}`)],
    ['session context', (w) => w.get(`/api/v1/sessions/${secretSession}/context`)],
    [
      'append to session',
      (w) =>
        w
          .post(`/api/v1/sessions/${secretSession}/context`)
          .send({ items: [{ role: 'user', content: 'x' }] }),
    ],
    [
      'store into session',
      (w) =>
        w
          .post('/api/v1/memories')
          .send({ content: 'into her session', type: 'note', sessionId: secretSession }),
    ],
    ['delete session', (w) => w.delete(`/api/v1/sessions/${secretSession}`)],
  ];
  const others: Array<[string, () => As]> = [
    ['another subject', () => as(appKey, 'u2')],
    ["the owner's header-less requests", () => as(appKey)],
    ["another account's subject with the same id", () => as(bobKey, 'u1')],
  ];

  it.each(others.map(([name]) => name))(
    'answers 404 to %s on every route, and shows nothing of the subject',
    async (name) => {
      const who = others.find(([n]) => n === name)![1]();
      for (const [route, attack] of attacks) {
        expect([route, (await attack(who)).status]).toEqual([route, 404]);
      }
      expect(await contentsIn(who)).not.toContain('blue pot');
      const sessions = (await who.get('/api/v1/sessions').expect(200)).body.items as Array<{
        id: string;
      }>;
      expect(sessions.map((s) => s.id)).not.toContain(secretSession);
      // Same content for another space is a new memory, not "already there".
      const twin = (
        await who
          .post('/api/v1/memories')
          .send({ content: 'Uma keeps her spare key under the blue pot', type: 'secret' })
          .expect(201)
      ).body as Memory;
      expect(twin.id).not.toBe(secret.id);
      await who.delete(`/api/v1/memories/${twin.id}`).expect(204);
    },
  );

  it("left the subject's memory and session as they were", async () => {
    const u1 = as(appKey, 'u1');
    const memory = (await u1.get(`/api/v1/memories/${secret.id}`).expect(200)).body as Memory & {
      createdAt: string;
      updatedAt: string;
    };
    expect(memory.content).toBe('Uma keeps her spare key under the blue pot');
    expect(memory.updatedAt).toBe(memory.createdAt);
    expect((await u1.get(`/api/v1/sessions/${secretSession}`).expect(200)).body.context).toEqual(
      [],
    );
  });

  it('lets a password login act for its own subjects', async () => {
    const page = await t.api.get('/api/v1/memories').set('X-Memory-Subject', 'u1').expect(200);
    expect(page.body.items.map((m: Memory) => m.id)).toEqual([secret.id]);
  });

  it('keeps account routes on the account while a subject is named', async () => {
    const me = await as(appKey, 'u1').get('/api/v1/auth/me').expect(200);
    expect(me.body.id).toBe(t.aliceId);
  });

  it('lists the subjects with how many memories each holds, a page at a time', async () => {
    const u3 = as(appKey, 'u3');
    for (const content of ['one', 'two', 'three']) {
      await u3.post('/api/v1/memories').send({ content, type: 'note' }).expect(201);
    }
    type Page = {
      items: Array<{ id: string; memories: number; lastActivityAt: string }>;
      nextCursor: string | null;
    };
    const seen: Page['items'] = [];
    let cursor: string | undefined;
    do {
      const page = (
        await as(appKey)
          .get('/api/v1/subjects')
          .query({ limit: 2, ...(cursor ? { cursor } : {}) })
          .expect(200)
      ).body as Page;
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const byId = new Map(seen.map((s) => [s.id, s]));
    expect(byId.get('u1')?.memories).toBe(1);
    expect(byId.get('u3')?.memories).toBe(3);
    expect(byId.get('u2')?.memories).toBe(0);
    expect(Date.parse(byId.get('u3')!.lastActivityAt)).toBeGreaterThan(Date.now() - 60_000);
    // Bob's subject u1 is his, not alice's: his list holds u1 alone, without her memory.
    const bobs = (await as(bobKey).get('/api/v1/subjects').expect(200)).body as Page;
    expect(bobs.items.map((s) => [s.id, s.memories])).toEqual([['u1', 0]]);
    // The listing needs the scope.
    expect((await as(plainKey).get('/api/v1/subjects')).status).toBe(403);
  });

  it('acts for a subject on MCP with the same header, and refuses it without the scope', async () => {
    const connect = async (key: string, subject: string) => {
      const client = new Client({ name: 'subjects-e2e', version: '1.0.0' });
      const headers = { Authorization: `Bearer ${key}`, 'X-Memory-Subject': subject };
      await client.connect(
        new StreamableHTTPClientTransport(new URL(`${t.url}/mcp`), { requestInit: { headers } }),
      );
      return client;
    };
    const mcp = await connect(appKey, 'mcp-user');
    try {
      const remembered = (await mcp.callTool({
        name: 'remember',
        arguments: { content: 'Mia takes her tea without sugar', type: 'preference' },
      })) as { isError?: boolean };
      expect(remembered.isError).toBeFalsy();
      const recalled = (await mcp.callTool({
        name: 'recall',
        arguments: { query: 'spare key blue pot' },
      })) as { structuredContent: unknown };
      expect(JSON.stringify(recalled.structuredContent)).not.toContain('blue pot');
    } finally {
      await mcp.close();
    }
    expect(await contentsIn(as(appKey, 'mcp-user'))).toContain('without sugar');
    expect(await contentsIn(as(appKey))).not.toContain('without sugar');
    await expect(connect(plainKey, 'mcp-user')).rejects.toThrow(/403|subjects/);
  });

  it("takes the chat proxy's user field (or the header) as the subject", async () => {
    const systemOf = async (key: string, body: object, subject?: string) => {
      const before = chat.requests.length;
      const req = t.http.post('/v1/chat/completions').set('Authorization', `Bearer ${key}`);
      if (subject) req.set('X-Memory-Subject', subject);
      await req
        .send({
          model: chat.model,
          messages: [{ role: 'user', content: 'Where is the spare key? Where are the shop keys?' }],
          ...body,
        })
        .expect(200);
      const relayed = chat.requests.slice(before).find((r) => r.path === '/v1/chat/completions')!
        .body as {
        messages: Array<{ role: string; content: string }>;
      };
      return relayed.messages
        .filter((m) => m.role === 'system')
        .map((m) => m.content)
        .join('\n');
    };
    const forU1 = await systemOf(appKey, { user: 'u1' });
    expect(forU1).toContain('blue pot');
    expect(forU1).not.toContain('shop keys');
    const byHeader = await systemOf(appKey, {}, 'u1');
    expect(byHeader).toContain('blue pot');
    const forU2 = await systemOf(appKey, { user: 'u2-nobody' });
    expect(forU2).not.toContain('blue pot');
    expect(forU2).not.toContain('shop keys');
    // A key without the scope passes `user` on as OpenAI clients mean it: the owner's memories.
    const plain = await systemOf(plainKey, { user: 'u1' });
    expect(plain).toContain('shop keys');
    expect(plain).not.toContain('blue pot');
    const bad = await t.http
      .post('/v1/chat/completions')
      .set('Authorization', `Bearer ${appKey}`)
      .send({ model: chat.model, messages: [{ role: 'user', content: 'hi' }], user: 'a b' });
    expect(bad.status).toBe(400);
  });

  it("gives insights over the subject's memories only, and 404 for another's by id", async () => {
    const promptOf = async (who: As, body: object) => {
      const before = chat.requests.length;
      await who.post('/api/v1/memories/insights').send(body).expect(200);
      return JSON.stringify(
        chat.requests.slice(before).find((r) => r.path === '/v1/chat/completions')!.body,
      );
    };
    const forU1 = await promptOf(as(appKey, 'u1'), { query: 'where are the keys' });
    expect(forU1).toContain('blue pot');
    expect(forU1).not.toContain('shop keys');
    const forOwner = await promptOf(as(appKey), { query: 'where are the keys' });
    expect(forOwner).toContain('shop keys');
    expect(forOwner).not.toContain('blue pot');
    const named = await as(appKey, 'u2')
      .post('/api/v1/memories/insights')
      .send({ memoryIds: [secret.id] });
    expect(named.status).toBe(404);
  });

  it('erases a subject whole with DELETE /subjects/{id}, and nothing else', async () => {
    const gone = as(appKey, 'gone');
    const memory = (
      await gone
        .post('/api/v1/memories')
        .send({ content: 'Gina hides the spare key in the shed', type: 'secret' })
        .expect(201)
    ).body as Memory;
    const session = (await gone.post('/api/v1/sessions').send({}).expect(201)).body.id as string;
    await gone
      .patch(`/api/v1/memories/${memory.id}`)
      .send({ content: 'Gina moved it' })
      .expect(200);
    await as(appKey).delete('/api/v1/subjects/gone').expect(204);

    const listed = (await as(appKey).get('/api/v1/subjects').query({ limit: 100 }).expect(200)).body
      .items as Array<{ id: string; memories: number }>;
    expect(listed.map((s) => s.id)).not.toContain('gone');
    // Its vectors went with it, and the others stayed.
    expect(await storedIdsOf(`${t.aliceId}/gone`)).toEqual([]);
    expect(await storedIdsOf(`${t.aliceId}/u1`)).toContain(secret.id);
    // Reads for it again find nothing (and register it anew, empty).
    await gone.get(`/api/v1/memories/${memory.id}`).expect(404);
    await gone.get(`/api/v1/memories/${memory.id}/history`).expect(404);
    await gone.get(`/api/v1/sessions/${session}`).expect(404);
    expect(await contentsIn(gone)).not.toContain('Gina');
    await as(appKey, 'u1').get(`/api/v1/memories/${secret.id}`).expect(200);

    await as(appKey).delete('/api/v1/subjects/never-seen').expect(404);
    expect((await as(appKey).delete('/api/v1/subjects/a%20b')).status).toBe(400);
    expect((await as(plainKey).delete('/api/v1/subjects/u1')).status).toBe(403);
  });

  it("erases an account's subjects with the account", async () => {
    const carol = await t.signUp('carol');
    const carolKey = (
      await carol.agent
        .post('/api/v1/auth/api-keys')
        .send({ name: 'app', scopes: ['memories:write', 'subjects'] })
        .expect(201)
    ).body.key as string;
    await as(carolKey, 'c1')
      .post('/api/v1/memories')
      .send({ content: 'Cleo likes jazz', type: 'note' })
      .expect(201);
    expect(await storedIdsOf(`${carol.id}/c1`)).toHaveLength(1);
    const homes = () =>
      collectionNames(t.chroma!.url, t.chroma!.database).then((names) =>
        names.filter((name) =>
          subjectHomeHashesOf(carol.id).some((home) => name.startsWith(`mem-${home}-`)),
        ),
      );
    expect(await homes()).toHaveLength(1);
    await t.admin.delete(`/api/v1/admin/users/${carol.id}`).expect(204);
    expect(await storedIdsOf(`${carol.id}/c1`)).toEqual([]);
    // The homes her subjects shared went with her.
    expect(await homes()).toEqual([]);
  });

  it('holds each subject to SUBJECT_MAX_MEMORIES, and the owner to its own limit only', async () => {
    const items = (n: number, who: string) =>
      Array.from({ length: n }, (_, i) => ({ content: `${who} item ${i}`, type: 'note' }));
    const full = as(appKey, 'full');
    await full
      .post('/api/v1/memories/batch')
      .send({ items: items(5, 'full') })
      .expect(200);
    const refused = await full
      .post('/api/v1/memories')
      .send({ content: 'one too many', type: 'note' });
    expect(refused.status).toBe(409);
    expect((refused.body as Problem).detail).toContain('SUBJECT_MAX_MEMORIES (5)');
    const listed = (await as(appKey).get('/api/v1/subjects').query({ limit: 100 }).expect(200)).body
      .items as Array<{ id: string; memories: number }>;
    expect(listed.find((s) => s.id === 'full')?.memories).toBe(5);
    // Another subject, and the owner's own memories, are not counted against it.
    await as(appKey, 'roomy')
      .post('/api/v1/memories')
      .send({ content: 'fits', type: 'note' })
      .expect(201);
    await as(appKey)
      .post('/api/v1/memories/batch')
      .send({ items: items(6, 'owner') })
      .expect(200);
  });

  it("expires a subject's memory in the subject's own space", async () => {
    const brief = as(appKey, 'brief');
    const memory = (
      await brief
        .post('/api/v1/memories')
        .send({ content: 'The gate code this week is 4711', type: 'fact', ttl: 1 })
        .expect(201)
    ).body as Memory;
    const deadline = Date.now() + 30_000;
    let history: Array<{ event: string }> = [];
    while (history.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      history = (await brief.get(`/api/v1/memories/${memory.id}/history`)).body.items ?? [];
    }
    expect(history.map((v) => v.event)).toEqual(['expired']);
    await as(appKey).get(`/api/v1/memories/${memory.id}/history`).expect(404);
  });

  function storedIdsOf(space: string): Promise<string[]> {
    return storedIdsIn(t.chroma!.url, t.chroma!.database, space);
  }
});

/** Backups, restores, re-embedding and admin transfers treat each subject as they treat a user. */
describe('subjects through re-embedding, admin transfers, backups and restores', () => {
  const V1 = { LOCAL_EMBEDDING_MODEL: 'local-hashed-ngrams-v1', LOCAL_EMBEDDING_DIMENSIONS: '384' };
  const dataDir = mkdtempSync(join(tmpdir(), 'ms-subjects-'));
  const backupDir = mkdtempSync(join(tmpdir(), 'ms-subjects-backups-'));
  let t: TestApp;
  let key: string;

  const as = (subject?: string) =>
    actingFor(
      () => t,
      () => key,
      subject,
    );
  const contents = async (subject?: string) =>
    (
      (await as(subject).get('/api/v1/memories').query({ limit: 100 }).expect(200)).body
        .items as Array<{ content: string; embeddingModel: string }>
    )
      .map((m) => m.content)
      .sort();
  const OWNER = ['Owner note'];
  const S1 = ['Sam likes sailing', 'Sam owns a red boat'];
  const S2 = ['Sue hikes on Sundays'];

  beforeAll(async () => {
    // Written by an older embedding model, so that a re-embedding has every space to move.
    const old = await createTestApp({ DATA_DIR: dataDir, ...V1 });
    key = (
      await old.api
        .post('/api/v1/auth/api-keys')
        .send({ name: 'app', scopes: ['memories:read', 'memories:write', 'subjects'] })
        .expect(201)
    ).body.key as string;
    const write = (subject: string | undefined, content: string) => {
      const req = old.http.post('/api/v1/memories').set('X-API-Key', key);
      if (subject) req.set('X-Memory-Subject', subject);
      return req.send({ content, type: 'note' }).expect(201);
    };
    for (const content of OWNER) await write(undefined, content);
    for (const content of S1) await write('s1', content);
    for (const content of S2) await write('s2', content);
    const chroma = old.chroma!;
    await old.close();
    t = await createTestApp({
      DATA_DIR: dataDir,
      CHROMA_URL: chroma.url,
      CHROMA_DATABASE: chroma.database,
      BACKUP_DIR: backupDir,
    });
    // Two starts of the service on a shared machine.
  }, 240_000);
  afterAll(() => t?.close());

  it('re-embeds every subject into the new model, each still apart, counted as subjects', async () => {
    // What waits is told apart: alice's own memories, and her two subjects'.
    await t.server.waitForOutput(
      /4 memories of 1 users and 2 subjects are in another embedding space/,
    );
    expect((await t.http.get('/health').expect(200)).body.info.embeddingSpaces).toMatchObject({
      waitingUsers: 1,
      waitingSubjects: 2,
      waitingMemories: 4,
    });
    await t.admin.post('/api/v1/admin/reembed').expect(202);
    const deadline = Date.now() + 60_000;
    type Progress = { done: number; total: number };
    let status: { state: string; users: Progress; subjects: Progress };
    do {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = (await t.admin.get('/api/v1/admin/reembed').expect(200)).body;
      // idle until the background run writes its first status
    } while (['idle', 'running'].includes(status.state) && Date.now() < deadline);
    expect(status.state).toBe('done');
    // alice (the admin, who holds nothing, is not counted), and her two subjects
    expect(status.users).toEqual({ done: 1, total: 1 });
    expect(status.subjects).toEqual({ done: 2, total: 2 });
    expect(await contents()).toEqual(OWNER);
    expect(await contents('s1')).toEqual(S1);
    expect(await contents('s2')).toEqual(S2);
    const models = (await as('s1').get('/api/v1/memories').expect(200)).body.items.map(
      (m: { embeddingModel: string }) => m.embeddingModel,
    );
    expect(new Set(models)).toEqual(new Set(['local-semantic-v3']));
  }, 120_000);

  it("lets an admin export and import one subject's memories with ?subject=", async () => {
    const users = (await t.admin.get('/api/v1/admin/users').expect(200)).body.items as Array<{
      id: string;
      username: string;
    }>;
    const aliceId = users.find((u) => u.username === 'alice')!.id;
    const exported = (
      await t.admin
        .get(`/api/v1/admin/users/${aliceId}/memories/export`)
        .query({ subject: 's1' })
        .expect(200)
    ).text;
    expect(exported).toContain('Sam likes sailing');
    expect(exported).not.toContain('Owner note');
    expect(exported).not.toContain('Sue');
    const report = await t.admin
      .post(`/api/v1/admin/users/${aliceId}/memories/import`)
      .query({ subject: 's3' })
      .set('Content-Type', 'application/x-ndjson')
      .send(exported)
      .expect(200);
    expect(report.body.created).toBe(2);
    expect(await contents('s3')).toEqual(S1);
    expect(await contents()).toEqual(OWNER);
    const listed = (await as().get('/api/v1/subjects').expect(200)).body.items as Array<{
      id: string;
      memories: number;
    }>;
    expect(listed.map((s) => [s.id, s.memories])).toEqual([
      ['s1', 2],
      ['s2', 1],
      ['s3', 2],
    ]);
    const bad = await t.admin
      .get(`/api/v1/admin/users/${aliceId}/memories/export`)
      .query({ subject: 'a b' });
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toContain('1 to 128 characters');
  });

  it('takes a backup after an erasure that holds nothing of the subject, and restores subjects apart', async () => {
    const before = (await t.admin.post('/api/v1/admin/backups').expect(201)).body;
    await as().delete('/api/v1/subjects/s2').expect(204);
    const after = (await t.admin.post('/api/v1/admin/backups').expect(201)).body;
    const users = (await t.admin.get('/api/v1/admin/users').expect(200)).body.items as Array<{
      id: string;
      username: string;
    }>;
    const s2 = userHashOf(`${users.find((u) => u.username === 'alice')!.id}/s2`);
    // The archives' records tagged as s2's (its home is shared with other subjects').
    const recordsOfS2 = (backup: { name: string }) => {
      const dir = mkdtempSync(join(tmpdir(), 'ms-subjects-archive-'));
      extractTar({ file: join(backupDir, `${backup.name}.tar`), cwd: dir, sync: true });
      return gunzipSync(readFileSync(join(dir, 'chroma.ndjson.gz')))
        .toString()
        .trim()
        .split('\n')
        .map(
          (line) => JSON.parse(line) as { document?: string; metadata?: Record<string, unknown> },
        )
        .filter((record) => record.metadata?.[SPACE_TAG] === s2)
        .map((record) => record.document);
    };
    expect(recordsOfS2(before)).toEqual(S2);
    expect(recordsOfS2(after)).toEqual([]);

    // The backup from before the erasure brings the subject back, still apart from the others.
    await t.admin
      .post(`/api/v1/admin/backups/${before.name}/restore`)
      .send({ mode: 'replace' })
      .expect(200);
    expect(await contents('s2')).toEqual(S2);
    expect(await contents('s1')).toEqual(S1);
    expect(await contents()).toEqual(OWNER);
    // The one from after it holds nothing of it.
    await t.admin
      .post(`/api/v1/admin/backups/${after.name}/restore`)
      .send({ mode: 'replace' })
      .expect(200);
    expect(await contents('s2')).toEqual([]);
    expect(await contents('s1')).toEqual(S1);
    expect(await contents()).toEqual(OWNER);
  });
});
