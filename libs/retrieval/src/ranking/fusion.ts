/** One candidate memory with whatever evidence is known for it. */
export interface Evidence {
  id: string;
  /** Cosine similarity to the query (1 − distance); undefined when not computed. */
  similarity?: number;
  /** Raw BM25; undefined or 0 when no query term occurs in the memory. */
  keyword?: number;
}

export interface Fused extends Evidence {
  /** The ranking score in [0, 1]: higher is better. */
  score: number;
}

/**
 * Convex combination of the two signals: `vectorWeight · similarity + (1 − vectorWeight) ·
 * min(1, keyword / keywordScale)`. BM25 is unbounded and its scale moves with the query, so it is
 * read against a scale: by default the best keyword match among the candidates; hybrid search
 * passes the score of a memory that matches the whole query (`fullMatchScore`), so a best match
 * that shares only a name or a common word with the question counts for little and similarity
 * decides. Measured on the recall benchmark, both beat reciprocal-rank fusion, which throws the
 * size of each score away, and the full-match scale beats the best-match one with an embedder
 * that knows related words (see README, "How search ranks").
 */
export function fuse(
  candidates: Evidence[],
  vectorWeight: number,
  keywordScale = Math.max(0, ...candidates.map((c) => c.keyword ?? 0)),
): Fused[] {
  return candidates
    .map((candidate) => {
      const similarity = Math.max(0, candidate.similarity ?? 0);
      const keyword = keywordScale > 0 ? Math.min(1, (candidate.keyword ?? 0) / keywordScale) : 0;
      return { ...candidate, score: vectorWeight * similarity + (1 - vectorWeight) * keyword };
    })
    .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
}

/** Keyword-only ranking: BM25 relative to the best match, so minScore reads the same way. */
export function rankByKeyword(candidates: Evidence[]): Fused[] {
  return fuse(candidates, 0);
}

/** Cosine similarity of two vectors of the same length (the embedder's unit vectors or not). */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}
