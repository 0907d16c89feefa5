import { postLargeBody } from './support/raw-http.js';
import { createTestApp, type TestApp } from './support/test-app.js';

type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';
interface BadInput {
  name: string;
  method: Method;
  path: string | ((id: string) => string);
  body?: unknown;
  raw?: string;
  query?: Record<string, string>;
  status: number;
  detail: RegExp;
}

const valid = { content: 'A valid memory', type: 'note' };
const uuid = '3f1e2d4c-5b6a-4789-9abc-def012345678';

const cases: BadInput[] = [
  ...['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'prototype'].map(
    (key): BadInput => ({
      name: `metadata key ${key} (reserved, not silently dropped)`,
      method: 'post',
      path: '/api/v1/memories',
      raw: `{"content": "x", "type": "note", "metadata": {"${key}": "a"}}`,
      status: 400,
      detail: new RegExp(`key "${key}" is reserved`),
    }),
  ),
  {
    name: 'search filter on a reserved metadata key (not silently ignored)',
    method: 'post',
    path: '/api/v1/memories/search',
    raw: '{"query": "x", "filter": {"metadata": {"__proto__": "a"}}}',
    status: 400,
    detail: /key "__proto__" is reserved/,
  },
  {
    name: 'list cursor with an offset past 2^32',
    method: 'get',
    path: '/api/v1/memories',
    query: { cursor: Buffer.from(JSON.stringify({ o: 2 ** 32 })).toString('base64url') },
    status: 400,
    detail: /cursor/,
  },
  {
    name: 'body is not JSON',
    method: 'post',
    path: '/api/v1/memories',
    raw: '{"content": ',
    status: 400,
    detail: /not valid JSON/,
  },
  {
    name: 'content missing',
    method: 'post',
    path: '/api/v1/memories',
    body: { type: 'note' },
    status: 400,
    detail: /content/,
  },
  {
    name: 'type missing',
    method: 'post',
    path: '/api/v1/memories',
    body: { content: 'x' },
    status: 400,
    detail: /type/,
  },
  {
    name: 'content empty',
    method: 'post',
    path: '/api/v1/memories',
    body: { ...valid, content: '' },
    status: 400,
    detail: /content should not be empty/,
  },
  {
    name: 'content only white space',
    method: 'post',
    path: '/api/v1/memories',
    body: { ...valid, content: '   \n ' },
    status: 400,
    detail: /white space/,
  },
  {
    name: 'content too long',
    method: 'post',
    path: '/api/v1/memories',
    body: { ...valid, content: 'x'.repeat(32_769) },
    status: 400,
    detail: /content must be shorter than or equal to 32768/,
  },
  {
    name: 'content not a string',
    method: 'post',
    path: '/api/v1/memories',
    body: { ...valid, content: 42 },
    status: 400,
    detail: /content must be a string/,
  },
  {
    name: 'type with spaces',
    method: 'post',
    path: '/api/v1/memories',
    body: { ...valid, type: 'my type' },
    status: 400,
    detail: /type must start with a letter/,
  },
  {
    name: 'unknown field',
    method: 'post',
    path: '/api/v1/memories',
    body: { ...valid, colour: 'red' },
    status: 400,
    detail: /property colour should not exist/,
  },
  {
    name: 'userId in the body',
    method: 'post',
    path: '/api/v1/memories',
    body: { ...valid, userId: 'mallory' },
    status: 400,
    detail: /property userId should not exist/,
  },
  {
    name: 'nested metadata',
    method: 'post',
    path: '/api/v1/memories',
    body: { ...valid, metadata: { a: { b: 1 } } },
    status: 400,
    detail: /metadata a must be a string, number or boolean/,
  },
  {
    name: 'metadata as array',
    method: 'post',
    path: '/api/v1/memories',
    body: { ...valid, metadata: [1, 2] },
    status: 400,
    detail: /metadata must be an object/,
  },
  {
    name: 'metadata null value',
    method: 'post',
    path: '/api/v1/memories',
    body: { ...valid, metadata: { a: null } },
    status: 400,
    detail: /metadata a must be a string, number or boolean/,
  },
  {
    name: 'metadata bad key',
    method: 'post',
    path: '/api/v1/memories',
    body: { ...valid, metadata: { 'bad key!': 1 } },
    status: 400,
    detail: /key "bad key!"/,
  },
  {
    name: 'too many metadata keys',
    method: 'post',
    path: '/api/v1/memories',
    body: {
      ...valid,
      metadata: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, i])),
    },
    status: 400,
    detail: /at most 32 keys/,
  },
  {
    name: 'metadata string too long',
    method: 'post',
    path: '/api/v1/memories',
    body: { ...valid, metadata: { a: 'x'.repeat(2049) } },
    status: 400,
    detail: /a must be at most 2048/,
  },
  {
    name: 'metadata with NUL',
    method: 'post',
    path: '/api/v1/memories',
    body: { ...valid, metadata: { a: 'x\u0000y' } },
    status: 400,
    detail: /NUL/,
  },
  {
    name: 'tags not an array',
    method: 'post',
    path: '/api/v1/memories',
    body: { ...valid, tags: 'coffee' },
    status: 400,
    detail: /tags must be an array/,
  },
  {
    name: 'tag with bad characters',
    method: 'post',
    path: '/api/v1/memories',
    body: { ...valid, tags: ['ok', 'no/slash'] },
    status: 400,
    detail: /each tag must be/,
  },
  {
    name: 'too many tags',
    method: 'post',
    path: '/api/v1/memories',
    body: { ...valid, tags: Array.from({ length: 33 }, (_, i) => `t${i}`) },
    status: 400,
    detail: /tags must contain no more than 32/,
  },
  {
    name: 'sessionId not a UUID',
    method: 'post',
    path: '/api/v1/memories',
    body: { ...valid, sessionId: 'abc' },
    status: 400,
    detail: /sessionId must be a UUID/,
  },
  {
    name: 'body is an array',
    method: 'post',
    path: '/api/v1/memories',
    body: [valid],
    status: 400,
    detail: /./,
  },
  {
    name: 'empty batch',
    method: 'post',
    path: '/api/v1/memories/batch',
    body: { items: [] },
    status: 400,
    detail: /items must contain at least 1/,
  },
  {
    name: 'batch over 500',
    method: 'post',
    path: '/api/v1/memories/batch',
    body: { items: Array.from({ length: 501 }, (_, i) => ({ content: `c${i}`, type: 'note' })) },
    status: 400,
    detail: /items must contain no more than 500/,
  },
  {
    name: 'batch with one bad item',
    method: 'post',
    path: '/api/v1/memories/batch',
    body: { items: [valid, { content: 'x' }] },
    status: 400,
    detail: /items\.1\.type/,
  },
  {
    name: 'search without query',
    method: 'post',
    path: '/api/v1/memories/search',
    body: {},
    status: 400,
    detail: /query/,
  },
  {
    name: 'search limit 0',
    method: 'post',
    path: '/api/v1/memories/search',
    body: { query: 'x', limit: 0 },
    status: 400,
    detail: /limit must not be less than 1/,
  },
  {
    name: 'search limit 101',
    method: 'post',
    path: '/api/v1/memories/search',
    body: { query: 'x', limit: 101 },
    status: 400,
    detail: /limit must not be greater than 100/,
  },
  {
    name: 'search limit fractional',
    method: 'post',
    path: '/api/v1/memories/search',
    body: { query: 'x', limit: 2.5 },
    status: 400,
    detail: /limit must be an integer/,
  },
  {
    name: 'search minScore above 1',
    method: 'post',
    path: '/api/v1/memories/search',
    body: { query: 'x', minScore: 2 },
    status: 400,
    detail: /minScore must not be greater than 1/,
  },
  {
    name: 'search bad date',
    method: 'post',
    path: '/api/v1/memories/search',
    body: { query: 'x', filter: { createdAfter: 'yesterday' } },
    status: 400,
    detail: /createdAfter must be an ISO 8601 date/,
  },
  {
    name: 'search unknown filter',
    method: 'post',
    path: '/api/v1/memories/search',
    body: { query: 'x', filter: { owner: 'bob' } },
    status: 400,
    detail: /filter\.owner|property owner/,
  },
  {
    name: 'list limit not a number',
    method: 'get',
    path: '/api/v1/memories',
    query: { limit: 'ten' },
    status: 400,
    detail: /limit/,
  },
  {
    name: 'list limit too big',
    method: 'get',
    path: '/api/v1/memories',
    query: { limit: '1000' },
    status: 400,
    detail: /limit must not be greater than 100/,
  },
  {
    name: 'list forged cursor',
    method: 'get',
    path: '/api/v1/memories',
    query: { cursor: 'bm90LWEtY3Vyc29y' },
    status: 400,
    detail: /cursor/,
  },
  {
    name: 'list unknown query parameter',
    method: 'get',
    path: '/api/v1/memories',
    query: { owner: 'bob' },
    status: 400,
    detail: /property owner should not exist/,
  },
  {
    name: 'malformed id on get',
    method: 'get',
    path: '/api/v1/memories/not-a-uuid',
    status: 404,
    detail: /No memory/,
  },
  {
    name: 'unknown id on get',
    method: 'get',
    path: `/api/v1/memories/${uuid}`,
    status: 404,
    detail: /No memory/,
  },
  {
    name: 'malformed id on delete',
    method: 'delete',
    path: '/api/v1/memories/..%2F..%2Fetc',
    status: 404,
    detail: /No memory/,
  },
  {
    name: 'update with empty content',
    method: 'patch',
    path: (id) => `/api/v1/memories/${id}`,
    body: { content: '' },
    status: 400,
    detail: /content/,
  },
  {
    name: 'update with unknown field',
    method: 'patch',
    path: (id) => `/api/v1/memories/${id}`,
    body: { createdAt: '2020-01-01' },
    status: 400,
    detail: /property createdAt should not exist/,
  },
  {
    name: 'seed search without query',
    method: 'get',
    path: '/api/memories',
    status: 400,
    detail: /query/,
  },
  {
    name: 'seed create without type',
    method: 'post',
    path: '/api/memories',
    body: { content: 'x' },
    status: 400,
    detail: /type/,
  },
  {
    name: 'body larger than REQUEST_BODY_LIMIT',
    method: 'post',
    path: '/api/v1/memories',
    body: { ...valid, content: 'x'.repeat(300_000) },
    status: 413,
    detail: /too large/i,
  },
  {
    name: 'content with a lone UTF-16 surrogate',
    method: 'post',
    path: '/api/v1/memories',
    raw: '{"content": "x\\ud800y", "type": "note"}',
    status: 400,
    detail: /content: contains a lone UTF-16 surrogate/,
  },
  {
    name: 'a batch item whose metadata value holds a lone surrogate',
    method: 'post',
    path: '/api/v1/memories/batch',
    raw: '{"items": [{"content": "ok", "type": "note"}, {"content": "ok 2", "type": "note", "metadata": {"k": "\\udc00"}}]}',
    status: 400,
    detail: /items\[1\]\.metadata\.k: contains a lone UTF-16 surrogate/,
  },
  {
    name: 'a search query with a lone surrogate',
    method: 'post',
    path: '/api/v1/memories/search',
    raw: '{"query": "\\ud83d"}',
    status: 400,
    detail: /query: contains a lone UTF-16 surrogate/,
  },
  {
    name: 'metadata nested 3,000 deep',
    method: 'post',
    path: '/api/v1/memories',
    raw: `{"content": "x", "type": "note", "metadata": {"k": ${'['.repeat(3000)}${']'.repeat(3000)}}}`,
    status: 400,
    detail: /nests deeper than 32 levels/,
  },
  {
    name: 'a search filter nested 1,000 deep',
    method: 'post',
    path: '/api/v1/memories/search',
    raw: `{"query": "x", "filter": ${'{"metadata":'.repeat(1000)}{}${'}'.repeat(1000)}}`,
    status: 400,
    detail: /nests deeper than 32 levels/,
  },
  {
    name: 'unknown route',
    method: 'get',
    path: '/api/v1/nothing-here',
    status: 404,
    detail: /Cannot GET/,
  },
];

describe('bad input gets a clear 4xx problem, and nothing is written', () => {
  let t: TestApp;
  let existingId: string;

  beforeAll(async () => {
    t = await createTestApp({ REQUEST_BODY_LIMIT: '200kb' });
    existingId = (
      await t.api.post('/api/v1/memories').send({ content: 'Untouched', type: 'note' }).expect(201)
    ).body.id;
  });
  afterAll(() => t.close());

  it('has at least 25 cases', () => expect(cases.length).toBeGreaterThanOrEqual(25));

  it.each(cases)('$name → $status', async ({ method, path, body, raw, query, status, detail }) => {
    let req = t.api[method](typeof path === 'function' ? path(existingId) : path);
    if (query) req = req.query(query);
    if (raw !== undefined) req = req.set('Content-Type', 'application/json').send(raw);
    else if (body !== undefined) req = req.send(body as object);
    const res = await req.set('X-Request-Id', 'bad-input-test');

    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      status,
      title: expect.any(String),
      type: expect.stringMatching(/^https:\/\//),
    });
    expect(res.body.detail).toMatch(detail);
    expect(res.body.requestId).toBe('bad-input-test');
    expect(res.headers['x-request-id']).toBe('bad-input-test');
  });

  it('refuses a body nested millions deep on a public route at once, and keeps answering', async () => {
    const deep = '['.repeat(2_000_000) + ']'.repeat(2_000_000);
    // Anyone may call refresh: its body limit is small, so 4 MB never reaches a parser.
    const [refused, live] = await Promise.all([
      postLargeBody(t.url, '/api/v1/auth/refresh', deep, { 'Content-Type': 'application/json' }),
      t.http.get('/health/live'),
    ]);
    expect(refused.status).toBe(413);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(live.status).toBe(200);
    // Small but deep: refused for its depth before it is parsed.
    const small = await t.http
      .post('/api/v1/auth/refresh')
      .set('Content-Type', 'application/json')
      .send('['.repeat(5000) + ']'.repeat(5000));
    expect(small.status).toBe(400);
    expect(small.body.detail).toMatch(/nests deeper than 32 levels/);
    // An authenticated route takes up to REQUEST_BODY_LIMIT, and refuses the depth the same way.
    const authed = await t.api
      .post('/api/v1/memories/search')
      .set('Content-Type', 'application/json')
      .send('['.repeat(90_000) + ']'.repeat(90_000));
    expect(authed.status).toBe(400);
    expect(authed.body.detail).toMatch(/nests deeper than 32 levels/);
  });

  it('lists the offending fields of a validation error', async () => {
    const res = await t.api
      .post('/api/v1/memories')
      .send({ content: '', type: '1', extra: true })
      .expect(400);
    const fields = (res.body.errors as Array<{ field: string }>).map((e) => e.field).sort();
    expect(fields).toEqual(['content', 'extra', 'type']);
  });

  it('wrote nothing for any of the rejected requests', async () => {
    const page = await t.api.get('/api/v1/memories').query({ limit: 100 }).expect(200);
    expect(page.body.items.map((m: { content: string }) => m.content)).toEqual(['Untouched']);
    const untouched = await t.api.get(`/api/v1/memories/${existingId}`).expect(200);
    expect(untouched.body.createdAt).toBe(untouched.body.updatedAt);
  });
});
