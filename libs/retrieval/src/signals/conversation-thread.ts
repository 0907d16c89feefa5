/**
 * Conversation neighbours: a message is found through the turns around it. "Yes! I started last
 * week" answers nothing alone; beside "Did you ever sign up for pottery?" it answers a question
 * about pottery. Each memory in a conversation carries the words of its neighbours (by the time
 * they were said) as a second, lower-weighted keyword field, kept at write time by the index.
 */

/** Where a memory sits in its conversation: which one, and when it was said (ms). */
export interface ThreadPosition {
  thread: string;
  at: number;
}

/** How many turns before and after a message lend it their words. */
export interface NeighbourWindow {
  before: number;
  after: number;
  /**
   * How many times more the latest question (a turn holding a "?") among the `before` turns
   * counts: the question a reply most likely answers. 0 counts it like any other neighbour.
   */
  answeredQuestion?: number;
}

/**
 * Measured with `npm run bench:recall` on the unseen set's dev part (chats written freely, see
 * bench/recall/unseen): the turns before a message carry what it answers, often two back ("Did
 * the kitten find a home?" / "Yes!!" / "Mrs. Shaw, a retired piano teacher"), and the one after,
 * the reply to a question. Hybrid R@10 75.7 % with one turn each way, 78.8 % with two before,
 * 77.4 % with two each way, 77.7 % with three before; the template set gave the same (73.4 and
 * 73.0 %).
 * The latest question among those turns counting twice (answeredQuestion 1; see README, "How
 * search ranks"): hybrid R@10 80.2 -> 81.5 % on the dev part with a question being any turn
 * holding a "?" (80.6 % when it had to end in one); only the turn just before, ending in "?",
 * 80.3 %; that one three times, 80.5 %, but the template set lost 1.3 points of R@10 where twice
 * lost 0.7 (0.5 as chosen).
 */
export const NEIGHBOUR_WINDOW: NeighbourWindow = { before: 2, after: 1, answeredQuestion: 1 };

/**
 * The memory's place in a conversation, from its record's metadata: `conversationId`, and
 * `occurredAt` (or `createdAt` when it was said when stored). None outside a conversation.
 */
export function threadPositionOf(
  metadata: Record<string, string | number | boolean>,
): ThreadPosition | undefined {
  const thread = metadata.conversationId;
  if (typeof thread !== 'string' || thread === '') return undefined;
  return { thread, at: saidAtOf(metadata) };
}

/** When a memory was said (ms): its record's `occurredAt`, else `createdAt`. */
export function saidAtOf(metadata: Record<string, string | number | boolean>): number {
  const at = Number(metadata.occurredAt ?? metadata.createdAt);
  return Number.isFinite(at) ? at : 0;
}

/**
 * The neighbour field of the message at `index` in a conversation's analysed bodies (in the
 * order said): the words of the turns in the window around it, never its own; the latest of
 * the turns before it that asks (`asks`, by index) counts `answeredQuestion` times more.
 */
export function neighbourField(
  bodies: string[],
  index: number,
  window: NeighbourWindow,
  asks: boolean[] = [],
): string {
  const before = bodies.slice(Math.max(0, index - window.before), index);
  const after = bodies.slice(index + 1, index + 1 + window.after);
  const question = lastQuestionBefore(bodies, index, window.before, asks);
  const answered =
    question === undefined ? [] : Array<string>(window.answeredQuestion ?? 0).fill(question);
  return [...before, ...answered, ...after].filter((body) => body !== '').join(' ');
}

/**
 * Whether a turn asks something: it holds a question mark, wherever ("How was it? Tell me
 * everything" asks as much as "How was it?").
 */
export function asksQuestion(text: string): boolean {
  return text.includes('?') || text.includes('？');
}

/** The words of the latest of the `reach` turns before `index` that asks, if one does. */
function lastQuestionBefore(
  bodies: string[],
  index: number,
  reach: number,
  asks: boolean[],
): string | undefined {
  for (let i = index - 1; i >= Math.max(0, index - reach); i--) if (asks[i]) return bodies[i];
  return undefined;
}
