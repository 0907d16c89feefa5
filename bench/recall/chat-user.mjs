// One user of a chat recall set, stored as issue 26's held-out measurement stores its chats:
// every message a memory "Speaker: text" of type turn with metadata {speaker}, its session as its
// conversation, said at the session's date plus a minute a message; every question searched with
// referenceDate = the last message. The unseen set and LoCoMo-format files both load through it.
const MINUTE = 60_000;

/**
 * @param {string} name the user's name
 * @param {Array<{ conversationId: string, at: number, messages: Array<{ key: string,
 *   speaker: string, text: string }> }>} sessions in the order held
 * @param {Array<{ question: string, category: string, answers: string[] }>} questions
 */
export function chatUser(name, sessions, questions) {
  let lastSaid = 0;
  const memories = sessions.flatMap(({ conversationId, at, messages }) =>
    messages.map(({ key, speaker, text }, i) => {
      lastSaid = Math.max(lastSaid, at + i * MINUTE);
      return {
        key,
        content: `${speaker}: ${text}`,
        type: 'turn',
        metadata: { speaker },
        conversationId,
        occurredAt: new Date(at + i * MINUTE).toISOString(),
      };
    }),
  );
  return { name, referenceDate: new Date(lastSaid).toISOString(), memories, questions };
}
