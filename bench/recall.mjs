// npm run bench:recall: how often the answering memories are found, per search mode, against
// textbook BM25 on the same data, in one run (fresh Chroma, the built API, embedded defaults), on
// evaluation sets: `conversations` (multi-session chats made from templates, every message a
// memory with its conversation, date and speaker; bench/recall/conversations), `unseen` (chats and
// questions written freely by other authors, never used to tune; bench/recall/unseen; its
// `unseen-dev` part may be) and `everyday` (the first set: short everyday paraphrases, turns and
// facts; bench/recall/dataset.mjs).
// Writes bench/results/recall-<time>.json and recall-latest.json. It measures; it asserts nothing.
//   BENCH_RECALL_SETS=conversations      only these sets (default: conversations,unseen,everyday;
//                                        also unseen-dev, and locomo with the next setting)
//   BENCH_RECALL_LOCOMO=/path/locomo10.json  also runs chats in LoCoMo's format as the set
//                                        `locomo` (bench/recall/locomo.mjs): the held-out check
//   BENCH_RECALL_ABLATE=1                also runs hybrid on the chat sets with each signal
//                                        off in turn (app restarted), for the ablation table
//   BENCH_RECALL_DECOMPOSE=1             also runs hybrid on the chat sets with query
//                                        decomposition asked of the in-repo stand-in model
//   BENCH_RECALL_RERANK=1                ... and with the rerank lane on the stand-in's
//                                        reranker (it counts words: the lane's cost, not a
//                                        cross-encoder's gain)
//   BENCH_RECALL_WEIGHTS=0,0.2,0.3,0.5   also runs hybrid at each vector weight (app restarted)
//   BENCH_RECALL_LATENCY=10000           also times each mode on one user with that many memories
//   BENCH_RECALL_LATENCY_TEXT=dense      ... of long dense text (default: chat lines)
//   BENCH_RECALL_ENV='{"VLLM_URL":…}'    runs the app with other settings (a real embedder)
//   BENCH_RECALL_MISSES=unseen-dev       writes the hybrid misses of these sets (question, the
//                                        evidence not in the top 10 with its rank to 50 and
//                                        its scoring, the top 3) to
//                                        bench/results/recall-misses.json, for looking at
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bm25Index } from './recall/bm25.mjs';
import { buildConversations } from './recall/conversations/build.mjs';
import { buildDataset } from './recall/dataset.mjs';
import { loadLocomo } from './recall/locomo.mjs';
import { loadUnseen } from './recall/unseen/load.mjs';
import { percentile, startApp, startFreshChroma, stopApp, texts } from './support.mjs';
import { createStandInServer, STAND_IN_MODEL } from '../apps/stand-in-model/stand-in-model.mjs';

const MODES = ['vector', 'keyword', 'hybrid'];
const K = [1, 5, 10];
const locomoFile = process.env.BENCH_RECALL_LOCOMO;
const SETS = (
  process.env.BENCH_RECALL_SETS ?? `conversations,unseen,everyday${locomoFile ? ',locomo' : ''}`
)
  .split(',')
  .map((name) => name.trim())
  .filter(Boolean);
/** Each ranking signal and the setting that turns it off, for the ablation runs. */
const SIGNALS_OFF = {
  'without conversation neighbours': { SEARCH_NEIGHBOUR_WEIGHT: '0' },
  'without the answered question twice': { SEARCH_ANSWERED_QUESTION_REPEATS: '0' },
  'without the date window': { SEARCH_TIME_WEIGHT: '0' },
  'without the recency prior': { SEARCH_RECENCY_WEIGHT: '0' },
  'without people': { SEARCH_PEOPLE_WEIGHT: '0' },
  'without the answer kind': { SEARCH_ANSWER_KIND_WEIGHT: '0' },
  'without statements first': { SEARCH_STATEMENT_WEIGHT: '0' },
  'without diversity': { SEARCH_DIVERSITY: '0' },
};
/** Each signal off in turn, then all of them at once (derived, so a new signal joins both). */
const ABLATIONS = {
  ...SIGNALS_OFF,
  'all signals off': Object.assign({}, ...Object.values(SIGNALS_OFF)),
};
const ablate = process.env.BENCH_RECALL_ABLATE === '1';
const decompose = process.env.BENCH_RECALL_DECOMPOSE === '1';
const rerankLane = process.env.BENCH_RECALL_RERANK === '1';
const latencyText = process.env.BENCH_RECALL_LATENCY_TEXT ?? 'chat';
const PASSWORD = 'bench-user-password-123';
const weights = (process.env.BENCH_RECALL_WEIGHTS ?? '')
  .split(',')
  .filter((w) => w.trim() !== '')
  .map(Number);
const latencyRecords = Number(process.env.BENCH_RECALL_LATENCY ?? 0);
const missesOf = new Set((process.env.BENCH_RECALL_MISSES ?? '').split(',').filter(Boolean));
const misses = [];
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
      items: chunk.map(({ content, type, metadata, conversationId, occurredAt }) => ({
        content,
        type,
        metadata,
        ...(conversationId ? { conversationId, occurredAt } : {}),
      })),
    });
    results.forEach((result, j) => idOf.set(chunk[j].key, result.memory.id));
  }
  return idOf;
}

/**
 * Rank (1-based) of the first answering memory in `ids`, or undefined; the share of the answers
 * found in the top k (recall@k: a question with two answering memories and one found scores
 * 0.5), and whether all are in the top 10.
 */
function judge(ids, answers) {
  const index = ids.findIndex((id) => answers.includes(id));
  const found = (k) => answers.filter((a) => ids.slice(0, k).includes(a)).length / answers.length;
  return {
    rank: index < 0 ? undefined : index + 1,
    recall: Object.fromEntries(K.map((k) => [k, found(k)])),
    complete: found(10) === 1,
  };
}

function summarise(judgements) {
  const by = (filter) => {
    const chosen = judgements.filter(filter);
    const n = chosen.length || 1;
    return {
      questions: chosen.length,
      ...Object.fromEntries(
        K.map((k) => [`recall@${k}`, chosen.reduce((sum, j) => sum + j.recall[k], 0) / n]),
      ),
      ...Object.fromEntries(
        K.map((k) => [`hits@${k}`, chosen.filter((j) => j.rank && j.rank <= k).length / n]),
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

async function runMode(
  app,
  dataset,
  sessions,
  mode,
  progress,
  { keepMisses = false, reranked } = {},
) {
  const judgements = [];
  const latencies = [];
  for (const user of dataset.users) {
    const { headers, idOf } = sessions.get(user.name);
    for (const q of user.questions) {
      const started = performance.now();
      const { results, rerank } = await call(app, headers, 'POST', '/api/v1/memories/search', {
        query: q.question,
        limit: 10,
        mode,
        // "Now" for the question: the conversation's last date (temporal questions say "last month").
        ...(user.referenceDate ? { referenceDate: user.referenceDate } : {}),
      });
      latencies.push(performance.now() - started);
      // A reranker that failed leaves the first-stage order: that row would not measure it.
      if (rerank?.status === 'failed' || (reranked && rerank?.status !== 'applied')) {
        throw new Error(`"${q.question}": rerank ${rerank?.status} ${rerank?.detail ?? ''}`);
      }
      const answers = q.answers.map((key) => idOf.get(key));
      const judgement = judge(
        results.map((r) => r.id),
        answers,
      );
      judgements.push({ category: q.category, ...judgement });
      if (keepMisses && !judgement.complete) {
        const contentOf = new Map(user.memories.map((m) => [idOf.get(m.key), m]));
        // Where the missed answers rank further down (beyond 50: absent), with their scoring.
        const { results: deeper } = await call(app, headers, 'POST', '/api/v1/memories/search', {
          query: q.question,
          limit: 50,
          mode,
          ...(user.referenceDate ? { referenceDate: user.referenceDate } : {}),
        });
        misses.push({
          user: user.name,
          category: q.category,
          question: q.question,
          missed: answers
            .filter((id) => !results.slice(0, 10).some((r) => r.id === id))
            .map((id) => {
              const rank = deeper.findIndex((r) => r.id === id);
              const found =
                rank < 0 ? 'absent' : `#${rank + 1} ${JSON.stringify(deeper[rank].scoring)}`;
              return `${contentOf.get(id).key} ${contentOf.get(id).content} [${found}]`;
            }),
          tenth: deeper[9] ? JSON.stringify(deeper[9].scoring) : undefined,
          top: results.slice(0, 3).map((r) => `${contentOf.get(r.id)?.key} ${r.content}`),
        });
      }
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
/**
 * Time the API's main thread (where a search's JavaScript and SQLite work runs) has spent on a
 * CPU, in ms, from Linux's /proc/<pid>/schedstat; undefined elsewhere.
 */
function cpuTimeMs(app) {
  try {
    const [ns] = readFileSync(`/proc/${app.child.pid}/schedstat`, 'utf8').split(' ');
    return Number(ns) / 1e6;
  } catch {
    return undefined;
  }
}

async function latency(app, dataset, count) {
  await call(app, app.headers, 'POST', '/api/v1/admin/users', {
    username: 'latency',
    password: PASSWORD,
    role: 'user',
  });
  const headers = await signIn(app, 'latency');
  // Chat lines, or long dense text (60 words from a vocabulary of 60, as bench/run.mjs draws
  // them: every query term is in most memories, BM25's worst case).
  const pool =
    latencyText === 'dense'
      ? texts(2_000, 7, 60)
      : dataset.users.flatMap((u) => u.memories.map((m) => m.content));
  const questions =
    latencyText === 'dense'
      ? texts(300, 11, 6)
      : dataset.users.flatMap((u) => u.questions.map((q) => q.question));
  const tick = progressBar('latency ingest', Math.ceil(count / 500));
  for (let i = 0; i < count; i += 500) {
    // Chat lines are said in conversations of 20, a minute apart, so each carries its
    // neighbours' words as the service keeps them (see README, "Conversation neighbours").
    const items = Array.from({ length: Math.min(500, count - i) }, (_, j) => ({
      content: `${pool[(i + j) % pool.length]} #${i + j}`,
      type: 'turn',
      ...(latencyText === 'dense'
        ? {}
        : {
            conversationId: `latency-${Math.floor((i + j) / 20)}`,
            occurredAt: new Date(Date.UTC(2023, 0, 1) + (i + j) * 60_000).toISOString(),
          }),
    }));
    await call(app, headers, 'POST', '/api/v1/memories/batch', { items });
    tick();
  }
  // The modes take turns on each question, so a machine busy with other work slows them alike,
  // each first in turn (what one leaves behind, its garbage, is not always the next one's to
  // pay); the API's own CPU time per search is counted too, which other work hardly moves.
  const times = Object.fromEntries(MODES.map((mode) => [mode, []]));
  const cpu = Object.fromEntries(MODES.map((mode) => [mode, []]));
  for (let i = 0; i < 300; i++) {
    for (const mode of MODES.map((_, j) => MODES[(i + j) % MODES.length])) {
      const started = performance.now();
      const cpuBefore = cpuTimeMs(app);
      await call(app, headers, 'POST', '/api/v1/memories/search', {
        query: questions[i % questions.length],
        limit: 10,
        mode,
      });
      if (i < 20) continue; // warm-up
      times[mode].push(performance.now() - started);
      if (cpuBefore !== undefined) cpu[mode].push(cpuTimeMs(app) - cpuBefore);
    }
  }
  const result = {};
  for (const mode of MODES) {
    times[mode].sort((a, b) => a - b);
    cpu[mode].sort((a, b) => a - b);
    result[mode] = {
      p50Ms: percentile(times[mode], 50),
      p99Ms: percentile(times[mode], 99),
      ...(cpu[mode].length ? { cpuP50Ms: percentile(cpu[mode], 50) } : {}),
    };
  }
  return { memories: count, text: latencyText, ...result };
}

function pct(x) {
  return `${(100 * x).toFixed(1)}%`;
}

function printTable(title, results) {
  const rows = Object.entries(results);
  const base = results['bm25 (baseline)'].all;
  const vector = results.vector?.all;
  console.log(`\n${title}`);
  console.log(
    '| ranking | R@5 | R@10 | hits@10 | MRR | R@10 / BM25 | hits@10 / BM25 | R@10 / vector |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const [name, r] of rows) {
    const a = r.all;
    console.log(
      `| ${name} | ${pct(a['recall@5'])} | ${pct(a['recall@10'])} | ${pct(a['hits@10'])} | ${a.mrr.toFixed(3)} | ${(a['recall@10'] / base['recall@10']).toFixed(2)} | ${(a['hits@10'] / base['hits@10']).toFixed(2)} | ${vector ? (a['recall@10'] / vector['recall@10']).toFixed(2) : '-'} |`,
    );
  }
  const categories = Object.keys(results['bm25 (baseline)'].byCategory);
  for (const metric of ['recall@5', 'recall@10', 'hits@10']) {
    console.log(`\n${metric} by question kind (x BM25)\n| ranking | ${categories.join(' | ')} |`);
    console.log(`| --- | ${categories.map(() => '---').join(' | ')} |`);
    for (const [name, r] of rows) {
      const cell = (c) => {
        const value = r.byCategory[c][metric];
        const baseline = results['bm25 (baseline)'].byCategory[c][metric];
        return `${pct(value)} (${baseline ? (value / baseline).toFixed(2) : '-'})`;
      };
      console.log(`| ${name} | ${categories.map(cell).join(' | ')} |`);
    }
  }
}

const BUILDERS = {
  conversations: buildConversations,
  unseen: () => loadUnseen('test'),
  'unseen-dev': () => loadUnseen('dev'),
  everyday: buildDataset,
  ...(locomoFile ? { locomo: () => loadLocomo(locomoFile) } : {}),
};
/** The sets of dated multi-session chats, where the ranking signals for conversations apply. */
const CHAT_SETS = ['conversations', 'unseen', 'unseen-dev', 'locomo'];

/** Restarts the app with other settings; every user signs in again. */
async function restart(state, env) {
  await stopApp(state.app);
  state.app = await startApp(state.chromaUrl, { DATA_DIR: state.dataDir, ...env, ...extraEnv });
  for (const { dataset, sessions } of Object.values(state.sets)) {
    for (const user of dataset.users) {
      sessions.get(user.name).headers = await signIn(state.app, user.name);
    }
  }
}

async function main() {
  const chroma = await startFreshChroma();
  const dataDir = mkdtempSync(join(tmpdir(), 'ms-bench-recall-'));
  const state = {
    chromaUrl: chroma.url,
    dataDir,
    app: await startApp(chroma.url, { DATA_DIR: dataDir, ...extraEnv }),
    sets: {},
  };
  const results = {};
  const sizes = {};
  let latencyResult;
  try {
    for (const name of SETS.filter((set) => set in BUILDERS)) {
      const dataset = BUILDERS[name]();
      const memories = dataset.users.reduce((n, u) => n + u.memories.length, 0);
      const questions = dataset.users.reduce((n, u) => n + u.questions.length, 0);
      sizes[name] = { users: dataset.users.length, memories, questions };
      console.log(
        `${name}: ${dataset.users.length} users, ${memories} memories, ${questions} questions`,
      );
      const sessions = new Map();
      const tick = progressBar(`${name} ingest`, dataset.users.length);
      for (const user of dataset.users) {
        const idOf = await ingest(state.app, user);
        sessions.set(user.name, { idOf, headers: idOf.headers });
        tick();
      }
      state.sets[name] = { dataset, sessions, questions };
      results[name] = { 'bm25 (baseline)': runBaseline(dataset, sessions) };
    }
    const runAll = async (label, modes, only, { reranked = false } = {}) => {
      for (const [name, { dataset, sessions, questions }] of Object.entries(state.sets)) {
        if (only && !only.includes(name)) continue;
        for (const mode of modes) {
          const tick = progressBar(`${name} ${label ?? mode}`, questions);
          // The misses of the default hybrid run, for looking at (BENCH_RECALL_MISSES).
          const keepMisses = !label && mode === 'hybrid' && missesOf.has(name);
          results[name][label ?? mode] = await runMode(state.app, dataset, sessions, mode, tick, {
            keepMisses,
            reranked,
          });
        }
      }
    };
    await runAll(undefined, MODES);
    const chatSets = CHAT_SETS.filter((name) => name in state.sets);
    if (ablate && chatSets.length) {
      for (const [label, env] of Object.entries(ABLATIONS)) {
        await restart(state, env);
        await runAll(`hybrid ${label}`, ['hybrid'], chatSets);
      }
    }
    // The optional model lanes, against the in-repo stand-in model: their gain and their cost
    // per search. It cuts a question at "after", "before" or "when", and reranks by counting
    // the question's words; a real model splits and judges by meaning.
    // A model named in BENCH_RECALL_ENV answers instead (it wins over these settings).
    const whose = (role) => (extraEnv[`VLLM_${role}_URL`] ? 'BENCH_RECALL_ENV' : 'stand-in');
    const lanes = [
      ...(decompose
        ? [
            [
              `hybrid + query decomposition (${whose('CHAT')})`,
              { SEARCH_DECOMPOSE: 'true' },
              'CHAT',
            ],
          ]
        : []),
      ...(rerankLane ? [[`hybrid + rerank (${whose('RERANK')})`, {}, 'RERANK']] : []),
    ];
    if (lanes.length && chatSets.length) {
      const model = createStandInServer();
      await new Promise((resolve) => model.listen(0, '127.0.0.1', resolve));
      const modelUrl = `http://127.0.0.1:${model.address().port}`;
      try {
        for (const [label, env, role] of lanes) {
          await restart(state, {
            ...env,
            [`VLLM_${role}_URL`]: modelUrl,
            [`VLLM_${role}_MODEL`]: STAND_IN_MODEL,
          });
          await runAll(label, ['hybrid'], chatSets, { reranked: role === 'RERANK' });
        }
        await restart(state, {});
      } finally {
        model.close();
      }
    }
    for (const weight of weights) {
      await restart(state, { SEARCH_VECTOR_WEIGHT: String(weight) });
      await runAll(`hybrid, vector weight ${weight}`, ['hybrid']);
    }
    if (latencyRecords > 0) {
      // Timed with the deployment's defaults, whatever the runs above changed.
      if (ablate || weights.length) await restart(state, {});
      const any = Object.values(state.sets)[0]?.dataset ?? buildConversations();
      latencyResult = await latency(state.app, any, latencyRecords);
    }
  } finally {
    await stopApp(state.app);
    await chroma.stop();
  }

  for (const [name, table] of Object.entries(results)) {
    if (Object.keys(table).length < 2) continue;
    const size = sizes[name];
    printTable(`${name} (${size.questions} questions, ${size.memories} memories)`, table);
    console.log(`\nsearch p50 over HTTP, sequential (${name})`);
    for (const [run, r] of Object.entries(table)) {
      if (r.p50Ms !== undefined) console.log(`  ${run}: ${r.p50Ms.toFixed(2)} ms`);
    }
  }
  if (latencyResult) {
    console.log(
      `\nSearch latency, one user with ${latencyResult.memories} memories of ${latencyResult.text} text (sequential):`,
    );
    for (const mode of MODES) {
      const r = latencyResult[mode];
      const cpuPart = r.cpuP50Ms === undefined ? '' : `, API CPU p50 ${r.cpuP50Ms.toFixed(2)} ms`;
      console.log(
        `  ${mode}: p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms${cpuPart}`,
      );
    }
  }
  const report = {
    at: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
    datasets: sizes,
    settings: extraEnv,
    results,
    latency: latencyResult,
  };
  mkdirSync('bench/results', { recursive: true });
  if (missesOf.size) {
    writeFileSync('bench/results/recall-misses.json', JSON.stringify(misses, null, 2));
  }
  const stamp = report.at.replace(/[:.]/g, '-');
  writeFileSync(join('bench/results', `recall-${stamp}.json`), JSON.stringify(report, null, 2));
  writeFileSync(join('bench/results', 'recall-latest.json'), JSON.stringify(report, null, 2));
  console.log(`\nWritten to bench/results/recall-${stamp}.json`);
}

await main();
