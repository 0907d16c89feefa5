import { BpeTokenCounter } from './bpe.token-counter.js';

describe('BpeTokenCounter', () => {
  const sut = new BpeTokenCounter();

  it('counts words as the o200k_base vocabulary does', () => {
    expect(sut.count('')).toBe(0);
    expect(sut.count('Hello world, the user likes oat milk.')).toBe(9);
  });

  it('counts special-token text as plain text instead of throwing', () => {
    expect(sut.count('a <|endoftext|> b')).toBeGreaterThan(3);
  });
});
