import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  createWriteStream,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip, gunzipSync, gzipSync } from 'node:zlib';
import { create as createTar, extract as extractTar } from 'tar';
import { createChromaDatabase, sharedChromaUrl } from './support/chroma.js';
import { chromaProxy, isRecordWrite } from './support/chroma-proxy.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const CLI = join(process.cwd(), 'dist', 'apps', 'memory-cli', 'src', 'main.js');

type Json = Record<string, unknown>;
interface Parts {
  manifest: Json | null;
  records: Json[];
  entries: Json[];
}

const ndjson = (lines: unknown[]) => lines.map((l) => JSON.stringify(l) + '\n').join('');
const digest = (bytes: Buffer) => ({
  sha256: createHash('sha256').update(bytes).digest('hex'),
  bytes: bytes.length,
});

/** A real backup, opened up: its manifest, records and state entries. */
function open(file: string): Parts {
  const dir = mkdtempSync(join(tmpdir(), 'ms-open-'));
  extractTar({ file, cwd: dir, sync: true });
  const lines = (member: string) =>
    gunzipSync(readFileSync(join(dir, member)))
      .toString('utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Json);
  return {
    manifest: JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Json,
    records: lines('chroma.ndjson.gz'),
    entries: lines('state.ndjson.gz'),
  };
}

/**
 * Packs crafted parts as an archive, with checksums and counts made to match (what an attacker
 * who can write into BACKUP_DIR can always do), unless told to keep the manifest as given.
 */
async function craft(
  backupDir: string,
  name: string,
  parts: Parts,
  options: { chroma?: Buffer; fixCounts?: boolean; members?: string[] } = {},
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ms-craft-'));
  const chroma = options.chroma ?? gzipSync(ndjson(parts.records));
  const state = gzipSync(ndjson(parts.entries));
  writeFileSync(join(dir, 'chroma.ndjson.gz'), chroma);
  writeFileSync(join(dir, 'state.ndjson.gz'), state);
  let manifest = parts.manifest;
  if (manifest && options.fixCounts !== false) {
    manifest = {
      ...manifest,
      files: { 'chroma.ndjson.gz': digest(chroma), 'state.ndjson.gz': digest(state) },
    };
  }
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  await createTar(
    { file: join(backupDir, `${name}.tar`), cwd: dir, portable: true },
    options.members ?? ['manifest.json', 'chroma.ndjson.gz', 'state.ndjson.gz'],
  );
}

describe('hostile backup archives', () => {
  let t: TestApp;
  let backupDir: string;
  let base: Parts;
  let memoryCount: number;

  beforeAll(async () => {
    backupDir = mkdtempSync(join(tmpdir(), 'ms-hostile-backups-'));
    t = await createTestApp({ BACKUP_DIR: backupDir });
    await t.api
      .post('/api/v1/memories/batch')
      .send({ items: [1, 2, 3].map((i) => ({ content: `kept memory ${i}`, type: 'note' })) })
      .expect(200);
    const good = (await t.admin.post('/api/v1/admin/backups').expect(201)).body as {
      name: string;
    };
    base = open(join(backupDir, `${good.name}.tar`));
    memoryCount = 3;
  });
  afterAll(() => t.close());

  const collection = () => (base.manifest!.collections as Json[])[0]!;
  const cases: Array<[string, () => Promise<void>, RegExp]> = [
    [
      'a record in a collection the manifest does not list',
      () =>
        craft(backupDir, 'memory-system-20210101T000000001Z', {
          ...base,
          manifest: {
            ...base.manifest,
            collections: [{ ...collection(), records: base.records.length }],
          },
          records: [
            ...base.records.slice(0, -1),
            { ...base.records[0], collection: 'mem-planted' },
          ],
        }),
      /collection "mem-planted" is not in the manifest/,
    ],
    [
      'a record whose vector has the wrong size',
      () =>
        craft(backupDir, 'memory-system-20210101T000000002Z', {
          ...base,
          records: [{ ...base.records[0], embedding: [0.1, 0.2] }, ...base.records.slice(1)],
        }),
      /does not have a vector of 384 numbers/,
    ],
    [
      'a state entry without a namespace',
      () =>
        craft(backupDir, 'memory-system-20210101T000000003Z', {
          ...base,
          entries: [{ ...base.entries[0], namespace: undefined }, ...base.entries.slice(1)],
        }),
      /state entry 1: no namespace/,
    ],
    [
      'a null manifest',
      () => craft(backupDir, 'memory-system-20210101T000000004Z', { ...base, manifest: null }),
      /Not a memory-system backup/,
    ],
    [
      'a manifest without collections',
      () =>
        craft(backupDir, 'memory-system-20210101T000000005Z', {
          ...base,
          manifest: { ...base.manifest, collections: undefined },
        }),
      /the manifest lists no collections/,
    ],
    [
      'duplicate members (the last would win)',
      () =>
        craft(backupDir, 'memory-system-20210101T000000006Z', base, {
          members: ['manifest.json', 'chroma.ndjson.gz', 'state.ndjson.gz', 'manifest.json'],
        }),
      /holds manifest\.json 2 times/,
    ],
    [
      'a records line that is not JSON',
      () =>
        craft(backupDir, 'memory-system-20210101T000000007Z', base, {
          chroma: gzipSync(ndjson(base.records) + '{"collection": \n'),
        }),
      /line 4 of chroma\.ndjson\.gz is not JSON/,
    ],
    [
      'more state entries than the manifest says',
      () =>
        craft(backupDir, 'memory-system-20210101T000000008Z', {
          ...base,
          entries: [...base.entries, { namespace: 'users', id: 'planted', value: {} }],
        }),
      /state has more entries than the manifest says/,
    ],
  ];

  it.each(cases)(
    'refuses %s with a 400 on verify and restore, changing nothing',
    async (_, make, why) => {
      const before = readdirSync(backupDir).length;
      await make();
      const name = readdirSync(backupDir)
        .filter((f) => f.startsWith('memory-system-2021'))
        .sort()
        .pop()!
        .replace(/\.tar$/, '');
      const verified = await t.admin.get(`/api/v1/admin/backups/${name}`);
      expect(verified.status).toBe(400);
      expect(verified.type).toBe('application/problem+json');
      expect(verified.body.detail).toMatch(why);
      expect(verified.body.detail).not.toContain(backupDir);
      const restored = await t.admin
        .post(`/api/v1/admin/backups/${name}/restore`)
        .send({ mode: 'replace' });
      expect(restored.status).toBe(400);
      expect(restored.body.detail).toMatch(why);
      // Everyone can still log in, and every memory is still there.
      await t.login('admin', 'test-admin-password-0123456789');
      const page = (await t.api.get('/api/v1/memories').query({ limit: 100 }).expect(200)).body;
      expect(page.items).toHaveLength(memoryCount);
      // Nothing was left behind beside the archive itself.
      expect(readdirSync(backupDir)).toHaveLength(before + 1);
      await t.admin.delete(`/api/v1/admin/backups/${name}`).expect(204);
    },
  );

  it('refuses a member that expands far past its size, even in harmless-looking lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ms-bomb-lines-'));
    const file = join(dir, 'chroma.ndjson.gz');
    // The real records, then 70 MB of empty lines (about 70 KB compressed).
    await pipeline(
      (async function* () {
        yield Buffer.from(ndjson(base.records));
        const block = Buffer.alloc(1024 * 1024, '\n');
        for (let i = 0; i < 70; i++) yield block;
      })(),
      createGzip(),
      createWriteStream(file),
    );
    const name = 'memory-system-20210101T000000010Z';
    await craft(backupDir, name, base, { chroma: readFileSync(file) });
    const verified = await t.admin.get(`/api/v1/admin/backups/${name}`);
    expect(verified.status).toBe(400);
    expect(verified.body.detail).toMatch(/chroma\.ndjson\.gz expands past 100 times its size/);
    await t.admin.delete(`/api/v1/admin/backups/${name}`).expect(204);
  });

  it('names archives in its answers, never where they lie on the server', async () => {
    const created = (await t.admin.post('/api/v1/admin/backups').expect(201)).body;
    const listed = (await t.admin.get('/api/v1/admin/backups').expect(200)).body;
    const verified = (await t.admin.get(`/api/v1/admin/backups/${created.name}`).expect(200)).body;
    for (const answer of [created, listed, verified]) {
      expect(JSON.stringify(answer)).not.toContain(backupDir);
    }
    expect(created).not.toHaveProperty('file');
    await t.admin.delete(`/api/v1/admin/backups/${created.name}`).expect(204);
  });

  it('refuses a decompression bomb (a line with no end) and keeps answering meanwhile', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ms-bomb-'));
    // 64 MB of one character compresses to about 64 KB.
    const bombFile = join(dir, 'chroma.ndjson.gz');
    await pipeline(
      (async function* () {
        const block = Buffer.alloc(1024 * 1024, 'a');
        yield Buffer.from('{"collection":"');
        for (let i = 0; i < 64; i++) yield block;
      })(),
      createGzip(),
      createWriteStream(bombFile),
    );
    const name = 'memory-system-20210101T000000009Z';
    await craft(backupDir, name, base, { chroma: readFileSync(bombFile) });
    const [verified, live] = await Promise.all([
      t.admin.get(`/api/v1/admin/backups/${name}`),
      t.http.get('/health/live'),
    ]);
    expect(live.status).toBe(200);
    expect(verified.status).toBe(400);
    expect(verified.body.detail).toMatch(/line 1 of chroma\.ndjson\.gz is longer than/);
    await t.http.get('/health/live').expect(200);
    await t.admin.delete(`/api/v1/admin/backups/${name}`).expect(204);
  });
});

describe('signed backups', () => {
  let t: TestApp;
  let backupDir: string;
  let dataDir: string;
  beforeAll(async () => {
    backupDir = mkdtempSync(join(tmpdir(), 'ms-signed-backups-'));
    dataDir = mkdtempSync(join(tmpdir(), 'ms-signed-data-'));
    t = await createTestApp({
      BACKUP_DIR: backupDir,
      DATA_DIR: dataDir,
      BACKUP_KEEP_MIN: '2',
      BACKUP_RETENTION_DAYS: '1',
    });
    await t.api.post('/api/v1/memories').send({ content: 'signed memory', type: 'note' });
  });
  afterAll(() => t.close());

  it('signs what it writes, and writes it readable by the service alone', async () => {
    const made = (await t.admin.post('/api/v1/admin/backups').expect(201)).body;
    const verified = (await t.admin.get(`/api/v1/admin/backups/${made.name}`).expect(200)).body;
    expect(verified.signature).toBe('valid');
    expect(statSync(join(backupDir, `${made.name}.tar`)).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, 'state.db')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, 'backup-signing-key')).mode & 0o777).toBe(0o600);
  });

  it('will not merge in a planted admin from an archive it did not sign, unless trusted', async () => {
    const made = (await t.admin.post('/api/v1/admin/backups').expect(201)).body;
    const parts = open(join(backupDir, `${made.name}.tar`));
    // What someone who can write into BACKUP_DIR would plant: an admin with a password they know.
    const admin = parts.entries.find(
      (e) => e.namespace === 'users' && (e.value as Json).username === 'admin',
    )!;
    const planted = {
      ...admin,
      id: '11111111-1111-4111-8111-111111111111',
      value: {
        ...(admin.value as Json),
        id: '11111111-1111-4111-8111-111111111111',
        username: 'mallory',
      },
    };
    const claim = { namespace: 'usernames', id: 'mallory', value: { userId: planted.id } };
    const name = 'memory-system-20300101T000000000Z';
    await craft(backupDir, name, {
      ...parts,
      manifest: {
        ...parts.manifest,
        state: { entries: parts.entries.length + 2 },
      },
      entries: [...parts.entries, planted, claim],
    });
    const verified = (await t.admin.get(`/api/v1/admin/backups/${name}`).expect(200)).body;
    expect(verified.signature).toBe('missing');
    const refused = await t.admin
      .post(`/api/v1/admin/backups/${name}/restore`)
      .send({ mode: 'merge' });
    expect(refused.status).toBe(400);
    expect(refused.body.detail).toMatch(/not signed with this service's key.*trustUnsigned/);
    await t.http
      .post('/api/v1/auth/login')
      .send({ username: 'mallory', password: 'test-admin-password-0123456789' })
      .expect(401);
    // Said explicitly, it is restored: the operator knows where this one came from.
    await t.admin
      .post(`/api/v1/admin/backups/${name}/restore`)
      .send({ mode: 'merge', trustUnsigned: true })
      .expect(200);
    await t.login('mallory', 'test-admin-password-0123456789');
    await t.admin.delete(`/api/v1/admin/backups/${name}`).expect(204);
  });

  it('counts only signed archives toward BACKUP_KEEP_MIN', async () => {
    for (const f of readdirSync(backupDir)) unlinkSync(join(backupDir, f));
    const real = (await t.admin.post('/api/v1/admin/backups').expect(201)).body;
    // A signed archive from long ago, and junk named like backups from the future.
    const old = 'memory-system-20200101T000000000Z';
    renameSync(join(backupDir, `${real.name}.tar`), join(backupDir, `${old}.tar`));
    writeFileSync(join(backupDir, 'memory-system-20990101T000000000Z.tar'), 'junk');
    writeFileSync(join(backupDir, 'memory-system-20990101T000000001Z.tar'), 'junk');
    await t.admin.post('/api/v1/admin/backups').expect(201);
    // Two signed ones are kept, the old one among them, whatever the junk's names say.
    const names = (await t.admin.get('/api/v1/admin/backups').expect(200)).body.items.map(
      (b: { name: string }) => b.name,
    );
    expect(names).toContain(old);
    expect(names).toHaveLength(4);
  });
});

describe('a restore that fails midway', () => {
  it('puts the store back as it was before, from the backup it took first', async () => {
    // Fails exactly the record write numbered `failAt` (counted from when it is set).
    const counts = { writes: 0, failAt: -1 };
    const proxy = await chromaProxy(sharedChromaUrl(), {
      fail: (req) => isRecordWrite(req) && ++counts.writes === counts.failAt,
    });
    const backupDir = mkdtempSync(join(tmpdir(), 'ms-rollback-backups-'));
    const t = await createTestApp({
      BACKUP_DIR: backupDir,
      CHROMA_URL: proxy.url,
      CHROMA_DATABASE: await createChromaDatabase(sharedChromaUrl()),
    });
    try {
      for (const start of [0, 300]) {
        await t.api
          .post('/api/v1/memories/batch')
          .send({
            items: Array.from({ length: 300 }, (_, i) => ({
              content: `archived memory ${start + i}`,
              type: 'note',
            })),
          })
          .expect(200);
      }
      const archive = (await t.admin.post('/api/v1/admin/backups').expect(201)).body;
      // Since the backup: one memory more, and a new user.
      await t.api.post('/api/v1/memories').send({ content: 'written after', type: 'note' });
      await t.signUp('carol-after');
      const list = async () =>
        (await t.api.get('/api/v1/memories').query({ limit: 5 }).expect(200)).body.items.map(
          (m: { content: string }) => m.content,
        );
      const before = await list();

      // The second page of the restore's writes fails.
      counts.failAt = counts.writes + 2;
      const failed = await t.admin
        .post(`/api/v1/admin/backups/${archive.name}/restore`)
        .send({ mode: 'replace' });
      expect(failed.status).toBe(503);
      expect(failed.headers['retry-after']).toBeDefined();
      expect(failed.body.detail).toMatch(/failed midway.*put back as it was before/);

      expect(await list()).toEqual(before);
      expect(
        (await t.api.post('/api/v1/memories/search').send({ query: 'written after' }).expect(200))
          .body.results[0].content,
      ).toBe('written after');
      await t.login('carol-after', 'alice-password-123');
      await t.login('admin', 'test-admin-password-0123456789');
    } finally {
      await t.close();
      await proxy.close();
    }
  });
});

describe('a restore and the service that runs meanwhile', () => {
  let t: TestApp;
  let backupDir: string;
  let dataDir: string;
  beforeAll(async () => {
    backupDir = mkdtempSync(join(tmpdir(), 'ms-live-backups-'));
    dataDir = mkdtempSync(join(tmpdir(), 'ms-live-data-'));
    t = await createTestApp({ BACKUP_DIR: backupDir, DATA_DIR: dataDir });
    await t.api.post('/api/v1/memories').send({ content: 'the lighthouse keeper', type: 'note' });
  });
  afterAll(() => t.close());

  it('lets the admin who ran it log in afterwards with the password they have now', async () => {
    const archive = (await t.admin.post('/api/v1/admin/backups').expect(201)).body;
    const me = (await t.admin.get('/api/v1/auth/me').expect(200)).body as { id: string };
    const newPassword = 'a-new-admin-password-9876543210';
    await t.admin.patch(`/api/v1/admin/users/${me.id}`).send({ password: newPassword }).expect(200);
    const { accessToken } = await t.login('admin', newPassword);
    await t
      .agentFor(accessToken)
      .post(`/api/v1/admin/backups/${archive.name}/restore`)
      .send({ mode: 'replace' })
      .expect(200);
    await t.login('admin', newPassword);
  });

  it('serves no cached search from before a restore the CLI ran', async () => {
    const archive = (await t.admin.post('/api/v1/admin/backups').expect(201)).body;
    await t.api.post('/api/v1/memories').send({ content: 'the lighthouse cat', type: 'note' });
    const search = async () =>
      (
        await t.api
          .post('/api/v1/memories/search')
          .send({ query: 'lighthouse cat', mode: 'keyword' })
          .expect(200)
      ).body.results.map((m: { content: string }) => m.content);
    expect(await search()).toContain('the lighthouse cat'); // now cached
    const cli = spawnSync(process.execPath, [CLI, 'restore', archive.name, '--mode', 'replace'], {
      env: {
        ...process.env,
        NODE_ENV: 'test',
        DATA_DIR: dataDir,
        BACKUP_DIR: backupDir,
        CHROMA_URL: t.chroma!.url,
        CHROMA_DATABASE: t.chroma!.database,
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(cli.stderr).not.toMatch(/memory-system:/);
    expect(cli.status).toBe(0);
    expect(await search()).not.toContain('the lighthouse cat');
  });
});
