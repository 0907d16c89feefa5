// Text analysis shared by the keyword index and the local embedder. A lib of its own, with no
// framework imports, so that the local embedder's worker threads load it in milliseconds.
export { tokenize } from './tokenize.js';
export { isStopWord } from './stop-words.js';
export { spokenWordCounts, type SpokenWordCounts } from './spoken-word-counts.js';
