import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * Errors that say what is wrong (issue: a newcomer's first hour): each answer names the actual
 * mistake, and every error, the router's own included, is a problem document.
 */
describe('errors that say what is wrong', () => {
  let t: TestApp;
  /** Alice's API key: her access tokens last 1 to 2 s here (they expire on a whole second). */
  let aliceKey: string;

  beforeAll(async () => {
    t = await createTestApp({ JWT_ACCESS_TTL: '2s' });
    aliceKey = await apiKeyFor('alice', 'alice-password-123');
  });
  afterAll(() => t?.close());

  /** Signs in and makes a key, again if the short-lived token ran out between the two calls. */
  const apiKeyFor = async (username: string, password: string): Promise<string> => {
    for (let attempt = 1; ; attempt++) {
      const { accessToken } = await t.login(username, password);
      const res = await t
        .agentFor(accessToken)
        .post('/api/v1/auth/api-keys')
        .send({ name: 'test' });
      if (res.status === 201) return res.body.key as string;
      if (res.status !== 401 || attempt === 5) {
        throw new Error(`making an API key failed: ${res.status} ${JSON.stringify(res.body)}`);
      }
    }
  };

  const expectProblem = (res: { headers: Record<string, string>; body: { detail?: string } }) => {
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    return res.body.detail ?? '';
  };

  it('tells an expired access token from a tampered one and from none at all', async () => {
    const { accessToken } = await t.login('alice', 'alice-password-123');
    const tampered = accessToken.slice(0, -2) + (accessToken.endsWith('AA') ? 'BB' : 'AA');
    const bad = await t.http.get('/api/v1/memories').set('Authorization', `Bearer ${tampered}`);
    expect(bad.status).toBe(401);
    expect(expectProblem(bad)).toMatch(/access token is invalid \(invalid signature\)/);

    const none = await t.http.get('/api/v1/memories');
    expect(none.status).toBe(401);
    expect(expectProblem(none)).toMatch(/^Send a bearer access token or an API key/);

    await new Promise((resolve) => setTimeout(resolve, 2100)); // JWT_ACCESS_TTL is 2 s
    const expired = await t.http
      .get('/api/v1/memories')
      .set('Authorization', `Bearer ${accessToken}`);
    expect(expired.status).toBe(401);
    expect(expectProblem(expired)).toMatch(/access token expired at .*auth\/refresh/);
  });

  it('answers JSON sent as text/plain with 415 naming application/json, and stores nothing', async () => {
    const alice = t.agentFor(aliceKey);
    const res = await alice
      .post('/api/v1/memories')
      .set('Content-Type', 'text/plain')
      .send('{"content": "sent as text", "type": "note"}');
    expect(res.status).toBe(415);
    expect(expectProblem(res)).toMatch(/Content-Type: application\/json/);
    const list = await alice.get('/api/v1/memories');
    expect(list.body.items).toEqual([]);
  });

  it('answers a known path with the wrong method 405 and the methods it takes', async () => {
    const res = await t
      .agentFor(aliceKey)
      .put('/api/v1/memories/3f1e2d4c-5b6a-4789-9abc-def012345678')
      .send({ content: 'x' });
    expect(res.status).toBe(405);
    expect(res.headers.allow?.split(', ').sort()).toEqual(['DELETE', 'GET', 'HEAD', 'PATCH']);
    expect(expectProblem(res)).toMatch(/PUT is not a method/);
    // An unknown path is still a 404.
    const unknown = await t.agentFor(aliceKey).put('/api/v1/nothing-here');
    expect(unknown.status).toBe(404);
    expectProblem(unknown);
  });

  it("answers the router's own refusals as problem documents", async () => {
    const long = await t.http.get(`/api/v1/memories/${'a'.repeat(5000)}`);
    expect(long.status).toBe(414);
    expect(expectProblem(long)).toMatch(/path segment is longer/);
    const encoded = await t.http.get('/api/v1/memories/%E0%A4%A');
    expect(encoded.status).toBe(400);
    expect(expectProblem(encoded)).toMatch(/percent-encoded/);
  });

  it("names only a field's actual mistake: required when missing, the first broken rule otherwise", async () => {
    const res = await t.agentFor(aliceKey).post('/api/v1/memories').send({ content: 5 });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { field: 'content', messages: ['content must be a string'] },
      { field: 'type', messages: ['type is required'] },
    ]);
  });
});
