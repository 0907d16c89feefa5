import { createTestApp, type TestApp } from './support/test-app.js';

/** The routes the seed document's web clients already call, without a version in the path. */
describe('seed document routes (/api/memories)', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  afterAll(() => t.close());

  it('POST /api/memories stores and answers 201 with the memory itself; userId in the body is ignored', async () => {
    const res = await t.api
      .post('/api/memories')
      .send({
        content: 'Test content',
        type: 'text',
        metadata: { category: 'test' },
        userId: 'someone-else',
      })
      .expect(201);
    expect(res.body).toMatchObject({
      content: 'Test content',
      type: 'text',
      metadata: { category: 'test' },
    });
    expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
    // Visible through the versioned API of the same (local) caller.
    await t.api.get(`/api/v1/memories/${res.body.id}`).expect(200);
  });

  it('GET /api/memories?query=&limit= answers an array, nearest first, with distance', async () => {
    await t.api
      .post('/api/memories')
      .send({ content: 'Another test memory', type: 'text' })
      .expect(201);
    await t.api
      .post('/api/memories')
      .send({ content: 'Quarterly revenue figures', type: 'text' })
      .expect(201);
    const res = await t.api
      .get('/api/memories')
      .query({ query: 'test memory', limit: 2 })
      .expect(200);
    expect(Array.isArray(res.body)).toBe(true);
    expect(res.body).toHaveLength(2);
    expect(res.body[0]).toMatchObject({
      content: 'Another test memory',
      distance: expect.any(Number),
    });
    expect(res.body[0].distance).toBeLessThanOrEqual(res.body[1].distance);
  });

  it('PUT /api/memories/:id updates and DELETE /api/memories/:id answers 204', async () => {
    const { body: created } = await t.api
      .post('/api/memories')
      .send({ content: 'Old words', type: 'text' })
      .expect(201);
    const { body: updated } = await t.api
      .put(`/api/memories/${created.id}`)
      .send({ content: 'New words' })
      .expect(200);
    expect(updated).toMatchObject({ id: created.id, content: 'New words' });
    await t.api.delete(`/api/memories/${created.id}`).expect(204);
    await t.api.get(`/api/v1/memories/${created.id}`).expect(404);
  });
});
