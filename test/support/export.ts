import type { TestApp } from './test-app.js';

/** A user's whole export (NDJSON text), read through the route as a client downloads it. */
export async function exportText(
  agent: TestApp['api'],
  embeddings = false,
  path = '/api/v1/memories/export',
): Promise<string> {
  const res = await agent
    .get(path)
    .query({ embeddings })
    .buffer(true)
    .parse((response, done) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => done(null, body));
    })
    .expect(200);
  expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
  return res.body as string;
}
