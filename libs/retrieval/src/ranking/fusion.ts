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
 * keyword / best keyword`. BM25 is unbounded and its scale moves with the query, so it is taken
 * relative to the best keyword match among the candidates; cosine similarity is already on a
 * fixed scale. Measured on the recall benchmark, this beats reciprocal-rank fusion, which throws
 * the size of each score away (see README, "How search ranks").
 */
export function fuse(candidates: Evidence[], vectorWeight: number): Fused[] {
  const best = Math.max(0, ...candidates.map((c) => c.keyword ?? 0));
  return candidates
    .map((candidate) => {
      const similarity = Math.max(0, candidate.similarity ?? 0);
      const keyword = best > 0 ? (candidate.keyword ?? 0) / best : 0;
      return { ...candidate, score: vectorWeight * similarity + (1 - vectorWeight) * keyword };
    })
    .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
}

/** Keyword-only ranking: BM25 relative to the best match, so minScore reads the same way. */
export function rankByKeyword(candidates: Evidence[]): Fused[] {
  return fuse(candidates, 0);
}

/** Cosine similarity of two vectors of the same length (the embedder's unit vectors or not). */
export function cosineSimilarity(a: number[], b: number[]): number {
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
