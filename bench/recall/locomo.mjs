// Loads chats in the LoCoMo data set's format (Maharana et al., 2024; snap-research/locomo,
// `locomo10.json`: a list of samples, each `{ sample_id, conversation: { speaker_a, speaker_b,
// session_<n>_date_time: "1:56 pm on 8 May, 2023", session_<n>: [{ speaker, dia_id: "D<n>:<i>",
// text }] }, qa: [{ question, answer, evidence: ["D<n>:<i>"], category }] }`) in the shape
// bench/recall.mjs runs, stored as issue 26's held-out measurement stores them (see
// ./chat-user.mjs), one session a conversation. Categories 1-4 are multi-hop, temporal,
// open-domain and single-hop; 5 (adversarial: no answer in the chat) is left out. Evidence ids
// that name no message (the data set has a few malformed ones) are dropped, and a question left
// with none is skipped and counted.
// `BENCH_RECALL_LOCOMO=/path/to/locomo10.json npm run bench:recall` runs it as the set `locomo`.
import { readFileSync } from 'node:fs';
import { chatUser } from './chat-user.mjs';

const KINDS = { 1: 'multi-hop', 2: 'temporal', 3: 'open-domain', 4: 'single-hop' };
const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

/** "1:56 pm on 8 May, 2023" as ms since the epoch (UTC); throws on anything else. */
export function locomoDate(text) {
  const match = /^\s*(\d{1,2}):(\d{2})\s*(am|pm)\s+on\s+(\d{1,2})\s+([a-z]+),?\s+(\d{4})\s*$/i.exec(
    text ?? '',
  );
  const month = match ? MONTHS.indexOf(match[5].toLowerCase()) : -1;
  if (!match || month < 0) throw new Error(`not a LoCoMo session date: ${JSON.stringify(text)}`);
  const hour = (Number(match[1]) % 12) + (match[3].toLowerCase() === 'pm' ? 12 : 0);
  return Date.UTC(Number(match[6]), month, Number(match[4]), hour, Number(match[2]));
}

/** The sessions of one sample's conversation in order: their number, date and turns. */
function sessionsOf(conversation) {
  return Object.keys(conversation)
    .map((key) => /^session_(\d+)$/.exec(key))
    .filter(Boolean)
    .map((match) => Number(match[1]))
    .sort((a, b) => a - b)
    .map((n) => ({
      n,
      at: locomoDate(conversation[`session_${n}_date_time`]),
      turns: conversation[`session_${n}`],
    }));
}

export function loadLocomo(file) {
  const samples = JSON.parse(readFileSync(file, 'utf8'));
  if (!Array.isArray(samples)) throw new Error(`${file}: a LoCoMo file is a JSON list of samples`);
  const skipped = { adversarial: 0, noEvidence: 0 };
  const users = samples.map((sample, s) => {
    const id = String(sample.sample_id ?? s + 1).replace(/[^a-zA-Z0-9_-]/g, '-');
    const sessions = sessionsOf(sample.conversation).map(({ n, at, turns }) => ({
      conversationId: `locomo-${id}-session-${n}`,
      at,
      messages: turns
        .filter((turn) => typeof turn.text === 'string' && turn.text.trim() !== '')
        .map((turn) => ({ key: turn.dia_id, speaker: turn.speaker, text: turn.text })),
    }));
    const keys = new Set(sessions.flatMap((session) => session.messages.map((m) => m.key)));
    const questions = [];
    for (const qa of sample.qa ?? []) {
      const category = KINDS[qa.category];
      if (!category) {
        skipped.adversarial++;
        continue;
      }
      const answers = [
        ...new Set((qa.evidence ?? []).flatMap((e) => String(e).split(/[;,\s]+/))),
      ].filter((key) => keys.has(key));
      if (answers.length === 0) {
        skipped.noEvidence++;
        continue;
      }
      questions.push({ question: String(qa.question), category, answers });
    }
    return chatUser(`locomo-${id}`.toLowerCase(), sessions, questions);
  });
  console.log(
    `locomo: left out ${skipped.adversarial} adversarial questions and ${skipped.noEvidence} whose evidence names no message`,
  );
  return { users };
}
