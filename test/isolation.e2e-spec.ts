import { createTestApp, type TestApp } from './support/test-app.js';

type Agent = TestApp['api'];

/**
 * Bob attacks alice's data through every route, with her real ids and with guessed ones. Every
 * answer must be the same 404 a missing thing gets (nothing revealed), and nothing may change.
 */
describe('isolation between users', () => {
  let t: TestApp;
  let bob: Agent;
  let memoryId: string;
  let sessionId: string;
  const guessed = '00000000-0000-4000-8000-000000000000';

  beforeAll(async () => {
    t = await createTestApp();
    bob = (await t.signUp('bob')).agent;
    sessionId = (await t.api.post('/api/v1/sessions').send({ title: 'alice private' }).expect(201))
      .body.id;
    memoryId = (
      await t.api
        .post('/api/v1/memories')
        .send({
          content: 'Alice keeps her spare key under the blue pot',
          type: 'secret',
          tags: ['home'],
          sessionId,
        })
        .expect(201)
    ).body.id;
    await t.api
      .post(`/api/v1/sessions/${sessionId}/context`)
      .send({ items: [{ role: 'user', content: 'alice said this' }] })
      .expect(200);
  });
  afterAll(() => t.close());

  const attacks = (
    id: string,
    session: string,
  ): Array<[string, (a: Agent) => Promise<{ status: number; body: unknown }>]> => [
    ['get memory', (a) => a.get(`/api/v1/memories/${id}`)],
    ['patch memory', (a) => a.patch(`/api/v1/memories/${id}`).send({ content: 'bob was here' })],
    ['delete memory', (a) => a.delete(`/api/v1/memories/${id}`)],
    ['seed put memory', (a) => a.put(`/api/memories/${id}`).send({ content: 'bob was here' })],
    ['seed delete memory', (a) => a.delete(`/api/memories/${id}`)],
    ['get session', (a) => a.get(`/api/v1/sessions/${session}`)],
    ['delete session', (a) => a.delete(`/api/v1/sessions/${session}`)],
    [
      'append to session',
      (a) =>
        a
          .post(`/api/v1/sessions/${session}/context`)
          .send({ items: [{ role: 'user', content: 'x' }] }),
    ],
    ['read session context', (a) => a.get(`/api/v1/sessions/${session}/context`)],
    [
      'store a memory in the session',
      (a) =>
        a
          .post('/api/v1/memories')
          .send({ content: 'bob into alice session', type: 'note', sessionId: session }),
    ],
    [
      'seed store in the session',
      (a) =>
        a.post('/api/memories').send({ content: 'bob via seed', type: 'note', sessionId: session }),
    ],
    [
      'batch into the session',
      (a) =>
        a
          .post('/api/v1/memories/batch')
          .send({ items: [{ content: 'bob batch', type: 'note', sessionId: session }] }),
    ],
  ];

  it.each(attacks('real', 'real').map(([name]) => name))(
    '%s with her real ids answers 404',
    async (name) => {
      const attack = attacks(memoryId, sessionId).find(([n]) => n === name)![1];
      const real = await attack(bob);
      const guess = await attacks(guessed, guessed).find(([n]) => n === name)![1](bob);
      expect(real.status).toBe(404);
      expect(guess.status).toBe(404);
      // Same title either way: whether the id exists is not revealed.
      expect((real.body as { title: string }).title).toBe((guess.body as { title: string }).title);
    },
  );

  it('never shows her memories in his lists and searches', async () => {
    const list = await bob.get('/api/v1/memories').query({ limit: 100 }).expect(200);
    expect(list.body.items).toEqual([]);
    const search = await bob
      .post('/api/v1/memories/search')
      .send({ query: 'spare key blue pot', limit: 100 })
      .expect(200);
    expect(search.body.results).toEqual([]);
    const seed = await bob.get('/api/memories').query({ query: 'spare key' }).expect(200);
    expect(seed.body).toEqual([]);
    const bySession = await bob.get('/api/v1/memories').query({ sessionId }).expect(200);
    expect(bySession.body.items).toEqual([]);
    expect((await bob.get('/api/v1/sessions').expect(200)).body.items).toEqual([]);
  });

  it('does not let a duplicate check leak her content', async () => {
    // Same content and type as alice's memory: for bob this is new (201), not "already there".
    await bob
      .post('/api/v1/memories')
      .send({ content: 'Alice keeps her spare key under the blue pot', type: 'secret' })
      .expect(201);
  });

  it('left everything of hers as it was', async () => {
    const memory = (await t.api.get(`/api/v1/memories/${memoryId}`).expect(200)).body;
    expect(memory.content).toBe('Alice keeps her spare key under the blue pot');
    expect(memory.createdAt).toBe(memory.updatedAt);
    const session = (await t.api.get(`/api/v1/sessions/${sessionId}`).expect(200)).body;
    expect(session.context.map((c: { content: string }) => c.content)).toEqual([
      'Alice keeps her spare key under the blue pot',
      'alice said this',
    ]);
    const mine = await t.api.get('/api/v1/memories').query({ limit: 100 }).expect(200);
    expect(mine.body.items).toHaveLength(1);
  });

  it('takes the user from the token, never from the body', async () => {
    await bob
      .post('/api/memories')
      .send({ content: 'planted by bob', type: 'note', userId: t.aliceId })
      .expect(201);
    const aliceSees = await t.api
      .post('/api/v1/memories/search')
      .send({ query: 'planted by bob' })
      .expect(200);
    expect(aliceSees.body.results.map((r: { content: string }) => r.content)).not.toContain(
      'planted by bob',
    );
  });
});
