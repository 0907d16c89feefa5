// npm run bench:reembed: re-embedding against batch ingest, in one run on a fresh Chroma. Stores
// BENCH_REEMBED_SIZE memories (default 100000) through POST /memories/batch with the first local
// model (v1, 384 dims) and times it; then `npm run cli -- reembed` moves them all to the default
// (v2, 384 dims), timed, with its peak RSS (/usr/bin/time) and progress. Writes JSON to
// bench/results/reembed-<time>.json. It measures; it asserts nothing.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { startApp, startFreshChroma, stopApp, texts } from './support.mjs';

const SIZE = Number(process.env.BENCH_REEMBED_SIZE ?? 100_000);
const BATCH = 500;
const V1 = { LOCAL_EMBEDDING_MODEL: 'local-hashed-ngrams-v1', LOCAL_EMBEDDING_DIMENSIONS: '384' };

async function ingest(app) {
  const documents = texts(SIZE, 7, 12);
  const started = performance.now();
  for (let i = 0; i < SIZE; i += BATCH) {
    const items = documents.slice(i, i + BATCH).map((content) => ({ content, type: 'bench' }));
    const res = await fetch(`${app.url}/api/v1/memories/batch`, {
      method: 'POST',
      headers: app.headers,
      body: JSON.stringify({ items }),
    });
    if (!res.ok) throw new Error(`batch: ${res.status} ${await res.text()}`);
    if ((i / BATCH) % 20 === 0) process.stderr.write(`\ringest: ${i + BATCH}/${SIZE}   `);
  }
  process.stderr.write('\n');
  return (performance.now() - started) / 1000;
}

/** The CLI under /usr/bin/time (peak RSS) when it exists; its progress goes to our stderr. */
function reembed(env) {
  const timed = existsSync('/usr/bin/time');
  const command = timed ? '/usr/bin/time' : process.execPath;
  const args = [
    ...(timed ? ['-f', 'peak-rss-kb %M', process.execPath] : []),
    'dist/apps/memory-cli/src/main.js',
    'reembed',
  ];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      process.stderr.write(chunk);
    });
    child.on('exit', (code) => {
      const peakKb = Number(/peak-rss-kb (\d+)/.exec(stderr)?.[1]);
      if (code !== 0) return reject(new Error(`reembed exited ${code}: ${stdout}`));
      resolve({ seconds: (performance.now() - started) / 1000, peakRssMb: peakKb / 1024, stdout });
    });
  });
}

const chroma = await startFreshChroma();
let app;
try {
  app = await startApp(chroma.url, V1);
  const ingestSeconds = await ingest(app);
  // The CLI runs with the app's settings (same state and Chroma), minus the old model: the
  // default one is the target.
  const {
    PORT: _port,
    LOCAL_EMBEDDING_MODEL: _m,
    LOCAL_EMBEDDING_DIMENSIONS: _d,
    ...env
  } = app.env;
  await stopApp(app);
  app = undefined;
  const run = await reembed(env);
  const ingestRate = SIZE / ingestSeconds;
  const reembedRate = SIZE / run.seconds;
  const report = {
    at: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
    memories: SIZE,
    ingest: { seconds: ingestSeconds, perSecond: ingestRate, model: 'local-hashed-ngrams-v1/384' },
    reembed: {
      seconds: run.seconds,
      perSecond: reembedRate,
      peakRssMb: run.peakRssMb,
      to: 'local-semantic-v3/384',
    },
    ratio: reembedRate / ingestRate,
  };
  console.log(`\n| ${SIZE} memories | s | memories/s |\n| --- | --- | --- |`);
  console.log(
    `| batch ingest (v1, 384) | ${ingestSeconds.toFixed(1)} | ${ingestRate.toFixed(0)} |`,
  );
  console.log(
    `| re-embed to v2, 384 (CLI) | ${run.seconds.toFixed(1)} | ${reembedRate.toFixed(0)} |`,
  );
  console.log(
    `re-embed / ingest rate: ${report.ratio.toFixed(2)}; CLI peak RSS ${run.peakRssMb?.toFixed(0)} MB`,
  );
  mkdirSync('bench/results', { recursive: true });
  const file = join('bench/results', `reembed-${report.at.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(report, null, 2));
  console.log(`Written to ${file}`);
} finally {
  if (app) await stopApp(app);
  await chroma.stop();
}
