import { createRequire } from 'node:module';
import { spokenWordCounts } from '@memory-system/core';

/** An inflected form -> its base form: one of WordNet's exception lists (`.exc` files). */
type Exceptions = Record<string, string>;

/**
 * How common a base form must be, against the form that would map to it, in spoken English. A
 * form far commoner than its base is mostly a word of its own: "bit" (a bit) against "bite",
 * "ground" against "grind", "rent" against "rend", "won" (of "won't") against "win", "born"
 * against "bear", "dive" against "diva" (of which WordNet calls it the plural). "children"
 * (0.9 of "child") and "left" (1.2 of "leave") still map.
 */
const MIN_BASE_SHARE = 0.75;

let baseForms: Map<string, string> | undefined;

/**
 * A word's base form when it is an irregular form, from WordNet's lists of them (through the
 * maintained `wink-lexicon`): "bought" -> "buy", "flew" -> "fly", "went" -> "go", "children" ->
 * "child", "geese" -> "goose". People ask in other forms than they chatted in ("When did Jonas fly
 * to Lisbon?" for "Flew out Saturday"), and Porter stemming, which the index applies after this,
 * only cuts suffixes, so alone it keeps "flew" apart from "fly". Regular forms are left to
 * Porter, which already joins "lives", "lived" and "living" (a lemmatizer's rules would make
 * "lives" "life", "hoped" "hop" and "James" "jam"). So are the irregular plurals in -s ("leaves"
 * -> "leaf"): most are also a verb's -s form; and forms far commoner than their base (see
 * MIN_BASE_SHARE, by SUBTLEX-US counts).
 */
export function baseForm(word: string): string {
  return loadBaseForms().get(word) ?? word;
}

/**
 * Loads the lists now (about 0.3 s with the word counts, once per process): called at start, so
 * that the first search or write does not hold the event loop that long.
 */
export function loadBaseForms(): Map<string, string> {
  baseForms ??= load();
  return baseForms;
}

function load(): Map<string, string> {
  const require = createRequire(import.meta.url);
  const nouns = require('wink-lexicon/src/wn-noun-exceptions.js') as Exceptions;
  const verbs = require('wink-lexicon/src/wn-verb-exceptions.js') as Exceptions;
  const { counts } = spokenWordCounts();
  const forms = new Map<string, string>();
  const consider = (form: string, base: unknown) => {
    if (typeof base !== 'string' || forms.has(form)) return;
    if ((counts.get(base) ?? 0) >= MIN_BASE_SHARE * (counts.get(form) ?? 0)) forms.set(form, base);
  };
  for (const [form, base] of Object.entries(nouns)) if (!form.endsWith('s')) consider(form, base);
  for (const [form, base] of Object.entries(verbs)) consider(form, base);
  return forms;
}
