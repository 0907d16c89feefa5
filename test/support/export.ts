import type { Response } from 'superagent';
import type { TestApp } from './test-app.js';

/** For supertest's `.parse`: the whole body as text, whatever its type (NDJSON, SSE). */
export function wholeText(
  response: Response,
  done: (error: Error | null, body: string) => void,
): void {
  // In node, what supertest hands a parser is the response stream itself.
  const stream = response as unknown as NodeJS.ReadableStream;
  let body = '';
  stream.on('data', (chunk: Buffer) => (body += chunk.toString()));
  stream.on('end', () => done(null, body));
}

/** A user's whole export (NDJSON text), read through the route as a client downloads it. */
export async function exportText(
  agent: TestApp['api'],
  embeddings = false,
  path = '/api/v1/memories/export',
): Promise<string> {
  const res = await agent.get(path).query({ embeddings }).buffer(true).parse(wholeText).expect(200);
  expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
  return res.body as string;
}
