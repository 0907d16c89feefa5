// npm run bench:abuse: does one client's heavy request stall everyone else? In one run on a fresh
// Chroma, the latency of GET /health/live (probed every 50 ms, one at a time) is measured idle, then
// during 8 parallel unauthenticated 10 MB JSON posts (twice over), then during a 20 MB import by a
// signed-in user. Writes JSON to bench/results/abuse-<time>.json. It measures; it asserts nothing.
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { percentile, startApp, startFreshChroma, stopApp, texts } from './support.mjs';

const FLOOD_POSTS = 8;
// Just under REQUEST_BODY_LIMIT (10mb): a larger one is refused (413) for its declared length.
const FLOOD_BYTES = 10 * 1024 * 1024 - 64 * 1024;
const IMPORT_BYTES = 20 * 1024 * 1024;

/** Probes /health/live one at a time until `done` settles; the latencies, sorted. */
async function probeWhile(url, done) {
  let finished = false;
  void done.finally(() => (finished = true));
  const latencies = [];
  while (!finished) {
    const started = performance.now();
    await fetch(`${url}/health/live`).then((res) => res.arrayBuffer());
    latencies.push(performance.now() - started);
    await sleep(50);
  }
  await done;
  latencies.sort((a, b) => a - b);
  return {
    probes: latencies.length,
    p50Ms: round(percentile(latencies, 50)),
    maxMs: round(latencies.at(-1)),
  };
}

const round = (ms) => Math.round(ms * 10) / 10;

/** One unauthenticated POST of a 10 MB JSON body; resolves with its status (or the error). */
function unauthenticatedPost(url, body) {
  return new Promise((resolve) => {
    const req = request(
      `${url}/api/v1/memories`,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Content-Length': body.length },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      },
    );
    req.on('error', (error) => resolve(error.code ?? error.message));
    req.end(body);
  });
}

/** A JSON body of about `bytes`: many small objects, the costliest shape to parse. */
function bigJson(bytes) {
  const item = JSON.stringify({ content: 'tea', type: 'x', tags: ['a'], n: 1 });
  const count = Math.floor((bytes - 20) / (item.length + 1));
  return Buffer.from(`{"items":[${Array(count).fill(item).join(',')}]}`);
}

/** An export file of about `bytes`: the app's own header, then memories with their vectors. */
async function exportFile(app, bytes) {
  // The file's header is the app's own (an export of one memory: an empty one ends early).
  await fetch(`${app.url}/api/v1/memories`, {
    method: 'POST',
    headers: app.headers,
    body: JSON.stringify({ content: 'the header comes from here', type: 'bench' }),
  });
  const header = (
    await fetch(`${app.url}/api/v1/memories/export`, { headers: app.headers }).then((r) => r.text())
  ).split('\n')[0];
  const { dimension } = JSON.parse(header);
  const lines = [JSON.stringify({ ...JSON.parse(header), embeddings: true })];
  let size = lines[0].length;
  const now = new Date().toISOString();
  for (let i = 0; size < bytes; i++) {
    const embedding = Array.from({ length: dimension }, (_, d) => Math.sin(i * 31 + d) / 10);
    const line = JSON.stringify({
      id: crypto.randomUUID(),
      content: texts(1, i + 1, 20, i)[0],
      type: 'bench',
      tags: ['bench'],
      metadata: { n: i },
      createdAt: now,
      updatedAt: now,
      embedding,
    });
    lines.push(line);
    size += line.length + 1;
  }
  return lines.join('\n') + '\n';
}

const chroma = await startFreshChroma();
const app = await startApp(chroma.url);
try {
  const idle = await probeWhile(app.url, sleep(2000));
  const body = bigJson(FLOOD_BYTES);
  const statuses = [];
  const flood = async () => {
    for (let round = 0; round < 2; round++) {
      statuses.push(
        ...(await Promise.all(
          Array.from({ length: FLOOD_POSTS }, () => unauthenticatedPost(app.url, body)),
        )),
      );
    }
  };
  const duringFlood = await probeWhile(app.url, flood());
  const file = await exportFile(app, IMPORT_BYTES);
  let importStatus;
  const duringImport = await probeWhile(
    app.url,
    fetch(`${app.url}/api/v1/memories/import`, {
      method: 'POST',
      headers: { ...app.headers, 'Content-Type': 'application/x-ndjson' },
      body: file,
    }).then(async (res) => {
      importStatus = res.status;
      await res.arrayBuffer();
    }),
  );
  const result = {
    at: new Date().toISOString(),
    cpus: cpus().length,
    node: process.version,
    liveProbe: {
      idle,
      duringUnauthenticatedFlood: {
        posts: `${FLOOD_POSTS} parallel x 2 rounds`,
        bodyMb: round(body.length / 2 ** 20),
        statuses: [...new Set(statuses)],
        ...duringFlood,
      },
      duringImport: { fileMb: round(file.length / 2 ** 20), status: importStatus, ...duringImport },
    },
  };
  console.log(JSON.stringify(result, null, 2));
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(
    join('bench/results', `abuse-${result.at.replace(/[:.]/g, '-')}.json`),
    JSON.stringify(result, null, 2) + '\n',
  );
} finally {
  await stopApp(app);
  await chroma.stop();
}
