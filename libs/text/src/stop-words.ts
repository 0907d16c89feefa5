import { eng } from 'stopword';

/**
 * English stop words (the `stopword` package's list) plus the auxiliaries every question carries:
 * "What did Caroline research?" should weigh Caroline and research only.
 */
const STOP_WORDS = new Set<string>([...eng, 'did', 'does', 'do', 'has', 'have', 'had', 'can']);

export function isStopWord(word: string): boolean {
  return STOP_WORDS.has(word);
}
