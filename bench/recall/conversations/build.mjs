// Builds the conversational recall set from life-events.mjs, the same in every run (seeded):
// per user one friendship held over dated sessions of chat, every message a memory
// ("Speaker: text", its conversation = its session, said a minute after the one before), and
// questions of four kinds whose answering messages are known. See ./README.md.
import { GROUP_TALK, IN_THE_TALK_S_WORDS, LIFE_EVENTS, PAIRS, SMALL_TALK } from './life-events.mjs';
import { fill, random, shuffle } from '../seeded.mjs';

const DAY = 86_400_000;
const MINUTE = 60_000;
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** Each event's questions in the words of the talk (see IN_THE_TALK_S_WORDS). */
const talkWordsOf = new Map(LIFE_EVENTS.map((event, i) => [event, IN_THE_TALK_S_WORDS[i]]));

const speakerOf = (line) => line.slice(0, line.indexOf(':'));
const monthKey = (ms) => new Date(ms).toISOString().slice(0, 7);
const monthName = (ms) => `${MONTHS[new Date(ms).getUTCMonth()]} ${new Date(ms).getUTCFullYear()}`;

/**
 * @returns {{ users: Array<{ name: string, referenceDate: string, memories: Array<{ key: string,
 *   content: string, type: string, metadata: object, conversationId: string,
 *   occurredAt: string }>, questions: Array<{ question: string, category: string,
 *   answers: string[] }> }> }}
 */
export function buildConversations({ seed = 20261203, sessions = 16, eventsEach = 16 } = {}) {
  const next = random(seed);
  const pick = (items) => items[Math.floor(next() * items.length)];
  const users = PAIRS.map(([first, second], pairIndex) => {
    const memories = [];
    const questions = [];
    /** Every event as it was told: who, which, the answering message and when. */
    const told = [];
    const events = shuffle(LIFE_EVENTS, next);
    const own = {
      [first]: events.slice(0, eventsEach),
      [second]: events.slice(eventsEach, 2 * eventsEach),
    };
    let day = Date.UTC(2023, 0, 9) + pairIndex * 2 * DAY;
    let lastSaid = day;
    for (let s = 0; s < sessions; s++) {
      if (s > 0) day += (10 + Math.floor(next() * 15)) * DAY;
      const conversationId = `${first.toLowerCase()}-${second.toLowerCase()}-session-${s + 1}`;
      // Sessions start in the afternoon or evening, a message a minute.
      let at = day + (14 + Math.floor(next() * 6)) * 3_600_000;
      let turn = 0;
      const say = (line, key = `${pairIndex}:${s}:${turn}`) => {
        memories.push({
          key,
          content: line,
          type: 'turn',
          metadata: { speaker: speakerOf(line) },
          conversationId,
          occurredAt: new Date(at).toISOString(),
        });
        lastSaid = at;
        at += MINUTE;
        turn++;
        return key;
      };
      const smallTalk = (a, b, count) => {
        for (let i = 0; i < count; i++) say(fill(pick(SMALL_TALK), a, b));
      };
      const [opener, other] = next() < 0.5 ? [first, second] : [second, first];
      smallTalk(opener, other, 2);
      for (const a of shuffle([first, second], next)) {
        const b = a === first ? second : first;
        const event = own[a][s];
        if (!event) continue;
        if (event.ask) say(fill(event.ask, a, b));
        const answer = say(fill(event.say, a, b));
        told.push({ event, a, b, answer, at: at - MINUTE, session: s });
        if (event.reply) say(fill(event.reply, a, b));
        smallTalk(next() < 0.5 ? a : b, a === first ? second : first, 1 + Math.floor(next() * 3));
      }
      smallTalk(opener, other, 1 + Math.floor(next() * 2));
    }

    // Every other "when" question and multi-hop clue is asked in the talk's words, the rest in
    // other words (by position, not by the random stream, so the rest of the set is unchanged).
    for (const [i, { event, a, b, answer }] of told.entries()) {
      questions.push({
        question: fill(event.direct, a, b),
        category: 'single-hop',
        answers: [answer],
      });
      questions.push({
        question: fill(event.single, a, b),
        category: 'single-hop',
        answers: [answer],
      });
      questions.push({
        question: fill(event.open, a, b),
        category: 'open-domain',
        answers: [answer],
      });
      const when = i % 2 === 0 ? talkWordsOf.get(event).when : event.when;
      questions.push({ question: fill(when, a, b), category: 'temporal', answers: [answer] });
    }
    // Multi-hop: a later event asked about through an earlier one, of the same friend or the
    // other ("Which instrument did Priya pick up after Tomas moved to Colorado?").
    for (let i = 0; i < told.length; i += 2) {
      const clue = told[i];
      const later = told.filter((t) => t.session > clue.session + 1);
      if (later.length === 0) continue;
      const target = pick(later);
      const clause = (i / 2) % 2 === 0 ? talkWordsOf.get(clue.event).clause : clue.event.clause;
      questions.push({
        question: `${fill(target.event.what, target.a, target.b)} after ${fill(clause, clue.a, clue.b)}?`,
        category: 'multi-hop',
        answers: [clue.answer, target.answer],
      });
    }
    // Temporal by date: what a friend said of a kind of event in a month ("in May 2023").
    const byMonth = new Map();
    for (const t of told) {
      const key = `${t.a}|${t.event.group}|${monthKey(t.at)}`;
      byMonth.set(key, [...(byMonth.get(key) ?? []), t]);
    }
    for (const [key, items] of byMonth) {
      if (next() < 0.4) continue;
      const [a, group] = key.split('|');
      questions.push({
        question: `What ${GROUP_TALK[group]} did ${a} share in ${monthName(items[0].at)}?`,
        category: 'temporal',
        answers: items.map((t) => t.answer),
      });
    }
    // Temporal relative to the last session ("last month"): searched with referenceDate set.
    const lastMonth = monthKey(
      Date.UTC(new Date(lastSaid).getUTCFullYear(), new Date(lastSaid).getUTCMonth() - 1, 15),
    );
    for (const a of [first, second]) {
      const recent = told.filter((t) => t.a === a && monthKey(t.at) === lastMonth);
      if (recent.length === 0) continue;
      questions.push({
        question: `What did ${a} tell ${a === first ? second : first} about last month?`,
        category: 'temporal',
        answers: recent.map((t) => t.answer),
      });
    }
    return {
      name: `${first.toLowerCase()}-${second.toLowerCase()}`,
      referenceDate: new Date(lastSaid).toISOString(),
      memories,
      questions,
    };
  });
  return { users };
}

// `node bench/recall/conversations/build.mjs` prints the set's size and a sample.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { users } = buildConversations();
  const questions = users.flatMap((u) => u.questions);
  const kinds = {};
  for (const q of questions) kinds[q.category] = (kinds[q.category] ?? 0) + 1;
  console.log({
    users: users.length,
    memories: users.reduce((n, u) => n + u.memories.length, 0),
    questions: questions.length,
    kinds,
  });
  const u = users[0];
  const byKey = new Map(u.memories.map((m) => [m.key, m]));
  console.log(
    u.memories
      .slice(0, 16)
      .map((m) => `${m.occurredAt} ${m.conversationId} ${m.content}`)
      .join('\n'),
  );
  for (const q of u.questions.filter((_, i) => i % 9 === 0)) {
    console.log(
      `[${q.category}] ${q.question}\n   -> ${q.answers.map((k) => byKey.get(k).content).join(' | ')}`,
    );
  }
}
