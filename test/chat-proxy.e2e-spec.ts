import { wholeText } from './support/export.js';
import OpenAI, {
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
} from 'openai';
import { FakeVllmServer } from './support/fake-vllm.server.js';
import { parseMetrics, total } from './support/metrics.js';
import { createTestApp, type TestApp } from './support/test-app.js';

type Messages = Array<{ role: string; content: string }>;
interface Recorded {
  model: string;
  messages: Messages;
  stream?: boolean;
  [field: string]: unknown;
}

const within = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms),
    ),
  ]);

async function eventually<T>(check: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} did not happen within 10 s`);
}

describe('OpenAI-compatible chat proxy at /v1', () => {
  let t: TestApp;
  let chat: FakeVllmServer;
  let key: string;
  let client: OpenAI;
  let allergyId: string;

  const clientWith = (apiKey: string, headers: Record<string, string> = {}) =>
    new OpenAI({ apiKey, baseURL: `${t.url}/v1`, maxRetries: 0, defaultHeaders: headers });
  const chatRequests = () =>
    chat.requests
      .filter((r) => r.path === '/v1/chat/completions')
      .map((r) => r.body as Recorded)
      .filter((body) => body.response_format === undefined);
  const lastRelayed = () => chatRequests().at(-1)!;
  const metrics = async () => parseMetrics((await t.http.get('/metrics').expect(200)).text);

  beforeAll(async () => {
    chat = await new FakeVllmServer({ model: 'Qwen/Qwen3-8B', maxInputChars: 1_000_000 }).start();
    t = await createTestApp({
      VLLM_CHAT_URL: chat.url,
      VLLM_CHAT_MODEL: chat.model,
      VLLM_RETRIES: '0',
      VLLM_TIMEOUT_MS: '10000',
      REQUEST_BODY_LIMIT: '2mb',
    });
    key = (await t.api.post('/api/v1/auth/api-keys').send({ name: 'chat-ui' }).expect(201)).body
      .key as string;
    client = clientWith(key, { 'X-Memory-Learn': 'false' });
    allergyId = (
      await t.api
        .post('/api/v1/memories')
        .send({ content: 'Alice is allergic to peanuts', type: 'fact' })
        .expect(201)
    ).body.id as string;
    await t.api
      .post('/api/v1/memories')
      .send({ content: 'Alice plays the cello on Sundays', type: 'fact' })
      .expect(201);
  });
  afterEach(() => {
    chat.clearFaults();
    expect(chat.scriptedLeft).toBe(0);
  });
  afterAll(async () => {
    await t?.close();
    await chat?.stop();
  });

  it("lists the chat server's models", async () => {
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual([chat.model]);
  });

  it("adds one system message naming the memories after the caller's own, and passes every field on", async () => {
    const messages = [
      { role: 'system' as const, content: 'Answer briefly.' },
      { role: 'user' as const, content: 'What am I allergic to?' },
    ];
    const sent = structuredClone(messages);
    const tools = [
      {
        type: 'function' as const,
        function: { name: 'lookup', parameters: { type: 'object', properties: {} } },
      },
    ];
    const { data, response } = await client.chat.completions
      .create({
        model: chat.model,
        messages,
        temperature: 0.3,
        max_tokens: 64,
        tools,
        user: 'alice-ui',
        seed: 7,
      })
      .withResponse();
    expect(data.choices[0]!.message.content).toMatch(/^Insight over/);
    expect(response.headers.get('x-memory-ids')!.split(',')).toContain(allergyId);

    const relayed = lastRelayed();
    expect(relayed).toMatchObject({
      model: chat.model,
      temperature: 0.3,
      max_tokens: 64,
      tools,
      user: 'alice-ui',
      seed: 7,
    });
    expect(relayed.messages).toHaveLength(3);
    expect(relayed.messages[0]).toEqual(sent[0]);
    expect(relayed.messages[1]!.role).toBe('system');
    expect(relayed.messages[1]!.content).toMatch(/^From long-term memory \(memory-system\)/);
    expect(relayed.messages[1]!.content).toContain(`- [${allergyId}] Alice is allergic to peanuts`);
    // The caller's messages arrive unchanged and in order.
    expect(relayed.messages.filter((_, i) => i !== 1)).toEqual(sent);
    expect(messages).toEqual(sent);
  });

  it('adds the system message first when the caller has none', async () => {
    await client.chat.completions.create({
      model: chat.model,
      messages: [
        { role: 'user', content: 'I play music.' },
        { role: 'assistant', content: 'Which instrument?' },
        { role: 'user', content: 'What do I play on Sundays?' },
      ],
    });
    const relayed = lastRelayed().messages;
    expect(relayed.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(relayed[0]!.content).toContain('Alice plays the cello on Sundays');
  });

  it('X-Memory-Mode: off relays the request untouched', async () => {
    const body = {
      model: chat.model,
      messages: [{ role: 'user' as const, content: 'What am I allergic to?' }],
      temperature: 0,
    };
    const { response } = await clientWith(key, { 'X-Memory-Mode': 'off' })
      .chat.completions.create(body)
      .withResponse();
    expect(response.headers.get('x-memory-ids')).toBeNull();
    expect(lastRelayed()).toEqual(body);
  });

  it('streams the answer chunk by chunk, ending as the model ends', async () => {
    const stream = await client.chat.completions.create({
      model: chat.model,
      messages: [{ role: 'user', content: 'What am I allergic to?' }],
      stream: true,
    });
    let text = '';
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta?.content ?? '';
    }
    expect(chunks).toBeGreaterThan(3);
    expect(text).toMatch(/^Insight over 0 memories/);
    // On the wire, OpenAI's server-sent events end with the literal data: [DONE].
    const raw = await t.http
      .post('/v1/chat/completions')
      .set('Authorization', `Bearer ${key}`)
      .set('X-Memory-Learn', 'false')
      .send({ model: chat.model, messages: [{ role: 'user', content: 'Hi' }], stream: true })
      .buffer(true)
      .parse(wholeText)
      .expect(200);
    expect(raw.headers['content-type']).toMatch(/^text\/event-stream/);
    expect((raw.body as string).trimEnd().split('\n\n').at(-1)).toBe('data: [DONE]');
    expect(lastRelayed().stream).toBe(true);
    expect(lastRelayed().messages[0]!.content).toContain(allergyId);
  });

  it('hands on the first chunk while the model still holds back the rest', async () => {
    const release = chat.holdBackStreams();
    try {
      const stream = await within(
        client.chat.completions.create({
          model: chat.model,
          messages: [{ role: 'user', content: 'Hello' }],
          stream: true,
        }),
        5000,
        'the stream opening',
      );
      const chunks = stream[Symbol.asyncIterator]();
      const first = await within(chunks.next(), 5000, 'the first chunk');
      expect(first.value.choices[0].delta.role).toBe('assistant');
      release();
      let rest = '';
      for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
        rest += next.value.choices[0]?.delta?.content ?? '';
      }
      expect(rest).toMatch(/^Insight over/);
    } finally {
      release();
    }
  });

  it('a client that goes away aborts the call upstream', async () => {
    const release = chat.holdBackStreams();
    const before = chat.streamsCancelled;
    try {
      const stream = await client.chat.completions.create({
        model: chat.model,
        messages: [{ role: 'user', content: 'Tell me a long story' }],
        stream: true,
      });
      await stream[Symbol.asyncIterator]().next();
      stream.controller.abort();
      await eventually(
        async () => (chat.streamsCancelled > before ? true : undefined),
        'the upstream seeing the abort',
      );
    } finally {
      release();
    }
    const samples = await metrics();
    expect(
      total(samples, 'memory_system_proxy_requests_total', { outcome: 'cancelled' }),
    ).toBeGreaterThanOrEqual(1);
  });

  it("raises the SDK's own exceptions, with OpenAI's types and codes", async () => {
    const refused = await clientWith('msk_not-a-key')
      .models.list()
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AuthenticationError);
    expect(refused).toMatchObject({ status: 401, code: 'invalid_api_key' });

    const writeOnly = (
      await t.api
        .post('/api/v1/auth/api-keys')
        .send({ name: 'w', scopes: ['memories:write'] })
        .expect(201)
    ).body.key as string;
    const forbidden = await clientWith(writeOnly)
      .chat.completions.create({ model: chat.model, messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(forbidden).toBeInstanceOf(PermissionDeniedError);
    expect((forbidden as PermissionDeniedError).message).toMatch(/memories:read/);
    // The model list needs credentials only, no scope.
    const listed = await clientWith(writeOnly).models.list();
    expect(listed.data.map((m) => m.id)).toEqual([chat.model]);

    // An unknown model: the model server's own answer, status and message.
    const unknown = await client.chat.completions
      .create({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(NotFoundError);
    expect((unknown as NotFoundError).message).toMatch(/no-such-model` does not exist/);

    chat.fail({ kind: 'status', status: 429, retryAfter: 7 });
    const limited = await client.chat.completions
      .create({ model: chat.model, messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(RateLimitError);
    expect((limited as RateLimitError).headers?.get('retry-after')).toBe('7');

    chat.fail({ kind: 'status', status: 503 });
    const down = await client.chat.completions
      .create({ model: chat.model, messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(down).toBeInstanceOf(InternalServerError);
    expect((down as InternalServerError).status).toBe(503);

    const empty = await client.chat.completions
      .create({ model: chat.model, messages: [] })
      .catch((e: unknown) => e);
    expect(empty).toBeInstanceOf(BadRequestError);
    expect(empty).toMatchObject({ type: 'invalid_request_error', code: 'invalid_request' });
    expect((empty as BadRequestError).message).toMatch(/messages/);
  });

  it('answers malformed and over-large bodies with 400 and 413 in OpenAI shape', async () => {
    const post = (body: string) =>
      fetch(`${t.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
        body,
      });
    for (const [body, status, message] of [
      ['{"model": "x", "messages": [', 400, /not valid JSON/],
      ['[1, 2]', 400, /JSON object/],
      ['{"messages": [{"role": "user", "content": "x"}]}', 400, /model/],
      [`{"model": "${chat.model}", "messages": "hello"}`, 400, /messages/],
      [`{"model": "${chat.model}", "messages": [42]}`, 400, /messages\[0\]/],
      [
        `{"model": "${chat.model}", "messages": [{"role": "user"}], "stream": "yes"}`,
        400,
        /stream/,
      ],
      [
        JSON.stringify({
          model: chat.model,
          messages: [{ role: 'user', content: 'x'.repeat(3_000_000) }],
        }),
        413,
        /too large/i,
      ],
    ] as const) {
      const res = await post(body);
      expect({ body: body.slice(0, 60), status: res.status }).toEqual({
        body: body.slice(0, 60),
        status,
      });
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const answer = (await res.json()) as { error: Record<string, unknown> };
      expect(answer.error).toMatchObject({ type: 'invalid_request_error' });
      expect(answer.error.message).toMatch(message);
      expect(typeof answer.error.code).toBe('string');
    }
    // An unknown path under /v1 is a 404 in the same shape.
    const missing = await fetch(`${t.url}/v1/embeddings`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}` },
    });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });

  it('does one search for a conversation of 10,000 messages', async () => {
    const searches = async () =>
      total(await metrics(), 'memory_system_memory_operations_total', { operation: 'search' });
    const before = await searches();
    const messages = Array.from({ length: 10_000 }, (_, i) => ({
      role: (i % 2 ? 'assistant' : 'user') as 'user' | 'assistant',
      content: `turn ${i} about peanuts`,
    }));
    await client.chat.completions.create({ model: chat.model, messages });
    expect((await searches()) - before).toBe(1);
    expect(lastRelayed().messages).toHaveLength(10_001);
  });

  it("brings in a session's recent turns with X-Memory-Session", async () => {
    const session = (await t.api.post('/api/v1/sessions').send({}).expect(201)).body as {
      id: string;
    };
    await t.api
      .post(`/api/v1/sessions/${session.id}/context`)
      .send({ items: [{ role: 'user', content: 'We are planning a picnic for Saturday' }] })
      .expect(200);
    const token = (await t.login('alice', 'alice-password-123')).accessToken;
    await clientWith(token, {
      'X-Memory-Session': session.id,
      'X-Memory-Learn': 'false',
    }).chat.completions.create({
      model: chat.model,
      messages: [{ role: 'user', content: 'What food should I bring?' }],
    });
    expect(lastRelayed().messages[0]!.content).toContain(
      'user: We are planning a picnic for Saturday',
    );
    // A key without the sessions scope, a malformed id, and another user's session are refused.
    const noSessions = await clientWith(key, { 'X-Memory-Session': session.id })
      .chat.completions.create({ model: chat.model, messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(noSessions).toBeInstanceOf(PermissionDeniedError);
    const malformed = await clientWith(token, { 'X-Memory-Session': 'nope' })
      .chat.completions.create({ model: chat.model, messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(malformed).toBeInstanceOf(BadRequestError);
    const bob = await t.signUp('bob-proxy');
    const bobToken = (await t.login('bob-proxy', 'alice-password-123')).accessToken;
    expect(bob.id).toBeDefined();
    const foreign = await clientWith(bobToken, { 'X-Memory-Session': session.id })
      .chat.completions.create({ model: chat.model, messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(foreign).toBeInstanceOf(NotFoundError);
  });

  it('learns from the exchange in the background, unless told not to', async () => {
    const learner = clientWith(key);
    const before = total(await metrics(), 'memory_system_proxy_learning_total', {
      outcome: 'learned',
    });
    chat.scriptChat(
      (messages: Messages) => {
        // The extraction prompt shows the exchange: the user's turn and the model's answer.
        const prompt = messages.map((m) => m.content).join('\n');
        if (!prompt.includes('I moved to Porto last week')) throw new Error('exchange not shown');
        if (!prompt.includes('Insight over')) throw new Error('answer not shown');
        return { facts: [{ content: 'Alice moved to Porto', type: 'fact' }] };
      },
      { decisions: [{ fact: 1, action: 'ADD', memory: null, content: null }] },
    );
    const stream = await learner.chat.completions.create({
      model: chat.model,
      messages: [{ role: 'user', content: 'I moved to Porto last week' }],
      stream: true,
    });
    for await (const chunk of stream) void chunk;
    const learned = await eventually(async () => {
      const items = (await t.api.get('/api/v1/memories').query({ limit: 100 }).expect(200)).body
        .items as Array<{ content: string; metadata: Record<string, unknown> }>;
      return items.find((m) => m.content === 'Alice moved to Porto');
    }, 'the exchange being learned');
    expect(learned.metadata.source).toBe('extraction');
    expect(
      total(await metrics(), 'memory_system_proxy_learning_total', { outcome: 'learned' }),
    ).toBe(before + 1);

    // X-Memory-Learn: false, mode off, and a key that cannot write learn nothing (no script is
    // consumed: afterEach would see it).
    const readOnly = (
      await t.api
        .post('/api/v1/auth/api-keys')
        .send({ name: 'r', scopes: ['memories:read'] })
        .expect(201)
    ).body.key as string;
    const calls = chat.requests.length;
    for (const quiet of [
      clientWith(key, { 'X-Memory-Learn': 'false' }),
      clientWith(key, { 'X-Memory-Mode': 'off' }),
      clientWith(readOnly),
    ]) {
      await quiet.chat.completions.create({
        model: chat.model,
        messages: [{ role: 'user', content: 'I moved to Braga yesterday' }],
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(chat.requests.length - calls).toBe(3);
  });

  it('counts requests by outcome, the memories and tokens added, and the latency added', async () => {
    const samples = await metrics();
    for (const outcome of ['answered', 'upstream_error', 'refused']) {
      expect(
        total(samples, 'memory_system_proxy_requests_total', { outcome }),
      ).toBeGreaterThanOrEqual(1);
    }
    expect(total(samples, 'memory_system_proxy_added_latency_seconds_count')).toBeGreaterThan(5);
    expect(total(samples, 'memory_system_proxy_injected_memories_sum')).toBeGreaterThan(0);
    expect(total(samples, 'memory_system_proxy_injected_tokens_sum')).toBeGreaterThan(0);
  });
});

describe('chat proxy without a chat model, with a small rate limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ THROTTLE_LIMIT: '12', THROTTLE_TTL: '1m' });
  });
  afterAll(() => t?.close());

  it('answers 503 in OpenAI shape, and 429 with Retry-After past the rate limit', async () => {
    const key = (await t.api.post('/api/v1/auth/api-keys').send({ name: 'k' }).expect(201)).body
      .key as string;
    const client = new OpenAI({ apiKey: key, baseURL: `${t.url}/v1`, maxRetries: 0 });
    const error = await client.chat.completions
      .create({ model: 'any', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error).toMatchObject({
      status: 503,
      type: 'server_error',
      code: 'service_unavailable',
    });
    expect((error as InternalServerError).message).toMatch(/VLLM_URL/);

    // Past THROTTLE_LIMIT: 429 rate_limit_exceeded with Retry-After, as OpenAI answers.
    let limited: unknown;
    for (let i = 0; i < 15 && !limited; i++) {
      limited = await client.models.list().then(
        () => undefined,
        (e: unknown) => (e instanceof RateLimitError ? e : undefined),
      );
    }
    expect(limited).toBeInstanceOf(RateLimitError);
    expect(limited).toMatchObject({ type: 'requests', code: 'rate_limit_exceeded' });
    expect(Number((limited as RateLimitError).headers?.get('retry-after'))).toBeGreaterThan(0);
  });
});
