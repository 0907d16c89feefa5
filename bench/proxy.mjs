// npm run bench:proxy: time to first byte of a streamed chat answer through the memory proxy
// (/v1/chat/completions, memories added) against the same request straight to the same model, in
// one run, beside one search of the same memories (the work the proxy adds). The model is the
// stand-in (apps/stand-in-model/stand-in-model.mjs) on loopback; memories on a fresh embedded Chroma with the
// local embedder, as `npm run bench`. Prints a table and writes JSON to bench/results/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { createStandInServer, STAND_IN_MODEL } from '../apps/stand-in-model/stand-in-model.mjs';
import { alternating, startApp, startFreshChroma, stopApp, texts } from './support.mjs';

const MEMORIES = Number(process.env.BENCH_MEMORIES ?? 1_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 200);

/** Milliseconds until the first byte of the answer's body; the rest is read off after. */
async function firstByte(url, headers, body) {
  const started = performance.now();
  const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  const reader = res.body.getReader();
  const first = await reader.read();
  const elapsed = performance.now() - started;
  if (!res.ok || first.done) throw new Error(`${url}: HTTP ${res.status}`);
  while (!(await reader.read()).done);
  return elapsed;
}

const standIn = createStandInServer();
await new Promise((resolve) => standIn.listen(0, '127.0.0.1', resolve));
const modelUrl = `http://127.0.0.1:${standIn.address().port}`;
const chroma = await startFreshChroma();
const app = await startApp(chroma.url, {
  VLLM_CHAT_URL: modelUrl,
  VLLM_CHAT_MODEL: STAND_IN_MODEL,
  PROXY_LEARN: 'false',
});
try {
  const contents = texts(MEMORIES, 7, 12);
  for (let i = 0; i < contents.length; i += 500) {
    const res = await fetch(`${app.url}/api/v1/memories/batch`, {
      method: 'POST',
      headers: app.headers,
      body: JSON.stringify({
        items: contents.slice(i, i + 500).map((content) => ({ content, type: 'note' })),
      }),
    });
    if (!res.ok) throw new Error(`seeding failed: ${res.status}`);
  }
  // Every round asks something new, so neither the proxy's search nor the plain one is cached.
  const questions = texts(ROUNDS * 2 + 20, 11, 8);
  const chatBody = (i) => ({
    model: STAND_IN_MODEL,
    stream: true,
    messages: [{ role: 'user', content: questions[i] }],
  });
  const search = async (i) => {
    const res = await fetch(`${app.url}/api/v1/memories/search`, {
      method: 'POST',
      headers: app.headers,
      body: JSON.stringify({ query: questions[ROUNDS + i], limit: 25 }),
    });
    if (!res.ok) throw new Error(`search failed: ${res.status}`);
    await res.arrayBuffer();
  };
  const direct = (i) =>
    firstByte(
      `${modelUrl}/v1/chat/completions`,
      { 'Content-Type': 'application/json' },
      chatBody(i),
    );
  const proxied = (i) => firstByte(`${app.url}/v1/chat/completions`, app.headers, chatBody(i));
  const relayOnly = (i) =>
    firstByte(
      `${app.url}/v1/chat/completions`,
      { ...app.headers, 'X-Memory-Mode': 'off' },
      chatBody(i),
    );
  // Warm-up: the first search of a replica builds its keyword index.
  for (let i = 0; i < 20; i++) await Promise.all([direct(i), proxied(i), search(i)]);

  // Past the warm-up's questions.
  const timed = (call) => (i) => call(i + 20);
  const [modelTtfb, proxyTtfb, relayTtfb, searchTime] = await alternating(
    ROUNDS,
    timed(direct),
    timed(proxied),
    timed(relayOnly),
    timed(search),
  );
  const added = proxyTtfb.p50 - modelTtfb.p50;
  const target = searchTime.p50 + 3;
  const result = {
    when: new Date().toISOString(),
    cpus: cpus().length,
    memories: MEMORIES,
    rounds: ROUNDS,
    ms: {
      modelFirstByte: modelTtfb,
      proxyFirstByte: proxyTtfb,
      proxyFirstByteMemoryOff: relayTtfb,
      search: searchTime,
    },
    addedP50: added,
    targetP50: target,
    withinTarget: added <= target,
  };
  const row = (name, r) =>
    console.log(
      `${name.padEnd(38)} p50 ${r.p50.toFixed(2).padStart(7)} ms   p99 ${r.p99.toFixed(2).padStart(7)} ms`,
    );
  console.log(
    `\n${MEMORIES} memories, ${ROUNDS} rounds each, taking turns, ${cpus().length} cores`,
  );
  row('first byte, straight to the model', modelTtfb);
  row('first byte, through the proxy', proxyTtfb);
  row('first byte, proxy with X-Memory-Mode: off', relayTtfb);
  row('one search (POST /memories/search)', searchTime);
  console.log(
    `proxy adds ${added.toFixed(2)} ms at p50; target: one search p50 + 3 ms = ${target.toFixed(2)} ms: ${result.withinTarget ? 'met' : 'NOT met'}`,
  );
  mkdirSync('bench/results', { recursive: true });
  const file = join('bench/results', `proxy-${result.when.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`written to ${file}`);
} finally {
  await stopApp(app);
  await chroma.stop();
  standIn.close();
}
