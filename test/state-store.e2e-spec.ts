import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { RedisStateStore, SqliteStateStore, type StateStore } from '@memory-system/state';
import { RedisServer } from './support/redis.js';

interface Adapter {
  name: string;
  open: () => Promise<StateStore & { close(): unknown }>;
  /** Closes and reopens the store, restarting its server where it has one. */
  restart: (store: StateStore & { close(): unknown }) => Promise<StateStore & { close(): unknown }>;
  teardown: () => Promise<void>;
}

function sqliteAdapter(): Adapter {
  const file = join(mkdtempSync(join(tmpdir(), 'ms-state-')), 'state.db');
  return {
    name: 'SqliteStateStore',
    open: async () => new SqliteStateStore(file),
    restart: async (store) => {
      store.close();
      return new SqliteStateStore(file);
    },
    teardown: async () => undefined,
  };
}

function redisAdapter(): Adapter {
  let server: RedisServer;
  return {
    name: 'RedisStateStore (real redis-server)',
    open: async () => {
      server ??= await RedisServer.start();
      return RedisStateStore.connect(server.url, `t${Date.now()}`);
    },
    restart: async (store) => {
      const prefix = (store as unknown as { prefix: string }).prefix;
      await store.close();
      await server.restart();
      return RedisStateStore.connect(server.url, prefix);
    },
    teardown: async () => server?.stop(),
  };
}

/** One contract, two adapters: everything above the port relies on exactly this behaviour. */
describe.each([sqliteAdapter(), redisAdapter()])('$name', (adapter) => {
  let store: StateStore & { close(): unknown };
  beforeAll(async () => (store = await adapter.open()));
  afterAll(async () => {
    await store.close();
    await adapter.teardown();
  });

  it('puts, gets, replaces and deletes JSON documents', async () => {
    await store.put('docs', 'a', { n: 1, tags: ['x'] });
    expect(await store.get('docs', 'a')).toEqual({ n: 1, tags: ['x'] });
    await store.put('docs', 'a', { n: 2 });
    expect(await store.get('docs', 'a')).toEqual({ n: 2 });
    expect(await store.get('other', 'a')).toBeUndefined();
    expect(await store.delete('docs', 'a')).toBe(true);
    expect(await store.delete('docs', 'a')).toBe(false);
    expect(await store.get('docs', 'a')).toBeUndefined();
  });

  it('inserts only when absent, even when racing', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => store.insert('claims', 'name', { by: i })),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.insert('claims', 'name', { by: 99 })).toBe(false);
  });

  it('takes a document exactly once, even when racing', async () => {
    await store.put('once', 't', { v: 1 });
    const taken = await Promise.all(Array.from({ length: 10 }, () => store.take('once', 't')));
    expect(taken.filter((v) => v !== undefined)).toEqual([{ v: 1 }]);
    expect(await store.get('once', 't')).toBeUndefined();
  });

  it('counts atomically: racing increments each get their own number, and the count is readable', async () => {
    const values = await Promise.all(
      Array.from({ length: 20 }, () => store.increment('counters', 'c')),
    );
    expect([...values].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(await store.get('counters', 'c')).toBe(20);
    expect(await store.increment('counters', 'other')).toBe(1);
    const page = await store.list('counters', { limit: 10 });
    expect(page.map((entry) => entry.id)).toEqual(['c', 'other']);
  });

  it('counts relaxed increments in the same sequence as durable ones, across a restart', async () => {
    expect(await store.increment('relaxed', 'r')).toBe(1);
    expect(await store.increment('relaxed', 'r', { relaxed: true })).toBe(2);
    const racing = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        store.increment('relaxed', 'r', { relaxed: i % 2 === 0 }),
      ),
    );
    expect([...racing].sort((a, b) => a - b)).toEqual([3, 4, 5, 6, 7, 8]);
    store = await adapter.restart(store);
    expect(await store.get('relaxed', 'r')).toBe(8);
  });

  it('counts hits in a window atomically, opens a new one when it closes, and never lists them', async () => {
    const hits = await Promise.all(
      Array.from({ length: 15 }, () => store.hit('limits', 'user:1', 400)),
    );
    expect(hits.map((h) => h.count).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 15 }, (_, i) => i + 1),
    );
    for (const h of hits) expect(h.resetInMs).toBeGreaterThan(0);
    for (const h of hits) expect(h.resetInMs).toBeLessThanOrEqual(400);
    expect((await store.hit('limits', 'user:2', 400)).count).toBe(1);
    expect(await store.list('limits', { limit: 10 })).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect((await store.hit('limits', 'user:1', 400)).count).toBe(1);
  });
  it('lists by owner, and follows an owner change and a delete', async () => {
    await store.put('sessions', 's1', { n: 1 }, { owner: 'alice' });
    await store.put('sessions', 's2', { n: 2 }, { owner: 'alice' });
    await store.put('sessions', 's3', { n: 3 }, { owner: 'bob' });
    expect((await store.listByOwner('sessions', 'alice')).map((e) => e.id)).toEqual(['s1', 's2']);
    await store.put('sessions', 's2', { n: 2 }, { owner: 'bob' });
    await store.delete('sessions', 's1');
    expect(await store.listByOwner('sessions', 'alice')).toEqual([]);
    expect((await store.listByOwner('sessions', 'bob')).map((e) => e.id)).toEqual(['s2', 's3']);
  });

  it("deletes an owner's entries and nobody else's", async () => {
    await store.put('keys', 'k1', { n: 1 }, { owner: 'carol' });
    await store.put('keys', 'k2', { n: 2 }, { owner: 'carol' });
    await store.put('keys', 'k3', { n: 3 }, { owner: 'dan' });
    expect(await store.deleteByOwner('keys', 'carol')).toBe(2);
    expect(await store.get('keys', 'k1')).toBeUndefined();
    expect(await store.listByOwner('keys', 'carol')).toEqual([]);
    expect((await store.list('keys', { limit: 10 })).map((e) => e.id)).toEqual(['k3']);
    expect(await store.deleteByOwner('keys', 'nobody')).toBe(0);
  });

  it('pages through a namespace in id order', async () => {
    for (let i = 0; i < 25; i++)
      await store.put('paged', `id-${String(i).padStart(2, '0')}`, { i });
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await store.list<{ i: number }>('paged', { limit: 10, after });
      seen.push(...page.map((e) => e.id));
      if (page.length < 10) break;
      after = page[page.length - 1]!.id;
    }
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `id-${String(i).padStart(2, '0')}`));
  });

  it('hides expired entries at once, everywhere, and lets insert reuse their id', async () => {
    await store.put('ttl', 'short', { v: 1 }, { owner: 'o', ttlMs: 150 });
    await store.put('ttl', 'long', { v: 2 }, { owner: 'o', ttlMs: 60_000 });
    expect(await store.get('ttl', 'short')).toEqual({ v: 1 });
    await sleep(300);
    expect(await store.get('ttl', 'short')).toBeUndefined();
    expect((await store.listByOwner('ttl', 'o')).map((e) => e.id)).toEqual(['long']);
    expect((await store.list('ttl', { limit: 10 })).map((e) => e.id)).toEqual(['long']);
    expect(await store.take('ttl', 'short')).toBeUndefined();
    await store.sweepExpired();
    expect(await store.insert('ttl', 'short', { v: 3 })).toBe(true);
  });

  it('keeps every write across a restart', async () => {
    await store.put('durable', 'u1', { name: 'alice' }, { owner: 'x' });
    await store.put('durable', 'u2', { name: 'bob' }, { owner: 'x', ttlMs: 60_000 });
    store = await adapter.restart(store);
    expect(await store.get('durable', 'u1')).toEqual({ name: 'alice' });
    expect((await store.listByOwner('durable', 'x')).map((e) => e.id)).toEqual(['u1', 'u2']);
  });
});

describe('SqliteStateStore, relaxed counts', () => {
  it('keeps a relaxed count when its process is killed (it skips only the fsync), and every other write durable', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ms-state-')), 'state.db');
    // The built store in a process of its own, killed without any chance to close the file.
    const script = `
      const { SqliteStateStore } = await import(${JSON.stringify(pathToFileURL(join(process.cwd(), 'dist/libs/state/src/index.js')).href)});
      const store = new SqliteStateStore(${JSON.stringify(file)});
      for (let i = 0; i < 5; i++) await store.increment('generations', 'g', { relaxed: true });
      await store.put('users', 'u', { name: 'alice' });
      await store.increment('generations', 'g', { relaxed: true });
      process.stdout.write('written\\n');
      setInterval(() => {}, 1000);
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on(
        'data',
        (chunk: Buffer) => chunk.toString().includes('written') && resolve(),
      );
      child.once('exit', (code) => reject(new Error(`the writer exited early (${code})`)));
    });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));

    const reopened = new SqliteStateStore(file);
    expect(await reopened.get('generations', 'g')).toBe(6);
    expect(await reopened.get('users', 'u')).toEqual({ name: 'alice' });
    expect(await reopened.increment('generations', 'g')).toBe(7);
    // A relaxed increment leaves the connection durable for the next write.
    const pragma = (reopened as unknown as { db: { pragma(s: string, o: object): unknown } }).db;
    await reopened.increment('generations', 'g', { relaxed: true });
    expect(pragma.pragma('synchronous', { simple: true })).toBe(2); // FULL
    reopened.close();
  });
});

describe('RedisStateStore change feeds (real redis-server)', () => {
  let server: RedisServer;
  let store: RedisStateStore;
  const prefix = `feed${Date.now()}`;
  beforeAll(async () => {
    server = await RedisServer.start();
    store = RedisStateStore.connect(server.url, prefix);
  });
  afterAll(async () => {
    await store.close();
    await server.stop();
  });

  it('records each entry under the count it moved the counter to, racing writers included', async () => {
    const counts = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.record('gen', 'u1', { i }, { keep: 1000 })),
    );
    expect([...counts].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const feed = await store.readFeed<{ i: number }>('gen', 'u1', 0, 100);
    expect(feed.count).toBe(20);
    expect(feed.entries.map((e) => e.seq)).toEqual(counts.slice().sort((a, b) => a - b));
    // Each entry is the one whose record call got that count.
    for (const [i, count] of counts.entries())
      expect(feed.entries.find((e) => e.seq === count)?.value).toEqual({ i });
    // The counter is the one increment and get read, and reading after a point pages on.
    expect(await store.get('gen', 'u1')).toBe(20);
    expect((await store.readFeed('gen', 'u1', 18, 100)).entries.map((e) => e.seq)).toEqual([
      19, 20,
    ]);
    expect((await store.readFeed('gen', 'u1', 5, 3)).entries.map((e) => e.seq)).toEqual([6, 7, 8]);
    expect((await store.readFeed('gen', 'u1', 20, 100)).entries).toEqual([]);
  });

  it('keeps about `keep` entries: a reader that fell behind finds its next entry gone', async () => {
    for (let i = 0; i < 450; i++) await store.record('gen', 'u2', { i }, { keep: 100 });
    const feed = await store.readFeed('gen', 'u2', 0, 1000);
    expect(feed.count).toBe(450);
    // Redis trims whole nodes of 100 entries: at least `keep` stay, and the oldest went.
    expect(feed.entries.length).toBeGreaterThanOrEqual(100);
    expect(feed.entries.length).toBeLessThan(450);
    expect(feed.entries[0]!.seq).toBeGreaterThan(1);
    expect(feed.entries.at(-1)!.seq).toBe(450);
  });

  it('starts the feed again when its counter was lost, so that readers see the count go back', async () => {
    await store.record('gen', 'u3', 'a', { keep: 100 });
    await store.record('gen', 'u3', 'b', { keep: 100 });
    await store.delete('gen', 'u3'); // the counter goes, the stream stays
    expect(await store.record('gen', 'u3', 'c', { keep: 100 })).toBe(1);
    const feed = await store.readFeed<string>('gen', 'u3', 0, 10);
    expect(feed).toEqual({ count: 1, entries: [{ seq: 1, value: 'c' }] });
  });

  it('leaves feeds out of exports and keeps them through a clear of other namespaces', async () => {
    await store.record('kept', 'u4', 'x', { keep: 100 });
    const exported: string[] = [];
    for await (const entry of store.exportEntries())
      exported.push(`${entry.namespace}:${entry.id}`);
    expect(exported).toContain('kept:u4');
    expect(exported.some((key) => key.includes('~feed'))).toBe(false);
    await store.clear(['kept']);
    expect((await store.readFeed('kept', 'u4', 0, 10)).entries).toHaveLength(1);
  });
});
