import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import fc from 'fast-check';
import { createTestApp, type TestApp } from './support/test-app.js';

interface Context {
  text: string;
  tokens: number;
  budget: number;
  tokenizer: string;
  memories: Array<{ id: string; content: string; score: number; tokens: number }>;
  sessionTurns: number;
}

const FACTS = [
  'Alice is allergic to peanuts',
  'Alice cooks vegetarian food on weekdays',
  'Alice lives in Lisbon near the river',
  'Alice plays the cello in an amateur orchestra',
  'Alice prefers green tea in the afternoon',
  'Alice works as a structural engineer',
];

describe('POST /api/v1/context: memories fitted to a token budget', () => {
  let t: TestApp;
  const ids = new Map<string, string>();

  beforeAll(async () => {
    t = await createTestApp();
    for (const content of FACTS) {
      const type = content.includes('prefers') ? 'preference' : 'fact';
      const res = await t.api.post('/api/v1/memories').send({ content, type }).expect(201);
      ids.set(content, res.body.id as string);
    }
    // Many long memories, so that large budgets have something to be full of.
    await t.api
      .post('/api/v1/memories/batch')
      .send({
        items: Array.from({ length: 120 }, (_, i) => ({
          content: `Alice note ${i}: ${'cooking Lisbon cello tea engineer '.repeat(1 + (i % 40))}`,
          type: 'note',
        })),
      })
      .expect(200);
  });
  afterAll(() => t.close());

  const context = (body: object) => t.api.post('/api/v1/context').send(body);

  it('answers prompt text of the most useful memories first, each line naming its id', async () => {
    const res = await context({ query: 'what is Alice allergic to?', tokenBudget: 200 }).expect(
      200,
    );
    const body = res.body as Context;
    expect(body.budget).toBe(200);
    expect(body.tokenizer).toBe('gpt-tokenizer o200k_base');
    expect(body.memories[0]!.content).toBe('Alice is allergic to peanuts');
    expect(body.text.split('\n')[1]).toBe(
      `- [${ids.get('Alice is allergic to peanuts')}] Alice is allergic to peanuts`,
    );
    for (const memory of body.memories) expect(body.text).toContain(`[${memory.id}]`);
    const scores = body.memories.map((m) => m.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(body.tokens).toBeLessThanOrEqual(200);
    expect(body.sessionTurns).toBe(0);
  });

  it('never answers more tokens than the budget, for budgets from 1 to 32000 (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 32_000 })),
        async (tokenBudget) => {
          const body = (
            await context({ query: 'Alice cooking cello Lisbon', tokenBudget }).expect(200)
          ).body as Context;
          expect(body.budget).toBe(tokenBudget);
          expect(body.tokens).toBeLessThanOrEqual(tokenBudget);
          expect(body.memories.reduce((sum, m) => sum + m.tokens, 0)).toBeLessThanOrEqual(
            tokenBudget,
          );
        },
      ),
      { numRuns: 25 },
    );
    // The default budget is 1000, and a large budget takes many memories.
    const byDefault = (await context({ query: 'Alice cooking' }).expect(200)).body as Context;
    expect(byDefault.budget).toBe(1000);
    expect(byDefault.tokens).toBeGreaterThan(500);
    const large = (await context({ query: 'Alice cooking', tokenBudget: 32_000 }).expect(200))
      .body as Context;
    expect(large.memories.length).toBeGreaterThan(byDefault.memories.length);
  });

  it('finds memories from the latest user turn of a conversation', async () => {
    const body = (
      await context({
        messages: [
          { role: 'system', content: 'You are a helpful assistant.' },
          { role: 'user', content: 'Tell me about the cello.' },
          { role: 'assistant', content: 'It is a string instrument.' },
          { role: 'user', content: 'What should I drink in the afternoon?' },
        ],
        tokenBudget: 60,
        types: ['preference'],
      }).expect(200)
    ).body as Context;
    expect(body.memories.map((m) => m.content)).toEqual([
      'Alice prefers green tea in the afternoon',
    ]);
  });

  it('brings in the recent turns of a session, newest kept, shown oldest first', async () => {
    const session = (await t.api.post('/api/v1/sessions').send({}).expect(201)).body as {
      id: string;
    };
    await t.api
      .post(`/api/v1/sessions/${session.id}/context`)
      .send({
        items: [
          { role: 'user', content: 'We are planning a dinner party' },
          { role: 'assistant', content: 'How many guests?' },
          { role: 'user', content: 'Eight guests on Saturday' },
        ],
      })
      .expect(200);
    const body = (
      await context({ query: 'peanuts', sessionId: session.id, tokenBudget: 1000 }).expect(200)
    ).body as Context;
    expect(body.sessionTurns).toBe(3);
    expect(body.text).toContain(
      'Recent conversation in this session, oldest first:\nuser: We are planning a dinner party\nassistant: How many guests?\nuser: Eight guests on Saturday',
    );
    // Turns take at most half the budget, newest kept; memories fill the rest.
    const tight = (
      await context({ query: 'cooking', sessionId: session.id, tokenBudget: 200 }).expect(200)
    ).body as Context;
    expect(tight.tokens).toBeLessThanOrEqual(200);
    expect(tight.sessionTurns).toBeGreaterThan(0);
    expect(tight.memories.length).toBeGreaterThan(0);
    const few = (
      await context({ query: 'zzz', sessionId: session.id, tokenBudget: 40 }).expect(200)
    ).body as Context;
    expect(few.sessionTurns).toBe(1);
    expect(few.text).toContain('user: Eight guests on Saturday');
    expect(few.text).not.toContain('dinner party');

    // Another user's session is not found; a key without the sessions scope is refused.
    const bob = await t.signUp('bob-context');
    await bob.agent
      .post('/api/v1/context')
      .send({ query: 'peanuts', sessionId: session.id })
      .expect(404);
    const key = (await t.api.post('/api/v1/auth/api-keys').send({ name: 'ctx' }).expect(201)).body
      .key as string;
    const refused = await t.http
      .post('/api/v1/context')
      .set('Authorization', `Bearer ${key}`)
      .send({ query: 'peanuts', sessionId: session.id })
      .expect(403);
    expect(refused.body.detail).toMatch(/sessions/);
  });

  it('answers 400 problems for a budget out of range and for a request without one question', async () => {
    for (const [body, field] of [
      [{ query: 'x', tokenBudget: 0 }, /tokenBudget must not be less than 1/],
      [{ query: 'x', tokenBudget: 32_001 }, /tokenBudget must not be greater than 32000/],
      [{ query: 'x', tokenBudget: 2.5 }, /whole number/],
      [{ query: 'x', messages: [{ role: 'user', content: 'y' }] }, /either query or messages/],
      [{}, /either query or messages/],
      [{ query: 'x', types: ['1bad'] }, /each type/],
    ] as const) {
      const res = await context(body).expect(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.detail).toMatch(field);
    }
    // Keys without memories:read are refused.
    const writeOnly = (
      await t.api
        .post('/api/v1/auth/api-keys')
        .send({ name: 'w', scopes: ['memories:write'] })
        .expect(201)
    ).body.key as string;
    await t.http
      .post('/api/v1/context')
      .set('X-API-Key', writeOnly)
      .send({ query: 'x' })
      .expect(403);
  });

  it('is the MCP context tool, with the same answer', async () => {
    const key = (await t.api.post('/api/v1/auth/api-keys').send({ name: 'mcp' }).expect(201)).body
      .key as string;
    const client = new Client({ name: 'context-e2e', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${t.url}/mcp`), {
        requestInit: { headers: { Authorization: `Bearer ${key}` } },
      }),
    );
    try {
      const args = { query: 'what is Alice allergic to?', tokenBudget: 80 };
      const result = (await client.callTool({ name: 'context', arguments: args })) as {
        isError?: boolean;
        structuredContent?: Context;
      };
      expect(result.isError).toBeFalsy();
      const rest = (await context(args).expect(200)).body as Context;
      expect(result.structuredContent).toEqual(rest);
      const bad = (await client.callTool({
        name: 'context',
        arguments: { query: 'x', tokenBudget: 40_000 },
      })) as { isError?: boolean };
      expect(bad.isError).toBe(true);
    } finally {
      await client.close();
    }
  });
});
