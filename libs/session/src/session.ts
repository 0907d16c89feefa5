export type ContextRole = 'system' | 'user' | 'assistant' | 'tool' | 'memory';

export interface ContextItem {
  role: ContextRole;
  content: string;
  createdAt: string;
  /** Set when the item records a memory stored in the session. */
  memoryId?: string;
}

export interface Session {
  id: string;
  userId: string;
  title: string | null;
  metadata: Record<string, string | number | boolean>;
  createdAt: string;
  lastActivityAt: string;
  /** When the session expires unless it is used again (SESSION_TTL of inactivity). */
  expiresAt: string;
  /** Facts are learned from user and assistant items as they are appended (extraction). */
  extract: boolean;
  /** The newest SESSION_MAX_CONTEXT_ITEMS items, oldest first. */
  context: ContextItem[];
}

/** What a session list shows: the session without its context, with how many items it holds. */
export interface SessionSummary extends Omit<Session, 'context'> {
  contextItems: number;
}

export interface SessionPage {
  items: SessionSummary[];
  nextCursor: string | null;
}

/**
 * The session as a caller may see it: items that carry a memory's text (role `memory`) keep
 * their memoryId but not their content unless the caller may read memories (`memories:read`),
 * so a `sessions`-only key cannot read memory text through a session.
 */
export function sessionFor(caller: { scopes: readonly string[] }, session: Session): Session {
  if (caller.scopes.includes('memories:read')) return session;
  return {
    ...session,
    context: session.context.map((item) =>
      item.role === 'memory' ? { ...item, content: '' } : item,
    ),
  };
}
