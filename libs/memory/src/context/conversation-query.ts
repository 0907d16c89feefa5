import { MemoryLimits } from '../domain/memory-limits.js';

/** Only this many of the newest messages are read, however long the conversation. */
export const RECENT_MESSAGES = 6;
/** The latest user turn takes at most this share of the query; earlier turns fill the rest. */
const LATEST_TURN_CHARS = MemoryLimits.queryMaxChars / 2;

/**
 * What to search memories for in a conversation: the latest user turn first, then the turns
 * before it, newest first, within a search query's length. A conversation of 10,000 messages
 * costs the same as one of six: only the newest are looked at.
 */
export function conversationQuery(
  messages: ReadonlyArray<{ role: string; content: string }>,
): string {
  const recent = messages.slice(-RECENT_MESSAGES).filter((m) => m.role !== 'system');
  const latestUser = recent.findLastIndex((m) => m.role === 'user');
  const ordered =
    latestUser < 0
      ? recent.reverse()
      : [recent[latestUser]!, ...recent.slice(0, latestUser).reverse()];
  const parts: string[] = [];
  let room = MemoryLimits.queryMaxChars;
  for (const [index, message] of ordered.entries()) {
    const text = message.content.trim().slice(0, index === 0 ? LATEST_TURN_CHARS : room);
    if (!text) continue;
    parts.push(text.slice(0, room));
    room -= text.length + 1;
    if (room <= 0) break;
  }
  return parts.join('\n');
}
