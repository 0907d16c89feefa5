// node bench/hnsw-settings.mjs (after npm run build): what Chroma's HNSW batch and sync settings do
// to single adds against batch ingest, straight through the chromadb client (no API in the way).
// For each setting (BENCH_HNSW_SETTINGS, a JSON list of {batch_size, sync_threshold}; default:
// Chroma's defaults and the ones the app uses), a fresh Chroma on an empty folder takes
// BENCH_HNSW_SIZE records (default 100000, 384 dims, a memory's metadata) one add at a time at
// 4 concurrent callers, and the same number in batches of 500 in another collection; after each,
// the growth of the data folder and the p50 of 200 queries. Writes bench/results/hnsw-settings-*.json.
// It measures; it asserts nothing.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { ChromaClient } from 'chromadb';
import { percentile, startFreshChroma, unitVector } from './support.mjs';

const SIZE = Number(process.env.BENCH_HNSW_SIZE ?? 100_000);
const SETTINGS = JSON.parse(
  process.env.BENCH_HNSW_SETTINGS ??
    '[{"batch_size":100,"sync_threshold":1000},{"batch_size":1000,"sync_threshold":10000}]',
);
const DIMENSION = 384;
const BATCH = 500;
const CONCURRENCY = 4;

const diskMb = (dir) => Number(execFileSync('du', ['-sk', dir]).toString().split('\t')[0]) / 1024;
const round = (x) => Math.round(x * 10) / 10;

const vector = (index) => unitVector(index, DIMENSION);

const record = (i) => ({
  id: `m-${i}`,
  embedding: vector(i),
  document: `memory number ${i} about coffee, trains and a friday meeting`,
  metadata: { type: 'bench', contentHash: `h${i}`, createdAt: '2026-12-03T00:00:00.000Z' },
});

async function queryP50(collection) {
  const latencies = [];
  for (let i = 0; i < 200; i++) {
    const started = performance.now();
    await collection.query({ queryEmbeddings: [vector(SIZE * 3 + i)], nResults: 10 });
    latencies.push(performance.now() - started);
  }
  latencies.sort((a, b) => a - b);
  return round(percentile(latencies, 50));
}

/** Adds records [i, i + count) to `collection` in one call. */
function addRecords(collection, i, count) {
  const rs = Array.from({ length: count }, (_, j) => record(i + j));
  return collection.add({
    ids: rs.map((r) => r.id),
    embeddings: rs.map((r) => r.embedding),
    documents: rs.map((r) => r.document),
    metadatas: rs.map((r) => r.metadata),
  });
}

async function measure(setting) {
  const chroma = await startFreshChroma();
  try {
    const client = new ChromaClient({ path: chroma.url });
    /** Fills a new collection with `fill` and says what it took: time, disk, then a query p50. */
    const ingest = async (name, fill) => {
      const collection = await client.createCollection({
        name,
        embeddingFunction: null,
        configuration: { hnsw: { space: 'cosine', ...setting } },
      });
      const before = diskMb(chroma.dataDir);
      const started = performance.now();
      await fill(collection);
      const seconds = round((performance.now() - started) / 1000);
      return {
        seconds,
        diskMb: round(diskMb(chroma.dataDir) - before),
        queryP50Ms: await queryP50(collection),
      };
    };
    const singleAdds = await ingest('single', async (collection) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < SIZE) {
            await addRecords(collection, next++, 1);
            if (next % 5000 === 0)
              process.stderr.write(`\r${JSON.stringify(setting)} single ${next}`);
          }
        }),
      );
    });
    const batchIngest = await ingest('batch', async (collection) => {
      for (let i = 0; i < SIZE; i += BATCH)
        await addRecords(collection, i, Math.min(BATCH, SIZE - i));
    });
    return {
      setting,
      singleAdds: { concurrency: CONCURRENCY, ...singleAdds },
      batchIngest: { batch: BATCH, ...batchIngest },
    };
  } finally {
    await chroma.stop();
  }
}

const runs = [];
for (const setting of SETTINGS) {
  runs.push(await measure(setting));
  process.stderr.write(`\n${JSON.stringify(runs[runs.length - 1])}\n`);
}
const result = {
  at: new Date().toISOString(),
  cpus: cpus().length,
  node: process.version,
  size: SIZE,
  dimension: DIMENSION,
  runs,
};
console.log(JSON.stringify(result, null, 2));
mkdirSync('bench/results', { recursive: true });
writeFileSync(
  join('bench/results', `hnsw-settings-${result.at.replace(/[:.]/g, '-')}.json`),
  JSON.stringify(result, null, 2) + '\n',
);
