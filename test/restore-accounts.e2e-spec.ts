import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { ADMIN, createTestApp, type TestApp, USER_PASSWORD } from './support/test-app.js';

const CLI = join(process.cwd(), 'dist', 'apps', 'memory-cli', 'src', 'main.js');
// Both machines sign with the same key, as an operator would configure the new one.
const SIGNING_KEY = 'restore-accounts-e2e-signing-key-5f0c2a9e';
const OLD_ADMIN_PASSWORD = 'the-old-machine-admin-password-42';

type Agent = ReturnType<typeof request.agent>;

async function usernames(admin: Agent): Promise<string[]> {
  const res = await admin.get('/api/v1/admin/users').query({ limit: 100 }).expect(200);
  return (res.body.items as Array<{ username: string }>).map((u) => u.username).sort();
}

/**
 * Disaster recovery: last night's archive restored onto a new machine started with the same
 * ADMIN_USERNAME. Both hold an account named `admin` (different ids); usernames must stay
 * unique, and the archive's admin (with its memories) must be reachable with the password the
 * new machine's admin logs in with.
 */
describe('restoring accounts onto a new machine', () => {
  let fresh: TestApp;
  let archive: string;
  let oldAdminId: string;
  let oldAdminMemory: string;
  let aliceMemory: string;
  const dataDir = mkdtempSync(join(tmpdir(), 'ms-dr-data-'));
  const backupDir = mkdtempSync(join(tmpdir(), 'ms-dr-backups-'));

  beforeAll(async () => {
    const oldBackups = mkdtempSync(join(tmpdir(), 'ms-dr-old-backups-'));
    const old = await createTestApp({ BACKUP_SIGNING_KEY: SIGNING_KEY, BACKUP_DIR: oldBackups });
    try {
      const me = (await old.admin.get('/api/v1/auth/me').expect(200)).body;
      oldAdminId = me.id;
      oldAdminMemory = (
        await old.admin
          .post('/api/v1/memories')
          .send({ content: 'The server room door code is 4711', type: 'fact' })
          .expect(201)
      ).body.id;
      aliceMemory = (
        await old.api
          .post('/api/v1/memories')
          .send({ content: 'Alice parks on level 3', type: 'fact' })
          .expect(201)
      ).body.id;
      // The old machine's admin had another password than the new one's.
      await old.admin
        .patch(`/api/v1/admin/users/${oldAdminId}`)
        .send({ password: OLD_ADMIN_PASSWORD })
        .expect(200);
      const admin = old.agentFor((await old.login('admin', OLD_ADMIN_PASSWORD)).accessToken);
      const backup = (await admin.post('/api/v1/admin/backups').expect(201)).body;
      archive = join(mkdtempSync(join(tmpdir(), 'ms-dr-')), `${backup.name}.tar`);
      copyFileSync(join(oldBackups, `${backup.name}.tar`), archive);
    } finally {
      await old.close();
    }
    fresh = await createTestApp({
      BACKUP_SIGNING_KEY: SIGNING_KEY,
      DATA_DIR: dataDir,
      BACKUP_DIR: backupDir,
    });
  });
  afterAll(() => fresh?.close());

  it('merges through the CLI without two accounts of one name: the archive’s comes back renamed', () => {
    const run = spawnSync(process.execPath, [CLI, 'restore', archive, '--mode', 'merge'], {
      env: {
        ...process.env,
        NODE_ENV: 'test',
        DATA_DIR: dataDir,
        BACKUP_DIR: backupDir,
        BACKUP_SIGNING_KEY: SIGNING_KEY,
        CHROMA_URL: fresh.chroma!.url,
        CHROMA_DATABASE: fresh.chroma!.database,
      },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`Account ${oldAdminId} came back as admin\\.restored-`));
    // The summary stays the last line, after the renamed accounts.
    expect(run.stdout.trimEnd().split('\n').at(-1)).toMatch(/^Restored /);
  });

  it('keeps every username unique after the merge; the new admin still logs in to their own account', async () => {
    const names = await usernames(fresh.admin);
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(names.length);
    expect(names).toEqual(
      expect.arrayContaining(['admin', 'alice', expect.stringMatching(/^admin\.restored-/)]),
    );
    const admin = fresh.agentFor((await fresh.login('admin', ADMIN.password)).accessToken);
    expect((await admin.get('/api/v1/auth/me').expect(200)).body.id).not.toBe(oldAdminId);
  });

  it('replace through the API: the archive’s admin comes back reachable with the restoring admin’s password', async () => {
    const name = archive
      .split('/')
      .pop()!
      .replace(/\.tar$/, '');
    copyFileSync(archive, join(backupDir, `${name}.tar`));
    const restored = await fresh.admin
      .post(`/api/v1/admin/backups/${name}/restore`)
      .send({ mode: 'replace' })
      .expect(200);
    expect(restored.body.accounts).toMatchObject({
      adopted: { username: 'admin', userId: oldAdminId },
      renamed: [],
    });

    const names = await usernames(
      fresh.agentFor((await fresh.login('admin', ADMIN.password)).accessToken),
    );
    expect(names).toEqual(['admin', 'alice']);
    const admin = fresh.agentFor((await fresh.login('admin', ADMIN.password)).accessToken);
    expect((await admin.get('/api/v1/auth/me').expect(200)).body).toMatchObject({
      id: oldAdminId,
      role: 'admin',
    });
    expect((await admin.get(`/api/v1/memories/${oldAdminMemory}`).expect(200)).body.content).toBe(
      'The server room door code is 4711',
    );
    // The archive's old admin password no longer opens it: the current one replaced it.
    await fresh.http
      .post('/api/v1/auth/login')
      .send({ username: 'admin', password: OLD_ADMIN_PASSWORD })
      .expect(401);
    // Everyone else comes back as archived.
    const alice = fresh.agentFor((await fresh.login('alice', USER_PASSWORD)).accessToken);
    await alice.get(`/api/v1/memories/${aliceMemory}`).expect(200);
  });
});

describe('a restore that keeps current credentials', () => {
  let t: TestApp;
  const dataDir = mkdtempSync(join(tmpdir(), 'ms-keep-data-'));
  const backupDir = mkdtempSync(join(tmpdir(), 'ms-keep-backups-'));
  beforeAll(async () => {
    t = await createTestApp({ DATA_DIR: dataDir, BACKUP_DIR: backupDir });
  });
  afterAll(() => t.close());

  const withKey = (key: string) => t.http.get('/api/v1/memories').set('X-API-Key', key);

  it('leaves revoked keys revoked, new keys working and changed passwords changed', async () => {
    const revoked = (await t.api.post('/api/v1/auth/api-keys').send({ name: 'old' }).expect(201))
      .body;
    const backup = (await t.admin.post('/api/v1/admin/backups').expect(201)).body;
    await t.api.delete(`/api/v1/auth/api-keys/${revoked.id}`).expect(204);
    const made = (await t.api.post('/api/v1/auth/api-keys').send({ name: 'new' }).expect(201)).body;
    await t.admin
      .patch(`/api/v1/admin/users/${t.aliceId}`)
      .send({ password: 'alice-new-password-456' })
      .expect(200);

    await t.admin
      .post(`/api/v1/admin/backups/${backup.name}/restore`)
      .send({ mode: 'replace', keepCredentials: true })
      .expect(200);
    await withKey(revoked.key).expect(401);
    await withKey(made.key).expect(200);
    await t.http
      .post('/api/v1/auth/login')
      .send({ username: 'alice', password: USER_PASSWORD })
      .expect(401);
    await t.login('alice', 'alice-new-password-456');

    // Without it, the archive's credentials come back: the revoked key, the old password.
    await t.admin
      .post(`/api/v1/admin/backups/${backup.name}/restore`)
      .send({ mode: 'replace' })
      .expect(200);
    await withKey(revoked.key).expect(200);
    await withKey(made.key).expect(401);
    await t.login('alice', USER_PASSWORD);
  });

  it('keeps them through the CLI too (restore --keep-credentials)', async () => {
    const revoked = (
      await t.api.post('/api/v1/auth/api-keys').send({ name: 'cli-old' }).expect(201)
    ).body;
    const backup = (await t.admin.post('/api/v1/admin/backups').expect(201)).body;
    await t.api.delete(`/api/v1/auth/api-keys/${revoked.id}`).expect(204);
    await t.admin
      .patch(`/api/v1/admin/users/${t.aliceId}`)
      .send({ password: 'alice-cli-password-789' })
      .expect(200);

    const run = spawnSync(
      process.execPath,
      [CLI, 'restore', backup.name, '--mode', 'replace', '--keep-credentials'],
      {
        env: {
          ...process.env,
          NODE_ENV: 'test',
          DATA_DIR: dataDir,
          BACKUP_DIR: backupDir,
          CHROMA_URL: t.chroma!.url,
          CHROMA_DATABASE: t.chroma!.database,
        },
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/Restored .* \(replace\)/);
    await withKey(revoked.key).expect(401);
    await t.http
      .post('/api/v1/auth/login')
      .send({ username: 'alice', password: USER_PASSWORD })
      .expect(401);
    await t.login('alice', 'alice-cli-password-789');
  });
});
