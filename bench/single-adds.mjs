// node bench/single-adds.mjs (after npm run build): what single adds cost Chroma's index against
// batch ingest, in one run on a fresh Chroma. BENCH_SINGLE_SIZE memories (default 100000) are
// stored one POST /memories at a time for one user, and the same number through
// POST /memories/batch (500 a request) for another; after each, the growth of Chroma's data
// folder and the p50 of 200 vector searches. Writes JSON to bench/results/single-adds-<time>.json.
// It measures; it asserts nothing.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { percentile, startApp, startFreshChroma, stopApp, texts } from './support.mjs';

const SIZE = Number(process.env.BENCH_SINGLE_SIZE ?? 100_000);
const BATCH = 500;
const CONCURRENCY = 4;

const diskMb = (dir) => Number(execFileSync('du', ['-sk', dir]).toString().split('\t')[0]) / 1024;

async function post(app, headers, path, body) {
  const res = await fetch(`${app.url}${path}`, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function userHeaders(app, username) {
  const password = 'bench-user-password-123';
  await post(app, app.headers, '/api/v1/admin/users', { username, password, role: 'user' });
  const { accessToken } = await post(
    app,
    { 'Content-Type': 'application/json' },
    '/api/v1/auth/login',
    {
      username,
      password,
    },
  );
  return { 'Content-Type': 'application/json', Authorization: `Bearer ${accessToken}` };
}

async function searchP50(app, headers) {
  const queries = texts(200, 99, 4);
  const latencies = [];
  for (const query of queries) {
    const started = performance.now();
    await post(app, headers, '/api/v1/memories/search', { query, mode: 'vector', limit: 10 });
    latencies.push(performance.now() - started);
  }
  latencies.sort((a, b) => a - b);
  return Math.round(percentile(latencies, 50) * 10) / 10;
}

const chroma = await startFreshChroma();
const app = await startApp(chroma.url, { USER_MAX_MEMORIES: String(SIZE * 2) });
try {
  const documents = texts(SIZE, 11, 12);
  const single = await userHeaders(app, 'single');
  const batch = await userHeaders(app, 'batch');
  const before = diskMb(chroma.dataDir);

  let started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < SIZE) {
        const i = next++;
        await post(app, single, '/api/v1/memories', { content: documents[i], type: 'bench' });
        if (i % 1000 === 0) process.stderr.write(`\rsingle: ${i}/${SIZE}   `);
      }
    }),
  );
  const singleSeconds = (performance.now() - started) / 1000;
  const afterSingle = diskMb(chroma.dataDir);
  const singleSearch = await searchP50(app, single);

  started = performance.now();
  for (let i = 0; i < SIZE; i += BATCH) {
    const items = documents.slice(i, i + BATCH).map((content) => ({ content, type: 'bench' }));
    await post(app, batch, '/api/v1/memories/batch', { items });
  }
  const batchSeconds = (performance.now() - started) / 1000;
  const afterBatch = diskMb(chroma.dataDir);
  const batchSearch = await searchP50(app, batch);

  const round = (x) => Math.round(x * 10) / 10;
  const result = {
    at: new Date().toISOString(),
    cpus: cpus().length,
    node: process.version,
    size: SIZE,
    singleAdds: {
      concurrency: CONCURRENCY,
      seconds: round(singleSeconds),
      diskMb: round(afterSingle - before),
      searchP50Ms: singleSearch,
    },
    batchIngest: {
      batch: BATCH,
      seconds: round(batchSeconds),
      diskMb: round(afterBatch - afterSingle),
      searchP50Ms: batchSearch,
    },
  };
  console.log(JSON.stringify(result, null, 2));
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(
    join('bench/results', `single-adds-${result.at.replace(/[:.]/g, '-')}.json`),
    JSON.stringify(result, null, 2) + '\n',
  );
} finally {
  await stopApp(app);
  await chroma.stop();
}
