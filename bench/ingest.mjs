// node bench/ingest.mjs (after npm run build): the ingest part of `npm run bench` alone, to work on
// it: BENCH_RECORDS (default 10000) memories added straight to a fresh Chroma in batches of 500
// (embedded by the same local embedder, as the API must) against the same texts through
// POST /memories/batch, taking turns a batch at a time (raw, API, raw, ...) as `npm run bench`
// does, so both meet Chroma with as much in it; BENCH_INGEST_ORDER=raw-first sends all raw batches
// first. BENCH_PROFILE=<dir> writes the API process's CPU profile there (--cpu-prof).
// LOCAL_EMBEDDING_THREADS is passed to the API (0: embed on its main thread). Also reports the
// API's longest event-loop stall while ingesting (what any other request would have waited).
// Prints JSON; it measures, it asserts nothing.
import { ChromaClient } from 'chromadb';
import { LocalEmbedder } from '../dist/libs/inference/src/index.js';
import { addRawBatch, postBatch, startApp, startFreshChroma, stopApp, texts } from './support.mjs';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 10_000);
const BATCH = 500;
const ALTERNATE = process.env.BENCH_INGEST_ORDER !== 'raw-first';

const chroma = await startFreshChroma();
try {
  const { hostname, port } = new URL(chroma.url);
  const client = new ChromaClient({ host: hostname, port: Number(port), ssl: false });
  const embedder = new LocalEmbedder(384);
  const documents = texts(RECORDS, 7, 12);
  const raw = await client.createCollection({
    name: 'bench-raw',
    embeddingFunction: null,
    configuration: { hnsw: { space: 'cosine' } },
  });
  const profile = process.env.BENCH_PROFILE;
  const app = await startApp(chroma.url, {
    ...(profile ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profile}` } : {}),
    ...(process.env.LOCAL_EMBEDDING_THREADS !== undefined
      ? { LOCAL_EMBEDDING_THREADS: process.env.LOCAL_EMBEDDING_THREADS }
      : {}),
  });
  try {
    const rawBatch = (i) => addRawBatch(raw, embedder, documents, i, BATCH);
    const apiBatch = (i) => postBatch(app, documents, i, BATCH);
    const seconds = { raw: 0, api: 0 };
    const timed = async (side, work) => {
      const started = performance.now();
      await work();
      seconds[side] += (performance.now() - started) / 1000;
    };
    await longestStall(app); // prom-client's event-loop histogram restarts at each read
    if (ALTERNATE) {
      for (let i = 0; i < RECORDS; i += BATCH) {
        await timed('raw', () => rawBatch(i));
        await timed('api', () => apiBatch(i));
      }
    } else {
      for (let i = 0; i < RECORDS; i += BATCH) await timed('raw', () => rawBatch(i));
      for (let i = 0; i < RECORDS; i += BATCH) await timed('api', () => apiBatch(i));
    }
    const stallMs = Math.round((await longestStall(app)) * 1000);
    const rawPerSecond = RECORDS / seconds.raw;
    const apiPerSecond = RECORDS / seconds.api;
    console.log(
      JSON.stringify({
        at: new Date().toISOString(),
        records: RECORDS,
        order: ALTERNATE ? 'alternate' : 'raw first',
        rawPerSecond: Math.round(rawPerSecond),
        apiPerSecond: Math.round(apiPerSecond),
        ratio: Math.round((apiPerSecond / rawPerSecond) * 100) / 100,
        apiLongestEventLoopStallMs: stallMs,
        localEmbeddingThreads: process.env.LOCAL_EMBEDDING_THREADS ?? 'default',
      }),
    );
  } finally {
    await stopApp(app);
  }
} finally {
  await chroma.stop();
}

/** The API's longest event-loop delay since the last read, in seconds (its /metrics). */
async function longestStall(app) {
  const text = await (await fetch(`${app.url}/metrics`)).text();
  return Number(/^memory_system_nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(text)?.[1] ?? NaN);
}
