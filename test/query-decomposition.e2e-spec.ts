import { FakeVllmServer } from './support/fake-vllm.server.js';
import { createTestApp, type TestApp } from './support/test-app.js';

interface Result {
  id: string;
  content: string;
  score: number;
  scoring: { mode: string; subQuestion?: string };
}

const QUESTION = "What property did Priya buy after Tomas's brother got married?";
const CLUE = 'Tomas: My brother got married in Greece, we danced till 3am on a cliff';
const TARGET = 'Priya: We closed on the house!! Keys on Friday, a little blue place';
const PARTS = [
  "When did Tomas's brother get married in Greece?",
  'Which house did Priya close on?',
];

describe('query decomposition (SEARCH_DECOMPOSE): a multi-hop question searched one event at a time', () => {
  let t: TestApp;
  let chat: FakeVllmServer;

  beforeAll(async () => {
    chat = await new FakeVllmServer({ model: 'Qwen/Qwen3-8B' }).start();
    t = await createTestApp({
      VLLM_CHAT_URL: chat.url,
      VLLM_CHAT_MODEL: chat.model,
      VLLM_RETRIES: '0',
      VLLM_TIMEOUT_MS: '5000',
      SEARCH_DECOMPOSE: 'true',
      // Each case searches the same question again: answered afresh, not from the cache.
      CACHE_SEARCH_TTL: '0s',
    });
    const distractors = [
      'Priya: What property would you buy if you were rich, Tomas?',
      'Tomas: Priya, did my brother ever tell you about the property he wants to buy?',
      'Priya: Tomas, your brother should buy property after the wedding, prices are dropping',
      'Tomas: After he got married my brother wanted to buy property with Priya as agent',
    ];
    await t.api
      .post('/api/v1/memories/batch')
      .send({ items: [CLUE, TARGET, ...distractors].map((content) => ({ content, type: 'turn' })) })
      .expect(200);
  });
  afterEach(() => {
    chat.clearFaults();
    expect(chat.scriptedLeft).toBe(0); // every scripted answer was asked for
  });
  afterAll(async () => {
    await t.close();
    await chat.stop();
  });

  const top3 = async (): Promise<Result[]> =>
    (await t.api.post('/api/v1/memories/search').send({ query: QUESTION, limit: 3 }).expect(200))
      .body.results as Result[];

  it('finds both events through the sub-questions the model gives, and says which found each', async () => {
    chat.scriptChat({ questions: [] }); // the model leaves it whole: the question alone
    const whole = await top3();
    expect(whole.map((r) => r.content)).not.toContain(TARGET);

    chat.scriptChat({ questions: PARTS });
    const split = await top3();
    const byContent = new Map(split.map((r) => [r.content, r]));
    expect(byContent.get(TARGET)?.scoring.subQuestion).toBe(PARTS[1]);
    expect(byContent.get(CLUE)).toBeDefined();
    // The model was asked with the question as data, for a JSON list.
    const asked = chat.chatPrompts.at(-1)!;
    expect(asked.at(-1)!.content).toBe(JSON.stringify({ question: QUESTION }));
  });

  it('searches the question whole when the model fails or answers out of shape', async () => {
    chat.scriptChat({ questions: [] });
    const whole = (await top3()).map((r) => r.id);
    chat.scriptChat('not json at all');
    expect((await top3()).map((r) => r.id)).toEqual(whole);
    chat.scriptChat({ questions: [42, '', QUESTION] });
    expect((await top3()).map((r) => r.id)).toEqual(whole);
    chat.fail({ kind: 'status', status: 500 });
    expect((await top3()).map((r) => r.id)).toEqual(whole);
  });
});
