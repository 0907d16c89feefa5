import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AppConfig, type Caller, Conflict } from '@memory-system/core';
import { SubjectErasures } from '@memory-system/memory';
import { type PutOptions, SqliteStateStore } from '@memory-system/state';
import { SessionsService } from './sessions.service.js';

/**
 * A session written for a subject by a request an erasure overtook (read before the erasure,
 * written after it) must not outlive the erasure: the subject's id may be used afresh, and the new
 * subject would find the old one's session. The state store is the real SQLite one.
 */
describe('SessionsService for a subject erased while a request ran', () => {
  const config = { sessions: { maxPerUser: 100, ttlMs: 60_000, maxContextItems: 50 } } as AppConfig;
  const space = 'owner-1/end-user-7';

  /** The real store, which can run an erasure right after a session is read, or as it is written. */
  class StoreWithRace extends SqliteStateStore {
    afterSessionRead?: () => Promise<void>;
    beforeSessionWrite?: () => Promise<void>;
    override async get<T>(namespace: string, id: string): Promise<T | undefined> {
      const value = await super.get<T>(namespace, id);
      const race = namespace === 'sessions' ? this.afterSessionRead : undefined;
      if (race) this.afterSessionRead = undefined; // runs once, at the session's read
      await race?.();
      return value;
    }
    override async put<T>(namespace: string, id: string, value: T, options?: PutOptions) {
      const race = namespace === 'session-contexts' ? this.beforeSessionWrite : undefined;
      if (race) this.beforeSessionWrite = undefined; // runs once, at the session's write
      await race?.();
      return super.put(namespace, id, value, options);
    }
  }

  function setup() {
    const state = new StoreWithRace(join(mkdtempSync(join(tmpdir(), 'ms-sessions-')), 's.db'));
    const erasures = new SubjectErasures(state);
    return { state, erasures, sessions: new SessionsService(state, config, erasures) };
  }

  /** The caller as a request that began now sees it (stamped with the erasures so far). */
  const requestNow = (erasures: SubjectErasures): Promise<Caller> =>
    erasures.stamp({
      userId: space,
      role: 'user',
      via: 'api-key',
      scopes: ['sessions'],
      subject: { id: 'end-user-7', ownerId: 'owner-1' },
    });

  it('refuses to create one (409) and stores nothing; a request after the erasure creates one', async () => {
    const { erasures, sessions } = setup();
    const before = await requestNow(erasures);
    const lease = await erasures.begin(space);
    await erasures.end(space);
    await lease.release();

    await expect(sessions.create(before, { title: 'old' })).rejects.toBeInstanceOf(Conflict);
    const after = await requestNow(erasures);
    expect((await sessions.list(after, { limit: 10 })).items).toEqual([]);
    const created = await sessions.create(after, { title: 'new' });
    expect((await sessions.list(after, { limit: 10 })).items.map((s) => s.id)).toEqual([
      created.id,
    ]);
  });

  /** An erasure of the subject, as DELETE /subjects/{id} runs it. */
  const erasure = (erasures: SubjectErasures, sessions: SessionsService) => async () => {
    const lease = await erasures.begin(space);
    await sessions.eraseUserData(space);
    await erasures.end(space);
    await lease.release();
  };

  it.each([
    ['between its read and its write', 'afterSessionRead'],
    ['while it is being written', 'beforeSessionWrite'],
  ] as const)(
    'refuses to write back a session when the erasure runs %s (409), and leaves none behind',
    async (_, when) => {
      const { state, erasures, sessions } = setup();
      const before = await requestNow(erasures);
      const session = await sessions.create(before, { title: 'read before the erasure' });
      state[when] = erasure(erasures, sessions);
      await expect(
        sessions.appendContext(before, session.id, [{ role: 'user', content: 'late' }]),
      ).rejects.toBeInstanceOf(Conflict);
      expect(state[when]).toBeUndefined(); // the erasure did run in between
      expect(await state.get('sessions', session.id)).toBeUndefined();
      expect(await state.get('session-contexts', session.id)).toBeUndefined();
    },
  );

  it('leaves sessions of a subject never erased alone', async () => {
    const { erasures, sessions } = setup();
    const caller = await requestNow(erasures);
    const session = await sessions.create(caller, { title: 'kept' });
    await sessions.appendContext(caller, session.id, [{ role: 'user', content: 'hello' }]);
    expect((await sessions.get(caller, session.id)).context.map((c) => c.content)).toEqual([
      'hello',
    ]);
  });
});
