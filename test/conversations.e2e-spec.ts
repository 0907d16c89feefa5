import { createTestApp, type TestApp } from './support/test-app.js';

interface Memory {
  id: string;
  content: string;
  conversationId: string | null;
  occurredAt: string;
  createdAt: string;
  metadata: Record<string, unknown>;
}
interface Result extends Memory {
  score: number;
  scoring: {
    mode: string;
    keyword?: number;
    time?: number;
    people?: number;
    recencyPrior?: number;
    answerKind?: number;
    statement?: number;
  };
}
type Agent = TestApp['api'];

const search = async (agent: Agent, body: object): Promise<Result[]> =>
  (await agent.post('/api/v1/memories/search').send(body).expect(200)).body.results as Result[];
const contents = (results: Result[]) => results.map((r) => r.content);
/** A message of a chat as the held-out measurement stores it: speaker, conversation, minute. */
const message = (conversationId: string, day: string, minute: number, line: string) => ({
  content: line,
  type: 'turn',
  metadata: { speaker: line.slice(0, line.indexOf(':')) },
  conversationId,
  occurredAt: new Date(Date.parse(`${day}T18:00:00Z`) + minute * 60_000).toISOString(),
});

describe('conversations: where and when a memory was said', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('stores conversationId and occurredAt on create, batch and update, and returns them everywhere', async () => {
    const plain = (await t.api.post('/api/v1/memories').send({ content: 'plain', type: 'note' }))
      .body as Memory;
    expect(plain.conversationId).toBeNull();
    expect(plain.occurredAt).toBe(plain.createdAt);

    const said = (
      await t.api
        .post('/api/v1/memories')
        .send({
          content: 'Priya: we closed on the house',
          type: 'turn',
          conversationId: 'chat-1',
          occurredAt: '2023-04-14T18:02:00+02:00',
        })
        .expect(201)
    ).body as Memory;
    expect(said).toMatchObject({
      conversationId: 'chat-1',
      occurredAt: '2023-04-14T16:02:00.000Z',
    });
    expect((await t.api.get(`/api/v1/memories/${said.id}`).expect(200)).body).toMatchObject({
      conversationId: 'chat-1',
      occurredAt: '2023-04-14T16:02:00.000Z',
    });

    const { results } = (
      await t.api
        .post('/api/v1/memories/batch')
        .send({ items: [message('chat-2', '2023-05-01', 0, 'Tomas: hello there')] })
        .expect(200)
    ).body as { results: Array<{ memory: Memory }> };
    expect(results[0]!.memory).toMatchObject({
      conversationId: 'chat-2',
      occurredAt: '2023-05-01T18:00:00.000Z',
    });

    const moved = (
      await t.api
        .patch(`/api/v1/memories/${said.id}`)
        .send({ conversationId: 'chat-2', occurredAt: '2023-05-01T18:05:00Z' })
        .expect(200)
    ).body as Memory;
    expect(moved).toMatchObject({
      conversationId: 'chat-2',
      occurredAt: '2023-05-01T18:05:00.000Z',
    });
    const cleared = (
      await t.api.patch(`/api/v1/memories/${said.id}`).send({ conversationId: null }).expect(200)
    ).body as Memory;
    expect(cleared.conversationId).toBeNull();
    expect((await t.api.get(`/api/v1/memories/${said.id}`)).body.conversationId).toBeNull();
  });

  it('refuses a conversationId over 128 characters and dates that are not ISO 8601 (400)', async () => {
    const bad = [
      { content: 'x1', type: 'note', conversationId: 'c'.repeat(129) },
      { content: 'x2', type: 'note', conversationId: '' },
      { content: 'x3', type: 'note', occurredAt: 'last tuesday' },
    ];
    for (const body of bad) {
      const res = await t.api.post('/api/v1/memories').send(body).expect(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    await t.api
      .post('/api/v1/memories')
      .send({ content: 'x4', type: 'note', conversationId: 'c'.repeat(128) })
      .expect(201);
    const res = await t.api
      .post('/api/v1/memories/search')
      .send({ query: 'x', referenceDate: 'yesterday' })
      .expect(400);
    expect(JSON.stringify(res.body)).toMatch(/referenceDate/);
  });

  it('lists a conversation in the order it was said, a page at a time, and filters search by it', async () => {
    const { agent } = await t.signUp('conversation-lister');
    // Sent out of order: the list answers in the order said, not stored.
    const lines = [3, 0, 4, 1, 2].map((minute) =>
      message('trip', '2023-06-02', minute, `Ana: line ${minute} about the trip`),
    );
    await agent.post('/api/v1/memories/batch').send({ items: lines }).expect(200);
    await agent
      .post('/api/v1/memories/batch')
      .send({ items: [message('other', '2023-06-02', 0, 'Ana: line about another trip')] })
      .expect(200);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = (
        await agent
          .get('/api/v1/memories')
          .query({ conversationId: 'trip', limit: 2, ...(cursor ? { cursor } : {}) })
          .expect(200)
      ).body as { items: Memory[]; nextCursor: string | null };
      seen.push(...page.items.map((m) => m.content));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([0, 1, 2, 3, 4].map((minute) => `Ana: line ${minute} about the trip`));

    const found = await search(agent, { query: 'trip', filter: { conversationId: 'other' } });
    expect(contents(found)).toEqual(['Ana: line about another trip']);
  });

  it('exports and imports conversationId and occurredAt', async () => {
    const { agent: from } = await t.signUp('conversation-exporter');
    await from
      .post('/api/v1/memories/batch')
      .send({ items: [message('exported', '2023-02-03', 7, 'Ben: exported line')] })
      .expect(200);
    const ndjson = (
      await from
        .get('/api/v1/memories/export')
        .buffer(true)
        .parse((response, done) => {
          let body = '';
          response.on('data', (chunk: Buffer) => (body += chunk.toString()));
          response.on('end', () => done(null, body));
        })
        .expect(200)
    ).body as string;
    const { agent: to } = await t.signUp('conversation-importer');
    await to
      .post('/api/v1/memories/import')
      .set('Content-Type', 'application/x-ndjson')
      .send(ndjson)
      .expect(200);
    const { items } = (await to.get('/api/v1/memories').expect(200)).body as { items: Memory[] };
    expect(items).toEqual([
      expect.objectContaining({
        content: 'Ben: exported line',
        conversationId: 'exported',
        occurredAt: '2023-02-03T18:07:00.000Z',
      }),
    ]);
  });

  it('shows the new fields in the OpenAPI document', async () => {
    const openapi = (await t.http.get('/docs/openapi.json').expect(200)).body as {
      components: { schemas: Record<string, { properties: Record<string, unknown> }> };
    };
    const { schemas } = openapi.components;
    for (const name of ['CreateMemoryDto', 'UpdateMemoryDto', 'MemoryView']) {
      expect(Object.keys(schemas[name]!.properties)).toEqual(
        expect.arrayContaining(['conversationId', 'occurredAt']),
      );
    }
    expect(Object.keys(schemas.SearchMemoriesDto!.properties)).toContain('referenceDate');
    expect(Object.keys(schemas.MemoryFilterDto!.properties)).toContain('conversationId');
  });
});

describe('ranking signals on small hand-made chats', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('a neighbour lifts the right turn: the reply to a question about pottery is found by "pottery"', async () => {
    const { agent } = await t.signUp('neighbours');
    const items = [
      message('s1', '2023-03-01', 0, 'Tomas: Did you ever sign up for that pottery class?'),
      message('s1', '2023-03-01', 1, 'Priya: Yes!! Started last week, my first bowl is a mess'),
      message('s1', '2023-03-01', 2, 'Tomas: Haha amazing'),
      // The same kind of answer in another conversation, about something else.
      message('s2', '2023-03-09', 0, 'Tomas: Did you go running this weekend?'),
      message('s2', '2023-03-09', 1, 'Priya: Yes!! Started again last week, legs are a mess'),
    ];
    await agent.post('/api/v1/memories/batch').send({ items }).expect(200);
    for (const mode of ['keyword', 'hybrid']) {
      const found = contents(await search(agent, { query: 'Priya and the pottery class', mode }));
      const reply = found.indexOf(items[1]!.content);
      expect(reply).toBeGreaterThanOrEqual(0);
      expect(reply).toBeLessThan(found.indexOf(items[4]!.content) >>> 0);
    }
    // The question turn goes: the reply no longer has "pottery" near it.
    const question = (await search(agent, { query: 'pottery', mode: 'keyword' }))[0]!;
    expect(question.content).toBe(items[0]!.content);
    await agent.delete(`/api/v1/memories/${question.id}`).expect(204);
    expect(await search(agent, { query: 'pottery', mode: 'keyword' })).toEqual([]);
  });

  it('an answer two turns after the question is found through it', async () => {
    const { agent } = await t.signUp('two-back');
    const items = [
      message('s1', '2023-04-02', 0, 'Deshawn: did the shelter kitten find a home?'),
      message('s1', '2023-04-02', 1, 'Lena: Yes!!'),
      message('s1', '2023-04-02', 2, 'Lena: Mrs. Shaw, a retired piano teacher with a sunroom'),
      // The same kind of answer in another conversation, about something else.
      message('s2', '2023-04-20', 0, 'Deshawn: who bought the old van in the end?'),
      message('s2', '2023-04-20', 1, 'Lena: Guess'),
      message('s2', '2023-04-20', 2, 'Lena: Mr. Shaw, a retired bus driver with a garage'),
    ];
    await agent.post('/api/v1/memories/batch').send({ items }).expect(200);
    const query = 'Who gave the shelter kitten a home?';
    const found = contents(await search(agent, { query, mode: 'keyword' }));
    expect(found).toContain(items[2]!.content);
    expect(found).not.toContain(items[5]!.content);
    // In hybrid mode the answer's keyword part comes from the question two turns before it.
    const hybrid = await search(agent, { query, mode: 'hybrid' });
    const answer = hybrid.find((r) => r.content === items[2]!.content);
    expect(answer?.scoring.keyword).toBeGreaterThan(0);
  });

  it('a date window lifts the right month, against the referenceDate for "last month"', async () => {
    const { agent } = await t.signUp('dates');
    const may = message('s1', '2023-05-10', 0, 'Priya: went kayaking on the lake, so calm');
    const july = message('s2', '2023-07-12', 0, 'Priya: went kayaking on the lake again, windy');
    await agent
      .post('/api/v1/memories/batch')
      .send({ items: [may, july] })
      .expect(200);
    const first = async (query: string, referenceDate?: string) =>
      (await search(agent, { query, ...(referenceDate ? { referenceDate } : {}) }))[0]!;
    expect((await first('kayaking on the lake in May 2023')).content).toBe(may.content);
    expect((await first('kayaking on the lake in July 2023')).content).toBe(july.content);
    const lastMonth = await first('kayaking on the lake last month', '2023-06-20T12:00:00Z');
    expect(lastMonth.content).toBe(may.content);
    expect(lastMonth.scoring.time).toBeGreaterThan(0);
    // No date in the query: no window, nothing added for time.
    for (const r of await search(agent, { query: 'kayaking on the lake' })) {
      expect(r.scoring.time).toBeUndefined();
    }
  });

  it("a speaker boost never hides another speaker's answer", async () => {
    const { agent } = await t.signUp('speakers');
    const items = [
      message('s1', '2023-08-01', 0, 'Priya: Thanks Tomas! How was your week?'),
      message('s1', '2023-08-01', 1, 'Priya: I guess I just needed a change'),
      message('s1', '2023-08-01', 2, 'Priya: Honestly it was a lot, Tomas'),
      // The answer about Priya, said by Tomas, without her name.
      message('s1', '2023-08-01', 3, 'Tomas: she got the architecture job, starts Monday'),
    ];
    await agent.post('/api/v1/memories/batch').send({ items }).expect(200);
    const results = await search(agent, {
      query: 'Which job did Priya get at the architecture firm?',
    });
    const answer = results.find((r) => r.content === items[3]!.content);
    expect(answer).toBeDefined();
    expect(results.indexOf(answer!)).toBe(0);
    // Priya's own lines were boosted, and said so; the answer was not, and still ranks.
    expect(results.filter((r) => r.scoring.people).length).toBeGreaterThanOrEqual(3);
    expect(answer!.scoring.people).toBeUndefined();
    for (const r of results) expect(r.score).toBeLessThanOrEqual(1);
  });

  it('a "when" question lifts the turn that says when over the question that asked it', async () => {
    const items = [
      message('s1', '2023-09-01', 0, 'Priya: When is the pottery show opening?'),
      message('s1', '2023-09-01', 1, 'Tomas: Not sure yet, the pottery show is all clay bowls'),
      message('s1', '2023-09-01', 2, 'Tomas: Oh wait the pottery show opens Saturday the 14th'),
    ];
    const query = 'When is the pottery show opening?';
    const ranked = async (app: TestApp, name: string) => {
      const { agent } = await app.signUp(name);
      await agent.post('/api/v1/memories/batch').send({ items }).expect(200);
      return search(agent, { query, mode: 'hybrid' });
    };
    // Without these two signals the question itself, word for word the query, comes first.
    const plain = await createTestApp({
      SEARCH_ANSWER_KIND_WEIGHT: '0',
      SEARCH_STATEMENT_WEIGHT: '0',
    });
    try {
      expect((await ranked(plain, 'answer-kind-off'))[0]!.content).toBe(items[0]!.content);
    } finally {
      await plain.close();
    }
    const results = await ranked(t, 'answer-kind');
    expect(contents(results)[0]).toBe(items[2]!.content);
    // Each adds the same share (0.2) of the memory's own relevance.
    expect(results[0]!.scoring.statement).toBeGreaterThan(0);
    expect(results[0]!.scoring.answerKind).toBeCloseTo(results[0]!.scoring.statement!);
    const asked = results.find((r) => r.content === items[0]!.content)!;
    expect(asked.scoring.statement).toBeUndefined();
    // A statement without a time is a statement still, and holds no answer of the kind asked.
    const vague = results.find((r) => r.content === items[1]!.content)!;
    expect(vague.scoring.statement).toBeGreaterThan(0);
    expect(vague.scoring.answerKind).toBeUndefined();
  });
});
