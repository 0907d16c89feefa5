// npm run bench:chroma-collections: what many small collections cost Chroma itself (no app in the
// way), for the subjects layout (issue 24). Each run starts a fresh embedded Chroma:
//   1. BENCH_COLLECTIONS (1000) collections of 10 records (384 dims, the app's HNSW settings), 4
//      created at a time, with Chroma's own index cache (65,536 collections: every index stays in
//      memory), then with BENCH_INDEX_CACHE (100) collections; for each: Chroma's RSS growth per
//      collection, the p50 of one query on each collection (most of them not in memory when
//      capped), a second round of the same queries (what an evicted collection answers), and the
//      p50 of 200 queries on one collection that stays in memory.
//   2. The other layout: one collection holding BENCH_SHARED_SUBJECTS (10,000; a comma-separated
//      list runs each) subjects of 10 records, each record tagged with its subject; RSS growth,
//      and the p50 of a query filtered to one subject against a query on a collection of its own
//      10 records. BENCH_COLLECTIONS=0 runs only this part.
// Writes bench/results/chroma-collections-*.json. It measures; it asserts nothing.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { ChromaClient } from 'chromadb';
import { percentile, startFreshChroma, unitVector } from './support.mjs';

const COLLECTIONS = Number(process.env.BENCH_COLLECTIONS ?? 1000);
const INDEX_CACHE = Number(process.env.BENCH_INDEX_CACHE ?? 100);
const SHARED_SUBJECTS = (process.env.BENCH_SHARED_SUBJECTS ?? '10000').split(',').map(Number);
const DIMENSION = Number(process.env.BENCH_DIMENSIONS ?? 384);
const PER_COLLECTION = 10;
const CONCURRENCY = 4;
const BATCH = 500;
// As the app creates its collections (libs/vector/src/chroma/hnsw-settings.ts).
const HNSW = { space: 'cosine', sync_threshold: 1000 };

const round = (x) => Math.round(x * 100) / 100;
const rssMb = (pid) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const vector = (index) => unitVector(index, DIMENSION);
const clientOf = ({ url }) => {
  const { hostname, port } = new URL(url);
  return new ChromaClient({ host: hostname, port: Number(port), ssl: false });
};

async function timed(calls, call) {
  const latencies = [];
  let failures = 0;
  let firstFailure;
  for (let i = 0; i < calls; i++) {
    const started = performance.now();
    try {
      await call(i);
      latencies.push(performance.now() - started);
    } catch (error) {
      failures++;
      firstFailure ??= String(error).slice(0, 200);
    }
  }
  latencies.sort((a, b) => a - b);
  return { p50Ms: round(percentile(latencies, 50) ?? NaN), failures, firstFailure };
}

/** Record `j` of collection (or subject) `i`, and the query that must find it first. */
const recordsOf = (i) => Array.from({ length: PER_COLLECTION }, (_, j) => i * PER_COLLECTION + j);
const probeOf = (i) => i * PER_COLLECTION + 3;

/** Many collections of their own, with Chroma's index cache or a capped one. */
async function collectionPerSubject(indexCacheCollections) {
  const chroma = await startFreshChroma(indexCacheCollections ? { indexCacheCollections } : {});
  try {
    const client = clientOf(chroma);
    const before = rssMb(chroma.child.pid);
    const collections = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let i = next++; i < COLLECTIONS; i = next++) {
          const collection = await client.createCollection({
            name: `subject-${i}`,
            embeddingFunction: null,
            configuration: { hnsw: HNSW },
          });
          const ids = recordsOf(i);
          await collection.add({
            ids: ids.map(String),
            embeddings: ids.map(vector),
            documents: ids.map((id) => `memory ${id}`),
          });
          collections[i] = collection;
        }
      }),
    );
    const found = async (i) => {
      const result = await collections[i].query({
        queryEmbeddings: [vector(probeOf(i))],
        nResults: 5,
      });
      if (result.ids[0]?.[0] !== String(probeOf(i)))
        throw new Error(`collection ${i}: wrong answer`);
    };
    const firstQueries = await timed(COLLECTIONS, found);
    const rssGrowth = rssMb(chroma.child.pid) - before;
    const secondQueries = await timed(COLLECTIONS, found);
    const oneCollection = await timed(200, () => found(COLLECTIONS - 1));
    return {
      indexCache: indexCacheCollections ?? "Chroma's default (65,536)",
      rssGrowthMb: round(rssGrowth),
      rssPerCollectionMb: round(rssGrowth / COLLECTIONS),
      firstQueries,
      secondQueries,
      oneCollectionQueryP50Ms: oneCollection.p50Ms,
    };
  } finally {
    await chroma.stop();
  }
}

/** One collection for every subject, a query filtered to one of them. */
async function sharedCollection(subjects) {
  const chroma = await startFreshChroma();
  try {
    const client = clientOf(chroma);
    const before = rssMb(chroma.child.pid);
    const shared = await client.createCollection({
      name: 'owner',
      embeddingFunction: null,
      configuration: { hnsw: HNSW },
    });
    const total = subjects * PER_COLLECTION;
    for (let first = 0; first < total; first += BATCH) {
      const ids = Array.from({ length: Math.min(BATCH, total - first) }, (_, k) => first + k);
      await shared.add({
        ids: ids.map(String),
        embeddings: ids.map(vector),
        documents: ids.map((id) => `memory ${id}`),
        metadatas: ids.map((id) => ({ subject: `s-${Math.floor(id / PER_COLLECTION)}` })),
      });
    }
    const own = await client.createCollection({
      name: 'alone',
      embeddingFunction: null,
      configuration: { hnsw: HNSW },
    });
    const probeSubject = Math.floor(subjects / 2);
    const ids = recordsOf(probeSubject);
    await own.add({ ids: ids.map(String), embeddings: ids.map(vector) });

    const query = (collection, where) => async (i) => {
      const subject = where ? (probeSubject + i * 7919) % subjects : probeSubject;
      const result = await collection.query({
        queryEmbeddings: [vector(probeOf(subject))],
        nResults: 5,
        ...(where ? { where: { subject: `s-${subject}` } } : {}),
      });
      if (result.ids[0]?.[0] !== String(probeOf(subject))) throw new Error('wrong answer');
    };
    // Warm both, then take turns so that both meet Chroma in the same state.
    await query(shared, true)(0);
    await query(own, false)(0);
    const turns = [
      { call: query(shared, true), latencies: [] },
      { call: query(own, false), latencies: [] },
    ];
    let failures = 0;
    for (let i = 0; i < 200; i++) {
      for (const turn of turns) {
        const started = performance.now();
        await turn.call(i).then(
          () => turn.latencies.push(performance.now() - started),
          () => failures++,
        );
      }
    }
    const [filtered, alone] = turns.map(({ latencies }) =>
      round(
        percentile(
          latencies.sort((a, b) => a - b),
          50,
        ),
      ),
    );
    const rssGrowth = rssMb(chroma.child.pid) - before;
    return {
      subjects,
      records: total,
      rssGrowthMb: round(rssGrowth),
      filteredQueryP50Ms: filtered,
      ownCollectionQueryP50Ms: alone,
      failures,
    };
  } finally {
    await chroma.stop();
  }
}

const result = {
  at: new Date().toISOString(),
  cpus: cpus().length,
  node: process.version,
  collections: COLLECTIONS,
  recordsPerCollection: PER_COLLECTION,
  dimension: DIMENSION,
  collectionPerSubject: [],
};
for (const cache of COLLECTIONS > 0 ? [undefined, INDEX_CACHE] : []) {
  result.collectionPerSubject.push(await collectionPerSubject(cache));
  process.stderr.write(`${JSON.stringify(result.collectionPerSubject.at(-1))}\n`);
}
result.sharedCollection = [];
for (const subjects of SHARED_SUBJECTS) {
  result.sharedCollection.push(await sharedCollection(subjects));
  process.stderr.write(`${JSON.stringify(result.sharedCollection.at(-1))}\n`);
}
console.log(JSON.stringify(result, null, 2));
mkdirSync('bench/results', { recursive: true });
writeFileSync(
  join('bench/results', `chroma-collections-${result.at.replace(/[:.]/g, '-')}.json`),
  JSON.stringify(result, null, 2) + '\n',
);
