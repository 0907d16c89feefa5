// npm run bench:recall: how often the answering memory is found, per search mode, against
// textbook BM25 on the same data, in one run (fresh Chroma, the built API, embedded defaults).
// Writes bench/results/recall-<time>.json and recall-latest.json. It measures; it asserts nothing.
//   BENCH_RECALL_WEIGHTS=0,0.2,0.3,0.5  also runs hybrid at each vector weight (app restarted)
//   BENCH_RECALL_LATENCY=10000          also times each mode on one user with that many memories
//   BENCH_RECALL_ENV='{"VLLM_URL":…}'   runs the app with other settings (a real embedder)
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bm25Index } from './recall/bm25.mjs';
import { buildDataset } from './recall/dataset.mjs';
import { percentile, startApp, startFreshChroma, stopApp } from './support.mjs';

const MODES = ['vector', 'keyword', 'hybrid'];
const K = [1, 5, 10];
const PASSWORD = 'bench-user-password-123';
const weights = (process.env.BENCH_RECALL_WEIGHTS ?? '')
  .split(',')
  .filter((w) => w.trim() !== '')
  .map(Number);
const latencyRecords = Number(process.env.BENCH_RECALL_LATENCY ?? 0);
const extraEnv = {
  LOGIN_THROTTLE_LIMIT: '1000',
  ...JSON.parse(process.env.BENCH_RECALL_ENV ?? '{}'),
};

async function call(app, headers, method, path, body) {
  const res = await fetch(`${app.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => undefined);
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function signIn(app, username) {
  const { accessToken } = await call(app, app.headers, 'POST', '/api/v1/auth/login', {
    username,
    password: PASSWORD,
  });
  return { 'Content-Type': 'application/json', Authorization: `Bearer ${accessToken}` };
}

async function ingest(app, user) {
  await call(app, app.headers, 'POST', '/api/v1/admin/users', {
    username: user.name,
    password: PASSWORD,
    role: 'user',
  });
  const headers = await signIn(app, user.name);
  const idOf = new Map();
  idOf.headers = headers;
  for (let i = 0; i < user.memories.length; i += 100) {
    const chunk = user.memories.slice(i, i + 100);
    const { results } = await call(app, headers, 'POST', '/api/v1/memories/batch', {
      items: chunk.map(({ content, type, metadata }) => ({ content, type, metadata })),
    });
    results.forEach((result, j) => idOf.set(chunk[j].key, result.memory.id));
  }
  return idOf;
}

/** Rank (1-based) of the first answering memory in `ids`, or undefined; and whether all are in. */
function judge(ids, answers) {
  const index = ids.findIndex((id) => answers.includes(id));
  return {
    rank: index < 0 ? undefined : index + 1,
    complete: answers.every((a) => ids.slice(0, 10).includes(a)),
  };
}

function summarise(judgements) {
  const by = (filter) => {
    const chosen = judgements.filter(filter);
    const n = chosen.length || 1;
    return {
      questions: chosen.length,
      ...Object.fromEntries(
        K.map((k) => [`recall@${k}`, chosen.filter((j) => j.rank && j.rank <= k).length / n]),
      ),
      mrr: chosen.reduce((s, j) => s + (j.rank ? 1 / j.rank : 0), 0) / n,
      'complete@10': chosen.filter((j) => j.complete).length / n,
    };
  };
  const categories = [...new Set(judgements.map((j) => j.category))];
  return {
    all: by(() => true),
    byCategory: Object.fromEntries(categories.map((c) => [c, by((j) => j.category === c)])),
  };
}

async function runMode(app, dataset, sessions, mode, progress) {
  const judgements = [];
  const latencies = [];
  for (const user of dataset.users) {
    const { headers, idOf } = sessions.get(user.name);
    for (const q of user.questions) {
      const started = performance.now();
      const { results } = await call(app, headers, 'POST', '/api/v1/memories/search', {
        query: q.question,
        limit: 10,
        mode,
      });
      latencies.push(performance.now() - started);
      const answers = q.answers.map((key) => idOf.get(key));
      judgements.push({
        category: q.category,
        ...judge(
          results.map((r) => r.id),
          answers,
        ),
      });
      progress();
    }
  }
  latencies.sort((a, b) => a - b);
  return { ...summarise(judgements), p50Ms: percentile(latencies, 50) };
}

function runBaseline(dataset, sessions) {
  const judgements = [];
  for (const user of dataset.users) {
    const { idOf } = sessions.get(user.name);
    // The service stores a repeated line once (its duplicate check), so the baseline indexes
    // each stored memory once too: the same line twice would take two of its top 10.
    const stored = new Map(user.memories.map((m) => [idOf.get(m.key), m.content]));
    const index = new Bm25Index([...stored].map(([id, text]) => ({ id, text })));
    for (const q of user.questions) {
      const answers = q.answers.map((key) => idOf.get(key));
      const ids = index.search(q.question, 10).map((hit) => hit.id);
      judgements.push({ category: q.category, ...judge(ids, answers) });
    }
  }
  return summarise(judgements);
}

function progressBar(label, total) {
  let done = 0;
  return () => {
    done++;
    if (done % 50 === 0 || done === total) process.stderr.write(`\r${label}: ${done}/${total}   `);
    if (done === total) process.stderr.write('\n');
  };
}

/** One user with `count` chat-like memories; p50 of sequential searches per mode. */
async function latency(app, dataset, count) {
  await call(app, app.headers, 'POST', '/api/v1/admin/users', {
    username: 'latency',
    password: PASSWORD,
    role: 'user',
  });
  const headers = await signIn(app, 'latency');
  const pool = dataset.users.flatMap((u) => u.memories.map((m) => m.content));
  const questions = dataset.users.flatMap((u) => u.questions.map((q) => q.question));
  const tick = progressBar('latency ingest', Math.ceil(count / 500));
  for (let i = 0; i < count; i += 500) {
    const items = Array.from({ length: Math.min(500, count - i) }, (_, j) => ({
      content: `${pool[(i + j) % pool.length]} #${i + j}`,
      type: 'turn',
    }));
    await call(app, headers, 'POST', '/api/v1/memories/batch', { items });
    tick();
  }
  const result = {};
  for (const mode of MODES) {
    const times = [];
    for (let i = 0; i < 300; i++) {
      const started = performance.now();
      await call(app, headers, 'POST', '/api/v1/memories/search', {
        query: questions[i % questions.length],
        limit: 10,
        mode,
      });
      if (i >= 20) times.push(performance.now() - started); // after warm-up
    }
    times.sort((a, b) => a - b);
    result[mode] = { p50Ms: percentile(times, 50), p99Ms: percentile(times, 99) };
  }
  return { memories: count, ...result };
}

function pct(x) {
  return `${(100 * x).toFixed(1)}%`;
}

function printTable(results) {
  const rows = Object.entries(results);
  console.log('\n| ranking | recall@1 | recall@5 | recall@10 | MRR | x BM25 (recall@10) |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  const base = results['bm25 (baseline)'].all['recall@10'];
  for (const [name, r] of rows) {
    console.log(
      `| ${name} | ${pct(r.all['recall@1'])} | ${pct(r.all['recall@5'])} | ${pct(r.all['recall@10'])} | ${r.all.mrr.toFixed(3)} | ${(r.all['recall@10'] / base).toFixed(2)} |`,
    );
  }
  const categories = Object.keys(results['bm25 (baseline)'].byCategory);
  console.log(`\nrecall@10 by question kind\n| ranking | ${categories.join(' | ')} |`);
  console.log(`| --- | ${categories.map(() => '---').join(' | ')} |`);
  for (const [name, r] of rows) {
    console.log(
      `| ${name} | ${categories.map((c) => pct(r.byCategory[c]['recall@10'])).join(' | ')} |`,
    );
  }
}

async function main() {
  const dataset = buildDataset();
  const memories = dataset.users.reduce((n, u) => n + u.memories.length, 0);
  const questionCount = dataset.users.reduce((n, u) => n + u.questions.length, 0);
  console.log(
    `Recall benchmark: ${dataset.users.length} users, ${memories} memories, ${questionCount} questions`,
  );
  const chroma = await startFreshChroma();
  const dataDir = mkdtempSync(join(tmpdir(), 'ms-bench-recall-'));
  let app = await startApp(chroma.url, { DATA_DIR: dataDir, ...extraEnv });
  const results = {};
  let latencyResult;
  try {
    const sessions = new Map();
    const tick = progressBar('ingest', dataset.users.length);
    for (const user of dataset.users) {
      const idOf = await ingest(app, user);
      sessions.set(user.name, { idOf, headers: idOf.headers });
      tick();
    }
    results['bm25 (baseline)'] = runBaseline(dataset, sessions);
    for (const mode of MODES) {
      results[mode] = await runMode(app, dataset, sessions, mode, progressBar(mode, questionCount));
    }
    for (const weight of weights) {
      await stopApp(app);
      app = await startApp(chroma.url, {
        DATA_DIR: dataDir,
        SEARCH_VECTOR_WEIGHT: String(weight),
        ...extraEnv,
      });
      for (const user of dataset.users) {
        sessions.get(user.name).headers = await signIn(app, user.name);
      }
      results[`hybrid, vector weight ${weight}`] = await runMode(
        app,
        dataset,
        sessions,
        'hybrid',
        progressBar(`hybrid w=${weight}`, questionCount),
      );
    }
    if (latencyRecords > 0) latencyResult = await latency(app, dataset, latencyRecords);
  } finally {
    await stopApp(app);
    await chroma.stop();
  }

  printTable(results);
  if (latencyResult) {
    console.log(`\nSearch latency, one user with ${latencyResult.memories} memories (sequential):`);
    for (const mode of MODES) {
      const r = latencyResult[mode];
      console.log(`  ${mode}: p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms`);
    }
  }
  const report = {
    at: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
    dataset: { users: dataset.users.length, memories, questions: questionCount },
    settings: extraEnv,
    results,
    latency: latencyResult,
  };
  mkdirSync('bench/results', { recursive: true });
  const stamp = report.at.replace(/[:.]/g, '-');
  writeFileSync(join('bench/results', `recall-${stamp}.json`), JSON.stringify(report, null, 2));
  writeFileSync(join('bench/results', 'recall-latest.json'), JSON.stringify(report, null, 2));
  console.log(`\nWritten to bench/results/recall-${stamp}.json`);
}

await main();
