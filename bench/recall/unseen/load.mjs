// Loads the unseen conversational set (see ./README.md) in the shape bench/recall.mjs runs: one
// user per conversation file, every message a memory stored as the held-out measurement of issue
// 26 stores it ("Speaker: text", its session as its conversation, the session's date a minute a
// message, metadata {speaker}), its questions with their evidence, and referenceDate = the last
// message. `dev` (c01-c04) may be looked at while tuning; `test` (c05-c12) is only measured.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { conversationFiles, faultsOf } from './check.mjs';

const MINUTE = 60_000;
const DEV = new Set(['c01', 'c02', 'c03', 'c04']);

/** @param {'dev' | 'test'} split */
export function loadUnseen(split) {
  const files = conversationFiles().filter(
    (file) => DEV.has(basename(file, '.json')) === (split === 'dev'),
  );
  const users = files.map((file) => {
    const name = basename(file, '.json');
    const data = JSON.parse(readFileSync(file, 'utf8'));
    const faults = faultsOf(data);
    if (faults.length)
      throw new Error(`${file}: ${faults[0]} (node ${file.replace(/c\d\d\.json$/, 'check.mjs')})`);
    let lastSaid = 0;
    const memories = data.sessions.flatMap((session, s) =>
      session.messages.map((message, i) => {
        lastSaid = Date.parse(session.date) + i * MINUTE;
        return {
          key: message.id,
          content: `${message.speaker}: ${message.text}`,
          type: 'turn',
          metadata: { speaker: message.speaker },
          conversationId: `${name}-session-${s + 1}`,
          occurredAt: new Date(lastSaid).toISOString(),
        };
      }),
    );
    return {
      name: `unseen-${name}`,
      referenceDate: new Date(lastSaid).toISOString(),
      memories,
      questions: data.questions.map(({ question, category, evidence }) => ({
        question,
        category,
        answers: evidence,
      })),
    };
  });
  return { users };
}
