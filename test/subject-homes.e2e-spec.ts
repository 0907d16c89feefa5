import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChromaClient } from 'chromadb';
import { homeHashOf, SPACE_TAG, userHashOf } from '@memory-system/vector';
import { collectionNames, storedIdsOf } from './support/chroma.js';
import { actingFor, subjectsKey } from './support/subjects.js';
import { createTestApp, type TestApp } from './support/test-app.js';

type Memory = { id: string; content: string };

/**
 * An account's subjects share SUBJECT_HOMES collections per embedding space (issue 24: Chroma
 * cannot hold a collection for each of 10,000 subjects). Two subjects in one home are as apart as
 * two accounts; subjects stored by the older layout (a collection each) are moved into their homes
 * at start and after a restore.
 */
describe('subjects in shared homes', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ms-subject-homes-'));
  let t: TestApp;
  let key: string;
  let ownerId: string;
  /** Two subject ids whose spaces share one home, and one elsewhere. */
  let first: string;
  let second: string;

  const as = (subject?: string) =>
    actingFor(
      () => t,
      () => key,
      subject,
    );
  const write = async (subject: string | undefined, content: string) =>
    (await as(subject).post('/api/v1/memories').send({ content, type: 'note' }).expect(201))
      .body as Memory;
  /** The contents a vector search for the subject finds, best first. */
  const vectorSearch = async (subject: string, query: string, limit: number) =>
    (
      (
        await as(subject)
          .post('/api/v1/memories/search')
          .send({ query, mode: 'vector', limit })
          .expect(200)
      ).body.results as Memory[]
    ).map((m) => m.content);
  const contents = async (subject?: string) =>
    (
      (await as(subject).get('/api/v1/memories').query({ limit: 100 }).expect(200)).body
        .items as Memory[]
    )
      .map((m) => m.content)
      .sort();
  const chromaClient = () => {
    const { hostname, port } = new URL(t.chroma!.url);
    return new ChromaClient({
      host: hostname,
      port: Number(port),
      ssl: false,
      database: t.chroma!.database,
    });
  };

  /**
   * What an older version left: the subject's records in a collection of its own (named by its
   * own hash, untagged), not in its home.
   */
  async function toOldLayout(subject: string): Promise<string> {
    const space = `${ownerId}/${subject}`;
    const client = chromaClient();
    const homePrefix = `mem-${homeHashOf(space)}-`;
    const home = (await client.listCollections({ limit: 1000 })).find((c) =>
      c.name.startsWith(homePrefix),
    )!;
    const where = { [SPACE_TAG]: userHashOf(space) };
    const records = await home.get({ where, include: ['documents', 'metadatas', 'embeddings'] });
    const own = await client.createCollection({
      name: `mem-${userHashOf(space)}-${home.name.slice(homePrefix.length)}`,
      embeddingFunction: null,
      configuration: { hnsw: { space: 'cosine' } },
      metadata: home.metadata ?? undefined,
    });
    await own.add({
      ids: records.ids,
      documents: records.documents.map((d) => d ?? ''),
      embeddings: records.embeddings.map((e) => Array.from(e ?? [])),
      metadatas: records.metadatas.map((m) => {
        const { [SPACE_TAG]: _, ...untagged } = m ?? {};
        return untagged;
      }),
    });
    await home.delete({ where });
    return own.name;
  }

  beforeAll(async () => {
    t = await createTestApp({ DATA_DIR: dataDir });
    ownerId = t.aliceId;
    key = await subjectsKey(t.api);
    first = 'user-0';
    const home = homeHashOf(`${ownerId}/${first}`);
    for (let i = 1; !second; i++) {
      if (homeHashOf(`${ownerId}/user-${i}`) === home) second = `user-${i}`;
    }
  }, 120_000);
  afterAll(() => t?.close());

  it('keeps two subjects of one home as apart as two accounts', async () => {
    const mine = await write(first, 'Ada keeps her passport in the blue drawer');
    await write(second, 'Bea keeps her bike in the garage');
    // One home holds both.
    const homes = (await collectionNames(t.chroma!.url, t.chroma!.database)).filter((name) =>
      name.startsWith(`mem-${homeHashOf(`${ownerId}/${first}`)}-`),
    );
    expect(homes).toHaveLength(1);
    expect(await storedIdsOf(t.chroma!.url, t.chroma!.database, `${ownerId}/${first}`)).toEqual([
      mine.id,
    ]);

    // The neighbour sees none of it: reads, writes, deletes, lists, searches.
    const other = as(second);
    await other.get(`/api/v1/memories/${mine.id}`).expect(404);
    await other.patch(`/api/v1/memories/${mine.id}`).send({ content: 'taken over' }).expect(404);
    await other.delete(`/api/v1/memories/${mine.id}`).expect(404);
    await other.get(`/api/v1/memories/${mine.id}/history`).expect(404);
    expect(await contents(second)).toEqual(['Bea keeps her bike in the garage']);
    for (const mode of ['vector', 'keyword', 'hybrid']) {
      const found = (
        await other
          .post('/api/v1/memories/search')
          .send({ query: 'where is the passport kept', mode, limit: 10 })
          .expect(200)
      ).body.results as Memory[];
      expect(found.map((r) => r.content)).not.toContain(mine.content);
    }
    const exported = (await other.get('/api/v1/memories/export').expect(200)).text;
    expect(exported).not.toContain('passport');
    // And the owner's own (header-less) requests neither.
    await as().get(`/api/v1/memories/${mine.id}`).expect(404);
    expect(await contents()).toEqual([]);
    // Still there, and counted apart.
    await as(first).get(`/api/v1/memories/${mine.id}`).expect(200);
    const listed = (await as().get('/api/v1/subjects').expect(200)).body.items as Array<{
      id: string;
      memories: number;
    }>;
    expect(listed.map((s) => [s.id, s.memories])).toEqual([
      [first, 1],
      [second, 1],
    ]);
  });

  it('searches a subject with more memories than it searches in process through Chroma, still alone', async () => {
    // Past 1,000 memories a subject's vector lane is Chroma's search of its home, held to it.
    const many = 'many-notes';
    for (let start = 0; start < 1_050; start += 350) {
      await as(many)
        .post('/api/v1/memories/batch')
        .send({
          items: Array.from({ length: 350 }, (_, i) => ({
            content: `Routine log entry ${start + i} about the weather`,
            type: 'note',
          })),
        })
        .expect(200);
    }
    const needle = await write(many, 'Dora keeps her passport in the piano bench');
    for (const subject of [many, first]) {
      const found = await vectorSearch(subject, 'where is the passport kept', 3);
      // Each finds its own passport note first, and never the other's.
      expect(found[0]).toMatch(subject === many ? /Dora/ : /Ada/);
      expect(found.join()).not.toMatch(subject === many ? /Ada/ : /Dora/);
    }
    await as(first).get(`/api/v1/memories/${needle.id}`).expect(404);
  }, 120_000);

  it("erases one subject from a shared home and leaves its neighbour's memories", async () => {
    const doomed = await write(second, 'Bea hides a key under the mat');
    await as().delete(`/api/v1/subjects/${second}`).expect(204);
    const space = `${ownerId}/${second}`;
    expect(await storedIdsOf(t.chroma!.url, t.chroma!.database, space)).toEqual([]);
    await as(second).get(`/api/v1/memories/${doomed.id}`).expect(404);
    expect(await contents(first)).toEqual(['Ada keeps her passport in the blue drawer']);
  });

  it('moves subjects stored in collections of their own into their homes at start', async () => {
    await write('mover', 'Cal plays the cello on Fridays');
    await write('mover', 'Cal grew up in Lisbon');
    const chroma = t.chroma!;
    await t.close();
    const oldName = await toOldLayout('mover');

    t = await createTestApp({
      DATA_DIR: dataDir,
      CHROMA_URL: chroma.url,
      CHROMA_DATABASE: chroma.database,
    });
    expect(await contents('mover')).toEqual([
      'Cal grew up in Lisbon',
      'Cal plays the cello on Fridays',
    ]);
    expect(await vectorSearch('mover', 'which instrument does Cal play', 1)).toEqual([
      'Cal plays the cello on Fridays',
    ]);
    expect(await collectionNames(chroma.url, chroma.database)).not.toContain(oldName);
    expect(await storedIdsOf(chroma.url, chroma.database, `${ownerId}/mover`)).toHaveLength(2);
  }, 120_000);

  it('moves them after restoring an archive of the older layout', async () => {
    const oldName = await toOldLayout('mover');
    expect(await storedIdsOf(t.chroma!.url, t.chroma!.database, `${ownerId}/mover`)).toEqual([]);
    const backup = (await t.admin.post('/api/v1/admin/backups').expect(201)).body as {
      name: string;
      manifest: { collections: Array<{ name: string }> };
    };
    expect(backup.manifest.collections.map((c) => c.name)).toContain(oldName);
    await t.admin
      .post(`/api/v1/admin/backups/${backup.name}/restore`)
      .send({ mode: 'replace' })
      .expect(200);
    expect(await contents('mover')).toEqual([
      'Cal grew up in Lisbon',
      'Cal plays the cello on Fridays',
    ]);
    expect(await contents(first)).toEqual(['Ada keeps her passport in the blue drawer']);
    expect(await collectionNames(t.chroma!.url, t.chroma!.database)).not.toContain(oldName);
    expect(await storedIdsOf(t.chroma!.url, t.chroma!.database, `${ownerId}/mover`)).toHaveLength(
      2,
    );
    expect(await vectorSearch('mover', 'where did Cal grow up', 1)).toEqual([
      'Cal grew up in Lisbon',
    ]);
  });
});
