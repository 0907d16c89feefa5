import { createRequire } from 'node:module';

/** An inflected form -> its base form: one of WordNet's exception lists (`.exc` files). */
type Exceptions = Record<string, string>;

let exceptions: { nouns: Exceptions; verbs: Exceptions } | undefined;

/**
 * A word's base form when it is an irregular form, from WordNet's lists of them (through the
 * maintained `wink-lexicon`): "bought" -> "buy", "flew" -> "fly", "went" -> "go", "children" ->
 * "child", "geese" -> "goose". People ask in other forms than they chatted in ("When did Jonas fly
 * to Lisbon?" for "Flew out Saturday"), and Porter stemming, which the index applies after this,
 * only cuts suffixes, so alone it keeps "flew" apart from "fly". Regular forms are left to
 * Porter, which already joins "lives", "lived" and "living" (a lemmatizer's rules would make
 * "lives" "life", "hoped" "hop" and "James" "jam"). So are the irregular plurals in -s ("leaves"
 * -> "leaf"): most are also a verb's -s form. The lists (about 4,000 words, 1.4 MB of heap) are
 * loaded on first use, in about 40 ms.
 */
export function baseForm(word: string): string {
  exceptions ??= load();
  const noun = word.endsWith('s') ? undefined : exceptions.nouns[word];
  const base = typeof noun === 'string' ? noun : exceptions.verbs[word];
  return typeof base === 'string' ? base : word;
}

function load(): { nouns: Exceptions; verbs: Exceptions } {
  const require = createRequire(import.meta.url);
  return {
    nouns: require('wink-lexicon/src/wn-noun-exceptions.js') as Exceptions,
    verbs: require('wink-lexicon/src/wn-verb-exceptions.js') as Exceptions,
  };
}
