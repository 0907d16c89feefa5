import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { parseMetrics, total } from './support/metrics.js';
import { createTestApp, type TestApp, USER_PASSWORD } from './support/test-app.js';

interface ToolResult {
  isError?: boolean;
  content: Array<{ type: string; text?: string }>;
  structuredContent?: Record<string, unknown>;
}
interface Memory {
  id: string;
  content: string;
  type: string;
  tags: string[];
}

/** The MCP SDK's own client, over Streamable HTTP, with the given Authorization. */
async function connect(t: TestApp, credential?: string): Promise<Client> {
  const client = new Client({ name: 'memory-system-e2e', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`${t.url}/mcp`), {
    requestInit: credential ? { headers: { Authorization: `Bearer ${credential}` } } : {},
  });
  await client.connect(transport);
  return client;
}

const call = async (client: Client, name: string, args: Record<string, unknown> = {}) =>
  (await client.callTool({ name, arguments: args })) as ToolResult;
const textOf = (result: ToolResult) => result.content.map((c) => c.text ?? '').join('\n');
const ok = <T = Record<string, unknown>>(result: ToolResult): T => {
  if (result.isError) throw new Error(`tool error: ${textOf(result)}`);
  return result.structuredContent as T;
};

describe('MCP server at /mcp', () => {
  let t: TestApp;
  let aliceKey: string;
  let alice: Client;
  beforeAll(async () => {
    t = await createTestApp();
    aliceKey = (await t.api.post('/api/v1/auth/api-keys').send({ name: 'agent' }).expect(201)).body
      .key;
    alice = await connect(t, aliceKey);
  });
  afterAll(async () => {
    await alice?.close();
    await t.close();
  });

  it('lists every tool with a description and a JSON schema of its arguments', async () => {
    const { tools } = await alice.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(
      [
        'context',
        'forget',
        'get',
        'list',
        'recall',
        'remember',
        'session_context',
        'update',
      ].sort(),
    );
    for (const tool of tools) {
      expect(tool.description!.length).toBeGreaterThan(30);
      expect(tool.inputSchema.type).toBe('object');
    }
    const remember = tools.find((tool) => tool.name === 'remember')!;
    expect(remember.inputSchema.required).toEqual(['content']);
    expect(Object.keys(remember.inputSchema.properties ?? {})).toEqual(
      expect.arrayContaining(['content', 'type', 'tags', 'metadata', 'sessionId']),
    );
    expect(remember.inputSchema.properties?.metadata).toMatchObject({
      type: 'object',
      additionalProperties: { type: ['string', 'number', 'boolean'] },
    });
    expect(alice.getInstructions()).toMatch(/recall/);
  });

  it('remembers, recalls (ranked as REST ranks), lists, gets, updates and forgets', async () => {
    const stored = ok<{ created: boolean; memory: Memory }>(
      await call(alice, 'remember', {
        content: 'Alice takes her espresso without sugar',
        type: 'preference',
        tags: ['coffee'],
      }),
    );
    expect(stored.created).toBe(true);
    expect(stored.memory).toMatchObject({ type: 'preference', tags: ['coffee'] });
    const again = ok<{ created: boolean; memory: Memory }>(
      await call(alice, 'remember', {
        content: 'Alice takes her espresso without sugar',
        type: 'preference',
      }),
    );
    expect(again).toMatchObject({ created: false, memory: { id: stored.memory.id } });
    ok(await call(alice, 'remember', { content: 'Alice walks her dog at seven' }));

    const recalled = ok<{ results: Memory[] }>(
      await call(alice, 'recall', { query: 'what does Alice take in her espresso?', limit: 5 }),
    );
    const rest = (
      await t.api
        .post('/api/v1/memories/search')
        .send({ query: 'what does Alice take in her espresso?', limit: 5 })
        .expect(200)
    ).body as { results: Memory[] };
    expect(recalled.results.map((m) => m.id)).toEqual(rest.results.map((m) => m.id));
    expect(recalled.results[0]!.id).toBe(stored.memory.id);
    const filtered = ok<{ results: Memory[] }>(
      await call(alice, 'recall', { query: 'Alice', filter: { type: 'note' } }),
    );
    expect(filtered.results.map((m) => m.content)).toEqual(['Alice walks her dog at seven']);

    const page = ok<{ items: Memory[]; nextCursor: string | null }>(
      await call(alice, 'list', { limit: 1 }),
    );
    expect(page.items).toHaveLength(1);
    expect(page.nextCursor).toEqual(expect.any(String));
    const rest2 = ok<{ items: Memory[] }>(await call(alice, 'list', { cursor: page.nextCursor }));
    expect(rest2.items).toHaveLength(1);

    expect(
      ok<{ memory: Memory }>(await call(alice, 'get', { id: stored.memory.id })).memory,
    ).toMatchObject({ content: 'Alice takes her espresso without sugar' });
    const updated = ok<{ memory: Memory }>(
      await call(alice, 'update', { id: stored.memory.id, content: 'Alice now takes one sugar' }),
    );
    expect(updated.memory).toMatchObject({
      content: 'Alice now takes one sugar',
      tags: ['coffee'],
    });
    await t.api.get(`/api/v1/memories/${stored.memory.id}`).expect(200);

    expect(ok(await call(alice, 'forget', { id: stored.memory.id }))).toEqual({
      deleted: stored.memory.id,
    });
    const gone = await call(alice, 'get', { id: stored.memory.id });
    expect(gone.isError).toBe(true);
    expect(textOf(gone)).toMatch(/Memory not found/);
    await t.api.get(`/api/v1/memories/${stored.memory.id}`).expect(404);
  });

  it('answers bad arguments with a tool error that says what is wrong, and stores nothing', async () => {
    const before = (await t.api.get('/api/v1/memories').query({ limit: 100 }).expect(200)).body
      .items.length as number;
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      ['remember', { content: '   ' }, /content must not be only white space/],
      ['remember', { content: 'x'.repeat(40_000) }, /content must be shorter than or equal to/],
      ['remember', { content: 'ok', type: '9lives' }, /type must start with a letter/],
      ['remember', { content: 'ok', metadata: { nested: 'ok', constructor: 'x' } }, /reserved/],
      ['remember', { content: 'ok', metadata: { ['__proto__']: 'x' } }, /reserved/],
      ['recall', { query: 'x', limit: 1000 }, /limit must not be greater than 100/],
      ['recall', { query: 'x', mode: 'psychic' }, /mode/],
      ['get', { id: 'not-a-uuid' }, /Memory not found/],
      ['forget', { id: '00000000-0000-4000-8000-000000000000' }, /Memory not found/],
      ['remember', { content: 42 }, /content/],
      ['remember', {}, /content/],
      // Unknown arguments are errors, as unknown fields of a REST body are.
      ['remember', { content: 'ok', colour: 'blue' }, /colour/],
      ['recall', { query: 'x', limitt: 3 }, /limitt/],
    ];
    for (const [tool, args, expected] of cases) {
      const result = await call(alice, tool, args);
      expect({ tool, args, isError: result.isError }).toEqual({ tool, args, isError: true });
      expect(textOf(result)).toMatch(expected);
    }
    const after = (await t.api.get('/api/v1/memories').query({ limit: 100 }).expect(200)).body.items
      .length as number;
    expect(after).toBe(before);
  });

  it('gives the session context with the memories stored in it', async () => {
    const session = (await t.api.post('/api/v1/sessions').send({ title: 'trip' }).expect(201))
      .body as { id: string };
    await t.api
      .post(`/api/v1/sessions/${session.id}/context`)
      .send({ items: [{ role: 'user', content: 'We fly to Lisbon on Friday' }] })
      .expect(200);
    // A default key (read and write) may not reach sessions ...
    const denied = await call(alice, 'session_context', { sessionId: session.id });
    expect(denied.isError).toBe(true);
    expect(textOf(denied)).toMatch(/lacks the scope sessions/);
    // ... a key with sessions may.
    const key = (
      await t.api
        .post('/api/v1/auth/api-keys')
        .send({ name: 'chat', scopes: ['memories:read', 'memories:write', 'sessions'] })
        .expect(201)
    ).body.key as string;
    const chat = await connect(t, key);
    try {
      ok(
        await call(chat, 'remember', {
          content: 'Lisbon hotel is near the river',
          sessionId: session.id,
        }),
      );
      const context = ok<{ context: Array<{ content: string }>; memories: Memory[] }>(
        await call(chat, 'session_context', { sessionId: session.id }),
      );
      expect(context.context.map((item) => item.content)).toContain('We fly to Lisbon on Friday');
      expect(context.memories.map((m) => m.content)).toEqual(['Lisbon hotel is near the river']);
      const unknown = await call(chat, 'session_context', { sessionId: 'nope' });
      expect(unknown.isError).toBe(true);
      expect(textOf(unknown)).toMatch(/Session not found/i);
    } finally {
      await chat.close();
    }
  });

  it('lets a read-only key recall but not remember, naming the missing scope', async () => {
    const key = (
      await t.api
        .post('/api/v1/auth/api-keys')
        .send({ name: 'reader', scopes: ['memories:read'] })
        .expect(201)
    ).body.key as string;
    const reader = await connect(t, key);
    try {
      ok(await call(reader, 'recall', { query: 'dog' }));
      for (const [tool, args] of [
        ['remember', { content: 'sneaky' }],
        ['forget', { id: '00000000-0000-4000-8000-000000000000' }],
        ['update', { id: '00000000-0000-4000-8000-000000000000', content: 'x' }],
      ] as const) {
        const result = await call(reader, tool, args);
        expect(result.isError).toBe(true);
        expect(textOf(result)).toMatch(/lacks the scope memories:write/);
        expect(result.structuredContent).toMatchObject({ status: 403 });
      }
    } finally {
      await reader.close();
    }
  });

  it('lets in only what the REST API lets in: a JWT or a live key, nothing else', async () => {
    await expect(connect(t)).rejects.toThrow(/401/);
    await expect(connect(t, 'msk_' + '0'.repeat(32) + '_' + 'x'.repeat(43))).rejects.toThrow(/401/);
    await expect(connect(t, 'not-a-token')).rejects.toThrow(/401/);
    const { accessToken } = await t.login('alice', USER_PASSWORD);
    const viaJwt = await connect(t, accessToken);
    ok(await call(viaJwt, 'recall', { query: 'dog' }));
    await viaJwt.close();

    const created = (
      await t.api.post('/api/v1/auth/api-keys').send({ name: 'soon revoked' }).expect(201)
    ).body as { id: string; key: string };
    const doomed = await connect(t, created.key);
    await t.api.delete(`/api/v1/auth/api-keys/${created.id}`).expect(204);
    await expect(call(doomed, 'recall', { query: 'dog' })).rejects.toThrow(/401/);
    await doomed.close();
    // Only POST is used: the other methods say so.
    for (const method of ['get', 'delete', 'put', 'patch'] as const) {
      const res = await t.http[method]('/mcp').set('Authorization', `Bearer ${aliceKey}`);
      expect([method, res.status]).toEqual([method, 405]);
      expect(res.headers.allow).toBe('POST');
      expect(res.type).toBe('application/problem+json');
    }
  });

  it("never lets Bob's key reach Alice's memories", async () => {
    const secret = ok<{ memory: Memory }>(
      await call(alice, 'remember', { content: 'Alice hides the spare key under the blue pot' }),
    ).memory;
    const bob = await t.signUp('bob-mcp');
    const bobKey = (await bob.agent.post('/api/v1/auth/api-keys').send({ name: 'b' }).expect(201))
      .body.key as string;
    const client = await connect(t, bobKey);
    try {
      const found = ok<{ results: Memory[] }>(
        await call(client, 'recall', { query: 'spare key blue pot', mode: 'keyword' }),
      );
      expect(found.results).toEqual([]);
      expect(ok<{ items: Memory[] }>(await call(client, 'list')).items).toEqual([]);
      for (const tool of ['get', 'forget']) {
        const result = await call(client, tool, { id: secret.id });
        expect(result.isError).toBe(true);
        expect(textOf(result)).toMatch(/Memory not found/);
      }
      const change = await call(client, 'update', { id: secret.id, content: 'moved' });
      expect(change.isError).toBe(true);
    } finally {
      await client.close();
    }
    expect(ok<{ memory: Memory }>(await call(alice, 'get', { id: secret.id })).memory.content).toBe(
      'Alice hides the spare key under the blue pot',
    );
  });

  it('counts and times tool calls in /metrics', async () => {
    const samples = parseMetrics((await t.http.get('/metrics').expect(200)).text);
    const count = (tool: string, outcome: string) =>
      total(samples, 'memory_system_mcp_tool_call_duration_seconds_count', { tool, outcome });
    expect(count('remember', 'success')).toBeGreaterThanOrEqual(3);
    expect(count('remember', 'error')).toBeGreaterThanOrEqual(5);
    expect(count('recall', 'success')).toBeGreaterThanOrEqual(3);
  });
});
