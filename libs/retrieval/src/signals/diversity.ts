import { analyze } from '../text/analyzer.js';

/** A ranked candidate: its score and its text. */
export interface DiversityCandidate {
  id: string;
  score: number;
  text: string;
}

/** A candidate after diversity: its score less what its likeness to a better one costs it. */
export interface Diversified<T> {
  candidate: T;
  score: number;
  /** Its greatest word overlap (Jaccard, 0-1) with a candidate ranked above it. */
  overlap: number;
}

/**
 * Maximal marginal relevance (Carbonell and Goldstein, 1998) in one pass: each of the best
 * `window` candidates loses the share `λ · (its greatest word overlap with a better-ranked one)`
 * of its score (a share, so a score in [0, 1] stays there), so ten
 * near-copies of one line do not fill a top ten while a different answer waits below; then all
 * are ranked by the new score (which stays the score a client sees, so results remain in score
 * order, unlike the greedy form). Overlap is the Jaccard index of analysed words: what a reader
 * sees as a copy, whatever the embedder. λ 0 changes nothing.
 */
export function diversify<T extends DiversityCandidate>(
  ranked: T[],
  lambda: number,
  window: number,
): Array<Diversified<T>> {
  const out = ranked.map((candidate) => ({ candidate, score: candidate.score, overlap: 0 }));
  if (!(lambda > 0) || ranked.length < 2) return out;
  const considered = Math.min(window, ranked.length);
  const words = ranked.slice(0, considered).map((candidate) => new Set(analyze(candidate.text)));
  for (let i = 1; i < considered; i++) {
    let overlap = 0;
    for (let j = 0; j < i; j++) overlap = Math.max(overlap, jaccard(words[i]!, words[j]!));
    out[i]!.overlap = overlap;
    out[i]!.score = ranked[i]!.score * (1 - lambda * overlap);
  }
  return out.sort((a, b) => b.score - a.score || a.candidate.id.localeCompare(b.candidate.id));
}

function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const word of a) if (b.has(word)) shared++;
  return shared / (a.size + b.size - shared);
}
