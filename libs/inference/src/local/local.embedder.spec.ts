import { LocalEmbedder } from './local.embedder.js';

function cosine(a: number[], b: number[]): number {
  return a.reduce((sum, value, i) => sum + value * b[i]!, 0);
}

describe('LocalEmbedder', () => {
  const sut = new LocalEmbedder(384);

  it('produces unit vectors of the configured dimension', async () => {
    const [vector] = await sut.embed(['The quick brown fox jumps over the lazy dog']);
    expect(vector).toHaveLength(384);
    expect(Math.hypot(...vector!)).toBeCloseTo(1, 10);
  });

  it('is deterministic across instances', async () => {
    const text = 'Déjà vu: the same words, the same vector.';
    const [a] = await sut.embed([text]);
    const [b] = await new LocalEmbedder(384).embed([text]);
    expect(a).toEqual(b);
  });

  it('gives text without any word a valid unit vector', async () => {
    const [vector] = await sut.embed(['!!! ??? ...']);
    expect(Math.hypot(...vector!)).toBeCloseTo(1, 10);
  });

  it('ranks texts that share words with the query above unrelated ones', async () => {
    const corpus = [
      'The user prefers dark roast coffee in the morning',
      'Paris is the capital of France',
      'Our quarterly revenue grew by twelve percent',
      'The cat sleeps on the warm windowsill',
      'Kubernetes schedules pods onto nodes',
      'Coffee beans from Ethiopia taste fruity',
    ];
    const vectors = await sut.embed(corpus);
    const rank = async (query: string) => {
      const [q] = await sut.embed([query]);
      return corpus
        .map((text, i) => ({ text, score: cosine(q!, vectors[i]!) }))
        .sort((a, b) => b.score - a.score)
        .map((r) => r.text);
    };

    const coffee = await rank('which coffee roast does the user like?');
    expect(coffee.slice(0, 2)).toEqual([corpus[0], corpus[5]]);
    expect((await rank('capital city of France'))[0]).toBe(corpus[1]);
    expect((await rank('pods scheduled by kubernetes'))[0]).toBe(corpus[4]);
  });

  it('scores word variants above unrelated words (character trigrams)', async () => {
    const [query, variant, unrelated] = await sut.embed(['scheduling', 'scheduler', 'banana']);
    expect(cosine(query!, variant!)).toBeGreaterThan(cosine(query!, unrelated!) + 0.2);
  });

  it('names its vector space', async () => {
    await expect(sut.space()).resolves.toEqual({ model: 'local-hashed-ngrams-v1', dimension: 384 });
  });
});
