// Loads the unseen conversational set (see ./README.md) in the shape bench/recall.mjs runs: one
// user per conversation file, stored as issue 26's held-out measurement stores its chats (see
// ../chat-user.mjs). `dev` (c01-c04) may be looked at while tuning; `test` (c05-c12) is only
// measured.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { chatUser } from '../chat-user.mjs';
import { conversationFiles, faultsOf } from './check.mjs';

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
    const sessions = data.sessions.map((session, s) => ({
      conversationId: `${name}-session-${s + 1}`,
      at: Date.parse(session.date),
      messages: session.messages.map(({ id, speaker, text }) => ({ key: id, speaker, text })),
    }));
    const questions = data.questions.map(({ question, category, evidence }) => ({
      question,
      category,
      answers: evidence,
    }));
    return chatUser(`unseen-${name}`, sessions, questions);
  });
  return { users };
}
