// npm run bench:replicas: two replicas (own data folders, one Redis, one fresh Chroma), one user
// with BENCH_REPLICAS_SIZES memories (default 20000; e.g. "20000,200000"). For each size, taking
// turns: a search on replica B right after a write on replica A (a foreign write: B catches up
// from the change feed first) against a search on B right after a write on B itself. Catch-up
// cost per foreign write = p50(after foreign) - p50(after own), and B's own timing of each
// catch-up (memory_system_keyword_index_catch_up_seconds: feed read, Chroma re-read of the ids it
// names, index apply), free of the search's noise. Filled through the batch route (500 a call).
// Writes JSON to bench/results/replicas-<time>.json. It measures; it asserts nothing.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent } from 'undici';
import { freePort, percentile, startApp, startFreshChroma, stopApp, texts } from './support.mjs';

const SIZES = (process.env.BENCH_REPLICAS_SIZES ?? '20000').split(',').map(Number);
const ROUNDS = Number(process.env.BENCH_REPLICAS_ROUNDS ?? 40);
const BATCH = 500;
/**
 * Vector size: smaller fills Chroma faster (the same at every size of a run). Below 228 the
 * local embedder is the hashed n-grams model (the semantic one needs at least 228).
 */
const DIMENSIONS = process.env.BENCH_REPLICAS_DIMENSIONS ?? '384';
const MODEL = Number(DIMENSIONS) < 228 ? 'local-hashed-ngrams-v1' : 'local-semantic-v3';
/** No time limit on an answer: a replica's first search builds its index whole (minutes at 200,000). */
const patient = new Agent({ headersTimeout: 0, bodyTimeout: 0 });

/** Debian's redis-server, as the tests provision it (test/support/redis-runtime.ts). */
async function startRedis() {
  const root = join(
    process.env.REDIS_RUNTIME_DIR || join(homedir(), '.cache', 'memory-system', 'redis-runtime'),
    'root',
  );
  const port = await freePort();
  const child = spawn(
    join(root, 'usr', 'bin', 'redis-server'),
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      mkdtempSync(join(tmpdir(), 'ms-bench-redis-')),
      '--save',
      '',
    ],
    {
      stdio: 'ignore',
      env: { ...process.env, LD_LIBRARY_PATH: join(root, 'usr', 'lib', 'x86_64-linux-gnu') },
    },
  );
  await sleep(500);
  return { url: `redis://127.0.0.1:${port}`, child };
}

async function call(app, method, path, body) {
  const res = await fetch(`${app.url}${path}`, {
    method,
    headers: app.headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    dispatcher: patient,
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** The replica's catch-up histogram: how many and their total seconds. */
async function catchUps(app) {
  return {
    count: await counter(app, 'memory_system_keyword_index_catch_up_seconds_count'),
    sum: await counter(app, 'memory_system_keyword_index_catch_up_seconds_sum'),
  };
}

/** A counter of the replica's /metrics, summed over its labels. */
async function counter(app, name) {
  const text = await (await fetch(`${app.url}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(name))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

async function fill(app, size, first) {
  const documents = texts(size, 11, 12, first);
  const started = performance.now();
  for (let i = 0; i < size; i += BATCH) {
    const items = documents.slice(i, i + BATCH).map((content) => ({ content, type: 'bench' }));
    await call(app, 'POST', '/api/v1/memories/batch', { items });
    if ((i / BATCH) % 20 === 0) {
      const rate = (i + BATCH) / ((performance.now() - started) / 1000);
      process.stderr.write(`\rfill: ${first + i + BATCH} (${rate.toFixed(0)}/s)   `);
    }
  }
  const perSecond = size / ((performance.now() - started) / 1000);
  process.stderr.write(`\nfilled ${size} at ${perSecond.toFixed(0)} memories/s\n`);
  return Math.round(perSecond);
}

const chroma = await startFreshChroma();
const redis = await startRedis();
// One access token for the whole run (filling 200,000 takes longer than the default 15 min).
const shared = {
  REDIS_URL: redis.url,
  JWT_SECRET: 'bench-replicas-secret-0123456789-abcdefgh',
  JWT_ACCESS_TTL: '4h',
  LOCAL_EMBEDDING_DIMENSIONS: DIMENSIONS,
  LOCAL_EMBEDDING_MODEL: MODEL,
};
const a = await startApp(chroma.url, shared);
const b = await startApp(chroma.url, shared);
b.headers = a.headers; // one token, valid on every replica
const results = [];
try {
  let stored = 0;
  for (const size of SIZES) {
    const fillPerSecond = await fill(a, size - stored, stored);
    stored = size;
    // Both replicas build the user's index once before timing. Different queries: the search
    // cache is shared through Redis, and a hit on B would leave its index unbuilt.
    await call(a, 'POST', '/api/v1/memories/search', { query: `coffee ${size} a`, limit: 10 });
    await call(b, 'POST', '/api/v1/memories/search', { query: `coffee ${size} b`, limit: 10 });
    const search = (i) =>
      call(b, 'POST', '/api/v1/memories/search', { query: `budget meeting ${i}`, limit: 10 });
    const write = (app, i, who) =>
      call(app, 'POST', '/api/v1/memories', {
        content: `replica ${who} note ${size} ${i}`,
        type: 'bench',
      });
    const catchUpBefore = await catchUps(b);
    const rebuildsBefore = await counter(b, 'memory_system_keyword_index_rebuilds_total');
    const entriesBefore = await counter(b, 'memory_system_keyword_index_feed_entries_total');
    // Taking turns (who goes first changes too): the write untimed, then the timed search.
    const timings = { foreign: [], own: [] };
    for (let i = 0; i < ROUNDS; i++) {
      for (const kind of i % 2 ? ['own', 'foreign'] : ['foreign', 'own']) {
        await write(kind === 'own' ? b : a, i, kind);
        const started = performance.now();
        await search(i);
        timings[kind].push(performance.now() - started);
      }
    }
    const [foreign, own] = [timings.foreign, timings.own].map((sorted) => {
      sorted.sort((x, y) => x - y);
      return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), count: sorted.length };
    });
    console.log(
      `${size} memories: search after a write on the other replica p50 ${foreign.p50.toFixed(1)} ms, ` +
        `after one on the same replica ${own.p50.toFixed(1)} ms: catch-up ${(foreign.p50 - own.p50).toFixed(1)} ms a foreign write`,
    );
    // Whole rebuilds on B while timed (0 when every foreign write came from the feed).
    const rebuilds =
      (await counter(b, 'memory_system_keyword_index_rebuilds_total')) - rebuildsBefore;
    const feedEntries =
      (await counter(b, 'memory_system_keyword_index_feed_entries_total')) - entriesBefore;
    console.log(`  rebuilds on B while timed: ${rebuilds}; feed entries applied: ${feedEntries}`);
    // B's own timing of each catch-up (feed read, Chroma re-read of the named ids, index apply).
    const catchUpAfter = await catchUps(b);
    const catchUp = {
      count: catchUpAfter.count - catchUpBefore.count,
      meanMs:
        ((catchUpAfter.sum - catchUpBefore.sum) * 1000) /
        (catchUpAfter.count - catchUpBefore.count),
    };
    console.log(
      `  catch-ups on B: ${catchUp.count}, mean ${catchUp.meanMs.toFixed(2)} ms each (B's own timing)`,
    );
    results.push({ size, fillPerSecond, foreign, own, rebuilds, feedEntries, catchUp });
  }
} finally {
  await Promise.all([stopApp(a), stopApp(b)]);
  redis.child.kill('SIGTERM');
  await chroma.stop();
}
mkdirSync('bench/results', { recursive: true });
const file = `bench/results/replicas-${new Date().toISOString().replaceAll(':', '-').replace('.', '-')}.json`;
writeFileSync(
  file,
  `${JSON.stringify({ cpus: cpus().length, rounds: ROUNDS, dimensions: Number(DIMENSIONS), model: MODEL, results }, null, 2)}\n`,
);
console.log(`wrote ${file}`);
