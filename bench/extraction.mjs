// npm run bench:extraction: extraction throughput and chat calls per request, against a chat
// server in vLLM's wire format (bench/extraction/chat-server.mjs, which answers instantly), on a
// fresh Chroma. The baseline, in the same run: the two chat calls an extraction makes, sent
// straight from this process (the floor no extraction can beat). Sequential requests give the
// latency; BENCH_EXTRACTION_CLIENTS concurrent users give the throughput. Writes JSON to
// bench/results/extraction-<time>.json. It measures; it asserts nothing.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { startChatServer } from './extraction/chat-server.mjs';
import { sequential, startApp, startFreshChroma, stopApp } from './support.mjs';

const REQUESTS = Number(process.env.BENCH_EXTRACTION_REQUESTS ?? 200);
const CLIENTS = Number(process.env.BENCH_EXTRACTION_CLIENTS ?? 8);
const TOPICS = ['lives in', 'works as', 'drives', 'plays', 'is learning', 'likes to eat'];
const VALUES = ['Berlin', 'Lisbon', 'a nurse', 'a blue car', 'the violin', 'Portuguese', 'sushi'];

/** Three user messages per request; about half restate a subject said before (supersede). */
const conversation = (i) =>
  [0, 1, 2].map((k) => ({
    role: 'user',
    content: `${TOPICS[(i + k) % TOPICS.length]} ${VALUES[(i * 3 + k) % VALUES.length]} (${i}.${k})`,
  }));

async function main() {
  const chroma = await startFreshChroma();
  const chat = await startChatServer();
  const app = await startApp(chroma.url, { VLLM_CHAT_URL: chat.url, VLLM_CHAT_MODEL: chat.model });
  try {
    const extract = async (headers, i) => {
      const res = await fetch(`${app.url}/api/v1/memories/extract`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ messages: conversation(i) }),
      });
      if (!res.ok) throw new Error(`extract: ${res.status} ${await res.text()}`);
      return res.json();
    };
    const floor = await sequential(REQUESTS, (i) => chat.twoCalls(conversation(i)));
    const callsBefore = chat.calls;
    const decisions = {};
    const oneAtATime = await sequential(REQUESTS, async (i) => {
      const receipt = await extract(app.headers, i);
      for (const d of receipt.decisions) decisions[d.action] = (decisions[d.action] ?? 0) + 1;
      if (i % 20 === 0) process.stderr.write(`\rsequential: ${i}/${REQUESTS}   `);
    });
    const chatCallsPerRequest = (chat.calls - callsBefore) / REQUESTS;

    // Throughput: CLIENTS users at once (one extraction per user runs at a time by design).
    const users = [];
    for (let c = 0; c < CLIENTS; c++) {
      const username = `bench-extract-${c}`;
      await fetch(`${app.url}/api/v1/admin/users`, {
        method: 'POST',
        headers: app.headers,
        body: JSON.stringify({ username, password: 'bench-password-123', role: 'user' }),
      });
      const login = await fetch(`${app.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username, password: 'bench-password-123' }),
      });
      const { accessToken } = await login.json();
      users.push({ 'Content-Type': 'application/json', Authorization: `Bearer ${accessToken}` });
    }
    const perClient = Math.ceil(REQUESTS / CLIENTS);
    const started = performance.now();
    await Promise.all(
      users.map(async (headers) => {
        for (let i = 0; i < perClient; i++) await extract(headers, i);
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    process.stderr.write('\n');

    const result = {
      at: new Date().toISOString(),
      machine: { cpus: cpus().length, node: process.version },
      requests: REQUESTS,
      messagesPerRequest: 3,
      chatCallsPerRequest,
      decisions,
      latency: {
        extractP50Ms: oneAtATime.p50,
        extractP99Ms: oneAtATime.p99,
        twoChatCallsP50Ms: floor.p50,
        overheadP50Ms: oneAtATime.p50 - floor.p50,
      },
      throughput: { clients: CLIENTS, requestsPerSecond: (perClient * CLIENTS) / seconds },
    };
    console.log(JSON.stringify(result, null, 2));
    const dir = join('bench', 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, `extraction-${result.at.replace(/[:.]/g, '-')}.json`),
      JSON.stringify(result, null, 2) + '\n',
    );
  } finally {
    await stopApp(app);
    await chat.close();
    await chroma.stop();
  }
}

await main();
