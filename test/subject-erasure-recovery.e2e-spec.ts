import type { IncomingMessage } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createChromaDatabase, sharedChromaUrl, storedIdsOf } from './support/chroma.js';
import { chromaProxy } from './support/chroma-proxy.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { waitFor } from './support/write-load.js';

/** A subject's erasure deletes its records from the home its account's subjects share. */
const isErasureDelete = (req: IncomingMessage) =>
  (req.method === 'DELETE' && /\/collections\/[^/]+$/.test(req.url!)) ||
  (req.method === 'POST' && /\/collections\/[^/]+\/delete$/.test(req.url!));

/**
 * A subject's erasure (issue 24) is never left half done: two erasures of one subject never run
 * at once (the first one's end would open the space while the second still erased it), and one
 * cut short (here Chroma failing the records' delete) keeps the subject closed to writes until it
 * is finished, which the service does by itself at its next start. A loopback proxy in front of
 * the real Chroma holds back or fails deletes only.
 */
describe('subject erasures: one at a time, and one cut short is finished', () => {
  let proxy: Awaited<ReturnType<typeof chromaProxy>>;
  let holdDropsMs = 0;
  let failDrops = false;
  let apps: TestApp[] = [];

  beforeAll(async () => {
    proxy = await chromaProxy(sharedChromaUrl(), {
      fail: (req) => failDrops && isErasureDelete(req) && 'delete failed by the test',
      delayMs: (req) => (isErasureDelete(req) ? holdDropsMs : 0),
    });
  });
  afterEach(async () => {
    await Promise.all(apps.map((t) => t.close()));
    apps = [];
    holdDropsMs = 0;
    failDrops = false;
  });
  afterAll(() => proxy.close());

  async function start(env: Record<string, string>): Promise<TestApp> {
    const t = await createTestApp({ CHROMA_URL: proxy.url, ...env });
    apps.push(t);
    return t;
  }

  async function appKey(t: TestApp): Promise<string> {
    const res = await t.api
      .post('/api/v1/auth/api-keys')
      .send({ name: 'app', scopes: ['memories:read', 'memories:write', 'subjects'] })
      .expect(201);
    return res.body.key as string;
  }

  /** Requests with the app key acting for `subject`. */
  const as = (t: TestApp, key: string, subject: string) => ({
    write: (content: string) =>
      t.http
        .post('/api/v1/memories')
        .set({ 'X-API-Key': key, 'X-Memory-Subject': subject })
        .send({ content, type: 'note' }),
    list: async () =>
      (
        await t.http
          .get('/api/v1/memories?limit=100')
          .set({ 'X-API-Key': key, 'X-Memory-Subject': subject })
          .expect(200)
      ).body.items.map((m: { content: string }) => m.content) as string[],
    erase: () => t.http.delete(`/api/v1/subjects/${subject}`).set('X-API-Key', key),
  });

  const listedSubjects = async (t: TestApp, key: string) =>
    (await t.http.get('/api/v1/subjects').set('X-API-Key', key).expect(200)).body.items.map(
      (s: { id: string }) => s.id,
    ) as string[];

  it('answers 409 to a second erasure of a subject while one runs; the first erases it, and the subject is used afresh after', async () => {
    const database = await createChromaDatabase(sharedChromaUrl());
    const t = await start({ CHROMA_DATABASE: database });
    const key = await appKey(t);
    const twice = as(t, key, 'erased-twice');
    for (const n of [1, 2, 3]) await twice.write(`Erased-twice fact number ${n}`).expect(201);

    // The first erasure's delete is held 1.5 s: the second comes while it runs.
    holdDropsMs = 1500;
    const first = twice.erase().then((res) => res); // then() sends it (supertest is lazy)
    await new Promise((resolve) => setTimeout(resolve, 300));
    const second = await twice.erase();
    expect(second.status).toBe(409);
    expect(second.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(second.body.detail).toMatch(/"erased-twice" is being erased already/);
    expect((await first).status).toBe(204);

    holdDropsMs = 0;
    expect(await twice.list()).toEqual([]);
    await twice.write('Erased-twice, a new life').expect(201);
    expect(await twice.list()).toEqual(['Erased-twice, a new life']);
    expect(await listedSubjects(t, key)).toEqual(['erased-twice']);
  });

  it('keeps a subject whose erasure Chroma cut short closed to writes (409), and finishes the erasure at the next start', async () => {
    const env = {
      CHROMA_DATABASE: await createChromaDatabase(sharedChromaUrl()),
      DATA_DIR: mkdtempSync(join(tmpdir(), 'ms-erasure-state-')),
    };
    let t = await start(env);
    const key = await appKey(t);
    for (const n of [1, 2, 3])
      await as(t, key, 'cut-short').write(`Cut-short fact ${n}`).expect(201);
    await as(t, key, 'bystander').write('The bystander keeps this').expect(201);
    const stored = (subject: string) =>
      storedIdsOf(sharedChromaUrl(), env.CHROMA_DATABASE, `${t.aliceId}/${subject}`);
    expect(await stored('cut-short')).toHaveLength(3);

    failDrops = true;
    const cut = await as(t, key, 'cut-short').erase();
    expect(cut.status).toBe(503);
    const refused = await as(t, key, 'cut-short').write('Written into a half-erased subject');
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toMatch(/was erased while this request ran/);

    await t.close();
    failDrops = false;
    t = await start(env);
    const cutShort = as(t, key, 'cut-short');
    // The service finishes it by itself, in the background once it has started.
    await waitFor(async () => !(await listedSubjects(t, key)).includes('cut-short'), 15_000);
    expect(await stored('cut-short')).toEqual([]);
    expect(await stored('bystander')).toHaveLength(1);
    expect(await cutShort.list()).toEqual([]);
    await cutShort.write('Cut-short, a new life').expect(201);
    expect(await cutShort.list()).toEqual(['Cut-short, a new life']);
    expect(await as(t, key, 'bystander').list()).toEqual(['The bystander keeps this']);
  });
});
