// Helpers shared by the benchmarks: deterministic texts, a fresh Chroma, the built API as a child.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { EmbeddedChromaServer } from '../dist/libs/vector/src/index.js';

export const ADMIN_PASSWORD = 'bench-admin-password-0123456789';

const WORDS = (
  'coffee tea morning evening hiking boots budget meeting report friday alice bob travel lisbon paris ' +
  'train flight hotel dinner lunch recipe garden music guitar piano book novel movie family birthday gift ' +
  'doctor dentist gym running swimming project deadline release server database backup memory model vector'
).split(' ');

/** Deterministic pseudo-random texts, the same in every run; `first` numbers them from there. */
export function texts(count, seed, length, first = 0) {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return Array.from(
    { length: count },
    (_, i) =>
      `${Array.from({ length }, () => WORDS[Math.floor(next() * WORDS.length)]).join(' ')} #${first + i}`,
  );
}

/** A deterministic unit vector of `dimension` numbers per index, the same in every run. */
export function unitVector(index, dimension) {
  let state = index + 1;
  const values = Array.from({ length: dimension }, () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31 - 0.5;
  });
  const norm = Math.hypot(...values);
  return values.map((v) => v / norm);
}

/**
 * A fresh embedded Chroma on an empty folder: timings drift on a reused one (DESIGN.md).
 * `options.indexCacheCollections` as the app's CHROMA_INDEX_CACHE_COLLECTIONS; absent: Chroma's default.
 */
export function startFreshChroma(options = {}) {
  return EmbeddedChromaServer.start({
    ...options,
    dataDir: mkdtempSync(join(tmpdir(), 'ms-bench-chroma-')),
    runtimeDir:
      process.env.CHROMA_RUNTIME_DIR ||
      join(homedir(), '.cache', 'memory-system', 'chroma-runtime'),
  });
}

export async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** `count` calls made one after another (no concurrency: the latency of one request). */
export async function sequential(count, call) {
  const latencies = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await call(i);
    latencies.push(performance.now() - started);
  }
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), count };
}

/**
 * Kinds of call made one at a time, taking turns (`count` of each): all meet Chroma in the same
 * state. Chroma's single adds slow down as its log grows (15 -> 23 ms over 1,800 adds,
 * measured), so running all of one kind first would charge the drift to the others.
 */
export async function alternating(count, ...calls) {
  const latencies = calls.map(() => []);
  for (let i = 0; i < count; i++) {
    // Who goes first changes too, so none always meets a Chroma just woken by another.
    for (let turn = 0; turn < calls.length; turn++) {
      const which = (i + turn) % calls.length;
      const started = performance.now();
      await calls[which](i);
      latencies[which].push(performance.now() - started);
    }
  }
  return latencies.map((sorted) => {
    sorted.sort((a, b) => a - b);
    return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), count };
  });
}

export function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** The environment the API (and the CLI beside it) runs with in a benchmark. */
export function benchEnv(chromaUrl, extraEnv = {}) {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'ms-bench-data-')),
    CHROMA_URL: chromaUrl,
    ADMIN_PASSWORD,
    THROTTLE_LIMIT: '1000000',
    ...extraEnv,
  };
}

/** Starts the built API, waits until it is ready and logs in as the admin. */
export async function startApp(chromaUrl, extraEnv = {}) {
  const port = await freePort();
  const env = { ...benchEnv(chromaUrl, extraEnv), PORT: String(port) };
  const child = spawn(process.execPath, ['dist/apps/memory-api/src/main.js'], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if ((await fetch(`${url}/health/ready`).catch(() => undefined))?.ok) break;
    await sleep(100);
  }
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  const { accessToken } = await login.json();
  return {
    url,
    child,
    env,
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${accessToken}` },
  };
}

export async function stopApp(app) {
  app.child.kill('SIGTERM');
  await new Promise((resolve) => app.child.once('exit', resolve));
}

/** Adds documents[i, i + size) to a raw Chroma collection, embedded as the API would embed them. */
export async function addRawBatch(collection, embedder, documents, i, size) {
  const chunk = documents.slice(i, i + size);
  await collection.add({
    ids: chunk.map((_, j) => `raw-${i + j}`),
    documents: chunk,
    embeddings: await embedder.embed(chunk),
    metadatas: chunk.map(() => ({ type: 'bench' })),
  });
}

/** Stores documents[i, i + size) through POST /memories/batch. */
export async function postBatch(app, documents, i, size) {
  const items = documents.slice(i, i + size).map((content) => ({ content, type: 'bench' }));
  const res = await fetch(`${app.url}/api/v1/memories/batch`, {
    method: 'POST',
    headers: app.headers,
    body: JSON.stringify({ items }),
  });
  if (!res.ok) throw new Error(`batch failed: ${res.status} ${await res.text()}`);
}
