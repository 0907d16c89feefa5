// Builds the recall evaluation set from events.mjs, the same in every run (seeded): per user one
// long conversation between two friends over dated sessions, the facts an extractor would keep,
// and questions whose answering memories are known.
import { CHATTER, EVENTS, NAMES } from './events.mjs';
import { fill, random, shuffle } from './seeded.mjs';

const GROUP_WORDS = {
  creative: 'creative hobbies',
  family: 'family news',
  outdoors: 'outdoor adventures',
  career: 'career milestones',
  health: 'health issues',
  travel: 'trips abroad',
  music: 'musical activities',
  pets: 'pet stories',
  home: 'home projects',
  learning: 'new skills they are learning',
  volunteer: 'community involvement',
  food: 'food and cooking changes',
  sports: 'sports achievements',
};

/**
 * @returns {{ users: Array<{ name: string, memories: Array<{ key: string, content: string,
 *   type: string, metadata: object }>, questions: Array<{ question: string, category: string,
 *   answers: string[] }> }> }}
 */
export function buildDataset({ seed = 20261128, chatterPerEvent = 3, factShare = 0.6 } = {}) {
  const next = random(seed);
  const users = NAMES.map(([first, second], conversation) => {
    const memories = [];
    const questions = [];
    const bySpeakerGroup = new Map();
    let day = Date.UTC(2023, 0, 7) + conversation * 86_400_000 * 3;
    const events = shuffle(EVENTS, next);
    events.forEach((event, index) => {
      const [a, b] = index % 2 === 0 ? [first, second] : [second, first];
      if (index % 3 === 0) day += 86_400_000 * (5 + Math.floor(next() * 10)); // a new session
      const date = new Date(day).toISOString().slice(0, 10);
      const session = `session-${Math.floor(index / 3) + 1}`;
      const turnKey = `${conversation}:turn:${index}`;
      memories.push({
        key: turnKey,
        content: fill(event.turn, a, b),
        type: 'turn',
        metadata: { speaker: a, session, date },
      });
      const answers = [turnKey];
      if (next() < factShare) {
        const factKey = `${conversation}:fact:${index}`;
        const when = new Date(day).toLocaleDateString('en-GB', {
          day: 'numeric',
          month: 'long',
          year: 'numeric',
          timeZone: 'UTC',
        });
        memories.push({
          key: factKey,
          content: `${fill(event.fact, a, b)} (${when})`,
          type: 'fact',
          metadata: { about: a, date },
        });
        answers.push(factKey);
      }
      for (let c = 0; c < chatterPerEvent; c++) {
        const line = CHATTER[Math.floor(next() * CHATTER.length)];
        const [x, y] = next() < 0.5 ? [a, b] : [b, a];
        memories.push({
          key: `${conversation}:chat:${index}:${c}`,
          content: fill(line, x, y),
          type: 'turn',
          metadata: { speaker: line.startsWith('{A}') ? x : y, session, date },
        });
      }
      questions.push({ question: fill(event.keyword, a, b), category: 'keyword', answers });
      if (next() < 0.5) {
        questions.push({ question: fill(event.paraphrase, a, b), category: 'paraphrase', answers });
      }
      if (next() < 0.4) {
        questions.push({ question: fill(event.when, a, b), category: 'when', answers });
      }
      const groupKey = `${event.group}:${a}`;
      bySpeakerGroup.set(groupKey, [...(bySpeakerGroup.get(groupKey) ?? []), turnKey]);
    });
    // Two-memory questions: a group both friends have something in.
    for (const group of Object.keys(GROUP_WORDS)) {
      const mine = bySpeakerGroup.get(`${group}:${first}`);
      const theirs = bySpeakerGroup.get(`${group}:${second}`);
      if (!mine || !theirs) continue;
      questions.push({
        question: `What ${GROUP_WORDS[group]} have both ${first} and ${second} talked about?`,
        category: 'two-memory',
        answers: [mine[0], theirs[0]],
      });
    }
    return { name: `${first.toLowerCase()}-${second.toLowerCase()}`, memories, questions };
  });
  return { users };
}
