import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  AppConfig,
  type Caller,
  KeyedMutex,
  NotFound,
  type UserDataEraser,
} from '@memory-system/core';
import type { Memory } from '@memory-system/memory';
import { SessionRegistry } from '@memory-system/memory';
import { StateStore } from '@memory-system/state';
import type { ContextItem, Session } from './session.js';

const SESSIONS = 'sessions';

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
  ) {
    super();
  }

  async create(
    caller: Caller,
    input: { title?: string; metadata?: Session['metadata'] },
  ): Promise<Session> {
    const now = new Date();
    const session: Session = {
      id: randomUUID(),
      userId: caller.userId,
      title: input.title ?? null,
      metadata: input.metadata ?? {},
      createdAt: now.toISOString(),
      lastActivityAt: now.toISOString(),
      expiresAt: this.expiryFrom(now),
      context: [],
    };
    await this.save(session);
    return session;
  }

  /** The caller's live session, its expiry moved forward. */
  async get(caller: Caller, id: string): Promise<Session> {
    return this.locks.run(id, async () => this.save(this.touched(await this.load(caller, id))));
  }

  async list(caller: Caller): Promise<Session[]> {
    const entries = await this.store.listByOwner<Session>(SESSIONS, caller.userId);
    return entries
      .map((e) => e.value)
      .sort((a, b) => b.lastActivityAt.localeCompare(a.lastActivityAt));
  }

  async remove(caller: Caller, id: string): Promise<void> {
    await this.load(caller, id);
    await this.store.delete(SESSIONS, id);
  }

  /** Appends items; the window keeps the newest SESSION_MAX_CONTEXT_ITEMS. */
  async appendContext(
    caller: Caller,
    id: string,
    items: Array<Omit<ContextItem, 'createdAt'>>,
  ): Promise<Session> {
    const now = new Date().toISOString();
    const stamped = items.map((item) => ({ ...item, createdAt: now }));
    return this.locks.run(id, async () => {
      const session = await this.load(caller, id);
      return this.save(this.withItems(this.touched(session), stamped));
    });
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
      await this.locks.run(id, async () => {
        const session = await this.store.get<Session>(SESSIONS, id);
        if (!session || session.userId !== caller.userId) return; // expired since the check
        await this.save(this.withItems(this.touched(session), items));
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
      await this.locks.run(id, async () => {
        const session = await this.store.get<Session>(SESSIONS, id);
        if (!session || session.userId !== caller.userId) return; // expired, or never the caller's
        const context = session.context.filter(
          (item) => !item.memoryId || !forgotten.has(item.memoryId),
        );
        if (context.length === session.context.length) return;
        // Forgetting is not activity: the session keeps the expiry it had.
        const ttlMs = Math.max(1, Date.parse(session.expiresAt) - Date.now());
        await this.store.put(
          SESSIONS,
          id,
          { ...session, context },
          { owner: session.userId, ttlMs },
        );
      });
    }
  }

  async eraseUserData(userId: string): Promise<void> {
    await this.store.deleteByOwner(SESSIONS, userId);
  }

  private async load(caller: Caller, id: string): Promise<Session> {
    const session = await this.store.get<Session>(SESSIONS, id);
    // Another user's session is reported exactly like a missing one.
    if (!session || session.userId !== caller.userId) throw sessionNotFound(id);
    return session;
  }

  private touched(session: Session): Session {
    const now = new Date();
    return { ...session, lastActivityAt: now.toISOString(), expiresAt: this.expiryFrom(now) };
  }

  private withItems(session: Session, items: ContextItem[]): Session {
    const context = [...session.context, ...items].slice(-this.config.sessions.maxContextItems);
    return { ...session, context };
  }

  private async save(session: Session): Promise<Session> {
    await this.store.put(SESSIONS, session.id, session, {
      owner: session.userId,
      ttlMs: this.config.sessions.ttlMs,
    });
    return session;
  }

  private expiryFrom(now: Date): string {
    return new Date(now.getTime() + this.config.sessions.ttlMs).toISOString();
  }
}
