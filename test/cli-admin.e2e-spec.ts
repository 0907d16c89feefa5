import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ADMIN, createTestApp, type TestApp } from './support/test-app.js';

const CLI = join(process.cwd(), 'dist', 'apps', 'memory-cli', 'src', 'main.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('admin CLI: users, API keys, export and import', () => {
  let t: TestApp;
  const dataDir = mkdtempSync(join(tmpdir(), 'ms-cli-'));
  let cli: (...args: string[]) => Promise<Run>;
  let frankPassword = '';

  beforeAll(async () => {
    t = await createTestApp({ DATA_DIR: dataDir, LOGIN_THROTTLE_LIMIT: '1000' });
    const env = {
      ...process.env,
      NODE_ENV: 'test',
      DATA_DIR: dataDir,
      CHROMA_URL: t.chroma!.url,
      CHROMA_DATABASE: t.chroma!.database,
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
      BACKUP_DIR: join(dataDir, 'backups'),
    };
    cli = async (...args) => {
      try {
        const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args], {
          env,
          timeout: 60_000,
        });
        return { code: 0, stdout, stderr };
      } catch (error) {
        const failed = error as { code: number; stdout: string; stderr: string };
        return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
      }
    };
  });
  afterAll(() => t.close());

  it('creates, lists, disables and enables users on the same store as the service', async () => {
    const created = await cli('users', 'create', 'frank');
    expect(created.code).toBe(0);
    const password = /password: (\S+)/.exec(created.stdout)![1]!;
    frankPassword = password;
    await t.login('frank', password);

    const listed = await cli('users', 'list');
    expect(listed.stdout).toMatch(/\tfrank\tuser\n/);
    expect(listed.stderr).toMatch(/^Listed \d+ users$/m);
    expect(listed.stdout).toMatch(/\tadmin\tadmin\n/);

    expect((await cli('users', 'disable', 'frank')).code).toBe(0);
    await t.http.post('/api/v1/auth/login').send({ username: 'frank', password }).expect(401);
    expect((await cli('users', 'list')).stdout).toMatch(/\tfrank\tuser\tdisabled\n/);
    expect((await cli('users', 'enable', 'frank')).code).toBe(0);
    await t.login('frank', password);

    // The API's own rules for names, and a clear word for an unknown user.
    const bad = await cli('users', 'create', 'x');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/username must be 3-64/);
    const unknown = await cli('users', 'disable', 'nobody');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/No user named or with id "nobody"/);
  });

  it('prints only its answer on stdout, every log line on stderr (scripts read stdout)', async () => {
    // The first backup generates the signing key, and warns about it.
    const backup = await cli('backup');
    expect(backup.code).toBe(0);
    expect(backup.stderr).toMatch(/BACKUP_SIGNING_KEY/);
    expect(backup.stdout).toMatch(/^memory-system-\d{8}T\d{9}Z\t\d+ bytes\t\S+\n$/);
  });

  it('resets the admin password when no admin can log in, ending their sessions', async () => {
    const before = await t.login(ADMIN.username, ADMIN.password);
    const reset = await cli('users', 'reset-password', ADMIN.username);
    expect(reset.code).toBe(0);
    const password = /New password for admin: (\S+)/.exec(reset.stdout)![1]!;
    await t.http
      .post('/api/v1/auth/login')
      .send({ username: ADMIN.username, password: ADMIN.password })
      .expect(401);
    await t.http
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: before.refreshToken })
      .expect(401);
    await t.login(ADMIN.username, password);
  });

  it('lists every API key with its owner and scopes (never a secret), and revokes any', async () => {
    const key = (
      await t.api
        .post('/api/v1/auth/api-keys')
        .send({ name: 'laptop agent', scopes: ['memories:read'] })
        .expect(201)
    ).body as { id: string; key: string };
    const all = await cli('api-keys', 'list');
    expect(all.stdout).toContain(`${key.id}\talice\tlaptop agent\tmemories:read\t`);
    expect(all.stdout).not.toContain(key.key.slice(`msk_${key.id}_`.length));
    const none = await cli('api-keys', 'list', '--user', 'frank');
    expect(none.stdout).toBe('');
    expect(none.stderr).toMatch(/^Listed 0 API keys$/m);

    expect((await cli('api-keys', 'revoke', key.id)).code).toBe(0);
    await t.http.get('/api/v1/auth/me').set('X-API-Key', key.key).expect(401);
    expect((await cli('api-keys', 'revoke', key.id)).code).toBe(1);
  });

  it("exports a user's memories to a file and imports them into another user, with progress", async () => {
    await t.api
      .post('/api/v1/memories/batch')
      .send({
        items: Array.from({ length: 30 }, (_, i) => ({ content: `cli memory ${i}`, type: 'note' })),
      })
      .expect(200);
    const file = join(dataDir, 'alice.ndjson');
    const exported = await cli('export', '--user', 'alice', '--embeddings', '--out', file);
    expect(exported.code).toBe(0);
    expect(exported.stderr).toMatch(/export: 30/);
    expect(exported.stderr).toMatch(/Exported 30 memories/);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(31);
    expect(JSON.parse(lines[1]!).embedding).toHaveLength(384);

    const imported = await cli('import', '--user', 'frank', file);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/Imported 30 memories: 30 stored, 0 already there/);
    expect(imported.stderr).toMatch(/import: 30\/30 \(100%\)/);
    const frank = await t.login('frank', frankPassword);
    const page = (
      await t.agentFor(frank.accessToken).get('/api/v1/memories').query({ limit: 100 }).expect(200)
    ).body as { items: Array<{ content: string }> };
    expect(page.items).toHaveLength(30);

    expect((await cli('export')).code).toBe(2);
    expect((await cli('import', '--user', 'frank')).code).toBe(2);
    expect((await cli('frobnicate')).code).toBe(2);
  });

  it("exports one subject's memories with --subject and imports them into another user's subject", async () => {
    const key = (
      await t.api
        .post('/api/v1/auth/api-keys')
        .send({ name: 'app', scopes: ['memories:read', 'memories:write', 'subjects'] })
        .expect(201)
    ).body.key as string;
    const subjectMemories = ['Sol plays the cello', 'Sol lives in Ghent'];
    await t.http
      .post('/api/v1/memories/batch')
      .set({ 'X-API-Key': key, 'X-Memory-Subject': 'sol' })
      .send({ items: subjectMemories.map((content) => ({ content, type: 'note' })) })
      .expect(200);
    const file = join(dataDir, 'alice-sol.ndjson');

    const exported = await cli('export', '--user', 'alice', '--subject', 'sol', '--out', file);
    expect(exported.code).toBe(0);
    expect(exported.stderr).toMatch(/Exported 2 memories/);
    const lines = readFileSync(file, 'utf8').trim().split('\n').slice(1);
    expect(lines.map((line) => JSON.parse(line).content).sort()).toEqual(
      [...subjectMemories].sort(),
    );

    const imported = await cli('import', '--user', 'frank', '--subject', 'sol-copy', file);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/Imported 2 memories: 2 stored, 0 already there/);
    const frank = t.agentFor((await t.login('frank', frankPassword)).accessToken);
    const contents = async (subject?: string) => {
      const req = frank.get('/api/v1/memories').query({ limit: 100 });
      if (subject) req.set('X-Memory-Subject', subject);
      return ((await req.expect(200)).body.items as Array<{ content: string }>).map(
        (m) => m.content,
      );
    };
    expect((await contents('sol-copy')).sort()).toEqual([...subjectMemories].sort());
    // Frank's own memories (imported above) and the listing of his subjects.
    expect(await contents()).not.toContain('Sol plays the cello');
    const subjects = (await frank.get('/api/v1/subjects').expect(200)).body.items;
    expect(subjects).toEqual([expect.objectContaining({ id: 'sol-copy', memories: 2 })]);

    // A bad subject id is refused before anything starts, naming the rule.
    const refused = await cli('export', '--user', 'alice', '--subject', 'a/b');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--subject: a subject id is 1 to 128 characters/);
  });
});
