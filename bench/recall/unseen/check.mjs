// Checks the shape of the unseen conversational set's files (see ./README.md): every file parses,
// every question's evidence names messages that exist, dates run forward, kinds are known.
// `node bench/recall/unseen/check.mjs [file ...]` (default: every cNN.json here); exits 1 on a fault.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CATEGORIES = ['single-hop', 'multi-hop', 'temporal', 'open-domain'];
const HERE = dirname(fileURLToPath(import.meta.url));
const ID = /^D(\d+):(\d+)$/;

/** The faults of one conversation file's parsed JSON, as sentences; empty when it is sound. */
export function faultsOf(data) {
  const faults = [];
  const say = (text) => faults.push(text);
  if (typeof data !== 'object' || data === null) return ['the file is not a JSON object'];
  const { speakers, sessions, questions } = data;
  if (!Array.isArray(speakers) || speakers.length !== 2 || speakers[0] === speakers[1])
    say('"speakers" must be two different names');
  if (!Array.isArray(sessions) || sessions.length < 8) say('"sessions" must hold at least 8');
  if (!Array.isArray(questions) || questions.length === 0) say('"questions" must not be empty');
  if (faults.length) return faults;
  const sessionOf = new Map();
  let previous = -Infinity;
  sessions.forEach((session, s) => {
    const at = Date.parse(session.date);
    if (
      typeof session.date !== 'string' ||
      !/Z$|[+-]\d\d:\d\d$/.test(session.date) ||
      Number.isNaN(at)
    )
      say(`session ${s + 1}: "date" must be an ISO 8601 date-time with its offset`);
    else if (at <= previous + 3_600_000)
      say(`session ${s + 1}: its date must come later than the session before`);
    previous = at;
    if (!Array.isArray(session.messages) || session.messages.length < 4)
      return say(`session ${s + 1}: "messages" must hold at least 4`);
    session.messages.forEach((m, i) => {
      const where = `session ${s + 1}, message ${i + 1}`;
      const match = ID.exec(m.id ?? '');
      if (!match || Number(match[1]) !== s + 1 || Number(match[2]) !== i + 1)
        say(`${where}: "id" must be "D${s + 1}:${i + 1}"`);
      if (!speakers.includes(m.speaker)) say(`${where}: "speaker" must be one of ${speakers}`);
      if (typeof m.text !== 'string' || m.text.trim() === '' || m.text.length > 1500)
        say(`${where}: "text" must be 1 to 1500 characters`);
      sessionOf.set(m.id, s + 1);
    });
  });
  const seen = new Set();
  questions.forEach((q, i) => {
    const where = `question ${i + 1}`;
    if (typeof q.question !== 'string' || q.question.trim().length < 8)
      say(`${where}: "question" is missing`);
    if (seen.has(q.question)) say(`${where}: asked twice`);
    seen.add(q.question);
    if (!CATEGORIES.includes(q.category)) say(`${where}: "category" must be one of ${CATEGORIES}`);
    if (typeof q.answer !== 'string' || q.answer.trim() === '')
      say(`${where}: "answer" is missing`);
    if (!Array.isArray(q.evidence) || q.evidence.length === 0)
      return say(`${where}: "evidence" is empty`);
    for (const id of q.evidence)
      if (!sessionOf.has(id)) say(`${where}: evidence ${id} is no message`);
    if (new Set(q.evidence).size !== q.evidence.length) say(`${where}: evidence repeats a message`);
    if (q.category === 'multi-hop' && new Set(q.evidence.map((id) => sessionOf.get(id))).size < 2)
      say(`${where}: a multi-hop question's evidence must span two sessions or more`);
  });
  return faults;
}

/** Counts for a file: sessions, messages, words a message, questions by kind. */
export function sizeOf(data) {
  const messages = data.sessions.flatMap((s) => s.messages);
  const words = messages.reduce((n, m) => n + m.text.split(/\s+/).filter(Boolean).length, 0);
  const kinds = Object.fromEntries(CATEGORIES.map((c) => [c, 0]));
  for (const q of data.questions) kinds[q.category] = (kinds[q.category] ?? 0) + 1;
  return {
    sessions: data.sessions.length,
    messages: messages.length,
    wordsPerMessage: Math.round((words / messages.length) * 10) / 10,
    questions: data.questions.length,
    ...kinds,
  };
}

export const conversationFiles = () =>
  readdirSync(HERE)
    .filter((name) => /^c\d\d\.json$/.test(name))
    .sort()
    .map((name) => join(HERE, name));

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const files = process.argv.length > 2 ? process.argv.slice(2) : conversationFiles();
  let failed = false;
  for (const file of files) {
    let data;
    try {
      data = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      console.log(`${basename(file)}: does not parse: ${error.message}`);
      failed = true;
      continue;
    }
    const faults = faultsOf(data);
    if (faults.length) {
      failed = true;
      console.log(`${basename(file)}: ${faults.length} faults`);
      for (const fault of faults.slice(0, 40)) console.log(`  ${fault}`);
    } else console.log(`${basename(file)}: sound`, JSON.stringify(sizeOf(data)));
  }
  process.exit(failed ? 1 : 0);
}
