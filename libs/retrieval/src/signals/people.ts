import { isStopWord, tokenize } from '@memory-system/core';

/** Capitalised words that start questions or name times, not people. */
const NOT_NAMES = new Set(
  (
    'what which when where who whom whose why how tell list name give show find remember recall ' +
    'january february march april may june july august september october november december ' +
    'monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow'
  ).split(' '),
);

/**
 * The people a query names: its capitalised words that are neither stop words nor question or
 * time words ("What did Priya tell Tomas in May?" names priya and tomas), lower-cased and
 * accent-folded as the analyser folds them, possessives dropped.
 */
export function peopleNamedIn(query: string): string[] {
  const names = new Set<string>();
  for (const [word] of query.matchAll(/\p{Lu}[\p{L}\p{M}'’-]*/gu)) {
    const [name] = tokenize(word.replace(/['’]s$/u, ''));
    if (name && name.length > 1 && !isStopWord(name) && !NOT_NAMES.has(name)) names.add(name);
  }
  return [...names];
}

/**
 * Whether a memory concerns one of the people: it names them, or they said it (its speaker).
 * A boost for such memories, never a filter: a question about Priya is often answered by what
 * her friend said.
 */
export function concernsPeople(
  memory: { text: string; speaker?: string },
  people: string[],
): boolean {
  if (people.length === 0) return false;
  const speaker = memory.speaker ? tokenize(memory.speaker) : [];
  if (speaker.some((word) => people.includes(word))) return true;
  return tokenize(memory.text).some((word) => people.includes(word));
}
