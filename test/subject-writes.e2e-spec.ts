import { setTimeout as sleep } from 'node:timers/promises';
import { dumpChroma } from './support/chroma-dump.js';
import { FakeVllmServer } from './support/fake-vllm.server.js';
import { subjectsKey } from './support/subjects.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/** How long the model takes to answer the call the test holds back. */
const DELAY_MS = 3000;

const facts = (content: string) => ({ facts: [{ content, type: 'fact' }] });
const addIt = { decisions: [{ fact: 1, action: 'ADD', memory: null, content: null }] };

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let waited = 0; !(await condition()); waited += 50) {
    if (waited > 15_000) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/**
 * What is written for a subject (issue 24): learned by an extraction or by the chat proxy, it
 * lands in the subject's space only; and nothing of a request under way lands in a subject erased
 * meanwhile, while a request after the erasure uses the subject afresh.
 */
describe('writes for a subject: into its own space, never into one erased meanwhile', () => {
  let t: TestApp;
  let chat: FakeVllmServer;
  let embeddings: FakeVllmServer;
  let key: string;

  beforeAll(async () => {
    chat = await new FakeVllmServer({ model: 'Qwen/Qwen3-8B', runner: 'generate' }).start();
    embeddings = await new FakeVllmServer({ runner: 'pooling' }).start();
    t = await createTestApp({
      VLLM_EMBEDDING_URL: embeddings.url,
      VLLM_CHAT_URL: chat.url,
      VLLM_CHAT_MODEL: chat.model,
      VLLM_RETRIES: '0',
      VLLM_TIMEOUT_MS: String(DELAY_MS * 4),
    });
    key = await subjectsKey(t.api);
    await t.api
      .post('/api/v1/memories')
      .send({ content: 'The owner learned Portuguese in Lisbon', type: 'fact' })
      .expect(201);
  });
  afterAll(async () => {
    await t?.close();
    await chat?.stop();
    await embeddings?.stop();
  });

  /** Requests with the app key, acting for `subject` when one is named. */
  function as(subject?: string) {
    const headers: Record<string, string> = { 'X-API-Key': key };
    if (subject !== undefined) headers['X-Memory-Subject'] = subject;
    return {
      get: (path: string) => t.http.get(path).set(headers),
      post: (path: string) => t.http.post(path).set(headers),
      delete: (path: string) => t.http.delete(path).set(headers),
    };
  }
  const contentsOf = async (subject?: string) =>
    (
      (await as(subject).get('/api/v1/memories').query({ limit: 100 }).expect(200)).body
        .items as Array<{ content: string }>
    ).map((m) => m.content);
  const subjectIds = async () =>
    ((await as().get('/api/v1/subjects').expect(200)).body.items as Array<{ id: string }>).map(
      (s) => s.id,
    );
  const chromaDocuments = async () =>
    Object.values(await dumpChroma(t.chroma!.url, t.chroma!.database)).flatMap((records) =>
      records.map((record) => record.document),
    );

  it("learns an extraction for a subject into the subject's space only", async () => {
    await as('u1')
      .post('/api/v1/memories')
      .send({ content: 'Uma has a cat called Miso', type: 'fact' })
      .expect(201);
    chat.scriptChat(facts('Uma learned Portuguese in Lisbon'), addIt);

    const receipt = await as('u1')
      .post('/api/v1/memories/extract')
      .send({ messages: [{ role: 'user', content: 'I learned Portuguese in Lisbon' }] })
      .expect(200);

    expect(receipt.body.decisions.map((d: { action: string }) => d.action)).toEqual(['add']);
    expect(chat.scriptedLeft).toBe(0);
    // The model was shown the subject's neighbours, not the owner's close one.
    const decidePrompt = JSON.stringify(chat.chatPrompts.at(-1));
    expect(decidePrompt).not.toContain('The owner learned Portuguese');
    expect((await contentsOf('u1')).sort()).toEqual([
      'Uma has a cat called Miso',
      'Uma learned Portuguese in Lisbon',
    ]);
    expect(await contentsOf()).toEqual(['The owner learned Portuguese in Lisbon']);
    expect(await contentsOf('u2')).toEqual([]);
  });

  it("learns from a chat proxy exchange for a subject (OpenAI's user field) into its space only", async () => {
    chat.scriptChat(facts('Ulla moved to Porto'), addIt);

    await as()
      .post('/v1/chat/completions')
      .send({
        model: chat.model,
        messages: [{ role: 'user', content: 'I moved to Porto last week' }],
        user: 'u2',
      })
      .expect(200);

    await until(
      async () => (await contentsOf('u2')).includes('Ulla moved to Porto'),
      'the exchange being learned',
    );
    expect(chat.scriptedLeft).toBe(0);
    expect(await contentsOf('u2')).toEqual(['Ulla moved to Porto']);
    expect(await contentsOf()).toEqual(['The owner learned Portuguese in Lisbon']);
    expect(await contentsOf('u1')).not.toContain('Ulla moved to Porto');
  });

  it('refuses a batch under way when its subject is erased (409, nothing lands); a request after the erasure uses the subject afresh', async () => {
    await as('u4')
      .post('/api/v1/memories')
      .send({ content: 'Uwe stored this before the erasure', type: 'fact' })
      .expect(201);
    const asked = embeddings.requests.length;
    embeddings.fail({ kind: 'slow', delayMs: DELAY_MS }); // the batch's embedding call
    const items = [
      { content: 'Uwe batch memory one', type: 'fact' },
      { content: 'Uwe batch memory two', type: 'fact' },
    ];
    const batch = as('u4')
      .post('/api/v1/memories/batch')
      .send({ items })
      .then((res) => res);
    await until(() => embeddings.requests.length > asked, 'the batch embedding call');

    await as().delete('/api/v1/subjects/u4').expect(204);
    const answer = await batch;

    expect(answer.status).toBe(409);
    expect(answer.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(answer.body.detail).toMatch(/"u4" was erased while this request ran/);
    const documents = await chromaDocuments();
    for (const gone of [...items.map((i) => i.content), 'Uwe stored this before the erasure']) {
      expect(documents).not.toContain(gone);
    }
    expect(await subjectIds()).not.toContain('u4');

    // Reuse: the same subject id after the erasure is a new, empty subject.
    expect(await contentsOf('u4')).toEqual([]);
    await as('u4')
      .post('/api/v1/memories')
      .send({ content: 'Uwe again, after the erasure', type: 'fact' })
      .expect(201);
    expect(await contentsOf('u4')).toEqual(['Uwe again, after the erasure']);
    expect(await subjectIds()).toContain('u4');
  });

  it("stops a subject's extraction waiting on the model when the subject is erased: nothing of it lands", async () => {
    await as('u3')
      .post('/api/v1/memories')
      .send({ content: 'Stored before the erasure', type: 'fact' })
      .expect(201);
    const fact = 'Learned while the subject was being erased';
    const asked = chat.requests.length;
    chat.scriptChat(() => {
      chat.fail({ kind: 'slow', delayMs: DELAY_MS }); // the next call: decide
      return facts(fact);
    }, addIt);
    const extraction = as('u3')
      .post('/api/v1/memories/extract')
      .send({ messages: [{ role: 'user', content: fact }] })
      .then((res) => res);
    await until(() => chat.requests.length >= asked + 2, 'the decide call');

    await as().delete('/api/v1/subjects/u3').expect(204);
    const answer = await extraction;
    expect(answer.status).toBeGreaterThanOrEqual(400);
    // The decide call was cut off: its scripted answer was never taken (so this test runs last).
    expect(chat.scriptedLeft).toBe(1);
    await sleep(DELAY_MS + 500); // past the model's delay: an extraction that went on stored by now

    expect(await subjectIds()).not.toContain('u3');
    expect(await chromaDocuments()).not.toContain(fact);
    expect(await chromaDocuments()).not.toContain('Stored before the erasure');
  });
});
