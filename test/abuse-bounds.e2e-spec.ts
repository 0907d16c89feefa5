import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Agent } from 'supertest';
import { FakeVllmServer } from './support/fake-vllm.server.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/** A raw POST (declared length, any bytes): the status, and the problem's detail if one came. */
function rawPost(
  url: string,
  path: string,
  body: Buffer,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; contentType?: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${url}${path}`,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Content-Length': body.length, ...headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            body: text,
            contentType: res.headers['content-type'],
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const MCP_HEADERS = {
  Accept: 'application/json, text/event-stream',
  'MCP-Protocol-Version': '2025-06-18',
};
const toolsList = (id: number) => ({ jsonrpc: '2.0', id, method: 'tools/list', params: {} });
const facts = (...contents: string[]) => ({
  facts: contents.map((content) => ({ content, type: 'fact' })),
});
const addAll = (count: number) => ({
  decisions: Array.from({ length: count }, (_, i) => ({
    fact: i + 1,
    action: 'ADD',
    memory: null,
    content: null,
  })),
});

/** An export file (header and lines) of these memories, in the local embedder's space. */
function exportFile(lines: object[]): string {
  const header = {
    format: 'memory-system-memories',
    version: 2,
    exportedAt: new Date().toISOString(),
    embeddingModel: 'local-semantic-v3',
    dimension: 384,
    embeddings: false,
  };
  return [header, ...lines].map((line) => JSON.stringify(line)).join('\n') + '\n';
}
const exportedMemory = (content: string, extra: object = {}) => {
  const now = new Date().toISOString();
  return {
    id: randomUUID(),
    content,
    type: 'note',
    tags: [],
    metadata: {},
    createdAt: now,
    updatedAt: now,
    ...extra,
  };
};

describe('one client cannot slow or cost everyone', () => {
  let t: TestApp;
  let chat: FakeVllmServer;
  beforeAll(async () => {
    chat = await new FakeVllmServer({ model: 'Qwen/Qwen3-8B' }).start();
    t = await createTestApp({
      REQUEST_BODY_LIMIT: '1mb',
      VLLM_CHAT_URL: chat.url,
      VLLM_CHAT_MODEL: chat.model,
      VLLM_RETRIES: '0',
      VLLM_TIMEOUT_MS: '30000',
      USER_MAX_MEMORIES: '5',
      EXTRACTION_QUEUE_PER_USER: '1',
      EXTRACTION_MAX_INPUT_CHARS: '2000',
      EXTRACTION_MAX_PROMPT_CHARS: '6000',
      // Every test signs in a user of its own.
      LOGIN_THROTTLE_LIMIT: '1000',
    });
  });
  afterEach(() => chat.clearFaults());
  afterAll(async () => {
    await t?.close();
    await chat?.stop();
  });

  describe('credentials are checked before a body is read', () => {
    // Parsed, these would be 400 (not JSON, nesting too deep) or 413 (too large): a 401 says
    // the body was never looked at.
    const bodies: Array<[string, Buffer]> = [
      ['malformed JSON of 900 KB', Buffer.from('{"content": "' + 'x'.repeat(900_000) + '", ]')],
      ['JSON nested 100,000 deep', Buffer.from('['.repeat(100_000) + ']'.repeat(100_000))],
      ['a body past the 1 MB limit', Buffer.from(`{"content":"${'y'.repeat(3_000_000)}"}`)],
    ];
    it.each(bodies)('answers 401 to %s without credentials', async (_name, body) => {
      const res = await rawPost(t.url, '/api/v1/memories', body);
      expect(res.status).toBe(401);
      expect(res.contentType).toMatch(/application\/problem\+json/);
      expect(JSON.parse(res.body).detail).toMatch(/bearer access token or an API key/);
    });

    it('answers 401 to a bad API key and to an unknown route, before their bodies', async () => {
      const body = Buffer.from('{not json');
      const badKey = await rawPost(t.url, '/api/v1/memories/search', body, {
        'X-API-Key': 'msk_not-a-key',
      });
      expect(badKey.status).toBe(401);
      expect(JSON.parse(badKey.body).detail).toMatch(/API key is invalid/);
      expect((await rawPost(t.url, '/api/v1/nothing-here', body)).status).toBe(401);
    });

    it('still reads the body of a caller with credentials, and of login', async () => {
      const token = (await t.login('alice', 'alice-password-123')).accessToken;
      const malformed = await rawPost(t.url, '/api/v1/memories', Buffer.from('{"content": ]'), {
        Authorization: `Bearer ${token}`,
      });
      expect(malformed.status).toBe(400);
      expect(JSON.parse(malformed.body).detail).toMatch(/not valid JSON/);
      const login = await rawPost(t.url, '/api/v1/auth/login', Buffer.from('{"username": ]'));
      expect(login.status).toBe(400);
      await t.api
        .post('/api/v1/memories')
        .send({ content: 'still works', type: 'fact' })
        .expect(201);
    });
  });

  describe('MCP', () => {
    let token: string;
    beforeAll(async () => {
      token = (await t.login('alice', 'alice-password-123')).accessToken;
    });
    const mcp = (body: unknown, headers: Record<string, string> = {}) =>
      rawPost(t.url, '/mcp', Buffer.from(JSON.stringify(body)), {
        Authorization: `Bearer ${token}`,
        ...MCP_HEADERS,
        ...headers,
      });

    it('refuses a JSON-RPC batch (400) and answers a single message', async () => {
      const batch = await mcp([toolsList(1), toolsList(2)]);
      expect(batch.status).toBe(400);
      expect(batch.contentType).toMatch(/application\/problem\+json/);
      expect(JSON.parse(batch.body).detail).toMatch(/batches are not accepted/);
      const single = await mcp(toolsList(3));
      expect(single.status).toBe(200);
      expect(JSON.parse(single.body).result.tools.length).toBeGreaterThan(0);
    });

    it('refuses a foreign Origin or Host (DNS rebinding) with 403', async () => {
      const origin = await mcp(toolsList(1), { Origin: 'http://evil.example' });
      expect(origin.status).toBe(403);
      expect(JSON.parse(origin.body).detail).toMatch(/Origin "http:\/\/evil.example" may not/);
      const host = await mcp(toolsList(2), { Host: `evil.example:${new URL(t.url).port}` });
      expect(host.status).toBe(403);
      expect(JSON.parse(host.body).detail).toMatch(/Host "evil.example:\d+" is not one/);
      const local = await mcp(toolsList(3), { Host: `localhost:${new URL(t.url).port}` });
      expect(local.status).toBe(200);
    });
  });

  describe('extraction is bounded', () => {
    const extract = (agent: Agent, content: string) =>
      agent.post('/api/v1/memories/extract').send({ messages: [{ role: 'user', content }] });

    it('queues one extraction per user behind the running one; the next gets 429 + Retry-After', async () => {
      const { agent } = await t.signUp('queue-user');
      chat.fail({ kind: 'slow', delayMs: 3000, times: 2 });
      chat.scriptChat(facts(), facts());
      const running = extract(agent, 'first').then((res) => res);
      await sleep(300);
      const waiting = extract(agent, 'second').then((res) => res);
      await sleep(300);
      const refused = await extract(agent, 'third');
      expect(refused.status).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(refused.body.detail).toMatch(/EXTRACTION_QUEUE_PER_USER \(1\)/);
      expect((await running).status).toBe(200);
      expect((await waiting).status).toBe(200);
      // Another user was never queued behind them.
      chat.scriptChat(facts());
      await extract(t.api, 'someone else').expect(200);
    });

    it('stops an extraction whose client left: its chat call is cancelled and nothing is stored', async () => {
      const { agent } = await t.signUp('leaving-user');
      const token = (await t.login('leaving-user', 'alice-password-123')).accessToken;
      chat.fail({ kind: 'slow', delayMs: 3000, times: 1 });
      chat.scriptChat(facts('The user left before the answer'), addAll(1));
      const req = httpRequest(`${t.url}/api/v1/memories/extract`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      });
      req.on('error', () => undefined);
      req.end(JSON.stringify({ messages: [{ role: 'user', content: 'I am leaving' }] }));
      await sleep(800);
      req.destroy();
      // Past the model's delay: had the call gone on, it would have taken both scripted answers.
      await sleep(4000);
      expect(chat.scriptedLeft).toBe(2);
      expect((await agent.get('/api/v1/memories').expect(200)).body.items).toEqual([]);
      // The user is not left queued: the answers are used by the next extraction.
      const next = await extract(agent, 'I am back').expect(200);
      expect(next.body.decisions.map((d: { action: string }) => d.action)).toEqual(['add']);
    });

    it('stops an MCP extract call whose client left: its chat call is cancelled and nothing is stored', async () => {
      const { agent } = await t.signUp('leaving-agent');
      const token = (await t.login('leaving-agent', 'alice-password-123')).accessToken;
      chat.fail({ kind: 'slow', delayMs: 3000, times: 1 });
      chat.scriptChat(facts('The agent left before the answer'), addAll(1));
      const req = httpRequest(`${t.url}/mcp`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Accept: 'application/json, text/event-stream',
          Authorization: `Bearer ${token}`,
        },
      });
      req.on('error', () => undefined);
      const asked = chat.requests.length;
      req.end(
        JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'tools/call',
          params: {
            name: 'extract',
            arguments: { messages: [{ role: 'user', content: 'I am leaving too' }] },
          },
        }),
      );
      // Gone once the model has the extract call (held back by the delay).
      while (chat.requests.length === asked) await sleep(20);
      req.destroy();
      // Past the model's delay: had the call gone on, it would have taken both scripted answers.
      await sleep(4000);
      expect(chat.scriptedLeft).toBe(2);
      expect((await agent.get('/api/v1/memories').expect(200)).body.items).toEqual([]);
      // The answers are used by the next extraction.
      const next = await extract(agent, 'I am back').expect(200);
      expect(next.body.decisions.map((d: { action: string }) => d.action)).toEqual(['add']);
    });

    it('measures the conversation as sent (JSON-escaped) against EXTRACTION_MAX_INPUT_CHARS', async () => {
      // 1,001 characters, 2,001 once its quotes are escaped
      const res = await extract(t.api, '"'.repeat(1000) + 'x').expect(400);
      expect(res.body.detail).toMatch(
        /as sent to the model \(JSON-escaped\).*EXTRACTION_MAX_INPUT_CHARS/,
      );
    });

    it('caps the decide prompt as sent: the farthest memories are left out', async () => {
      const { agent } = await t.signUp('prompt-user');
      // 1,510 characters each, about 3,000 as sent
      for (const city of ['Lisbon', 'Porto', 'Faro']) {
        await agent
          .post('/api/v1/memories')
          .send({ content: `Lives near ${city} ${'"'.repeat(1500)}`, type: 'fact' })
          .expect(201);
      }
      chat.scriptChat(facts('The user lives near Lisbon'), addAll(1));
      const prompts = chat.chatPrompts.length;
      await extract(agent, 'I live near Lisbon').expect(200);
      const decide = chat.chatPrompts[prompts + 1]!.find((m) => m.role === 'user')!.content;
      expect(decide.length).toBeLessThanOrEqual(6000);
      const shown = JSON.parse(decide.split('Existing memories (JSON):\n')[1]!) as unknown[];
      expect(shown.length).toBeGreaterThanOrEqual(1);
      expect(shown.length).toBeLessThan(3);
    });

    it('reads a pathological model answer in linear time: 502, and the service stays live', async () => {
      const { agent } = await t.signUp('regex-user');
      // Quadratic for /\s*```$/: a million spaces not followed by a fence.
      const answer = '{"facts": []' + ' '.repeat(1_000_000) + 'x';
      chat.scriptChat(answer, answer);
      const res = await extract(agent, 'anything');
      expect(res.status).toBe(502);
      expect(res.body.detail).toMatch(/not JSON/);
      await t.http.get('/health/live').expect(200);
    });
  });

  describe('import', () => {
    it('refuses a line nested 100,000 deep with 400 naming the line, not 500', async () => {
      const { agent } = await t.signUp('deep-import-user');
      const file = exportFile([exportedMemory('fine')]).replace(
        '"metadata":{}',
        `"metadata":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`,
      );
      const res = await agent
        .post('/api/v1/memories/import')
        .set('Content-Type', 'application/x-ndjson')
        .send(file);
      expect(res.status).toBe(400);
      expect(res.body.detail).toMatch(/line 2: nests deeper than 32 levels/);
    });
  });

  describe('USER_MAX_MEMORIES', () => {
    it('refuses a create, batch, import or extraction past the quota with 409, storing nothing', async () => {
      const { agent } = await t.signUp('quota-user');
      const batch = (count: number, prefix: string) =>
        agent.post('/api/v1/memories/batch').send({
          items: Array.from({ length: count }, (_, i) => ({
            content: `${prefix} ${i}`,
            type: 'fact',
          })),
        });
      const over = await batch(6, 'too many');
      expect(over.status).toBe(409);
      expect(over.body.detail).toMatch(/USER_MAX_MEMORIES \(5\)/);
      expect((await agent.get('/api/v1/memories').expect(200)).body.items).toEqual([]);

      await batch(4, 'fits').expect(200);
      await agent.post('/api/v1/memories').send({ content: 'the fifth', type: 'fact' }).expect(201);
      const sixth = await agent
        .post('/api/v1/memories')
        .send({ content: 'the sixth', type: 'fact' });
      expect(sixth.status).toBe(409);
      expect(sixth.body.detail).toMatch(
        /You hold 5 memories; storing 1 more would pass USER_MAX_MEMORIES \(5\)/,
      );
      // The same content again stores nothing new: no quota needed.
      await agent.post('/api/v1/memories').send({ content: 'the fifth', type: 'fact' }).expect(200);

      const imported = await agent
        .post('/api/v1/memories/import')
        .set('Content-Type', 'application/x-ndjson')
        .send(exportFile([exportedMemory('imported one')]));
      expect(imported.status).toBe(409);

      chat.scriptChat(facts('The user has a quota'), addAll(1));
      const learned = await agent
        .post('/api/v1/memories/extract')
        .send({ messages: [{ role: 'user', content: 'I have a quota' }] });
      expect(learned.status).toBe(409);
      expect((await agent.get('/api/v1/memories?limit=100').expect(200)).body.items).toHaveLength(
        5,
      );

      // Room again after a delete.
      const first = (await agent.get('/api/v1/memories').expect(200)).body.items[0];
      await agent.delete(`/api/v1/memories/${first.id}`).expect(204);
      await agent.post('/api/v1/memories').send({ content: 'the sixth', type: 'fact' }).expect(201);
    });
  });
});

describe('slow senders and many connections', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ REQUEST_TIMEOUT: '2s', MAX_CONNECTIONS: '16' });
  });
  afterAll(async () => {
    await t?.close();
  });

  const open = (): Promise<Socket> =>
    new Promise((resolve, reject) => {
      const { hostname, port } = new URL(t.url);
      const socket = connect(Number(port), hostname, () => resolve(socket));
      socket.on('error', reject);
    });

  it('answers a body that never finishes with 408 after REQUEST_TIMEOUT and closes it', async () => {
    const socket = await open();
    let received = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.write(
      'POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
        'Content-Length: 100\r\n\r\n{"username":',
    );
    await closed;
    expect(received).toMatch(/^HTTP\/1\.1 408/);
  });

  it('keeps at most MAX_CONNECTIONS open; the rest are closed as they arrive', async () => {
    const sockets = await Promise.all(Array.from({ length: 40 }, () => open().catch(() => null)));
    let closedByServer = 0;
    await Promise.all(
      sockets.map(
        (socket) =>
          new Promise<void>((resolve) => {
            if (!socket) {
              closedByServer++;
              return resolve();
            }
            socket.on('error', () => undefined);
            socket.once('close', () => {
              closedByServer++;
              resolve();
            });
            setTimeout(resolve, 1500);
          }),
      ),
    );
    expect(closedByServer).toBeGreaterThanOrEqual(40 - 16);
    for (const socket of sockets) socket?.destroy();
    await sleep(200);
    await t.http.get('/health/live').expect(200);
  });
});
