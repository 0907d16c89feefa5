import { createTestApp, type TestApp } from './support/test-app.js';

/** Behaviour a newcomer should not be surprised by (issue: a newcomer's first hour). */
describe('behaviour without surprises', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.close());

  const historyOf = async (id: string) =>
    (await t.api.get(`/api/v1/memories/${id}/history`).expect(200)).body.items as unknown[];

  it('writes no version and keeps updatedAt for a PATCH that changes nothing', async () => {
    const created = (
      await t.api
        .post('/api/v1/memories')
        .send({
          content: 'Likes green tea',
          type: 'preference',
          tags: ['b', 'a'],
          metadata: { x: 1 },
        })
        .expect(201)
    ).body;
    const empty = (await t.api.patch(`/api/v1/memories/${created.id}`).send({}).expect(200)).body;
    const same = (
      await t.api
        .patch(`/api/v1/memories/${created.id}`)
        .send({ content: 'Likes green tea', tags: ['a', 'b'], metadata: { x: 1 } })
        .expect(200)
    ).body;
    expect(empty.updatedAt).toBe(created.updatedAt);
    expect(same.updatedAt).toBe(created.updatedAt);
    expect(await historyOf(created.id)).toHaveLength(0);
    // A real change still writes its version.
    await t.api
      .patch(`/api/v1/memories/${created.id}`)
      .send({ tags: ['c'] })
      .expect(200);
    expect(await historyOf(created.id)).toHaveLength(1);
  });

  it('keeps a memory that is unpinned after its expiry passed while pinned, without the expiry', async () => {
    const pinned = (
      await t.api
        .post('/api/v1/memories')
        .send({ content: 'Passport number is in the drawer', type: 'fact', ttl: 1, pinned: true })
        .expect(201)
    ).body;
    const early = (
      await t.api
        .post('/api/v1/memories')
        .send({ content: 'Parking until noon', type: 'fact', ttl: 30, pinned: true })
        .expect(201)
    ).body;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const unpinned = (
      await t.api.patch(`/api/v1/memories/${pinned.id}`).send({ pinned: false }).expect(200)
    ).body;
    expect(unpinned).toMatchObject({ pinned: false, expiresAt: null });
    await t.api.get(`/api/v1/memories/${pinned.id}`).expect(200);
    // Unpinned before its time ran out: the expiry stands.
    const stillTimed = (
      await t.api.patch(`/api/v1/memories/${early.id}`).send({ pinned: false }).expect(200)
    ).body;
    expect(stillTimed.expiresAt).toBe(early.expiresAt);
  });

  it('pages the API key list like every other list', async () => {
    const made: string[] = [];
    for (const name of ['one', 'two', 'three'])
      made.push((await t.api.post('/api/v1/auth/api-keys').send({ name }).expect(201)).body.id);
    const first = (await t.api.get('/api/v1/auth/api-keys').query({ limit: 2 }).expect(200)).body;
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = (
      await t.api
        .get('/api/v1/auth/api-keys')
        .query({ limit: 2, cursor: first.nextCursor })
        .expect(200)
    ).body;
    expect(second.nextCursor).toBeNull();
    const seen = [...first.items, ...second.items].map((key: { id: string }) => key.id);
    expect(seen.sort()).toEqual([...made].sort());
  });
});
