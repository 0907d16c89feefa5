import { createHmac } from 'node:crypto';
import { collectionPrefixFor } from '@memory-system/vector';
import { collectionNames } from './support/chroma.js';
import { ADMIN, createTestApp, type TestApp, USER_PASSWORD } from './support/test-app.js';

const b64 = (value: object | string) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

function signHs256(
  payload: object,
  secret: string,
  header: object = { alg: 'HS256', typ: 'JWT' },
): string {
  const unsigned = `${b64(header)}.${b64(payload)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

const JWT_SECRET = 'an-e2e-secret-that-is-long-enough-0123456789';

describe('authentication', () => {
  let t: TestApp;
  beforeAll(
    async () =>
      (t = await createTestApp({ JWT_SECRET, LOG_LEVEL: 'info', LOGIN_THROTTLE_LIMIT: '1000' })),
  );
  afterAll(() => t.close());

  it('needs credentials on every /api route but login, refresh and logout; /health stays open', async () => {
    for (const [method, path] of [
      ['get', '/api/v1/memories'],
      ['post', '/api/v1/memories/search'],
      ['get', '/api/memories?query=x'],
      ['post', '/api/memories'],
      ['get', '/api/v1/sessions'],
      ['get', '/api/v1/auth/me'],
      ['get', '/api/v1/admin/users'],
    ] as const) {
      const res = await t.http[method](path).send({});
      expect({ path, status: res.status }).toEqual({ path, status: 401 });
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    }
    await t.http.get('/health').expect(200);
    await t.http.get('/health/live').expect(200);
  });

  it('logs in, answers /auth/me, and refuses a wrong password the same way as an unknown user', async () => {
    const tokens = await t.login('alice', USER_PASSWORD);
    expect(tokens).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
    const me = await t.agentFor(tokens.accessToken).get('/api/v1/auth/me').expect(200);
    expect(me.body).toMatchObject({
      id: t.aliceId,
      username: 'alice',
      role: 'user',
      disabled: false,
    });
    expect(me.body.passwordHash).toBeUndefined();

    const wrong = await t.http
      .post('/api/v1/auth/login')
      .send({ username: 'alice', password: 'nope' })
      .expect(401);
    const unknown = await t.http
      .post('/api/v1/auth/login')
      .send({ username: 'nobody', password: 'nope' })
      .expect(401);
    expect(wrong.body.detail).toBe(unknown.body.detail);
  });

  it('rotates refresh tokens; reusing a rotated one revokes its whole family', async () => {
    const first = await t.login('alice', USER_PASSWORD);
    const second = (
      await t.http
        .post('/api/v1/auth/refresh')
        .send({ refreshToken: first.refreshToken })
        .expect(200)
    ).body;
    expect(second.refreshToken).not.toBe(first.refreshToken);
    await t.agentFor(second.accessToken).get('/api/v1/auth/me').expect(200);
    const third = (
      await t.http
        .post('/api/v1/auth/refresh')
        .send({ refreshToken: second.refreshToken })
        .expect(200)
    ).body;

    // The first token leaked and is replayed: refused, and the live descendant dies with it.
    await t.http
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: first.refreshToken })
      .expect(401);
    await t.http
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: third.refreshToken })
      .expect(401);
    // Another login is another family, untouched.
    const other = await t.login('alice', USER_PASSWORD);
    await t.http
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: other.refreshToken })
      .expect(200);
  });

  it('logout revokes the refresh token', async () => {
    const tokens = await t.login('alice', USER_PASSWORD);
    await t.http
      .post('/api/v1/auth/logout')
      .send({ refreshToken: tokens.refreshToken })
      .expect(204);
    await t.http
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: tokens.refreshToken })
      .expect(401);
  });

  it.each([
    [
      'tampered payload',
      (good: string) => {
        const [h, , s] = good.split('.');
        return `${h}.${b64({ sub: 'someone-else', role: 'admin', typ: 'access', iss: 'memory-system', exp: 9_999_999_999 })}.${s}`;
      },
    ],
    [
      'signed with another secret',
      () =>
        signHs256(
          { sub: 'x', role: 'admin', typ: 'access', iss: 'memory-system', exp: 9_999_999_999 },
          'another-secret-another-secret-another-secret',
        ),
    ],
    [
      'expired',
      (_: string, id: string) =>
        signHs256(
          {
            sub: id,
            role: 'user',
            typ: 'access',
            iss: 'memory-system',
            exp: Math.floor(Date.now() / 1000) - 10,
          },
          JWT_SECRET,
        ),
    ],
    [
      'alg none',
      (_: string, id: string) =>
        `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: id, role: 'admin', typ: 'access', iss: 'memory-system', exp: 9_999_999_999 })}.`,
    ],
    [
      'wrong issuer',
      (_: string, id: string) =>
        signHs256(
          { sub: id, role: 'user', typ: 'access', iss: 'elsewhere', exp: 9_999_999_999 },
          JWT_SECRET,
        ),
    ],
    [
      'not an access token',
      (_: string, id: string) =>
        signHs256(
          { sub: id, role: 'user', typ: 'refresh', iss: 'memory-system', exp: 9_999_999_999 },
          JWT_SECRET,
        ),
    ],
    ['garbage', () => 'not.a.token'],
  ])('refuses a token that is %s', async (_name, forge) => {
    const good = (await t.login('alice', USER_PASSWORD)).accessToken;
    const res = await t.agentFor(forge(good, t.aliceId)).get('/api/v1/auth/me');
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('accepts a token signed with the real secret (the forgeries above fail for their flaw alone)', async () => {
    const token = signHs256(
      { sub: t.aliceId, role: 'user', typ: 'access', iss: 'memory-system', exp: 9_999_999_999 },
      JWT_SECRET,
    );
    await t.agentFor(token).get('/api/v1/auth/me').expect(200);
  });

  it('issues API keys shown once, stored hashed, usable by header, and revocable', async () => {
    const created = (
      await t.api.post('/api/v1/auth/api-keys').send({ name: 'open-webui' }).expect(201)
    ).body;
    expect(created.key).toMatch(/^msk_[0-9a-f]{32}_[\w-]{43}$/);
    const listed = (await t.api.get('/api/v1/auth/api-keys').expect(200)).body;
    expect(listed.nextCursor).toBeNull();
    expect(listed.items).toEqual([
      expect.objectContaining({ id: created.id, name: 'open-webui', prefix: created.prefix }),
    ]);
    // The secret is base64url and may itself contain '_': take everything after `msk_<id>_`.
    const secret = created.key.slice(`msk_${created.id}_`.length);
    expect(secret).toHaveLength(43);
    expect(JSON.stringify(listed)).not.toContain(secret);

    await t.http.get('/api/v1/auth/me').set('X-API-Key', created.key).expect(200);
    await t.http.get('/api/v1/auth/me').set('Authorization', `Bearer ${created.key}`).expect(200);
    await t.http
      .get('/api/v1/auth/me')
      .set('X-API-Key', created.key.slice(0, -2) + 'xx')
      .expect(401);

    const { agent: bob } = await t.signUp('bob-keys');
    await bob.delete(`/api/v1/auth/api-keys/${created.id}`).expect(404); // not bob's
    await t.api.delete(`/api/v1/auth/api-keys/${created.id}`).expect(204);
    await t.http.get('/api/v1/auth/me').set('X-API-Key', created.key).expect(401);
  });

  it('lets only admins manage users', async () => {
    await t.api.get('/api/v1/admin/users').expect(403);
    await t.api
      .post('/api/v1/admin/users')
      .send({ username: 'eve', password: 'long-enough-1' })
      .expect(403);
    const page = (await t.admin.get('/api/v1/admin/users').query({ limit: 100 }).expect(200)).body;
    expect(page.items.map((u: { username: string }) => u.username)).toEqual(
      expect.arrayContaining(['admin', 'alice']),
    );
    expect(JSON.stringify(page)).not.toContain('argon2');
    await t.admin
      .post('/api/v1/admin/users')
      .send({ username: 'ALICE', password: 'long-enough-1' })
      .expect(409);
    await t.admin
      .post('/api/v1/admin/users')
      .send({ username: 'x', password: 'short' })
      .expect(400);
  });

  it("stops a disabled user's tokens, refresh tokens and API keys at once", async () => {
    const carol = await t.signUp('carol');
    const tokens = await t.login('carol', USER_PASSWORD);
    const key = (
      await carol.agent.post('/api/v1/auth/api-keys').send({ name: 'agent' }).expect(201)
    ).body.key;
    await t.admin.patch(`/api/v1/admin/users/${carol.id}`).send({ disabled: true }).expect(200);

    await carol.agent.get('/api/v1/auth/me').expect(401);
    await t.http.get('/api/v1/auth/me').set('X-API-Key', key).expect(401);
    await t.http
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: tokens.refreshToken })
      .expect(401);
    await t.http
      .post('/api/v1/auth/login')
      .send({ username: 'carol', password: USER_PASSWORD })
      .expect(401);

    await t.admin.patch(`/api/v1/admin/users/${carol.id}`).send({ disabled: false }).expect(200);
    await t.login('carol', USER_PASSWORD);
  });

  it('deletes a user with all their memories, sessions and keys', async () => {
    const dave = await t.signUp('dave');
    const memory = (
      await dave.agent
        .post('/api/v1/memories')
        .send({ content: 'dave was here', type: 'note' })
        .expect(201)
    ).body;
    await dave.agent.post('/api/v1/sessions').send({}).expect(201);
    const prefix = collectionPrefixFor(dave.id);
    const daveCollections = async () =>
      (await collectionNames(t.chroma!.url, t.chroma!.database)).filter((n) =>
        n.startsWith(prefix),
      );
    expect(await daveCollections()).toHaveLength(1);
    await t.admin.delete(`/api/v1/admin/users/${dave.id}`).expect(204);
    expect(await daveCollections()).toEqual([]);
    await dave.agent.get('/api/v1/auth/me').expect(401);
    await t.admin.get(`/api/v1/admin/users/${dave.id}`).expect(404);

    // A new "dave" starts from nothing: none of the old memories or sessions are reachable.
    const again = await t.signUp('dave');
    await again.agent.get(`/api/v1/memories/${memory.id}`).expect(404);
    expect((await again.agent.get('/api/v1/sessions').expect(200)).body.items).toEqual([]);
  });

  it('keeps an admin from locking themselves out', async () => {
    const me = (await t.admin.get('/api/v1/auth/me').expect(200)).body;
    await t.admin.patch(`/api/v1/admin/users/${me.id}`).send({ disabled: true }).expect(409);
    await t.admin.delete(`/api/v1/admin/users/${me.id}`).expect(409);
  });

  it('sends helmet security headers', async () => {
    const res = await t.http.get('/health/live').expect(200);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('never writes a password, token, API key or memory content into the log', async () => {
    const tokens = await t.login('alice', USER_PASSWORD);
    await t.http
      .post('/api/v1/auth/login')
      .send({ username: 'alice', password: 'a-wrong-password-typed' })
      .expect(401);
    const key = (await t.api.post('/api/v1/auth/api-keys').send({ name: 'log-check' }).expect(201))
      .body.key;
    await t.http
      .post('/api/v1/memories')
      .set('X-API-Key', key)
      .send({ content: 'my very private diary', type: 'note' })
      .expect(201);
    await t.http
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: tokens.refreshToken })
      .expect(200);
    // Requests are logged…
    const log = await t.server.waitForOutput(/"url":"\/api\/v1\/auth\/refresh"/);
    expect(log).toMatch(/"url":"\/api\/v1\/auth\/login"/);
    for (const secret of [
      ADMIN.password,
      USER_PASSWORD,
      'a-wrong-password-typed',
      JWT_SECRET,
      tokens.accessToken,
      tokens.refreshToken,
      key,
      'my very private diary',
    ]) {
      expect(log).not.toContain(secret); // …their secrets are not
    }
  });

  it('logs every request once, inside and outside the API prefix', async () => {
    const ids: string[] = [];
    for (const path of ['/health', '/metrics', '/api/v1/auth/me', '/health/ready']) {
      ids.push((await t.http.get(path)).headers['x-request-id'] as string);
    }
    ids.push((await t.http.post('/mcp').send({})).headers['x-request-id'] as string);
    // Once the last request's line is in, a second line for any of them would follow closely.
    await t.server.waitForOutput(new RegExp(`"id":"${ids.at(-1)}"`));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const lines = t.server.output
      .join('')
      .split('\n')
      .filter((line) => line.includes('"msg":"request completed"'));
    for (const id of ids) {
      expect(id).toBeTruthy();
      expect(lines.filter((line) => line.includes(`"id":"${id}"`))).toHaveLength(1);
    }
  });
});

describe('abuse limits', () => {
  let t: TestApp;
  beforeAll(
    async () =>
      (t = await createTestApp({
        LOGIN_THROTTLE_LIMIT: '3',
        THROTTLE_LIMIT: '40',
        THROTTLE_TTL: '1m',
        ALLOWED_ORIGINS: 'https://chat.example.test',
      })),
  );
  afterAll(() => t.close());

  it('throttles login attempts per address with 429 and Retry-After', async () => {
    const attempt = () =>
      t.http.post('/api/v1/auth/login').send({ username: 'alice', password: 'guess' });
    // createTestApp logged in twice already (admin, alice) from this address.
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await attempt()).status);
    expect(statuses).toContain(429);
    const res = await attempt();
    expect(res.status).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    // No proxy is trusted by default: a client naming another address of its own is still limited.
    for (const spoofed of ['203.0.113.7', '198.51.100.1, 10.0.0.1']) {
      const again = await attempt().set('X-Forwarded-For', spoofed);
      expect(again.status).toBe(429);
    }
  });

  it('throttles each user on their own, not everyone behind one address', async () => {
    const hammer = async () => {
      let last = 200;
      for (let i = 0; i < 45 && last !== 429; i++)
        last = (await t.api.get('/api/v1/auth/me')).status;
      return last;
    };
    expect(await hammer()).toBe(429);
    await t.admin.get('/api/v1/auth/me').expect(200); // same address, other user
  });

  it('answers CORS only for ALLOWED_ORIGINS', async () => {
    const allowed = await t.http
      .options('/api/v1/memories')
      .set('Origin', 'https://chat.example.test')
      .set('Access-Control-Request-Method', 'POST');
    expect(allowed.headers['access-control-allow-origin']).toBe('https://chat.example.test');
    const other = await t.http
      .options('/api/v1/memories')
      .set('Origin', 'https://evil.example.test')
      .set('Access-Control-Request-Method', 'POST');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('guessing resistance and ending sessions', () => {
  let t: TestApp;
  beforeAll(
    async () =>
      (t = await createTestApp({
        LOGIN_ACCOUNT_LIMIT: '3',
        LOGIN_THROTTLE_LIMIT: '1000',
        AUTH_FAILURE_LIMIT: '5',
        LOG_LEVEL: 'info',
      })),
  );
  afterAll(() => t.close());

  const login = (username: string, password: string) =>
    t.http.post('/api/v1/auth/login').send({ username, password });

  it('locks an account after failed logins, answering the same whether it exists or not', async () => {
    await t.signUp('frank');
    for (const username of ['frank', 'nobody-at-all']) {
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await login(username, 'wrong-guess')).status);
      expect(statuses).toEqual([401, 401, 401]);
      // Locked now, even for the right password, with the same answer for a missing account.
      const locked = await login(username, USER_PASSWORD);
      expect(locked.status).toBe(429);
      expect(Number(locked.headers['retry-after'])).toBeGreaterThanOrEqual(29);
      expect(locked.body.detail).toBe('Too many failed logins for this account; try again later.');
    }
    // Another account, from the same address, is not locked.
    await login(ADMIN.username, ADMIN.password).expect(200);
    const requestId = (await login('frank', 'x').set('X-Request-Id', 'audit-probe-1')).status;
    expect(requestId).toBe(429);
    const audit = (await t.server.waitForOutput(/"id":"audit-probe-1"/))
      .split('\n')
      .filter((line) => line.includes('"audit":"login.failed"'));
    expect(audit.length).toBeGreaterThanOrEqual(6);
    expect(audit.some((line) => line.includes('"username":"nobody-at-all"'))).toBe(true);
    expect(audit.every((line) => /"req":\{"id":"[^"]+"/.test(line))).toBe(true);
    expect(audit.join('\n')).not.toContain('wrong-guess');
  });

  it('checks at most LOGIN_ACCOUNT_LIMIT guesses even when 40 arrive at once', async () => {
    await t.signUp('grace');
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => login('grace', `parallel-guess-${i}`)),
    );
    const statuses = answers.map((res) => res.status);
    // 401: a guess whose password was checked; 429: refused before any hashing.
    expect(statuses.filter((s) => s === 401)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(37);
    // Locked now, even for the right password.
    expect((await login('grace', USER_PASSWORD)).status).toBe(429);
  });

  it('throttles an address that keeps sending bad credentials', async () => {
    const statuses = [];
    for (let i = 0; i < 7; i++) {
      statuses.push(
        (await t.http.get('/api/v1/memories').set('X-API-Key', `msk_${'0'.repeat(32)}_guess${i}`))
          .status,
      );
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    const res = await t.http.get('/api/v1/memories').set('Authorization', 'Bearer not-a-token');
    expect(res.status).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe('ending a login session ends its access tokens at once', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp({ LOG_LEVEL: 'info' })));
  afterAll(() => t.close());

  const me = (token: string) =>
    t.http.get('/api/v1/auth/me').set('Authorization', `Bearer ${token}`);

  it('answers no CORS at all when ALLOWED_ORIGINS is empty (the default)', async () => {
    const preflight = await t.http
      .options('/api/v1/memories')
      .set('Origin', 'https://chat.example.test')
      .set('Access-Control-Request-Method', 'POST');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(preflight.headers['access-control-allow-methods']).toBeUndefined();
    const live = await t.http.get('/health/live').set('Origin', 'https://chat.example.test');
    expect(live.status).toBe(200);
    expect(live.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('on logout, on a reused refresh token and on a password change, not at expiry', async () => {
    await t.signUp('gina');
    // Logout.
    const first = await t.login('gina', USER_PASSWORD);
    const other = await t.login('gina', USER_PASSWORD); // another device
    await me(first.accessToken).expect(200);
    await t.http.post('/api/v1/auth/logout').send({ refreshToken: first.refreshToken }).expect(204);
    const ended = await me(first.accessToken).expect(401);
    expect(ended.body.detail).toMatch(/session was ended/);
    await me(other.accessToken).expect(200); // the other device's session goes on

    // A reused refresh token ends the whole session, the access token it just got included.
    const stolen = other.refreshToken;
    const rotated = (
      await t.http.post('/api/v1/auth/refresh').send({ refreshToken: stolen }).expect(200)
    ).body as { accessToken: string };
    await me(rotated.accessToken).expect(200);
    await t.http.post('/api/v1/auth/refresh').send({ refreshToken: stolen }).expect(401);
    await me(rotated.accessToken).expect(401);

    // A password change ends every session of the user.
    const third = await t.login('gina', USER_PASSWORD);
    await me(third.accessToken).expect(200);
    const { id } = (await me(third.accessToken).expect(200)).body as { id: string };
    await t.admin
      .patch(`/api/v1/admin/users/${id}`)
      .send({ password: 'a-brand-new-password-42' })
      .expect(200);
    await me(third.accessToken).expect(401);
    // Key changes and admin actions are audited with the request id.
    await t.server.waitForOutput(/"audit":"admin\.user-changed".*"password":"changed"/);
  });
});
