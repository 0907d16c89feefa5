import { cosineSimilarity, fuse, rankByKeyword } from './fusion.js';

describe('fuse', () => {
  it('weighs similarity and BM25 relative to the best keyword match', () => {
    const ranked = fuse(
      [
        { id: 'semantic', similarity: 0.9, keyword: 0 },
        { id: 'lexical', similarity: 0.2, keyword: 8 },
        { id: 'both', similarity: 0.6, keyword: 4 },
      ],
      0.5,
    );
    expect(ranked.map((r) => [r.id, Number(r.score.toFixed(3))])).toEqual([
      ['lexical', 0.6],
      ['both', 0.55],
      ['semantic', 0.45],
    ]);
  });

  it('reads BM25 against a given full-match scale, capped at 1', () => {
    const candidates = [
      { id: 'name only', similarity: 0.1, keyword: 2 },
      { id: 'related words', similarity: 0.7, keyword: 0 },
      { id: 'every term, twice', similarity: 0.2, keyword: 12 },
    ];
    // Against the best match, sharing a name with the question beats meaning the same thing…
    expect(fuse(candidates.slice(0, 2), 0.4)[0]!.id).toBe('name only');
    // …against a full match of the question (scale 10), it is a fifth of a match.
    const ranked = fuse(candidates, 0.4, 10);
    expect(ranked.map((r) => [r.id, Number(r.score.toFixed(3))])).toEqual([
      ['every term, twice', 0.68],
      ['related words', 0.28],
      ['name only', 0.16],
    ]);
    expect(fuse(candidates, 0.4, 0).map((r) => Number(r.score.toFixed(3)))).toEqual([
      0.28, 0.08, 0.04,
    ]);
  });

  it('is vector-only at weight 1 and keyword-only at weight 0', () => {
    const candidates = [
      { id: 'a', similarity: 0.9, keyword: 1 },
      { id: 'b', similarity: 0.1, keyword: 5 },
    ];
    expect(fuse(candidates, 1).map((r) => r.id)).toEqual(['a', 'b']);
    expect(rankByKeyword(candidates).map((r) => [r.id, r.score])).toEqual([
      ['b', 1],
      ['a', 0.2],
    ]);
  });

  it('treats negative similarity and missing scores as no evidence', () => {
    const ranked = fuse([{ id: 'neg', similarity: -0.5 }, { id: 'none' }], 0.5);
    expect(ranked.map((r) => r.score)).toEqual([0, 0]);
  });
});

describe('cosineSimilarity', () => {
  it('is 1 for the same direction, 0 for orthogonal or empty vectors', () => {
    expect(cosineSimilarity([1, 2], [2, 4])).toBeCloseTo(1, 12);
    expect(cosineSimilarity([1, 0], [0, 3])).toBe(0);
    expect(cosineSimilarity([0, 0], [1, 1])).toBe(0);
  });
});
