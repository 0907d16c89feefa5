import { FakeVllmServer } from './support/fake-vllm.server.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * A model server that answers but serves the wrong kind of model (one vLLM server serves one
 * model): readiness says so, naming which, instead of staying green while every write fails.
 */
describe('health when a model server serves the wrong kind of model', () => {
  let chatOnly: FakeVllmServer;
  let embedOnly: FakeVllmServer;
  const apps: TestApp[] = [];

  beforeAll(async () => {
    chatOnly = await new FakeVllmServer({ model: 'Qwen/Qwen3-8B', runner: 'generate' }).start();
    embedOnly = await new FakeVllmServer({ runner: 'pooling' }).start();
  });
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await chatOnly?.stop();
    await embedOnly?.stop();
  });

  const start = async (env: Record<string, string>) => {
    const app = await createTestApp(env);
    apps.push(app);
    return app;
  };

  it('is ready when each server serves its role', async () => {
    const t = await start({ VLLM_EMBEDDING_URL: embedOnly.url, VLLM_CHAT_URL: chatOnly.url });
    const ready = await t.http.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.info.models.status).toBe('up');
  });

  it('is not ready, and says which, when the embedding URL names a chat model', async () => {
    const t = await start({ VLLM_EMBEDDING_URL: chatOnly.url, VLLM_CHAT_URL: chatOnly.url });
    const ready = await t.http.get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.error.models).toMatchObject({ status: 'down', misconfigured: ['embedder'] });
    const health = await t.http.get('/health');
    expect(health.status).toBe(503);
    expect(health.body.error.embedder).toMatchObject({ status: 'down', reason: 'misconfigured' });
    await t.server.waitForOutput(
      /does not serve embeddings with Qwen\/Qwen3-8B.*VLLM_EMBEDDING_URL/,
    );
  });

  it('is not ready when the chat URL names an embedding model', async () => {
    const t = await start({ VLLM_EMBEDDING_URL: embedOnly.url, VLLM_CHAT_URL: embedOnly.url });
    const ready = await t.http.get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.error.models).toMatchObject({ misconfigured: ['chat'] });
  });

  it('stays ready when a model server is down (an outage, not a setting)', async () => {
    const gone = await new FakeVllmServer().start();
    const t = await start({ VLLM_URL: gone.url });
    await gone.stop();
    const ready = await t.http.get('/health/ready');
    expect(ready.status).toBe(200);
    expect((await t.http.get('/health')).status).toBe(503);
  });
});
