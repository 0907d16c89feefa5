import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  AppConfig,
  type Caller,
  Conflict,
  decodeCursor,
  encodeCursor,
  isOffsetCursor,
  KeyedMutex,
  NotFound,
  type UserDataEraser,
} from '@memory-system/core';
import type { Memory } from '@memory-system/memory';
import { SessionRegistry, SubjectErasures, type SessionTurn } from '@memory-system/memory';
import { StateStore, withSharedLock } from '@memory-system/state';
import type { ContextItem, Session, SessionPage, SessionSummary } from './session.js';

/** Each session's summary: what a list reads. */
const SESSIONS = 'sessions';
/** Each session's context window, apart, so a list never loads one. */
const CONTEXTS = 'session-contexts';

/** A stored summary; sessions written before the split still hold their context inline. */
/** As stored; older records may lack `extract` and hold their context inline. */
type StoredSession = Omit<SessionSummary, 'extract'> & {
  extract?: boolean;
  context?: ContextItem[];
};

export const sessionNotFound = (id: string) =>
  new NotFound(
    'Session not found',
    `No live session with id ${JSON.stringify(id)} exists for this user.`,
  );

/**
 * Sessions and their context window, durable in the state store. A session lives SESSION_TTL past
 * its last use: every read or write moves its expiry; an expired one answers 404 at once and is
 * swept from storage by the state store's scheduled job.
 */
@Injectable()
export class SessionsService extends SessionRegistry implements UserDataEraser {
  readonly name = 'sessions';
  /** Read-modify-write of one session happens one at a time (within this process). */
  private readonly locks = new KeyedMutex();

  constructor(
    private readonly store: StateStore,
    private readonly config: AppConfig,
    private readonly erasures: SubjectErasures,
  ) {
    super();
  }

  async create(
    caller: Caller,
    input: { title?: string; metadata?: Session['metadata']; extract?: boolean },
  ): Promise<Session> {
    const live = (await this.store.listByOwner<StoredSession>(SESSIONS, caller.userId)).length;
    const max = this.config.sessions.maxPerUser;
    if (live >= max) {
      throw new Conflict(
        `You have ${live} live sessions, the most SESSION_MAX_PER_USER (${max}) allows: ` +
          'delete one, or let one expire.',
      );
    }
    const now = new Date();
    const session: Session = {
      id: randomUUID(),
      userId: caller.userId,
      title: input.title ?? null,
      metadata: input.metadata ?? {},
      createdAt: now.toISOString(),
      lastActivityAt: now.toISOString(),
      expiresAt: this.expiryFrom(now),
      extract: input.extract ?? false,
      context: [],
    };
    await this.save(caller, session);
    return session;
  }

  /** The caller's live session, its expiry moved forward. */
  async get(caller: Caller, id: string): Promise<Session> {
    return this.exclusive(id, async () =>
      this.save(caller, this.touched(await this.load(caller, id))),
    );
  }

  /** The caller's live sessions, most recently used first, a page at a time, without context. */
  async list(caller: Caller, page: { limit: number; cursor?: string }): Promise<SessionPage> {
    const offset = page.cursor ? decodeCursor(page.cursor, isOffsetCursor).o : 0;
    const summaries = (await this.store.listByOwner<StoredSession>(SESSIONS, caller.userId))
      .map((entry) => summaryOf(entry.value))
      .sort((a, b) => b.lastActivityAt.localeCompare(a.lastActivityAt) || a.id.localeCompare(b.id));
    const end = offset + page.limit;
    return {
      items: summaries.slice(offset, end),
      nextCursor: end < summaries.length ? encodeCursor({ o: end }) : null,
    };
  }

  async remove(caller: Caller, id: string): Promise<void> {
    await this.load(caller, id);
    await this.store.delete(SESSIONS, id);
    await this.store.delete(CONTEXTS, id);
  }

  /** Appends items; the window keeps the newest SESSION_MAX_CONTEXT_ITEMS. */
  async appendContext(
    caller: Caller,
    id: string,
    items: Array<Omit<ContextItem, 'createdAt'>>,
  ): Promise<Session> {
    const now = new Date().toISOString();
    const stamped = items.map((item) => ({ ...item, createdAt: now }));
    return this.exclusive(id, async () => {
      const session = await this.load(caller, id);
      return this.save(caller, this.withItems(this.touched(session), stamped));
    });
  }

  async recentTurns(caller: Caller, id: string): Promise<SessionTurn[]> {
    const session = await this.get(caller, id);
    return session.context
      .filter((item) => item.role !== 'memory')
      .map(({ role, content }) => ({ role, content }));
  }

  async assertOwned(caller: Caller, sessionIds: string[]): Promise<void> {
    for (const id of new Set(sessionIds)) await this.load(caller, id);
  }

  /** A memory stored in a session joins its context (the seed's addMemoryToSession). */
  async recordMemories(caller: Caller, memories: Memory[]): Promise<void> {
    const bySession = new Map<string, Memory[]>();
    for (const memory of memories) {
      if (memory.sessionId)
        bySession.set(memory.sessionId, [...(bySession.get(memory.sessionId) ?? []), memory]);
    }
    for (const [id, stored] of bySession) {
      const items = stored.map((m) => ({
        role: 'memory' as const,
        content: m.content,
        memoryId: m.id,
        createdAt: m.createdAt,
      }));
      await this.exclusive(id, async () => {
        const session = await this.find(caller, id);
        if (!session) return; // expired since the check
        await this.save(caller, this.withItems(this.touched(session), items));
      });
    }
  }

  async forgetMemories(
    caller: Caller,
    memories: Array<Pick<Memory, 'id' | 'sessionId'>>,
  ): Promise<void> {
    const bySession = new Map<string, Set<string>>();
    for (const { id, sessionId } of memories) {
      if (sessionId) bySession.set(sessionId, (bySession.get(sessionId) ?? new Set()).add(id));
    }
    for (const [id, forgotten] of bySession) {
      await this.exclusive(id, async () => {
        const session = await this.find(caller, id);
        if (!session) return; // expired, or never the caller's
        const context = session.context.filter(
          (item) => !item.memoryId || !forgotten.has(item.memoryId),
        );
        if (context.length === session.context.length) return;
        // Forgetting is not activity: the session keeps the expiry it had.
        await this.save(
          caller,
          { ...session, context },
          Date.parse(session.expiresAt) - Date.now(),
        );
      });
    }
  }

  async eraseUserData(userId: string): Promise<void> {
    await this.store.deleteByOwner(SESSIONS, userId);
    await this.store.deleteByOwner(CONTEXTS, userId);
  }

  private async load(caller: Caller, id: string): Promise<Session> {
    // Another user's session is reported exactly like a missing one.
    const session = await this.find(caller, id);
    if (!session) throw sessionNotFound(id);
    return session;
  }

  /** The caller's session with its context, or undefined (missing, expired, or not theirs). */
  private async find(caller: Caller, id: string): Promise<Session | undefined> {
    const stored = await this.store.get<StoredSession>(SESSIONS, id);
    if (!stored || stored.userId !== caller.userId) return undefined;
    const { contextItems: _, context: inline, ...session } = stored;
    const context =
      inline ?? (await this.store.get<{ items: ContextItem[] }>(CONTEXTS, id))?.items ?? [];
    // Sessions stored before the extract option existed do not extract.
    return { ...session, extract: session.extract ?? false, context };
  }

  /**
   * One change of a session at a time, across replicas too (a shared lock in the state store):
   * two appends at once each keep their items, whichever replica takes them.
   */
  private exclusive<T>(id: string, work: () => Promise<T>): Promise<T> {
    return this.locks.run(id, () => withSharedLock(this.store, `session:${id}`, work));
  }

  private touched(session: Session): Session {
    const now = new Date();
    return { ...session, lastActivityAt: now.toISOString(), expiresAt: this.expiryFrom(now) };
  }

  private withItems(session: Session, items: ContextItem[]): Session {
    const context = [...session.context, ...items].slice(-this.config.sessions.maxContextItems);
    return { ...session, context };
  }

  /**
   * Context first, then the summary that names it; both live as long as the session. A subject's
   * session is checked again once written: one written into a subject erased meanwhile (read
   * before the erasure, written after it) would outlive it, and the subject's id may be used
   * afresh, so it is removed and the request answers 409 (see SubjectErasures).
   */
  private async save(
    caller: Caller,
    session: Session,
    ttlMs = this.config.sessions.ttlMs,
  ): Promise<Session> {
    await this.erasures.assertNotOvertaken(caller);
    const options = { owner: session.userId, ttlMs: Math.max(1, ttlMs) };
    const { context, ...rest } = session;
    await this.store.put(CONTEXTS, session.id, { items: context }, options);
    await this.store.put<StoredSession>(
      SESSIONS,
      session.id,
      { ...rest, contextItems: context.length },
      options,
    );
    try {
      await this.erasures.assertNotOvertaken(caller);
    } catch (error) {
      await this.store.delete(SESSIONS, session.id);
      await this.store.delete(CONTEXTS, session.id);
      throw error;
    }
    return session;
  }

  private expiryFrom(now: Date): string {
    return new Date(now.getTime() + this.config.sessions.ttlMs).toISOString();
  }
}

function summaryOf(stored: StoredSession): SessionSummary {
  const { context, ...summary } = stored;
  return {
    ...summary,
    extract: summary.extract ?? false,
    contextItems: stored.contextItems ?? context?.length ?? 0,
  };
}
