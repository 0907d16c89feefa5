import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ChromaClient, type Collection } from 'chromadb';
import { BackendMisconfigured, BackendUnavailable } from '@memory-system/core';
import { ChromaRecordsClient, mapChromaError } from '@memory-system/vector';
import { createChromaDatabase, sharedChromaUrl } from './support/chroma.js';
import { chromaProxy } from './support/chroma-proxy.js';

/**
 * The service's lean client for Chroma's record calls against a real Chroma, beside the chromadb
 * client it stands in for: the same answers, and the same errors for the same faults.
 */
describe('ChromaRecordsClient against a real Chroma', () => {
  const url = sharedChromaUrl();
  let database: string;
  let chromadb: ChromaClient;
  let collection: Collection;
  let records: ChromaRecordsClient;
  const vector = (seed: number) => Array.from({ length: 8 }, (_, i) => Math.sin(seed * 7 + i));

  const clientAt = (at: string, extra: Partial<{ headers: Record<string, string> }> = {}) =>
    new ChromaRecordsClient({
      url: at,
      headers: extra.headers ?? {},
      tenant: 'default_tenant',
      database,
      timeoutMs: 5000,
    });
  const chromadbAt = (at: string) => {
    const { hostname, port } = new URL(at);
    return new ChromaClient({ host: hostname, port: Number(port), ssl: false, database });
  };
  /** What a call threw, to compare the two clients' failures. */
  const failureOf = async (call: () => Promise<unknown>): Promise<Error> => {
    try {
      await call();
    } catch (error) {
      return error as Error;
    }
    throw new Error('the call did not fail');
  };

  beforeAll(async () => {
    database = await createChromaDatabase(url);
    chromadb = chromadbAt(url);
    collection = await chromadb.createCollection({
      name: 'records',
      embeddingFunction: null,
      configuration: { hnsw: { space: 'cosine' } },
    });
    records = clientAt(url);
  });

  afterAll(async () => {
    await records.close();
  });

  it('writes records chromadb reads back, and answers queries and gets as chromadb does', async () => {
    const ids = ['a', 'b', 'c', 'd'];
    await records.add(collection.id, {
      ids,
      embeddings: ids.map((_, i) => vector(i)),
      documents: ids.map((id) => `document ${id}`),
      metadatas: ids.map((id, i) => ({ letter: id, rank: i, even: i % 2 === 0 })),
    });
    await records.upsert(collection.id, {
      ids: ['d'],
      embeddings: [vector(9)],
      documents: ['document d, changed'],
      metadatas: [{ letter: 'd', rank: 30, even: false }],
    });

    const theirs = await collection.get({ ids, include: ['documents', 'metadatas'] });
    expect(theirs.documents).toEqual([
      'document a',
      'document b',
      'document c',
      'document d, changed',
    ]);
    expect(theirs.metadatas[3]).toEqual({ letter: 'd', rank: 30, even: false });

    const mine = await records.get(collection.id, {
      ids,
      include: ['documents', 'metadatas', 'embeddings'],
    });
    expect(mine.ids).toEqual(theirs.ids);
    expect(mine.documents).toEqual(theirs.documents);
    expect(mine.metadatas).toEqual(theirs.metadatas);
    expect(mine.embeddings![1]![0]).toBeCloseTo(vector(1)[0]!, 5);

    const filtered = await records.get(collection.id, {
      where: { even: true },
      include: ['documents'],
    });
    expect(filtered.ids.sort()).toEqual(['a', 'c']);

    const query = vector(2).map((x) => x + 0.01);
    const nearest = await records.query(collection.id, {
      query_embeddings: [query],
      n_results: 3,
      include: ['distances'],
    });
    const expected = await collection.query({
      queryEmbeddings: [query],
      nResults: 3,
      include: ['distances'],
    });
    expect(nearest.ids[0]).toEqual(expected.ids[0]);
    expect(nearest.ids[0]![0]).toBe('c');
    expect(nearest.distances![0]).toEqual(expected.distances[0]);
    expect(nearest.documents ?? undefined).toBeUndefined();

    await records.delete(collection.id, ['a', 'b']);
    expect((await collection.get({ include: [] })).ids.sort()).toEqual(['c', 'd']);
  });

  it('fails as chromadb fails for a vector of the wrong dimension, and the service says why', async () => {
    const mine = await failureOf(() =>
      records.add(collection.id, {
        ids: ['x'],
        embeddings: [[1, 2, 3]],
        documents: ['x'],
        metadatas: [{ k: 1 }],
      }),
    );
    const theirs = await failureOf(() =>
      collection.add({
        ids: ['x'],
        embeddings: [[1, 2, 3]],
        documents: ['x'],
        metadatas: [{ k: 1 }],
      }),
    );
    expect(mine.name).toBe(theirs.name);
    const mapped = mapChromaError(mine);
    expect(mapped).toBeInstanceOf(BackendMisconfigured);
    expect((mapped as Error).message).toContain('3 dimensions but the collection holds 8');
  });

  it('fails as chromadb fails for a collection that is gone', async () => {
    const doomed = await chromadb.createCollection({ name: 'doomed', embeddingFunction: null });
    await chromadb.deleteCollection({ name: 'doomed' });
    const mine = await failureOf(() =>
      records.query(doomed.id, {
        query_embeddings: [vector(1)],
        n_results: 1,
        include: ['distances'],
      }),
    );
    const theirs = await failureOf(() =>
      doomed.query({ queryEmbeddings: [vector(1)], nResults: 1 }),
    );
    expect(mine.name).toBe(theirs.name);
    expect(mine.name).toBe('ChromaNotFoundError'); // the store reopens the collection on this one
  });

  it('says not found for a collection that is gone, opened or dropped again', async () => {
    // ChromaVectorStore relies on it: hasCollection answers false, a second drop is no error.
    await chromadb.createCollection({ name: 'dropped-twice', embeddingFunction: null });
    await chromadb.deleteCollection({ name: 'dropped-twice' });
    const opened = await failureOf(() => chromadb.getCollection({ name: 'dropped-twice' }));
    const dropped = await failureOf(() => chromadb.deleteCollection({ name: 'dropped-twice' }));
    expect([opened.name, dropped.name]).toEqual(['ChromaNotFoundError', 'ChromaNotFoundError']);
  });

  it('asks once more when a read met a record being deleted, and fails on a second such answer', async () => {
    // Chroma's own words when a get or query races a delete of one of its records.
    const raced = 'Error executing plan: Internal error: Error finding id';
    let failuresLeft = 1;
    let reads = 0;
    const proxy = await chromaProxy(url, {
      fail: (req) => {
        if (!/\/(get|query)$/.test(req.url!)) return false;
        reads++;
        return failuresLeft-- > 0 ? raced : false;
      },
    });
    const racing = clientAt(proxy.url);
    try {
      const got = await racing.get(collection.id, { ids: ['c'], include: ['documents'] });
      expect(got.ids).toEqual(['c']);
      expect(reads).toBe(2);
      failuresLeft = 2;
      reads = 0;
      const query = {
        query_embeddings: [vector(3)],
        n_results: 1,
        include: ['distances' as const],
      };
      const twice = await failureOf(() => racing.query(collection.id, query));
      expect(twice.message).toContain('Error finding id');
      expect(mapChromaError(twice)).toBeInstanceOf(BackendUnavailable);
      expect(reads).toBe(2);
    } finally {
      await racing.close();
      await proxy.close();
    }
  });

  it('fails as chromadb fails when Chroma answers with a server error', async () => {
    const proxy = await chromaProxy(url, { fail: () => true });
    const failing = clientAt(proxy.url);
    try {
      const mine = await failureOf(() => failing.get(collection.id, { ids: ['c'], include: [] }));
      // chromadb meets the same 500 on its own first call through the proxy.
      const theirs = await failureOf(() =>
        chromadbAt(proxy.url).getCollection({ name: 'records' }),
      );
      expect(mine.name).toBe(theirs.name);
      expect(mine.message).toContain('injected by the test');
      expect(mapChromaError(mine)).toBeInstanceOf(BackendUnavailable);
      expect(mapChromaError(theirs)).toBeInstanceOf(BackendUnavailable); // chromadb's own, by class
    } finally {
      await failing.close();
      await proxy.close();
    }
  });

  it('fails as chromadb fails when nothing listens, and refused credentials are a misconfiguration', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const nowhere = clientAt(`http://127.0.0.1:${port}`);
    const mine = await failureOf(() => nowhere.get(collection.id, { ids: ['c'], include: [] }));
    const theirs = await failureOf(() => chromadbAt(`http://127.0.0.1:${port}`).heartbeat());
    expect(mine.name).toBe(theirs.name);
    expect(mapChromaError(mine)).toBeInstanceOf(BackendUnavailable);
    expect(mapChromaError(theirs)).toBeInstanceOf(BackendUnavailable); // chromadb's own, by class
    await nowhere.close();

    // A server that refuses the token, as an authenticated Chroma does, and answers the right
    // one with a page that is not JSON, as a proxy in front of it might.
    const guard: Server = createServer((req, res) => {
      req.resume();
      if (req.headers['x-chroma-token'] === 'right' && req.url!.endsWith('/query')) {
        res.writeHead(200, { 'Content-Type': 'text/html' });
        res.end('<html><body>Welcome to nginx!</body></html>');
        return;
      }
      res.writeHead(req.headers['x-chroma-token'] === 'right' ? 200 : 401, {
        'Content-Type': 'application/json',
      });
      res.end(JSON.stringify({ ids: [] }));
    });
    await new Promise<void>((resolve) => guard.listen(0, '127.0.0.1', resolve));
    const guarded = `http://127.0.0.1:${(guard.address() as AddressInfo).port}`;
    const wrong = clientAt(guarded, { headers: { 'x-chroma-token': 'wrong' } });
    const right = clientAt(guarded, { headers: { 'x-chroma-token': 'right' } });
    try {
      expect(
        mapChromaError(await failureOf(() => wrong.get('any', { ids: [], include: [] }))),
      ).toBeInstanceOf(BackendMisconfigured);
      await expect(right.get('any', { ids: [], include: [] })).resolves.toEqual({ ids: [] });
      const page = await failureOf(() =>
        right.query('any', { query_embeddings: [[1]], n_results: 1, include: ['distances'] }),
      );
      expect(page.message).toContain('not JSON: <html>');
      expect(mapChromaError(page)).toBeInstanceOf(BackendUnavailable);
    } finally {
      await wrong.close();
      await right.close();
      await new Promise((resolve) => guard.close(resolve));
    }
  });
});
