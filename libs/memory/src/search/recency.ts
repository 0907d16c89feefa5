import type { ScoredMemory } from '../domain/memory.js';

const DAY_MS = 86_400_000;

/**
 * The optional recency weight: each score is multiplied by 0.5^(age / half-life), age counted
 * from the memory's last change, so a memory `halfLifeDays` old needs twice the relevance of a
 * new one to rank beside it. Pinned memories keep their score. A half-life of 0 changes nothing.
 */
export function weighByRecency(
  results: ScoredMemory[],
  halfLifeDays: number,
  now = Date.now(),
): ScoredMemory[] {
  if (!(halfLifeDays > 0)) return results;
  return results
    .map((result) => {
      if (result.pinned) return result;
      const ageDays = Math.max(0, now - Date.parse(result.updatedAt)) / DAY_MS;
      const recency = 0.5 ** (ageDays / halfLifeDays);
      return { ...result, score: result.score * recency, scoring: { ...result.scoring, recency } };
    })
    .sort((a, b) => b.score - a.score);
}
