import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createTestApp, type TestApp } from './support/test-app.js';

interface Memory {
  id: string;
  content: string;
  occurredAt: string;
}

/**
 * Garden talk around May 2023, stored today: April's last millisecond, May's first, mid-May,
 * June's first, and one said when stored (no occurredAt: it occurred today).
 */
const SAID = {
  april: { content: 'Ana: the garden party in April', occurredAt: '2023-04-30T23:59:59.999Z' },
  mayFirst: { content: 'Ana: the garden gate on May Day', occurredAt: '2023-05-01T00:00:00Z' },
  midMay: { content: 'Ben: garden tomatoes planted in May', occurredAt: '2023-05-20T10:00:00Z' },
  june: { content: 'Ben: garden hose bought in June', occurredAt: '2023-06-01T00:00:00Z' },
  today: { content: 'Ana: the garden is a jungle today' },
};
const MAY = { occurredAfter: '2023-05-01T00:00:00Z', occurredBefore: '2023-06-01T00:00:00Z' };
const MODES = ['vector', 'keyword', 'hybrid'] as const;

describe('occurredAfter / occurredBefore: a window on when memories occurred', () => {
  let t: TestApp;
  const ids: Record<string, string> = {};
  const sorted = (memories: Array<{ content: string }>) => memories.map((m) => m.content).sort();
  const searched = async (body: object) =>
    sorted((await t.api.post('/api/v1/memories/search').send(body).expect(200)).body.results);
  const listed = async (query: object) =>
    sorted((await t.api.get('/api/v1/memories').query(query).expect(200)).body.items);

  beforeAll(async () => {
    t = await createTestApp();
    for (const [name, said] of Object.entries(SAID)) {
      const body = { type: 'turn', conversationId: 'garden', ...said };
      ids[name] = ((await t.api.post('/api/v1/memories').send(body).expect(201)).body as Memory).id;
    }
  });
  afterAll(() => t.close());

  it('search keeps only memories inside the window in every mode: after inclusive, before exclusive', async () => {
    for (const mode of MODES) {
      const base = { query: 'garden', mode, limit: 20 };
      expect({ mode, found: await searched({ ...base, filter: MAY }) }).toEqual({
        mode,
        found: sorted([SAID.mayFirst, SAID.midMay]),
      });
      // Open-ended: a memory stored today that occurred in April is out; one without an
      // occurredAt occurred when stored, so it is in.
      expect({
        mode,
        found: await searched({ ...base, filter: { occurredAfter: MAY.occurredAfter } }),
      }).toEqual({ mode, found: sorted([SAID.mayFirst, SAID.midMay, SAID.june, SAID.today]) });
      expect({
        mode,
        found: await searched({ ...base, filter: { occurredBefore: '2024-01-01T00:00:00Z' } }),
      }).toEqual({ mode, found: sorted([SAID.april, SAID.mayFirst, SAID.midMay, SAID.june]) });
    }
  });

  it('holds in the date lane too: a query naming April finds nothing of April inside a May window', async () => {
    const found = await searched({
      query: 'the garden party in April 2023',
      mode: 'hybrid',
      limit: 20,
      referenceDate: '2023-09-01T00:00:00Z',
      filter: MAY,
    });
    expect(found).toEqual(sorted([SAID.mayFirst, SAID.midMay]));
  });

  it('follows a memory whose occurredAt changes, including one that had none', async () => {
    await t.api
      .patch(`/api/v1/memories/${ids.today}`)
      .send({ occurredAt: '2023-05-15T12:00:00Z' })
      .expect(200);
    await t.api
      .patch(`/api/v1/memories/${ids.midMay}`)
      .send({ occurredAt: '2023-07-04T12:00:00Z' })
      .expect(200);
    try {
      for (const mode of MODES) {
        expect({
          mode,
          found: await searched({ query: 'garden', mode, limit: 20, filter: MAY }),
        }).toEqual({ mode, found: sorted([SAID.mayFirst, SAID.today]) });
      }
      expect(await listed(MAY)).toEqual(sorted([SAID.mayFirst, SAID.today]));
    } finally {
      await t.api
        .patch(`/api/v1/memories/${ids.midMay}`)
        .send({ occurredAt: SAID.midMay.occurredAt })
        .expect(200);
      await t.api
        .patch(`/api/v1/memories/${ids.today}`)
        .send({ occurredAt: new Date().toISOString() })
        .expect(200);
    }
  });

  it('filters the list, a conversation page and the context route the same way', async () => {
    expect(await listed(MAY)).toEqual(sorted([SAID.mayFirst, SAID.midMay]));
    const page = (
      await t.api
        .get('/api/v1/memories')
        .query({ conversationId: 'garden', ...MAY })
        .expect(200)
    ).body.items as Memory[];
    // A conversation page stays in the order said.
    expect(page.map((m) => m.content)).toEqual([SAID.mayFirst.content, SAID.midMay.content]);
    const context = (
      await t.api
        .post('/api/v1/context')
        .send({ query: 'garden', ...MAY })
        .expect(200)
    ).body as { memories: Memory[] };
    expect(sorted(context.memories)).toEqual(sorted([SAID.mayFirst, SAID.midMay]));
  });

  it('filters the MCP recall, list and context tools', async () => {
    const key = (await t.api.post('/api/v1/auth/api-keys').send({ name: 'window' }).expect(201))
      .body.key as string;
    const client = new Client({ name: 'memory-system-e2e', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${t.url}/mcp`), {
        requestInit: { headers: { Authorization: `Bearer ${key}` } },
      }),
    );
    try {
      const call = async (name: string, args: Record<string, unknown>) => {
        const result = (await client.callTool({ name, arguments: args })) as {
          isError?: boolean;
          structuredContent: Record<string, Memory[]>;
        };
        expect(result.isError).toBeFalsy();
        return result.structuredContent;
      };
      const may = sorted([SAID.mayFirst, SAID.midMay]);
      expect(sorted((await call('recall', { query: 'garden', filter: MAY })).results!)).toEqual(
        may,
      );
      expect(sorted((await call('list', MAY)).items!)).toEqual(may);
      expect(sorted((await call('context', { query: 'garden', ...MAY })).memories!)).toEqual(may);
      const refused = (await client.callTool({
        name: 'list',
        arguments: { occurredAfter: 'in May' },
      })) as { isError?: boolean; content: Array<{ text?: string }> };
      expect(refused.isError).toBe(true);
      expect(refused.content[0]!.text).toMatch(/occurredAfter must be an ISO 8601 date-time/);
    } finally {
      await client.close();
    }
  });

  it('answers a date it cannot read, or a window that ends before it starts, with a 400 naming the field', async () => {
    const cases: Array<{ send: () => Promise<{ status: number }>; field: RegExp }> = [
      {
        send: () =>
          t.api
            .post('/api/v1/memories/search')
            .send({ query: 'garden', filter: { occurredAfter: 'last May' } }),
        field: /filter\.occurredAfter: occurredAfter must be an ISO 8601 date-time/,
      },
      {
        // ISO 8601 week dates pass the format check, but no JavaScript date reads them.
        send: () =>
          t.api
            .post('/api/v1/memories/search')
            .send({ query: 'garden', filter: { occurredBefore: '2023-W20' } }),
        field: /filter\.occurredBefore: occurredBefore must be an ISO 8601 date-time/,
      },
      {
        send: () =>
          t.api.post('/api/v1/memories/search').send({
            query: 'garden',
            mode: 'keyword',
            filter: { occurredAfter: MAY.occurredBefore, occurredBefore: MAY.occurredAfter },
          }),
        field: /filter\.occurredBefore: occurredBefore must be later than occurredAfter/,
      },
      {
        // An empty window [t, t) is refused too: it could only ever answer nothing.
        send: () =>
          t.api.get('/api/v1/memories').query({
            occurredAfter: MAY.occurredAfter,
            occurredBefore: MAY.occurredAfter,
          }),
        field: /occurredBefore: occurredBefore must be later than occurredAfter/,
      },
      {
        send: () => t.api.get('/api/v1/memories').query({ occurredBefore: '2023-13-01' }),
        field: /occurredBefore: occurredBefore must be an ISO 8601 date-time/,
      },
      {
        send: () =>
          t.api.post('/api/v1/context').send({
            query: 'garden',
            occurredAfter: '2023-06-01T00:00:00Z',
            occurredBefore: '2023-05-01T00:00:00Z',
          }),
        field: /occurredBefore: occurredBefore must be later than occurredAfter/,
      },
    ];
    for (const { send, field } of cases) {
      const res = (await send()) as {
        status: number;
        headers: Record<string, string>;
        body: { detail: string };
      };
      expect({ status: res.status, detail: res.body.detail }).toEqual({
        status: 400,
        detail: expect.stringMatching(field),
      });
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
  });

  it('documents the window, inclusive and exclusive, in the OpenAPI document', async () => {
    const { schemas } = (await t.http.get('/docs/openapi.json').expect(200)).body.components as {
      schemas: Record<string, { properties: Record<string, { description?: string }> }>;
    };
    for (const name of ['MemoryFilterDto', 'ContextRequestDto']) {
      expect(schemas[name]!.properties.occurredAfter!.description).toMatch(/inclusive/);
      expect(schemas[name]!.properties.occurredBefore!.description).toMatch(/exclusive/);
    }
  });
});
