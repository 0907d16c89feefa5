export {
  type LexicalChange,
  type LexicalDocument,
  type KeywordMatches,
  type LexicalHit,
  LexicalIndex,
} from './lexical-index.port.js';
export { SqliteLexicalIndex } from './sqlite/sqlite-lexical.index.js';
export { ShardedLexicalIndex } from './sqlite/sharded-lexical.index.js';
export {
  LEXICAL_GENERATION,
  LexicalSearch,
  lexicalOwner,
  type TextChange,
} from './lexical-search.js';
export { LEXICAL_INDEX_FILES, lexicalIndexDir, RetrievalModule } from './retrieval.module.js';
export { analyze, queryTerms } from './text/analyzer.js';
export {
  cosineSimilarity,
  type Evidence,
  fuse,
  type Fused,
  rankByKeyword,
} from './ranking/fusion.js';
export {
  type QuerySignals,
  signalBoost,
  type SignalParts,
  signalParts,
  type SignalWeights,
  withinOne,
} from './ranking/signals.js';
export { answerKindAsked, type AnswerKind } from './signals/answer-kind.js';
export { NEIGHBOUR_WINDOW, type ThreadPosition } from './signals/conversation-thread.js';
export { diversify } from './signals/diversity.js';
export { peopleNamedIn } from './signals/people.js';
export { timeWindowsOf, type TimeWindow } from './signals/time-window.js';
