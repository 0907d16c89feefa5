import { diversify } from './diversity.js';

const candidate = (id: string, score: number, text: string) => ({ id, score, text });

describe('diversify (MMR in one pass)', () => {
  const ranked = [
    candidate('a', 0.9, 'we adopted a rescue greyhound named Biscuit'),
    candidate('b', 0.89, 'we adopted a rescue greyhound named Biscuit!'),
    candidate('c', 0.88, 'we adopted a rescue greyhound, named Biscuit'),
    candidate('d', 0.8, 'the cat had a bad tooth at the vet'),
  ];

  it('lets a different answer past near-copies of the best one, keeping results in score order', () => {
    const out = diversify(ranked, 0.3, 10);
    expect(out.map((r) => r.candidate.id)).toEqual(['a', 'd', 'b', 'c']);
    expect(out.find((r) => r.candidate.id === 'b')!.overlap).toBe(1);
    expect(out[0]!.score).toBe(0.9);
    const scores = out.map((r) => r.score);
    expect([...scores].sort((x, y) => y - x)).toEqual(scores);
  });

  it('keeps the order when off, or when results differ anyway, and judges only the window', () => {
    expect(diversify(ranked, 0, 3).map((r) => r.candidate.id)).toEqual(['a', 'b', 'c', 'd']);
    const distinct = [candidate('x', 0.9, 'kayak lake'), candidate('y', 0.5, 'violin lesson')];
    expect(diversify(distinct, 0.3, 2).map((r) => r.overlap)).toEqual([0, 0]);
    // Only the best two are compared: c keeps its score.
    expect(diversify(ranked, 0.3, 2).find((r) => r.candidate.id === 'c')!.score).toBe(0.88);
  });
});
