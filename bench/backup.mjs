// npm run bench:backup: backup and restore through the CLI against the raw floor (a plain export of
// the same Chroma records), in one run, at growing sizes. Shows the time, the archive size and the
// peak memory (RSS) of each, and checks after a `restore --mode replace` that every record is back
// (same ids, documents and metadata; embeddings to float32 precision) and searches answer the same.
//   BENCH_BACKUP_SIZES=10000,50000,100000 (default)   e.g. 100000,250000,500000,1000000
// Not part of `npm test`: it measures, it does not assert.
import { spawn } from 'node:child_process';
import { createReadStream, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { startApp, startFreshChroma, stopApp, texts } from './support.mjs';

const SIZES = (process.env.BENCH_BACKUP_SIZES ?? '10000,50000,100000').split(',').map(Number);
const BATCH = 500;

/** Runs a command under /usr/bin/time: wall seconds, peak RSS in MB, and its stdout. */
function measured(command, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', '%e %M', command, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => {
      const [seconds, kb] = stderr.trim().split('\n').at(-1).split(' ').map(Number);
      if (code !== 0) reject(new Error(`${command} ${args.join(' ')} failed:\n${stderr}`));
      else resolve({ seconds, rssMb: kb / 1024, stdout });
    });
  });
}

async function ingest(app, from, to) {
  const started = performance.now();
  for (let i = from; i < to; i += BATCH) {
    const items = texts(Math.min(BATCH, to - i), 7 + i, 12, i).map((content) => ({
      content,
      type: 'bench',
    }));
    const res = await fetch(`${app.url}/api/v1/memories/batch`, {
      method: 'POST',
      headers: app.headers,
      body: JSON.stringify({ items }),
    });
    if (!res.ok) throw new Error(`batch failed: ${res.status} ${await res.text()}`);
    if ((i + BATCH) % 50_000 === 0) process.stderr.write(`  ingested ${i + BATCH}\n`);
  }
  return (to - from) / ((performance.now() - started) / 1000);
}

function exportLines(file) {
  return createInterface({ input: createReadStream(file).pipe(createGunzip()) })[
    Symbol.asyncIterator
  ]();
}

const sorted = (object) => JSON.stringify(Object.entries(object ?? {}).sort());

/**
 * Compares two raw exports record by record (a restore writes records back in the order they were
 * read, and Chroma keeps that order). Chroma renormalises vectors in a cosine index and reports
 * them as float32, so an embedding can come back one float32 step away: that is measured, not hidden.
 */
async function compareExports(beforeFile, afterFile) {
  const before = exportLines(beforeFile);
  const after = exportLines(afterFile);
  const result = { records: 0, different: 0, firstDifference: undefined, maxEmbeddingDelta: 0 };
  for (;;) {
    const [a, b] = await Promise.all([before.next(), after.next()]);
    if (a.done && b.done) return result;
    result.records++;
    const x = a.done ? {} : JSON.parse(a.value);
    const y = b.done ? {} : JSON.parse(b.value);
    const same =
      x.collection === y.collection &&
      x.id === y.id &&
      x.document === y.document &&
      sorted(x.metadata) === sorted(y.metadata) &&
      x.embedding?.length === y.embedding?.length;
    if (!same) {
      result.different++;
      result.firstDifference ??= { before: x.id, after: y.id };
      continue;
    }
    for (let i = 0; i < x.embedding.length; i++) {
      const delta = Math.abs(x.embedding[i] - y.embedding[i]);
      if (delta > result.maxEmbeddingDelta) result.maxEmbeddingDelta = delta;
    }
  }
}

/** The memories (ids, best first) and distances the API answers for a fixed set of searches. */
async function searches(app) {
  const answers = [];
  for (const query of texts(20, 99, 4)) {
    const res = await fetch(`${app.url}/api/v1/memories/search`, {
      method: 'POST',
      headers: app.headers,
      body: JSON.stringify({ query, limit: 10 }),
    });
    if (!res.ok) throw new Error(`search failed: ${res.status} ${await res.text()}`);
    const { results } = await res.json();
    answers.push(results.map(({ id, distance }) => ({ id, distance })));
  }
  return answers;
}

/** How many searches found the same memories in the same order, and the largest distance change. */
function compareSearches(before, after) {
  let same = 0;
  let maxDistanceDelta = 0;
  before.forEach((answer, i) => {
    const ids = (results) => results.map((r) => r.id).join();
    if (ids(answer) !== ids(after[i])) return;
    same++;
    answer.forEach((r, j) => {
      maxDistanceDelta = Math.max(maxDistanceDelta, Math.abs(r.distance - after[i][j].distance));
    });
  });
  return { searches: before.length, same, maxDistanceDelta };
}

async function main() {
  const chroma = await startFreshChroma();
  const backupDir = mkdtempSync(join(tmpdir(), 'ms-bench-backups-'));
  const work = mkdtempSync(join(tmpdir(), 'ms-bench-raw-'));
  // The token must outlive a long ingest; the cache is off so searches read Chroma.
  const app = await startApp(chroma.url, {
    BACKUP_DIR: backupDir,
    JWT_ACCESS_TTL: '12h',
    CACHE_MAX_ITEMS: '0',
  });
  const cli = (...args) =>
    measured(process.execPath, ['dist/apps/memory-cli/src/main.js', ...args], app.env);
  const raw = (file) =>
    measured(process.execPath, ['bench/raw-export.mjs', chroma.url, file], app.env);
  const results = {
    date: new Date().toISOString(),
    cpus: cpus().length,
    node: process.version,
    sizes: [],
  };

  try {
    let stored = 0;
    for (const size of SIZES) {
      const ingestPerSecond = await ingest(app, stored, size);
      stored = size;
      const rawRun = await raw(join(work, `raw-${size}.ndjson.gz`));
      const backup = await cli('backup');
      const [name, bytes] = backup.stdout.trim().split('\t'); // "<name>\t<n> bytes\t<file>"
      const row = {
        records: size,
        ingestPerSecond,
        raw: {
          seconds: rawRun.seconds,
          rssMb: rawRun.rssMb,
          bytes: statSync(join(work, `raw-${size}.ndjson.gz`)).size,
        },
        backup: {
          seconds: backup.seconds,
          rssMb: backup.rssMb,
          bytes: Number.parseInt(bytes, 10),
          name,
        },
      };
      results.sizes.push(row);
      process.stderr.write(`${JSON.stringify(row)}\n`);
    }

    // Restore the last backup over the live store, then read everything back the raw way.
    const last = results.sizes.at(-1);
    const answersBefore = await searches(app);
    const restore = await cli('restore', last.backup.name, '--mode', 'replace');
    await raw(join(work, 'after-restore.ndjson.gz'));
    const answersAfter = await searches(app);
    results.restore = {
      records: last.records,
      seconds: restore.seconds,
      rssMb: restore.rssMb,
      compared: await compareExports(
        join(work, `raw-${last.records}.ndjson.gz`),
        join(work, 'after-restore.ndjson.gz'),
      ),
      searches: compareSearches(answersBefore, answersAfter),
    };
  } finally {
    await stopApp(app);
    await chroma.stop();
  }

  const f = (n, d = 1) => n.toFixed(d);
  const mb = (bytes) => f(bytes / 1e6);
  const table = [
    `| records (${results.cpus} cores) | raw export s / MB RSS / MB file | CLI backup s / MB RSS / MB archive | backup / raw time |`,
    '| ---: | ---: | ---: | ---: |',
    ...results.sizes.map(
      (r) =>
        `| ${r.records} | ${f(r.raw.seconds)} / ${f(r.raw.rssMb, 0)} / ${mb(r.raw.bytes)} | ${f(r.backup.seconds)} / ${f(r.backup.rssMb, 0)} / ${mb(r.backup.bytes)} | ${f(r.backup.seconds / r.raw.seconds, 2)} |`,
    ),
    '',
    `restore --mode replace of ${results.restore.records} records: ${f(results.restore.seconds)} s, ` +
      `${f(results.restore.rssMb, 0)} MB peak RSS; records compared ${results.restore.compared.records}, ` +
      `different ${results.restore.compared.different}, largest embedding change ` +
      `${results.restore.compared.maxEmbeddingDelta.toExponential(1)}; searches finding the same ` +
      `memories in the same order ${results.restore.searches.same} of ${results.restore.searches.searches}, ` +
      `largest distance change ${results.restore.searches.maxDistanceDelta.toExponential(1)}`,
  ].join('\n');
  console.log(`\n${table}\n`);
  mkdirSync('bench/results', { recursive: true });
  const json = JSON.stringify({ ...results, table }, null, 2);
  writeFileSync(join('bench/results', `backup-${results.date.replace(/[:.]/g, '-')}.json`), json);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
