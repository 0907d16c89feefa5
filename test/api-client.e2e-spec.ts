import { readFileSync } from 'node:fs';
import { createMemoryClient } from '@memory-system/api-client';
import { API_CLIENT_TYPES, apiClientTypes } from '../libs/api-client/api-client-types.mjs';
import { createTestApp, type TestApp } from './support/test-app.js';

describe('the typed TypeScript client (libs/api-client)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.close());

  it('matches the API: its types are what the OpenAPI document generates today', async () => {
    const document = (await t.http.get('/docs/openapi.json').expect(200)).body as object;
    const committed = readFileSync(API_CLIENT_TYPES, 'utf8');
    const generated = await apiClientTypes(document);
    // On failure: run `npm run generate:client` and commit the result.
    expect(generated === committed).toBe(true);
  });

  it('stores and finds memories with typed calls', async () => {
    const key = (await t.api.post('/api/v1/auth/api-keys').send({ name: 'web' }).expect(201)).body
      .key as string;
    const client = createMemoryClient({ baseUrl: t.url, credential: key });
    const stored = await client.POST('/api/v1/memories', {
      body: { content: 'Alice bakes sourdough on Saturdays', type: 'fact' },
    });
    expect(stored.response.status).toBe(201);
    expect(stored.data?.content).toBe('Alice bakes sourdough on Saturdays');

    const found = await client.POST('/api/v1/memories/search', {
      body: { query: 'what does Alice bake?', limit: 3 },
    });
    expect(found.data?.results[0]?.id).toBe(stored.data?.id);

    const context = await client.POST('/api/v1/context', {
      body: { query: 'baking', tokenBudget: 100 },
    });
    expect(context.data?.memories.map((m) => m.id)).toEqual([stored.data?.id]);

    const refused = await client.POST('/api/v1/context', {
      body: { query: 'baking', tokenBudget: 0 },
    });
    expect(refused.response.status).toBe(400);
    expect(refused.error).toMatchObject({ status: 400 });
  });
});
