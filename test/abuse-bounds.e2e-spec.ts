import { request as httpRequest } from 'node:http';
import { createTestApp, type TestApp } from './support/test-app.js';

/** A raw POST (declared length, any bytes): the status, and the problem's detail if one came. */
function rawPost(
  url: string,
  path: string,
  body: Buffer,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; contentType?: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${url}${path}`,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Content-Length': body.length, ...headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            body: text,
            contentType: res.headers['content-type'],
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('one client cannot slow or cost everyone', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ REQUEST_BODY_LIMIT: '1mb' });
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('credentials are checked before a body is read', () => {
    // Parsed, these would be 400 (not JSON, nesting too deep) or 413 (too large): a 401 says
    // the body was never looked at.
    const bodies: Array<[string, Buffer]> = [
      ['malformed JSON of 900 KB', Buffer.from('{"content": "' + 'x'.repeat(900_000) + '", ]')],
      ['JSON nested 100,000 deep', Buffer.from('['.repeat(100_000) + ']'.repeat(100_000))],
      ['a body past the 1 MB limit', Buffer.from(`{"content":"${'y'.repeat(3_000_000)}"}`)],
    ];
    it.each(bodies)('answers 401 to %s without credentials', async (_name, body) => {
      const res = await rawPost(t.url, '/api/v1/memories', body);
      expect(res.status).toBe(401);
      expect(res.contentType).toMatch(/application\/problem\+json/);
      expect(JSON.parse(res.body).detail).toMatch(/bearer access token or an API key/);
    });

    it('answers 401 to a bad API key and to an unknown route, before their bodies', async () => {
      const body = Buffer.from('{not json');
      const badKey = await rawPost(t.url, '/api/v1/memories/search', body, {
        'X-API-Key': 'msk_not-a-key',
      });
      expect(badKey.status).toBe(401);
      expect(JSON.parse(badKey.body).detail).toMatch(/API key is invalid/);
      expect((await rawPost(t.url, '/api/v1/nothing-here', body)).status).toBe(401);
    });

    it('still reads the body of a caller with credentials, and of login', async () => {
      const token = (await t.login('alice', 'alice-password-123')).accessToken;
      const malformed = await rawPost(t.url, '/api/v1/memories', Buffer.from('{"content": ]'), {
        Authorization: `Bearer ${token}`,
      });
      expect(malformed.status).toBe(400);
      expect(JSON.parse(malformed.body).detail).toMatch(/not valid JSON/);
      const login = await rawPost(t.url, '/api/v1/auth/login', Buffer.from('{"username": ]'));
      expect(login.status).toBe(400);
      await t.api
        .post('/api/v1/memories')
        .send({ content: 'still works', type: 'fact' })
        .expect(201);
    });
  });
});
