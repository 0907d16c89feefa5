import fc from 'fast-check';
import { createTestApp, type TestApp } from './support/test-app.js';

type Agent = TestApp['api'];
type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';

/** Values a careless or hostile client might send anywhere JSON goes. */
const wild = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '../../etc/passwd',
    '<script>',
    '{"$where":1}',
    'null',
    '1e309',
    '__proto__',
  ),
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.boolean(),
  fc.constant(null),
);

/** Objects shaped like the real bodies, each field valid, wrong or missing. */
const memoryLike = fc.record(
  {
    content: fc.oneof(fc.string({ maxLength: 80 }), wild),
    type: fc.oneof(fc.constantFrom('note', 'fact', 'a b', '', '9x', 'x'.repeat(70)), wild),
    metadata: fc.oneof(fc.dictionary(fc.string({ maxLength: 12 }), wild, { maxKeys: 5 }), wild),
    tags: fc.oneof(fc.array(fc.oneof(fc.string({ maxLength: 10 }), wild), { maxLength: 5 }), wild),
    sessionId: fc.oneof(fc.uuid(), wild),
    withInsights: wild,
    __proto__: wild,
    constructor: wild,
  },
  { requiredKeys: [] },
);

const body = fc.oneof(
  memoryLike,
  wild,
  fc.dictionary(fc.string({ maxLength: 12 }), wild, { maxKeys: 6 }),
);
const idLike = fc.oneof(
  fc.uuid(),
  fc.string({ maxLength: 40 }),
  fc.constantFrom('..', '%00', 'null', ' ', 'a/b'),
);
const query = fc.dictionary(
  fc.oneof(
    fc.constantFrom('limit', 'cursor', 'type', 'tag', 'sessionId', 'query'),
    fc.string({ maxLength: 10 }),
  ),
  fc.oneof(fc.string({ maxLength: 30 }), fc.integer().map(String)),
  { maxKeys: 4 },
);

interface Route {
  name: string;
  write: boolean;
  request: (agent: Agent, admin: Agent) => fc.Arbitrary<() => ReturnType<Agent['get']>>;
}

const send =
  (agent: Agent, method: Method, path: string, payload?: unknown, q?: Record<string, string>) =>
  () => {
    let req = agent[method](path);
    if (q) req = req.query(q);
    return payload === undefined
      ? req
      : req.send(JSON.stringify(payload)).set('Content-Type', 'application/json');
  };
const enc = encodeURIComponent;

const routes: Route[] = [
  {
    name: 'POST /memories',
    write: true,
    request: (a) => body.map((b) => send(a, 'post', '/api/v1/memories', b)),
  },
  {
    name: 'POST /memories/batch',
    write: true,
    request: (a) =>
      fc
        .oneof(fc.record({ items: fc.array(memoryLike, { maxLength: 4 }) }), body)
        .map((b) => send(a, 'post', '/api/v1/memories/batch', b)),
  },
  {
    name: 'POST /memories/search',
    write: false,
    request: (a) => body.map((b) => send(a, 'post', '/api/v1/memories/search', b)),
  },
  {
    name: 'POST /memories/insights',
    write: true,
    request: (a) => body.map((b) => send(a, 'post', '/api/v1/memories/insights', b)),
  },
  {
    name: 'GET /memories',
    write: false,
    request: (a) => query.map((q) => send(a, 'get', '/api/v1/memories', undefined, q)),
  },
  {
    name: 'GET /memories/:id',
    write: false,
    request: (a) => idLike.map((id) => send(a, 'get', `/api/v1/memories/${enc(id)}`)),
  },
  {
    name: 'PATCH /memories/:id',
    write: true,
    request: (a) =>
      fc.tuple(idLike, body).map(([id, b]) => send(a, 'patch', `/api/v1/memories/${enc(id)}`, b)),
  },
  {
    name: 'DELETE /memories/:id',
    write: true,
    request: (a) => idLike.map((id) => send(a, 'delete', `/api/v1/memories/${enc(id)}`)),
  },
  {
    name: 'POST /api/memories (seed)',
    write: true,
    request: (a) => body.map((b) => send(a, 'post', '/api/memories', b)),
  },
  {
    name: 'GET /api/memories (seed)',
    write: false,
    request: (a) => query.map((q) => send(a, 'get', '/api/memories', undefined, q)),
  },
  {
    name: 'PUT /api/memories/:id (seed)',
    write: true,
    request: (a) =>
      fc.tuple(idLike, body).map(([id, b]) => send(a, 'put', `/api/memories/${enc(id)}`, b)),
  },
  {
    name: 'POST /sessions',
    write: true,
    request: (a) => body.map((b) => send(a, 'post', '/api/v1/sessions', b)),
  },
  {
    name: 'POST /sessions/:id/context',
    write: true,
    request: (a) =>
      fc
        .tuple(idLike, body)
        .map(([id, b]) => send(a, 'post', `/api/v1/sessions/${enc(id)}/context`, b)),
  },
  {
    name: 'GET /sessions/:id/context',
    write: false,
    request: (a) =>
      fc
        .tuple(idLike, query)
        .map(([id, q]) => send(a, 'get', `/api/v1/sessions/${enc(id)}/context`, undefined, q)),
  },
  {
    name: 'POST /auth/login',
    write: false,
    request: (a) => body.map((b) => send(a, 'post', '/api/v1/auth/login', b)),
  },
  {
    name: 'POST /auth/refresh',
    write: false,
    request: (a) => body.map((b) => send(a, 'post', '/api/v1/auth/refresh', b)),
  },
  {
    name: 'POST /auth/api-keys',
    write: true,
    request: (a) => body.map((b) => send(a, 'post', '/api/v1/auth/api-keys', b)),
  },
  {
    name: 'POST /admin/users',
    write: true,
    request: (_, admin) => body.map((b) => send(admin, 'post', '/api/v1/admin/users', b)),
  },
  {
    name: 'PATCH /admin/users/:id',
    write: true,
    request: (_, admin) =>
      fc
        .tuple(idLike, body)
        .map(([id, b]) => send(admin, 'patch', `/api/v1/admin/users/${enc(id)}`, b)),
  },
  {
    name: 'GET /admin/users',
    write: false,
    request: (_, admin) =>
      query.map((q) => send(admin, 'get', '/api/v1/admin/users', undefined, q)),
  },
  {
    name: 'POST /admin/backups/:name/restore',
    write: true,
    request: (_, admin) =>
      fc
        .tuple(idLike, body)
        .map(([name, b]) => send(admin, 'post', `/api/v1/admin/backups/${enc(name)}/restore`, b)),
  },
];

/**
 * Property-based requests against every route: whatever is sent, the answer is never a 5xx,
 * every error is a problem document, and a refused write changes nothing.
 */
describe('fuzzing every route', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ THROTTLE_LIMIT: '1000000', LOGIN_THROTTLE_LIMIT: '10000' });
    await t.api.post('/api/v1/memories').send({ content: 'seed memory', type: 'note' }).expect(201);
  });
  afterAll(() => t.close());

  /** Everything a write could change, cheaply: memories, sessions, keys, users. */
  const snapshot = async () =>
    JSON.stringify([
      (await t.api.get('/api/v1/memories').query({ limit: 100 })).body,
      (await t.api.get('/api/v1/sessions')).body,
      (await t.api.get('/api/v1/auth/api-keys')).body,
      (await t.admin.get('/api/v1/admin/users').query({ limit: 100 })).body,
    ]);

  it.each(routes.map((r) => [r.name, r] as const))('%s', async (_name, route) => {
    await fc.assert(
      fc.asyncProperty(route.request(t.api, t.admin), async (request) => {
        const before = route.write ? await snapshot() : '';
        const res = await request();
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400) {
          expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
          expect(res.body.status).toBe(res.status);
          expect(typeof res.body.detail).toBe('string');
          if (route.write) expect(await snapshot()).toBe(before);
        }
      }),
      { numRuns: 40, seed: 20261125 },
    );
  });
});
