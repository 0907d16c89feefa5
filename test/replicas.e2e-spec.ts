import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseMetrics, total } from './support/metrics.js';
import { RedisServer } from './support/redis.js';
import { createTestApp, type TestApp, USER_PASSWORD } from './support/test-app.js';

type Agent = TestApp['api'];

/** The contents a keyword search finds on one replica. */
const found = async (agent: Agent, query: string): Promise<string[]> =>
  (
    (
      await agent
        .post('/api/v1/memories/search')
        .send({ query, mode: 'keyword', limit: 50 })
        .expect(200)
    ).body.results as Array<{ content: string }>
  ).map((r) => r.content);

/** One of a replica's counters, summed over the labels given. */
const counter = async (app: TestApp, name: string, labels: Record<string, string> = {}) =>
  total(parseMetrics((await app.http.get('/metrics').expect(200)).text), name, labels);

const REBUILDS = 'memory_system_keyword_index_rebuilds_total';
const FEED_ENTRIES = 'memory_system_keyword_index_feed_entries_total';
const CATCH_UPS = 'memory_system_keyword_index_catch_up_seconds_count';

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

/**
 * Each replica's keyword index, kept in step from the change feed in Redis: two app processes
 * with their own data folders, one Redis, one Chroma. B restarts on its folder in some tests.
 */
describe('two replicas keep their keyword indexes in step from the change feed', () => {
  let redis: RedisServer;
  let a: TestApp;
  let b: TestApp;
  /** B's data folder, kept across its restarts. */
  const bData = mkdtempSync(join(tmpdir(), 'ms-replica-b-'));
  const shared: Record<string, string> = {
    JWT_SECRET: 'replicas-feed-secret-0123456789-abcdefghij',
    LOGIN_THROTTLE_LIMIT: '1000',
    // The smallest feed, so that a replica can fall past it in a test.
    LEXICAL_FEED_LENGTH: '100',
  };
  const startB = () =>
    createTestApp({
      ...shared,
      CHROMA_URL: a.chroma!.url,
      CHROMA_DATABASE: a.chroma!.database,
      DATA_DIR: bData,
    });
  beforeAll(async () => {
    redis = await RedisServer.start();
    shared.REDIS_URL = redis.url;
    a = await createTestApp(shared);
    b = await startB();
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
    await redis.stop();
  });

  /** A user on both replicas: an agent on each. */
  const userOnBoth = async (name: string) => {
    const { agent } = await a.signUp(name);
    const onB = b.agentFor((await b.login(name, USER_PASSWORD)).accessToken);
    return { onA: agent, onB };
  };

  it('sees every acknowledged write on both replicas, writes alternating between them, from the feed', async () => {
    const { onA, onB } = await userOnBoth('alternating');
    const rebuildsBefore = [await counter(a, REBUILDS), await counter(b, REBUILDS)];
    const feedBefore = await counter(b, FEED_ENTRIES);
    const catchUpsBefore = await counter(b, CATCH_UPS);
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const [writer, reader] = i % 2 ? [onB, onA] : [onA, onB];
      const created = await writer
        .post('/api/v1/memories')
        .send({ content: `zebra crossing number w${i}`, type: 'note' })
        .expect(201);
      ids.push(created.body.id as string);
      // Right after the answer, on the other replica and on the writer's own.
      expect(await found(reader, `w${i}`)).toEqual([`zebra crossing number w${i}`]);
      expect(await found(writer, 'zebra')).toHaveLength(i + 1);
    }
    // An update on one, a delete on the other: each seen at once on both.
    await onA.patch(`/api/v1/memories/${ids[3]}`).send({ content: 'giraffe w3' }).expect(200);
    expect(await found(onB, 'giraffe')).toEqual(['giraffe w3']);
    expect(await found(onB, 'zebra')).toHaveLength(9);
    await onB.delete(`/api/v1/memories/${ids[4]}`).expect(204);
    expect(await found(onA, 'w4')).toEqual([]);
    await onA
      .post('/api/v1/memories/batch')
      .send({ items: [1, 2, 3].map((n) => ({ content: `okapi batch ${n}`, type: 'note' })) })
      .expect(200);
    expect(await found(onB, 'okapi')).toHaveLength(3);
    const listed = async (agent: Agent) =>
      ((await agent.get('/api/v1/memories?limit=100').expect(200)).body.items as unknown[]).length;
    expect([await listed(onA), await listed(onB)]).toEqual([12, 12]);
    // In step from the feed: no whole rebuild beyond each replica's first use of the user.
    expect(await counter(a, REBUILDS)).toBeLessThanOrEqual(rebuildsBefore[0]! + 1);
    expect(await counter(b, REBUILDS)).toBeLessThanOrEqual(rebuildsBefore[1]! + 1);
    expect(await counter(b, FEED_ENTRIES)).toBeGreaterThan(feedBefore);
    // Each of A's five single writes read on B was one timed catch-up (the bench reads these).
    expect(await counter(b, CATCH_UPS)).toBeGreaterThanOrEqual(catchUpsBefore + 5);
  }, 180_000);

  it('catches up from the feed on a replica that was down meanwhile, without a rebuild', async () => {
    const { onA, onB } = await userOnBoth('sleeper');
    const first = await onA.post('/api/v1/memories').send({ content: 'kestrel one', type: 'n' });
    expect(await found(onB, 'kestrel')).toEqual(['kestrel one']); // B builds its index
    await b.close();
    const more = [];
    for (const word of ['two', 'three', 'four']) {
      more.push(
        (await onA.post('/api/v1/memories').send({ content: `kestrel ${word}`, type: 'n' })).body
          .id as string,
      );
    }
    await onA.delete(`/api/v1/memories/${first.body.id}`).expect(204);
    await onA.patch(`/api/v1/memories/${more[0]}`).send({ content: 'kestrel deux' }).expect(200);
    b = await startB();
    const onNewB = b.agentFor((await b.login('sleeper', USER_PASSWORD)).accessToken);
    expect((await found(onNewB, 'kestrel')).sort()).toEqual([
      'kestrel deux',
      'kestrel four',
      'kestrel three',
    ]);
    expect(await counter(b, REBUILDS)).toBe(0);
    expect(await counter(b, FEED_ENTRIES)).toBe(10); // five writes, begun and ended
  }, 180_000);

  it('rebuilds once a replica that fell past what the feed holds', async () => {
    const { onA, onB } = await userOnBoth('faraway');
    await onA.post('/api/v1/memories').send({ content: 'heron start', type: 'n' }).expect(201);
    expect(await found(onB, 'heron')).toEqual(['heron start']);
    await b.close();
    // 160 writes, 320 entries: past a feed of 100 (Redis trims whole nodes of 100 entries).
    for (let i = 0; i < 160; i++) {
      await onA
        .post('/api/v1/memories')
        .send({ content: `heron ${i}`, type: 'n' })
        .expect(201);
    }
    b = await startB();
    const onNewB = b.agentFor((await b.login('faraway', USER_PASSWORD)).accessToken);
    expect(await found(onNewB, 'heron 159')).toContain('heron 159');
    await onA.post('/api/v1/memories').send({ content: 'heron last', type: 'n' }).expect(201);
    expect(await found(onNewB, 'last')).toEqual(['heron last']);
    expect(await counter(b, REBUILDS, { reason: 'behind' })).toBe(1);
    expect(await counter(b, REBUILDS)).toBe(1);
  }, 300_000);
});
