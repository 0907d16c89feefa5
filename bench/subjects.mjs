// npm run bench:subjects: one owner acting for many subjects (X-Memory-Subject), the subjects sharing
// their account's SUBJECT_HOMES collections. In one run, on one fresh Chroma: creates BENCH_SUBJECTS
// (10,000) subjects of 10 memories each, then a plain user with the same 10 memories and no subjects;
// compares the search p50 of one subject among them with the plain user's (target: within 1.2x), and
// reports the create rate, Chroma's disk, memory, open files and collections, and the time of a
// backup through the CLI. Writes bench/results/subjects-*.json.
//   BENCH_SUBJECTS=10000 (default)  BENCH_CONCURRENCY=4  BENCH_SEARCHES=300
// Not part of `npm test`: it measures, it does not assert.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { ChromaClient } from 'chromadb';
import { alternating, startApp, startFreshChroma, stopApp, texts } from './support.mjs';

const SUBJECTS = Number(process.env.BENCH_SUBJECTS ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const SEARCHES = Number(process.env.BENCH_SEARCHES ?? 300);
const PER_SUBJECT = 10;

const memoriesOf = (i) =>
  texts(PER_SUBJECT, 11 + i, 12, i * PER_SUBJECT).map((content) => ({ content, type: 'bench' }));

async function call(app, path, body, headers = {}) {
  const res = await fetch(`${app.url}${path}`, {
    method: 'POST',
    headers: { ...app.headers, ...headers },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path} failed: ${res.status} ${await res.text()}`);
  return res.json();
}

const statusMbOf = (pid, field) =>
  Number(
    new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0,
  ) / 1024;
const rssMbOf = (pid) => statusMbOf(pid, 'VmRSS');
// What the kernel moved out of Chroma's memory to swap (on a machine with swap: idle collections).
const swapMbOf = (pid) => statusMbOf(pid, 'VmSwap');
// Chroma keeps files open for each collection it has loaded: past the process's limit (ulimit -n)
// it fails writes ("Failed to apply logs to the metadata segment").
const openFilesOf = (pid) => readdirSync(`/proc/${pid}/fd`).length;
const diskMbOf = (dir) => Number(execFileSync('du', ['-sk', dir]).toString().split('\t')[0]) / 1024;

const chroma = await startFreshChroma();
// Room for a Chroma slowed by the machine's other work: a create must not fail the run. One
// login serves the whole run, so its token must outlive the fill (4,000 subjects take 20 min).
const app = await startApp(chroma.url, { CHROMA_TIMEOUT_MS: '60000', JWT_ACCESS_TTL: '4h' });
try {
  const chromaPid = chroma.child.pid;
  const before = { disk: diskMbOf(chroma.dataDir), rss: rssMbOf(chromaPid) };

  // The owner (the admin's own login acts for its subjects) creates every subject's memories.
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < SUBJECTS; i = next++) {
        await call(
          app,
          '/api/v1/memories/batch',
          { items: memoriesOf(i) },
          { 'X-Memory-Subject': `s-${i}` },
        );
        if ((i + 1) % 1000 === 0) {
          process.stderr.write(
            `  ${i + 1} subjects, chroma RSS ${rssMbOf(chromaPid).toFixed(0)} MB, swapped ${swapMbOf(chromaPid).toFixed(0)} MB, ${openFilesOf(chromaPid)} open files\n`,
          );
        }
      }
    }),
  );
  const createSeconds = (performance.now() - started) / 1000;
  const { hostname, port } = new URL(chroma.url);
  const collections = (
    await new ChromaClient({ host: hostname, port: Number(port), ssl: false }).listCollections({
      limit: 100_000,
    })
  ).length;
  const after = {
    disk: diskMbOf(chroma.dataDir),
    rss: rssMbOf(chromaPid),
    swap: swapMbOf(chromaPid),
    openFiles: openFilesOf(chromaPid),
    collections,
  };

  // A plain user holding the same 10 memories as the subject searched, without subjects.
  await call(app, '/api/v1/admin/users', {
    username: 'plain',
    password: 'plain-password-0123',
    role: 'user',
  });
  const { accessToken } = await call(app, '/api/v1/auth/login', {
    username: 'plain',
    password: 'plain-password-0123',
  });
  const plain = { ...app, headers: { ...app.headers, Authorization: `Bearer ${accessToken}` } };
  const probe = Math.floor(SUBJECTS / 2);
  await call(plain, '/api/v1/memories/batch', { items: memoriesOf(probe) });

  const queries = texts(SEARCHES, 99, 4);
  // Distinct queries, so the search cache answers none of them.
  const [subject, user] = await alternating(
    SEARCHES,
    (i) =>
      call(
        app,
        '/api/v1/memories/search',
        { query: queries[i], limit: 5 },
        { 'X-Memory-Subject': `s-${probe}` },
      ),
    (i) => call(plain, '/api/v1/memories/search', { query: queries[i], limit: 5 }),
  );

  const backupStarted = performance.now();
  const backup = spawnSync(process.execPath, ['dist/apps/memory-cli/src/main.js', 'backup'], {
    env: app.env,
    encoding: 'utf8',
  });
  if (backup.status !== 0) throw new Error(`backup failed: ${backup.stderr}`);
  const backupSeconds = (performance.now() - backupStarted) / 1000;

  const f = (n) => n.toFixed(1);
  console.log(
    `subjects: ${SUBJECTS} x ${PER_SUBJECT} memories in ${collections} collections, one owner`,
  );
  console.log(
    `create: ${f(createSeconds)} s, ${f(SUBJECTS / createSeconds)} subjects/s, ` +
      `${f((SUBJECTS * PER_SUBJECT) / createSeconds)} memories/s (${CONCURRENCY} at a time)`,
  );
  console.log(
    `chroma disk: ${f(before.disk)} -> ${f(after.disk)} MB; chroma RSS: ${f(before.rss)} -> ${f(after.rss)} MB, ` +
      `swapped out: ${f(after.swap)} MB, ${after.openFiles} open files`,
  );
  console.log(
    `search p50 (p99), ${SEARCHES} each, taking turns: one subject among ${SUBJECTS} ` +
      `${f(subject.p50)} (${f(subject.p99)}) ms; a user without subjects ${f(user.p50)} ` +
      `(${f(user.p99)}) ms; ratio ${(subject.p50 / user.p50).toFixed(2)}x (target <= 1.2x)`,
  );
  console.log(`backup (CLI): ${f(backupSeconds)} s`);
  const result = {
    date: new Date().toISOString(),
    subjects: SUBJECTS,
    memoriesPerSubject: PER_SUBJECT,
    concurrency: CONCURRENCY,
    createSeconds,
    chroma: { before, after },
    search: {
      count: SEARCHES,
      subjectP50Ms: subject.p50,
      subjectP99Ms: subject.p99,
      userP50Ms: user.p50,
      userP99Ms: user.p99,
      ratio: subject.p50 / user.p50,
    },
    backupSeconds,
  };
  mkdirSync('bench/results', { recursive: true });
  const file = `bench/results/subjects-${result.date.replace(/[:.]/g, '-')}.json`;
  writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  console.log(`written to ${file}`);
} finally {
  await stopApp(app);
  await chroma.stop();
}
