import { isStopWord, tokenize } from '@memory-system/core';
import { baseForm } from './base-form.js';

/**
 * The standard English analysis for keyword search: lower-cased words with accents folded, stop
 * words dropped, irregular forms in their base form ("bought" -> "buy"; see baseForm). Stemming
 * (Porter) happens inside the index, the same for documents and queries.
 */
export function analyze(text: string): string[] {
  return tokenize(text)
    .filter((word) => !isStopWord(word))
    .map(baseForm);
}

/** A query's distinct terms, in first-seen order. */
export function queryTerms(text: string): string[] {
  return [...new Set(analyze(text))];
}
