import { createRequire } from 'node:module';

/** The part of wink-lemmatizer used here (it ships no types). */
interface Lemmatizer {
  noun(word: string): string;
  verb(word: string): string;
}

let lemmatizer: Lemmatizer | undefined;

/**
 * A word's dictionary form by WordNet's rules (its "morphy", through the maintained
 * `wink-lemmatizer`): "bought" -> "buy", "children" -> "child", "went" -> "go", "studies" ->
 * "study". People ask in other forms than they chatted in ("When did Jonas fly to Lisbon?" for
 * "Flew out Saturday"), and Porter stemming, which the index applies after this, only cuts
 * suffixes: alone it keeps "flew" apart from "fly" and "bought" from "buy". A known plural
 * takes its noun's form, anything else its verb's; words WordNet does not know (names, slang)
 * stay as they are. The lexicon (about 20 MB of heap) is loaded on first use.
 */
export function baseForm(word: string): string {
  lemmatizer ??= createRequire(import.meta.url)('wink-lemmatizer') as Lemmatizer;
  const noun = lemmatizer.noun(word);
  return noun !== word ? noun : lemmatizer.verb(word);
}
