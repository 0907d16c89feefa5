import { Injectable } from '@nestjs/common';
import type { Caller } from '@memory-system/core';
import { type Memory, MemoryService, type ScoredMemory } from '@memory-system/memory';
import type { ContextItem, SessionSummary } from './session.js';
import { SessionsService } from './sessions.service.js';

export interface SessionContext {
  /** The session's fields; its context window is `context`, given once. */
  session: SessionSummary;
  context: ContextItem[];
  /** With a query: the closest memories. Without: the memories stored in the session. */
  memories: Array<Memory | ScoredMemory>;
}

/** What a model needs to resume a session: its context window and the memories that matter. */
@Injectable()
export class SessionContextService {
  constructor(
    private readonly sessions: SessionsService,
    private readonly memories: MemoryService,
  ) {}

  async of(
    caller: Caller,
    sessionId: string,
    options: { query?: string; limit: number },
  ): Promise<SessionContext> {
    const session = await this.sessions.get(caller, sessionId);
    const memories = options.query
      ? await this.memories.search(caller, { query: options.query, limit: options.limit })
      : (await this.memories.list(caller, { sessionId, limit: options.limit })).items;
    const { context, ...fields } = session;
    return { session: { ...fields, contextItems: context.length }, context, memories };
  }
}
