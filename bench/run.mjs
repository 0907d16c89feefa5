// npm run bench: the service against the floor under it, side by side in one run, on a fresh
// embedded Chroma and the local embedder. Prints a table and writes JSON to bench/results/.
// Not part of `npm test`: it measures, it does not assert.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { ChromaClient } from 'chromadb';
import { LocalEmbedder } from '../dist/libs/inference/src/index.js';
import { contentHash } from '../dist/libs/memory/src/domain/content-hash.js';
import { toRecordMetadata } from '../dist/libs/memory/src/domain/memory-record.mapper.js';
import {
  addRawBatch,
  alternating,
  percentile,
  postBatch,
  sequential,
  startApp,
  startFreshChroma,
  stopApp,
  texts,
} from './support.mjs';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 10_000);
const CONNECTIONS = 16;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const BATCH = 500;
/** The search mode the API is measured in (BENCH_SEARCH_MODE): hybrid, the default, or vector. */
const MODE = process.env.BENCH_SEARCH_MODE ?? 'hybrid';

/** 16 concurrent loops of raw chromadb queries with the same vectors the API would compute. */
/** One search, answered: a fresh replica builds its keyword index on its first search. */
async function firstSearch(app, query) {
  const res = await fetch(`${app.url}/api/v1/memories/search`, {
    method: 'POST',
    headers: app.headers,
    body: JSON.stringify({ query, mode: MODE }),
  });
  if (!res.ok) throw new Error(`search failed: ${res.status} ${await res.text()}`);
}

async function rawQueries(collection, vectors, seconds = SECONDS) {
  const latencies = [];
  const deadline = Date.now() + seconds * 1000;
  let next = 0;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (Date.now() < deadline) {
        const vector = vectors[next++ % vectors.length];
        const started = performance.now();
        await collection.query({
          queryEmbeddings: [vector],
          nResults: 10,
          include: ['documents', 'metadatas', 'distances'],
        });
        latencies.push(performance.now() - started);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return {
    rps: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

/** autocannon at 16 connections on POST /api/v1/memories/search with the same query texts. */
async function apiQueries(app, queries, seconds = SECONDS) {
  let next = 0;
  const result = await autocannon({
    url: `${app.url}/api/v1/memories/search`,
    connections: CONNECTIONS,
    duration: seconds,
    method: 'POST',
    headers: app.headers,
    requests: [
      {
        setupRequest: (request) => ({
          ...request,
          body: JSON.stringify({ query: queries[next++ % queries.length], limit: 10, mode: MODE }),
        }),
      },
    ],
  });
  if (result.non2xx > 0) throw new Error(`${result.non2xx} searches failed`);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

const SINGLES = Number(process.env.BENCH_SINGLES ?? 300);

/**
 * Single adds and searches one at a time: raw (embed, then one chromadb add or query) against the
 * API's POST /memories (duplicate check included) and POST /memories/search, cache off. Raw and
 * API calls take turns (see `alternating`).
 */
async function singles(raw, app, embedder, scratch) {
  const addTexts = texts(SINGLES * 4, 31, 12, RECORDS);
  const addRaw = async (id, text, metadata, collection = raw) => {
    const [embedding] = await embedder.embed([text]);
    await collection.add({
      ids: [id],
      documents: [text],
      embeddings: [embedding],
      metadatas: [metadata],
    });
  };
  const [rawAdd, apiAdd] = await alternating(
    SINGLES,
    (i) => addRaw(`single-${i}`, addTexts[i], { type: 'bench' }),
    async (i) => {
      const res = await fetch(`${app.url}/api/v1/memories`, {
        method: 'POST',
        headers: app.headers,
        body: JSON.stringify({ content: addTexts[SINGLES + i], type: 'bench' }),
      });
      if (res.status !== 201) throw new Error(`add: ${res.status} ${await res.text()}`);
    },
  );
  const queries = texts(SINGLES, 57, 4);
  const [rawSearch, apiSearch] = await alternating(
    SINGLES,
    async (i) => {
      const [embedding] = await embedder.embed([queries[i]]);
      await raw.query({
        queryEmbeddings: [embedding],
        nResults: 10,
        include: ['documents', 'metadatas', 'distances'],
      });
    },
    async (i) => {
      const res = await fetch(`${app.url}/api/v1/memories/search`, {
        method: 'POST',
        headers: app.headers,
        body: JSON.stringify({ query: queries[i], mode: MODE }),
      });
      if (!res.ok) throw new Error(`search: ${res.status}`);
    },
  );
  // The hop the API adds by being a service: one request answered without any work (no
  // authentication, body or backend), for reading the two rows above.
  const hop = await sequential(SINGLES, async () => {
    const res = await fetch(`${app.url}/health/live`);
    if (!res.ok) throw new Error(`live: ${res.status}`);
    await res.text();
  });
  // What the fields every stored memory carries in Chroma cost it (memory-record.mapper writes
  // them): each metadata key is a row Chroma writes. Raw against raw, turn about, in a scratch
  // collection.
  const [lessFields, memoryFields] = await alternating(
    SINGLES,
    (i) => addRaw(`plain-${i}`, addTexts[2 * SINGLES + i], { type: 'bench' }, scratch),
    (i) => {
      const text = addTexts[3 * SINGLES + i];
      const now = new Date().toISOString();
      const memory = {
        content: text,
        type: 'bench',
        metadata: {},
        tags: [],
        sessionId: null,
        contentHash: contentHash('bench', text),
        createdAt: now,
        updatedAt: now,
        occurredAt: now,
        status: 'current',
        supersededBy: null,
        expiresAt: null,
        pinned: false,
      };
      return addRaw(`memory-${i}`, text, toRecordMetadata(memory), scratch);
    },
  );
  return {
    rawAdd,
    apiAdd,
    memoryFieldsCost: memoryFields.p50 - lessFields.p50,
    rawSearch,
    apiSearch,
    hop,
  };
}

async function main() {
  const chroma = await startFreshChroma();
  const { hostname, port } = new URL(chroma.url);
  const client = new ChromaClient({ host: hostname, port: Number(port), ssl: false });
  const embedder = new LocalEmbedder(384); // the default local model and dimension
  const documents = texts(RECORDS, 7, 12);
  const queries = texts(200, 99, 4);
  const queryVectors = await embedder.embed(queries);
  const results = {
    date: new Date().toISOString(),
    records: RECORDS,
    connections: CONNECTIONS,
    seconds: SECONDS,
    cpus: cpus().length,
    node: process.version,
  };

  try {
    // --- ingest: raw Chroma add (embedding included, as the API must) vs the batch API ---------
    const raw = await client.createCollection({
      name: 'bench-raw',
      embeddingFunction: null,
      configuration: { hnsw: { space: 'cosine' } },
    });
    // A batch each in turn, so both meet Chroma holding as much and equally busy: all raw
    // batches first left the API's to a Chroma still compacting the raw side's (0.79 against
    // 0.91 alternating, on the same quiet machine within the hour).
    const app = await startApp(chroma.url, {});
    const ingestSeconds = { raw: 0, api: 0 };
    const timed = async (side, work) => {
      const started = performance.now();
      await work();
      ingestSeconds[side] += (performance.now() - started) / 1000;
    };
    for (let i = 0; i < RECORDS; i += BATCH) {
      await timed('raw', () => addRawBatch(raw, embedder, documents, i, BATCH));
      await timed('api', () => postBatch(app, documents, i, BATCH));
    }
    const rawIngest = RECORDS / ingestSeconds.raw;
    const apiIngest = RECORDS / ingestSeconds.api;
    results.ingest = {
      rawPerSecond: rawIngest,
      apiPerSecond: apiIngest,
      ratio: apiIngest / rawIngest,
    };

    // --- search: raw queries vs the API, uncached (cache off) and cached ------------------------
    // The floor is the better of two raw runs, one before and one after the API's, each warmed up:
    // order and warm-up then favour the raw side, never the API.
    await stopApp(app);
    await rawQueries(raw, queryVectors, 2);
    const rawBefore = await rawQueries(raw, queryVectors);
    // The same deployment restarted (its data folder, so its keyword index, kept).
    const dataDir = { DATA_DIR: app.env.DATA_DIR };
    const uncachedApp = await startApp(chroma.url, { ...dataDir, CACHE_MAX_ITEMS: '0' });
    await firstSearch(uncachedApp, queries[0]); // builds the keyword index once, from Chroma
    await apiQueries(uncachedApp, queries, 2); // warm-up, as for raw
    const uncached = await apiQueries(uncachedApp, queries);
    // A collection of its own for weighing a memory's fields, so that the raw collection the
    // searches meet holds as many records as the API's.
    const scratch = await client.createCollection({
      name: 'bench-fields',
      embeddingFunction: null,
      configuration: { hnsw: { space: 'cosine' } },
    });
    results.singles = await singles(raw, uncachedApp, embedder, scratch);
    await stopApp(uncachedApp);
    const cachedApp = await startApp(chroma.url, dataDir);
    await apiQueries(cachedApp, queries, 2); // warm the cache
    const cached = await apiQueries(cachedApp, queries);
    await stopApp(cachedApp);
    const rawAfter = await rawQueries(raw, queryVectors);
    const rawSearch = rawAfter.rps > rawBefore.rps ? rawAfter : rawBefore;
    results.search = {
      mode: MODE,
      raw: rawSearch,
      rawRuns: [rawBefore, rawAfter],
      apiUncached: uncached,
      apiCached: cached,
    };
  } finally {
    await chroma.stop();
  }

  const r = results;
  const row = (name, raw, api, unit) => `| ${name} | ${raw} | ${api} | ${unit} |`;
  const f = (n, d = 1) => n.toFixed(d);
  const single = r.singles;
  const table = [
    `| measure (${r.records} records, ${r.connections} clients, ${r.cpus} cores) | raw Chroma | API | API / raw |`,
    '| --- | ---: | ---: | ---: |',
    row(
      'ingest, memories/s (batches of 500)',
      f(r.ingest.rawPerSecond, 0),
      f(r.ingest.apiPerSecond, 0),
      f(r.ingest.ratio, 2),
    ),
    row(
      `single add p50, ms (${single.apiAdd.count} one at a time)`,
      f(single.rawAdd.p50),
      f(single.apiAdd.p50),
      `+${f(single.apiAdd.p50 - single.rawAdd.p50)} ms`,
    ),
    row(
      "of which Chroma storing a memory's fields, p50, ms (raw adds with them against type alone)",
      '',
      '',
      `+${f(single.memoryFieldsCost)} ms`,
    ),
    row(
      `single search p50, ms (${single.apiSearch.count} one at a time, uncached)`,
      f(single.rawSearch.p50),
      f(single.apiSearch.p50),
      `+${f(single.apiSearch.p50 - single.rawSearch.p50)} ms`,
    ),
    row(
      `of which one HTTP round trip to the API, p50, ms (GET /health/live)`,
      '',
      f(single.hop.p50),
      '',
    ),
    row(
      'search throughput, req/s (uncached)',
      f(r.search.raw.rps, 0),
      f(r.search.apiUncached.rps, 0),
      f(r.search.apiUncached.rps / r.search.raw.rps, 2),
    ),
    row(
      'search p50, ms (uncached)',
      f(r.search.raw.p50),
      f(r.search.apiUncached.p50),
      `+${f(r.search.apiUncached.p50 - r.search.raw.p50)} ms`,
    ),
    row(
      'search p99, ms (uncached)',
      f(r.search.raw.p99),
      f(r.search.apiUncached.p99),
      `+${f(r.search.apiUncached.p99 - r.search.raw.p99)} ms`,
    ),
    row(
      'search throughput, req/s (cached)',
      f(r.search.raw.rps, 0),
      f(r.search.apiCached.rps, 0),
      f(r.search.apiCached.rps / r.search.raw.rps, 2),
    ),
    row(
      'search p50 / p99, ms (cached)',
      `${f(r.search.raw.p50)} / ${f(r.search.raw.p99)}`,
      `${f(r.search.apiCached.p50)} / ${f(r.search.apiCached.p99)}`,
      '',
    ),
  ].join('\n');
  console.log(`\nAPI searches in ${MODE} mode\n${table}\n`);
  mkdirSync('bench/results', { recursive: true });
  const json = JSON.stringify({ ...results, table }, null, 2);
  writeFileSync(join('bench/results', `${results.date.replace(/[:.]/g, '-')}.json`), json);
  writeFileSync(join('bench/results', 'latest.json'), json);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
