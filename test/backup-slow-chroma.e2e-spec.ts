import type { IncomingMessage } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectionNames, createChromaDatabase, sharedChromaUrl } from './support/chroma.js';
import { chromaProxy } from './support/chroma-proxy.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { waitFor } from './support/write-load.js';

/**
 * Chroma takes minutes to delete a collection of a million memories, far past the deadline of a
 * request's call. Building one here would take half an hour, so a loopback proxy in front of the
 * real Chroma holds back only collection deletes; everything else passes straight.
 */
const isCollectionDelete = (req: IncomingMessage) =>
  req.method === 'DELETE' && /\/collections\/[^/]+$/.test(req.url!);

describe('a restore against a Chroma that is slow to delete a large collection', () => {
  let proxy: Awaited<ReturnType<typeof chromaProxy>>;
  let apps: TestApp[] = [];

  async function appBehindProxy(adminTimeoutMs: string) {
    const database = await createChromaDatabase(sharedChromaUrl());
    const t = await createTestApp({
      CHROMA_URL: proxy.url,
      CHROMA_DATABASE: database,
      CHROMA_TIMEOUT_MS: '500',
      CHROMA_ADMIN_TIMEOUT_MS: adminTimeoutMs,
      BACKUP_DIR: mkdtempSync(join(tmpdir(), 'ms-backups-')),
    });
    apps.push(t);
    return { t, database };
  }

  beforeAll(async () => {
    proxy = await chromaProxy(sharedChromaUrl(), {
      delayMs: (req) => (isCollectionDelete(req) ? 1500 : 0),
    });
  });
  afterEach(async () => {
    await Promise.all(apps.map((t) => t.close()));
    apps = [];
  });
  afterAll(() => proxy.close());

  it('waits past CHROMA_TIMEOUT_MS, up to CHROMA_ADMIN_TIMEOUT_MS, and restores', async () => {
    const { t } = await appBehindProxy('20000');
    const kept = (
      await t.api
        .post('/api/v1/memories')
        .send({ content: 'Kept through a slow restore', type: 'note' })
        .expect(201)
    ).body;
    const backup = (await t.admin.post('/api/v1/admin/backups').expect(201)).body;
    await t.api.delete(`/api/v1/memories/${kept.id}`).expect(204);

    const restored = await t.admin
      .post(`/api/v1/admin/backups/${backup.name}/restore`)
      .send({ mode: 'replace' })
      .expect(200);
    expect(restored.body).toMatchObject({ mode: 'replace', records: 1 });
    const back = await t.api.get(`/api/v1/memories/${kept.id}`).expect(200);
    expect(back.body.content).toBe('Kept through a slow restore');
  });

  it('answers 503 naming the step when even CHROMA_ADMIN_TIMEOUT_MS is not enough', async () => {
    const { t, database } = await appBehindProxy('1000');
    await t.api
      .post('/api/v1/memories')
      .send({ content: 'A memory to back up', type: 'note' })
      .expect(201);
    const backup = (await t.admin.post('/api/v1/admin/backups').expect(201)).body;

    const res = await t.admin
      .post(`/api/v1/admin/backups/${backup.name}/restore`)
      .send({ mode: 'replace' });
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['retry-after']).toBeDefined();
    expect(res.body.detail).toMatch(/deleting a collection timed out after 1000 ms/);
    // The proxy still hands Chroma the deletes the restore and its roll-back gave up on, which
    // Chroma finishes on its own (waited for, not slept on: a slow machine takes longer; a delete
    // landing later would drop the collection the next restore makes). Running the restore again
    // then completes it (and the failed one released its lock: no 409).
    await waitFor(
      async () =>
        proxy.unanswered() === 0 &&
        (await collectionNames(sharedChromaUrl(), database)).length === 0,
      15_000,
    );
    const again = await t.admin
      .post(`/api/v1/admin/backups/${backup.name}/restore`)
      .send({ mode: 'replace' })
      .expect(200);
    expect(again.body).toMatchObject({ mode: 'replace', records: 1 });
    const { body } = await t.api.get('/api/v1/memories').expect(200);
    expect(body.items.map((m: { content: string }) => m.content)).toEqual(['A memory to back up']);
  });
});
