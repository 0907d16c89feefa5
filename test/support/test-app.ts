import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createChromaDatabase, sharedChromaUrl } from './chroma.js';
import { ServerProcess } from './server-process.js';

export const ADMIN = { username: 'admin', password: 'test-admin-password-0123456789' };
export const USER_PASSWORD = 'alice-password-123';

type Agent = ReturnType<typeof request.agent>;

export interface TestApp {
  /** The service's base URL. */
  url: string;
  /** Where its Chroma data is (undefined in embedded mode). */
  chroma?: { url: string; database: string };
  server: ServerProcess;
  /** No credentials. */
  http: ReturnType<typeof request>;
  /** Signed in as the admin. */
  admin: Agent;
  /** Signed in as a fresh ordinary user, "alice". */
  api: Agent;
  aliceId: string;
  /** Creates a user (through the admin API) and returns an agent signed in as them. */
  signUp: (username: string, password?: string) => Promise<{ agent: Agent; id: string }>;
  login: (
    username: string,
    password: string,
  ) => Promise<{ accessToken: string; refreshToken: string }>;
  agentFor: (token: string) => Agent;
  close: () => Promise<void>;
}

/**
 * The built service in a process of its own, exactly as `npm start` runs it, with the given
 * environment. (In-process would be lighter, but NestJS 12's packages are ES modules that some
 * CommonJS libraries require(), which jest's module system cannot do; node itself can.)
 * By default it uses the shared real Chroma server, in a fresh database of its own;
 * `CHROMA_URL: ''` makes it start its embedded Chroma. State lives in a fresh DATA_DIR and backups in a fresh
 * BACKUP_DIR unless given.
 */
export async function createTestApp(
  env: Record<string, string | undefined> = {},
): Promise<TestApp> {
  const chroma: Record<string, string> = {};
  if (env.CHROMA_URL !== '') {
    chroma.CHROMA_URL = env.CHROMA_URL ?? sharedChromaUrl();
    chroma.CHROMA_DATABASE = env.CHROMA_DATABASE ?? (await createChromaDatabase(chroma.CHROMA_URL));
  }
  const settings: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'ms-data-')),
    // Never the default ./backups: a suite must not write into the checkout.
    BACKUP_DIR: mkdtempSync(join(tmpdir(), 'ms-backups-')),
    ADMIN_USERNAME: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
    // Suites send many bad credentials and wrong passwords from one address on purpose; the
    // suites about these limits set their own.
    AUTH_FAILURE_LIMIT: '1000000',
    LOGIN_ACCOUNT_LIMIT: '1000',
    ...(process.env.CHROMA_RUNTIME_DIR
      ? { CHROMA_RUNTIME_DIR: process.env.CHROMA_RUNTIME_DIR }
      : {}),
    ...Object.fromEntries(
      Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined),
    ),
    ...chroma,
  };
  const server = await ServerProcess.start(settings);
  try {
    await server.waitForLive();
  } catch (error) {
    server.child.kill('SIGKILL');
    throw error;
  }
  const url = server.url;

  const login = async (username: string, password: string) => {
    const res = await request(url).post('/api/v1/auth/login').send({ username, password });
    if (res.status !== 200)
      throw new Error(`login as ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { accessToken: string; refreshToken: string };
  };
  const agentFor = (token: string) => request.agent(url).set('Authorization', `Bearer ${token}`);
  const admin = agentFor((await login(ADMIN.username, ADMIN.password)).accessToken);
  // A user that exists already (the app restarted on the same DATA_DIR) is signed in as is.
  const signUp = async (username: string, password = USER_PASSWORD) => {
    const res = await admin.post('/api/v1/admin/users').send({ username, password, role: 'user' });
    if (res.status !== 201 && res.status !== 409) {
      throw new Error(`creating ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
    }
    const agent = agentFor((await login(username, password)).accessToken);
    const me = await agent.get('/api/v1/auth/me').expect(200);
    return { agent, id: me.body.id as string };
  };
  const alice = await signUp('alice');

  return {
    url,
    chroma: chroma.CHROMA_URL
      ? { url: chroma.CHROMA_URL, database: chroma.CHROMA_DATABASE! }
      : undefined,
    server,
    http: request(url),
    admin,
    api: alice.agent,
    aliceId: alice.id,
    signUp,
    login,
    agentFor,
    close: () => server.stop(),
  };
}
