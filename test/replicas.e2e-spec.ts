import { RedisServer } from './support/redis.js';
import { createTestApp, type TestApp, USER_PASSWORD } from './support/test-app.js';

/**
 * Two app processes on one Redis and one Chroma, as the stack runs them behind Swarm's mesh:
 * raced on what each replica used to decide alone.
 */
describe('two replicas sharing Redis and Chroma behave as one', () => {
  let redis: RedisServer;
  let a: TestApp;
  let b: TestApp;
  const JWT_SECRET = 'replicas-test-secret-0123456789-abcdefghij';
  beforeAll(async () => {
    redis = await RedisServer.start();
    const shared = {
      REDIS_URL: redis.url,
      JWT_SECRET,
      THROTTLE_LIMIT: '40',
      THROTTLE_TTL: '1m',
      LOGIN_ACCOUNT_LIMIT: '3',
      LOGIN_THROTTLE_LIMIT: '1000',
    };
    a = await createTestApp(shared);
    b = await createTestApp({
      ...shared,
      CHROMA_URL: a.chroma!.url,
      CHROMA_DATABASE: a.chroma!.database,
    });
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
    await redis.stop();
  });

  it('stores the same content once when both replicas race to store it', async () => {
    await a.signUp('racer');
    const tokens = await a.login('racer', USER_PASSWORD);
    const onA = a.agentFor(tokens.accessToken);
    const onB = b.agentFor(tokens.accessToken); // one token, valid on every replica
    for (let round = 0; round < 5; round++) {
      const content = `Racer's favourite number is ${round}`;
      const answers = await Promise.all(
        [onA, onB, onA, onB].map((agent) =>
          agent.post('/api/v1/memories').send({ content, type: 'fact' }),
        ),
      );
      expect(answers.map((r) => r.status).sort()).toEqual([200, 200, 200, 201]);
      expect(new Set(answers.map((r) => r.body.id)).size).toBe(1);
    }
    const listed = (await onB.get('/api/v1/memories?limit=100').expect(200)).body.items;
    expect(listed).toHaveLength(5);
  });

  it('reads a list cursor from one replica the same way on the other', async () => {
    const { agent } = await a.signUp('pager');
    const token = (await a.login('pager', USER_PASSWORD)).accessToken;
    const onB = b.agentFor(token);
    await agent
      .post('/api/v1/memories/batch')
      .send({ items: Array.from({ length: 9 }, (_, i) => ({ content: `page ${i}`, type: 'p' })) })
      .expect(200);
    const first = (await agent.get('/api/v1/memories?limit=4').expect(200)).body;
    const [onA2, onB2] = await Promise.all([
      agent.get(`/api/v1/memories?limit=4&cursor=${first.nextCursor}`).expect(200),
      onB.get(`/api/v1/memories?limit=4&cursor=${first.nextCursor}`).expect(200),
    ]);
    expect(onB2.body).toEqual(onA2.body);
    expect(onA2.body.items).toHaveLength(4);
  });

  it('keeps every context item when both replicas append to one session at once', async () => {
    const session = (await a.api.post('/api/v1/sessions').send({}).expect(201)).body.id as string;
    const aliceOnB = b.agentFor((await b.login('alice', USER_PASSWORD)).accessToken);
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        (i % 2 ? aliceOnB : a.api)
          .post(`/api/v1/sessions/${session}/context`)
          .send({ items: [{ role: 'user', content: `message ${i}` }] })
          .expect(200),
      ),
    );
    const context = (await aliceOnB.get(`/api/v1/sessions/${session}`).expect(200)).body.context;
    expect(context.map((item: { content: string }) => item.content).sort()).toEqual(
      Array.from({ length: 12 }, (_, i) => `message ${i}`).sort(),
    );
  });

  it('enforces one rate limit across replicas, not one each', async () => {
    const { agent } = await a.signUp('busy');
    const token = (await a.login('busy', USER_PASSWORD)).accessToken;
    const onB = b.agentFor(token);
    const statuses: number[] = [];
    // 25 on each replica: 50 in all, against a limit of 40 per minute (each alone stays under).
    for (let i = 0; i < 25; i++) {
      statuses.push((await agent.get('/api/v1/auth/me')).status);
      statuses.push((await onB.get('/api/v1/auth/me')).status);
    }
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(8);
  });

  it('locks an account after failed logins on any replica, and ends a session on every replica', async () => {
    await a.signUp('lockme');
    const fail = (app: TestApp) =>
      app.http.post('/api/v1/auth/login').send({ username: 'lockme', password: 'nope' });
    expect([(await fail(a)).status, (await fail(b)).status, (await fail(a)).status]).toEqual([
      401, 401, 401,
    ]);
    const locked = await b.http
      .post('/api/v1/auth/login')
      .send({ username: 'lockme', password: USER_PASSWORD });
    expect(locked.status).toBe(429);

    const tokens = await a.login('alice', USER_PASSWORD);
    await b.http
      .get('/api/v1/auth/me')
      .set('Authorization', `Bearer ${tokens.accessToken}`)
      .expect(200);
    await a.http
      .post('/api/v1/auth/logout')
      .send({ refreshToken: tokens.refreshToken })
      .expect(204);
    await b.http
      .get('/api/v1/auth/me')
      .set('Authorization', `Bearer ${tokens.accessToken}`)
      .expect(401);
  });
});
