import { type AnswerKind, holdsAnswerKind, tells } from '../signals/answer-kind.js';
import { concernsPeople } from '../signals/people.js';
import { inWindow, type TimeWindow } from '../signals/time-window.js';

const DAY = 86_400_000;
/** The recency prior halves every this many days before the reference date. */
const RECENCY_HALF_LIFE_DAYS = 90;

/** How much each signal may add to a fused score in [0, 1] (0: off). */
export interface SignalWeights {
  time: number;
  recency: number;
  people: number;
  answerKind: number;
  /** This one and answerKind are shares of the candidate's relevance, not fixed amounts. */
  statement: number;
}

/**
 * What a query says beyond its words: the dates it names, its "now", the people it names, the
 * kind of answer it asks for.
 */
export interface QuerySignals {
  windows: TimeWindow[];
  reference: number;
  people: string[];
  answerKind?: AnswerKind;
}

/** A candidate as the signals see it: when it was said, its text, who said it. */
export interface SignalSubject {
  at: number;
  text: string;
  speaker?: string;
  /** Its fused BM25 and similarity score, before any signal (0 when not known). */
  relevance?: number;
}

/** The part each signal added to a score, for the score explanation (absent: added nothing). */
export interface SignalParts {
  /** Said within a date the query names. */
  time?: number;
  /** The weak prior for memories said shortly before the reference date. */
  recency?: number;
  /** Names, or was said by, a person the query names. */
  people?: number;
  /** Holds the kind of answer the query asks for (a time, a quantity). */
  answerKind?: number;
  /** Tells rather than asks (does not end in a question mark). */
  statement?: number;
}

/**
 * The boosts a candidate earns beside its BM25 and similarity: added to the fused score, never
 * a filter, so a memory outside the window or about someone else still ranks by what it says.
 */
export function signalParts(
  subject: SignalSubject,
  query: QuerySignals,
  weights: SignalWeights,
): SignalParts {
  const parts: SignalParts = {};
  if (weights.time > 0 && inWindow(subject.at, query.windows)) parts.time = weights.time;
  if (weights.recency > 0 && subject.at <= query.reference) {
    const ageDays = (query.reference - subject.at) / DAY;
    parts.recency = weights.recency * 0.5 ** (ageDays / RECENCY_HALF_LIFE_DAYS);
  }
  if (weights.people > 0 && concernsPeople(subject, query.people)) parts.people = weights.people;
  // These two in proportion to relevance: they pick among memories about the question, and
  // a memory that is the only one about it keeps its place.
  const relevance = subject.relevance ?? 0;
  if (weights.answerKind > 0 && query.answerKind && holdsAnswerKind(subject.text, query.answerKind))
    parts.answerKind = weights.answerKind * relevance;
  if (weights.statement > 0 && tells(subject.text)) parts.statement = weights.statement * relevance;
  return parts;
}

/** The sum of the parts. */
export function signalBoost(parts: SignalParts): number {
  return (
    (parts.time ?? 0) +
    (parts.recency ?? 0) +
    (parts.people ?? 0) +
    (parts.answerKind ?? 0) +
    (parts.statement ?? 0)
  );
}

/**
 * The weights in force and the share of the fused score they leave: weights that add up to more
 * than 1 (each setting is at most 1) are scaled down together, so scores stay in [0, 1].
 */
export function withinOne(weights: SignalWeights): { weights: SignalWeights; share: number } {
  const total =
    weights.time + weights.recency + weights.people + weights.answerKind + weights.statement;
  if (total <= 1) return { weights, share: 1 - total };
  const factor = 1 / total;
  return {
    weights: {
      time: weights.time * factor,
      recency: weights.recency * factor,
      people: weights.people * factor,
      answerKind: weights.answerKind * factor,
      statement: weights.statement * factor,
    },
    share: 0,
  };
}
