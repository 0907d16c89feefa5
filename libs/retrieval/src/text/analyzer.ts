import { eng } from 'stopword';
import { tokenize } from '@memory-system/core';

/**
 * English stop words (the `stopword` package's list) plus the auxiliaries every question carries:
 * "What did Caroline research?" should weigh Caroline and research only.
 */
const STOP_WORDS = new Set<string>([...eng, 'did', 'does', 'do', 'has', 'have', 'had', 'can']);

export function isStopWord(word: string): boolean {
  return STOP_WORDS.has(word);
}

/**
 * The standard English analysis for keyword search: lower-cased words with accents folded, stop
 * words dropped. Stemming (Porter) happens inside the index, the same for documents and queries.
 */
export function analyze(text: string): string[] {
  return tokenize(text).filter((word) => !STOP_WORDS.has(word));
}

/** A query's distinct terms, in first-seen order. */
export function queryTerms(text: string): string[] {
  return [...new Set(analyze(text))];
}
