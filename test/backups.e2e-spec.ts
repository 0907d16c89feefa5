import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { create as createTar } from 'tar';
import { SqliteStateStore } from '@memory-system/state';
import { dumpChroma } from './support/chroma-dump.js';
import { parseMetrics, total } from './support/metrics.js';
import { createTestApp, type TestApp, USER_PASSWORD } from './support/test-app.js';

const CLI = join(process.cwd(), 'dist', 'apps', 'memory-cli', 'src', 'main.js');

/**
 * Where two snapshots differ: everything exactly, except non-integer numbers, which may differ by
 * 1e-6 (Chroma keeps float32 and renormalises vectors in its cosine index, so a restored embedding
 * may move in its last bits, ~4e-8, and each score with it).
 */
function differences(a: unknown, b: unknown, path = '$'): string[] {
  if (typeof a === 'number' && typeof b === 'number') {
    const close = Number.isInteger(a) && Number.isInteger(b) ? a === b : Math.abs(a - b) <= 1e-6;
    return close ? [] : [`${path}: ${a} != ${b}`];
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return [`${path}: length ${a.length} != ${b.length}`];
    return a.flatMap((item, i) => differences(item, b[i], `${path}[${i}]`));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((key) =>
      differences(
        (a as Record<string, unknown>)[key],
        (b as Record<string, unknown>)[key],
        `${path}.${key}`,
      ),
    );
  }
  return Object.is(a, b) ? [] : [`${path}: ${JSON.stringify(a)} != ${JSON.stringify(b)}`];
}

interface Snapshot {
  chroma: Awaited<ReturnType<typeof dumpChroma>>;
  users: unknown;
  sessions: unknown;
  searches: unknown[];
}

describe('backups', () => {
  let t: TestApp;
  let backupDir: string;
  let dataDir: string;
  let bob: TestApp['api'];
  let keyForAlice: string;
  const queries = ['coffee in the morning', 'hiking boots', 'budget meeting'];

  async function snapshot(): Promise<Snapshot> {
    const users = (await t.admin.get('/api/v1/admin/users').query({ limit: 100 }).expect(200)).body
      .items;
    const sessions = (await t.api.get('/api/v1/sessions').expect(200)).body.items;
    const searches = [];
    for (const query of queries) {
      searches.push(
        (await t.api.post('/api/v1/memories/search').send({ query, limit: 5 }).expect(200)).body
          .results,
      );
    }
    return {
      chroma: await dumpChroma(t.chroma!.url, t.chroma!.database),
      users,
      sessions,
      searches,
    };
  }

  const env = () => ({
    DATA_DIR: dataDir,
    BACKUP_DIR: backupDir,
    BACKUP_RETENTION_DAYS: '30',
    BACKUP_KEEP_MIN: '3',
  });

  beforeAll(async () => {
    backupDir = mkdtempSync(join(tmpdir(), 'ms-backups-'));
    dataDir = mkdtempSync(join(tmpdir(), 'ms-backup-data-'));
    t = await createTestApp(env());
    bob = (await t.signUp('bob')).agent;
    const session = (await t.api.post('/api/v1/sessions').send({ title: 'planning' }).expect(201))
      .body;
    await t.api
      .post(`/api/v1/sessions/${session.id}/context`)
      .send({ items: [{ role: 'user', content: 'hello' }] })
      .expect(200);
    await t.api
      .post('/api/v1/memories/batch')
      .send({
        items: [
          {
            content: 'Alice drinks coffee in the morning',
            type: 'habit',
            tags: ['coffee'],
            metadata: { cups: 2, decaf: false },
          },
          {
            content: 'Alice needs new hiking boots',
            type: 'todo',
            tags: ['outdoor'],
            sessionId: session.id,
          },
          {
            content: 'The budget meeting moved to Tuesday',
            type: 'event',
            metadata: { room: 'B2' },
          },
        ],
      })
      .expect(200);
    await bob
      .post('/api/v1/memories')
      .send({ content: 'Bob prefers tea', type: 'preference' })
      .expect(201);
    keyForAlice = (await t.api.post('/api/v1/auth/api-keys').send({ name: 'agent' }).expect(201))
      .body.key;
  });
  afterAll(() => t.close());

  it('is for admins only', async () => {
    await t.api.post('/api/v1/admin/backups').expect(403);
    await t.api.get('/api/v1/admin/backups').expect(403);
  });

  it('restores exactly what was there: records, embeddings, users, keys, sessions, search answers', async () => {
    const before = await snapshot();
    const backup = (await t.admin.post('/api/v1/admin/backups').expect(201)).body;
    expect(backup.name).toMatch(/^memory-system-\d{8}T\d{9}Z$/);
    expect(backup.manifest).toMatchObject({
      format: 'memory-system-backup',
      formatVersion: 1,
      state: { entries: expect.any(Number) },
    });
    expect(backup.manifest.collections.map((c: { records: number }) => c.records).sort()).toEqual([
      1, 3,
    ]);
    expect(backup.manifest.collections[0]).toMatchObject({
      model: 'local-semantic-v3',
      dimension: 384,
    });

    // Change everything, then put it back.
    const mine = (await t.api.get('/api/v1/memories').expect(200)).body.items;
    await t.api.delete(`/api/v1/memories/${mine[0].id}`).expect(204);
    await t.api
      .post('/api/v1/memories')
      .send({ content: 'Written after the backup', type: 'note' })
      .expect(201);
    await t.api.delete(`/api/v1/auth/api-keys/${keyForAlice.split('_')[1]}`).expect(204);
    const bobId = before.users as Array<{ username: string; id: string }>;
    await t.admin
      .delete(`/api/v1/admin/users/${bobId.find((u) => u.username === 'bob')!.id}`)
      .expect(204);

    const restored = await t.admin
      .post(`/api/v1/admin/backups/${backup.name}/restore`)
      .send({ mode: 'replace' })
      .expect(200);
    expect(restored.body).toMatchObject({ mode: 'replace', records: 4, collections: 2 });

    const after = await snapshot();
    // ids, documents and metadata exactly; embeddings (and the scores of searches) to 1e-6
    expect(differences(after.chroma, before.chroma)).toEqual([]);
    expect(after.users).toEqual(before.users);
    expect(after.sessions).toEqual(before.sessions);
    expect(differences(after.searches, before.searches)).toEqual([]);
    await t.http.get('/api/v1/auth/me').set('X-API-Key', keyForAlice).expect(200);
    await t.login('bob', USER_PASSWORD);
  });

  it('merges a backup over what is there', async () => {
    const backup = (await t.admin.post('/api/v1/admin/backups').expect(201)).body;
    const extra = (
      await t.api
        .post('/api/v1/memories')
        .send({ content: 'Only after the second backup', type: 'note' })
        .expect(201)
    ).body;
    const gone = (await t.api.get('/api/v1/memories').query({ type: 'habit' }).expect(200)).body
      .items[0];
    await t.api.delete(`/api/v1/memories/${gone.id}`).expect(204);
    await t.admin
      .post(`/api/v1/admin/backups/${backup.name}/restore`)
      .send({ mode: 'merge' })
      .expect(200);
    await t.api.get(`/api/v1/memories/${extra.id}`).expect(200);
    await t.api.get(`/api/v1/memories/${gone.id}`).expect(200);
  });

  it('refuses a corrupt, foreign or unknown archive with a clear error, changing nothing', async () => {
    const good = (await t.admin.post('/api/v1/admin/backups').expect(201)).body;
    const before = await snapshot();

    // Corrupt: one byte of the archive flipped, inside the gzipped records.
    const corrupt = 'memory-system-20200101T000000000Z';
    const bytes = readFileSync(join(backupDir, `${good.name}.tar`));
    // The member's tar header is the 512-byte block that starts with its name; data follows it.
    let header = 0;
    while (bytes.subarray(header, header + 17).toString('latin1') !== 'chroma.ndjson.gz\0')
      header += 512;
    const at = header + 512 + 40;
    bytes[at] = bytes[at]! ^ 0xff;
    writeFileSync(join(backupDir, `${corrupt}.tar`), bytes);
    const refused = await t.admin
      .post(`/api/v1/admin/backups/${corrupt}/restore`)
      .send({ mode: 'replace' })
      .expect(400);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body.detail).toMatch(/corrupt|not a readable/i);
    await t.admin.get(`/api/v1/admin/backups/${corrupt}`).expect(400);

    // Corrupt elsewhere: a flipped byte in a tar header makes the archive unreadable.
    const broken = 'memory-system-20200101T000000002Z';
    const headerBytes = readFileSync(join(backupDir, `${good.name}.tar`));
    headerBytes[header + 100] = headerBytes[header + 100]! ^ 0xff; // the mode field
    headerBytes[header + 150] = headerBytes[header + 150]! ^ 0xff; // the checksum
    writeFileSync(join(backupDir, `${broken}.tar`), headerBytes);
    const unreadable = await t.admin
      .post(`/api/v1/admin/backups/${broken}/restore`)
      .send({ mode: 'replace' });
    expect(unreadable.status).toBe(400);
    expect(unreadable.headers['content-type']).toMatch(/^application\/problem\+json/);
    await t.admin.delete(`/api/v1/admin/backups/${broken}`).expect(204);

    // Foreign: a tar of something else.
    const foreign = 'memory-system-20200101T000000001Z';
    const stuff = mkdtempSync(join(tmpdir(), 'ms-foreign-'));
    writeFileSync(join(stuff, 'notes.txt'), 'not a backup');
    await createTar({ file: join(backupDir, `${foreign}.tar`), cwd: stuff }, ['notes.txt']);
    const foreignRes = await t.admin
      .post(`/api/v1/admin/backups/${foreign}/restore`)
      .send({ mode: 'replace' })
      .expect(400);
    expect(foreignRes.body.detail).toMatch(/Not a memory-system backup/);

    await t.admin
      .post('/api/v1/admin/backups/memory-system-20990101T000000000Z/restore')
      .send({ mode: 'merge' })
      .expect(404);
    await t.admin
      .post('/api/v1/admin/backups/..%2F..%2Fetc%2Fpasswd/restore')
      .send({ mode: 'merge' })
      .expect(404);
    await t.admin
      .post(`/api/v1/admin/backups/${good.name}/restore`)
      .send({ mode: 'everything' })
      .expect(400);

    expect(await snapshot()).toEqual(before);
    await t.admin.delete(`/api/v1/admin/backups/${corrupt}`).expect(204);
    await t.admin.delete(`/api/v1/admin/backups/${foreign}`).expect(204);
  });

  it('runs one backup at a time, through a lock in the shared state store', async () => {
    const state = new SqliteStateStore(join(dataDir, 'state.db'));
    try {
      expect(
        await state.insert(
          'locks',
          'backup',
          { purpose: 'backup', host: 'another-replica', since: 'now' },
          { ttlMs: 60_000 },
        ),
      ).toBe(true);
      const res = await t.admin.post('/api/v1/admin/backups').expect(409);
      expect(res.body.detail).toMatch(/already running \(on another-replica/);
      await state.delete('locks', 'backup');
      await t.admin.post('/api/v1/admin/backups').expect(201);
    } finally {
      state.close();
    }
  });

  it('keeps BACKUP_KEEP_MIN newest archives and deletes those past BACKUP_RETENTION_DAYS', async () => {
    const old = ['memory-system-20200101T000000000Z', 'memory-system-20200102T000000000Z'];
    for (const name of old) writeFileSync(join(backupDir, `${name}.tar`), 'old');
    await t.admin.post('/api/v1/admin/backups').expect(201);
    const names = readdirSync(backupDir).filter((f) => f.endsWith('.tar'));
    expect(names.filter((n) => n.startsWith('memory-system-2020'))).toEqual([]);
    expect(names.length).toBeGreaterThanOrEqual(3);
    expect(readdirSync(backupDir).filter((f) => f.startsWith('.'))).toEqual([]); // nothing half-written left
  });

  it('reports backup metrics', async () => {
    const samples = parseMetrics((await t.http.get('/metrics').expect(200)).text);
    expect(total(samples, 'memory_system_backup_last_success_timestamp_seconds')).toBeGreaterThan(
      Date.now() / 1000 - 600,
    );
    expect(total(samples, 'memory_system_backup_size_bytes')).toBeGreaterThan(0);
    expect(total(samples, 'memory_system_backup_records', { kind: 'chroma' })).toBeGreaterThan(0);
    expect(total(samples, 'memory_system_backup_failures_total')).toBe(1); // the refused lock
    expect(total(samples, 'memory_system_backup_duration_seconds')).toBeGreaterThan(0);
  });

  it('offers the same through the CLI, with progress', async () => {
    const cliEnv = {
      ...process.env,
      ...env(),
      CHROMA_URL: t.chroma!.url,
      CHROMA_DATABASE: t.chroma!.database,
      NODE_ENV: 'test',
    };
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, [CLI, ...args], {
        env: cliEnv,
        encoding: 'utf8',
        timeout: 60_000,
      });

    const backup = cli('backup');
    expect(backup.status).toBe(0);
    const name = backup.stdout.split('\t')[0]!;
    expect(name).toMatch(/^memory-system-/);
    expect(backup.stderr).toMatch(/chroma: \d+\/\d+ \(100%\)/);
    const list = cli('list');
    expect(list.stdout).toContain(name);
    expect(list.stderr).toMatch(/^Listed \d+ backups?$/m);
    const verify = cli('verify', name);
    expect(verify.stdout).toMatch(/^OK: \d+ records/);
    expect(verify.stderr).not.toMatch(/^verify: 0$/m); // no step without a count
    const restore = cli('restore', join(backupDir, `${name}.tar`), '--mode', 'merge');
    expect(restore.status).toBe(0);
    // What it did is the last line.
    expect(restore.stdout.trimEnd().split('\n').at(-1)).toMatch(
      /^Restored .* \(merge\): .*kept in the backup memory-system-\S+ \(restore it to undo\)$/,
    );
    // Progress lines on a non-terminal: none repeats.
    const progressLines = restore.stderr.split('\n').filter((line) => /: \d+/.test(line));
    expect(new Set(progressLines).size).toBe(progressLines.length);

    const bad = join(mkdtempSync(join(tmpdir(), 'ms-bad-')), 'bad.tar');
    writeFileSync(bad, 'not a tar at all');
    const refused = cli('verify', bad);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/Not a readable backup archive|Not a memory-system backup/);
    expect(cli('restore', name).status).toBe(2); // no --mode
    expect(cli('frobnicate').status).toBe(2);
  });
});

describe('the scheduled backup', () => {
  let t: TestApp;
  let backupDir: string;
  let copies: string;
  beforeAll(async () => {
    backupDir = mkdtempSync(join(tmpdir(), 'ms-cron-'));
    copies = mkdtempSync(join(tmpdir(), 'ms-copies-'));
    mkdirSync(copies, { recursive: true });
    t = await createTestApp({
      BACKUP_ENABLED: 'true',
      BACKUP_CRON: '*/2 * * * * *',
      BACKUP_TZ: 'Europe/Berlin',
      BACKUP_DIR: backupDir,
      BACKUP_POST_COMMAND: `cp "$BACKUP_FILE" ${copies}/`,
    });
  });
  afterAll(() => t.close());

  it('is registered with the configured schedule and writes backups through the same code path', async () => {
    const listed = (await t.admin.get('/api/v1/admin/backups').expect(200)).body;
    expect(listed.schedule).toMatchObject({
      enabled: true,
      cron: '*/2 * * * * *',
      timeZone: 'Europe/Berlin',
    });
    expect(Date.parse(listed.schedule.nextRunAt) - Date.now()).toBeLessThanOrEqual(2500);
    for (
      let i = 0;
      i < 40 && readdirSync(backupDir).filter((f) => f.endsWith('.tar')).length === 0;
      i++
    )
      await sleep(250);
    const written = readdirSync(backupDir).filter((f) => f.endsWith('.tar'));
    expect(written.length).toBeGreaterThan(0);
    // A scheduled archive is as good as any: it verifies, and BACKUP_POST_COMMAND received it.
    await t.admin.get(`/api/v1/admin/backups/${written[0]!.replace('.tar', '')}`).expect(200);
    for (let i = 0; i < 20 && !existsSync(join(copies, written[0]!)); i++) await sleep(250);
    expect(existsSync(join(copies, written[0]!))).toBe(true);
  });
});
