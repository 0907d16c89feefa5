import type { Caller } from '@memory-system/core';
import type { Memory } from './domain/memory.js';

/** One item of a session's context window, as a model reads it. */
export interface SessionTurn {
  role: string;
  content: string;
}

/**
 * What the memory service needs of sessions: that a named session is the caller's and alive
 * (checked before anything is stored), to hear about memories created in it, and its recent
 * conversation (for a context). SessionModule
 * provides it; the port keeps memory from depending on session (which depends on memory).
 */
export abstract class SessionRegistry {
  /** Throws a 404 problem when any of the sessions is not the caller's live session. */
  abstract assertOwned(caller: Caller, sessionIds: string[]): Promise<void>;
  /** The session's context window, oldest first, without the memories recorded in it. */
  abstract recentTurns(caller: Caller, sessionId: string): Promise<SessionTurn[]>;
  abstract recordMemories(caller: Caller, memories: Memory[]): Promise<void>;
  /** Deleted memories leave the context windows they joined: deleted means forgotten. */
  abstract forgetMemories(
    caller: Caller,
    memories: Array<Pick<Memory, 'id' | 'sessionId'>>,
  ): Promise<void>;
}
