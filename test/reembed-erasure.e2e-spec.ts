import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { userHashOf, userHashOfCollection } from '@memory-system/vector';
import { collectionNames, storedIdsOf } from './support/chroma.js';
import { FakeVllmServer } from './support/fake-vllm.server.js';
import { createTestApp, type TestApp, USER_PASSWORD } from './support/test-app.js';

/** Over two pages of the re-embedding's copy (500 records a page). */
const BIG = 1200;
const V1 = { LOCAL_EMBEDDING_MODEL: 'local-hashed-ngrams-v1', LOCAL_EMBEDDING_DIMENSIONS: '384' };

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 20) {
    if (waited > 60_000) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** Rows of the state store under `namespaces` whose id mentions `needle`. */
function stateRows(file: string, namespaces: string[], needle: string): unknown[] {
  const db = new Database(file, { readonly: true });
  try {
    return db
      .prepare(
        `SELECT namespace, id FROM state WHERE namespace IN (${namespaces.map(() => '?').join(',')}) AND instr(id, ?) > 0`,
      )
      .all(...namespaces, needle);
  } finally {
    db.close();
  }
}

/** Whose memories the run copies when they are erased: an account's own, or a subject's. */
const CASES = [
  {
    kind: 'a user',
    headers: {},
    erase: (t: TestApp, big: { id: string }) =>
      t.admin.delete(`/api/v1/admin/users/${big.id}`).expect(204),
    moved: { users: { done: 1, total: 2 }, subjects: { done: 0, total: 0 } },
    // Their own collections are skipped, and whatever the run wrote after the erasure dropped.
    erased: 1,
  },
  {
    kind: 'a subject',
    headers: { 'X-Memory-Subject': 'big-subject' },
    erase: async (t: TestApp) =>
      t
        .agentFor((await t.login('big', USER_PASSWORD)).accessToken)
        .delete('/api/v1/subjects/big-subject')
        .expect(204),
    // The home the subject shared is moved on (its neighbours'), pruned of what the run wrote
    // after the erasure.
    moved: { users: { done: 1, total: 1 }, subjects: { done: 1, total: 1 } },
    erased: 0,
  },
];

describe.each(CASES)('$kind deleted while a re-embedding copies them (issue 27)', (c) => {
  let t: TestApp;
  let vllm: FakeVllmServer;
  const dataDir = mkdtempSync(join(tmpdir(), 'ms-reembed-erasure-'));

  afterAll(async () => {
    await t?.close();
    await vllm?.stop();
  });

  it('leaves nothing of theirs anywhere, and finishes the run for everyone else', async () => {
    // Written while the first local model was configured.
    const old = await createTestApp({ DATA_DIR: dataDir, ...V1 });
    const chroma = old.chroma!;
    const big = await old.signUp('big');
    for (let start = 0; start < BIG; start += 400) {
      await big.agent
        .post('/api/v1/memories/batch')
        .set(c.headers)
        .send({
          items: Array.from({ length: 400 }, (_, i) => ({
            content: `Big note ${start + i} about tide tables`,
            type: 'note',
          })),
        })
        .expect(200);
    }
    const other = await old.signUp('other');
    for (const content of ['Other plays the cello', 'Other grows tomatoes']) {
      await other.agent.post('/api/v1/memories').send({ content, type: 'fact' }).expect(201);
    }
    // Theirs is the one collection that is not the other user's.
    const [bigHash, ...more] = (await collectionNames(chroma.url, chroma.database))
      .map((name) => userHashOfCollection(name))
      .filter((hash): hash is string => !!hash && hash !== userHashOf(other.id));
    expect(more).toEqual([]);
    await old.close();

    // Upgraded to a remote embedding model whose every call is slow.
    vllm = await new FakeVllmServer({ runner: 'pooling' }).start();
    t = await createTestApp({
      DATA_DIR: dataDir,
      CHROMA_URL: chroma.url,
      CHROMA_DATABASE: chroma.database,
      VLLM_EMBEDDING_URL: vllm.url,
      VLLM_EMBEDDING_MODEL: vllm.model,
    });
    vllm.fail({ kind: 'slow', delayMs: 400, times: Infinity });
    const copyingBig = () =>
      vllm.requests.some(
        (r) => r.path === '/v1/embeddings' && JSON.stringify(r.body).includes('Big note'),
      );

    await t.admin.post('/api/v1/admin/reembed').expect(202);
    // The largest user goes first: delete them while their first page is being embedded.
    await until(copyingBig, 'the copy of the big user');
    await c.erase(t, big);
    vllm.clearFaults();

    let status: { state: string; [key: string]: unknown };
    for (let waited = 0; ; waited += 100) {
      status = (await t.admin.get('/api/v1/admin/reembed').expect(200)).body;
      if (status.state !== 'running' || waited > 120_000) break;
      await sleep(100);
    }
    expect(status).toMatchObject({ state: 'done', erased: c.erased, ...c.moved });

    // The other user is moved whole and found in the new space.
    const login = await t.login('other', USER_PASSWORD);
    const agent = t.agentFor(login.accessToken);
    const items = (await agent.get('/api/v1/memories').expect(200)).body.items as Array<{
      content: string;
      embeddingModel: string;
    }>;
    expect(items.map((m) => m.content).sort()).toEqual([
      'Other grows tomatoes',
      'Other plays the cello',
    ]);
    expect(new Set(items.map((m) => m.embeddingModel))).toEqual(new Set([vllm.model]));
    const found = (
      await agent
        .post('/api/v1/memories/search')
        .send({ query: 'cello', mode: 'vector', limit: 1 })
        .expect(200)
    ).body.results;
    expect(found[0].content).toBe('Other plays the cello');

    // Nothing of the deleted one: no record (the page written after the erasure went too), no
    // collection of a user, no space marker, no copy cursor.
    const space = c.kind === 'a subject' ? `${big.id}/big-subject` : big.id;
    expect(await storedIdsOf(chroma.url, chroma.database, space)).toEqual([]);
    const names = await collectionNames(chroma.url, chroma.database);
    expect(names.filter((n) => n.includes('local-hashed-ngrams-v1'))).toEqual([]);
    if (c.erased) expect(names.filter((n) => n.includes(bigHash))).toEqual([]);
    const others = names.filter((n) => n.includes(userHashOf(other.id)));
    expect(others).toHaveLength(1);
    expect(others[0]).not.toContain('local-hashed-ngrams-v1');
    expect(
      stateRows(join(dataDir, 'state.db'), ['embedding-space', 'reembed-cursor'], bigHash),
    ).toEqual([]);
    if (c.erased) await t.server.waitForOutput(/was erased while being re-embedded: skipped/);
  });
});
