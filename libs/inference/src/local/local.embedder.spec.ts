import {
  LOCAL_MODEL_V1,
  LOCAL_MODEL_V2,
  LocalEmbedder,
  type LocalModel,
} from './local.embedder.js';

function cosine(a: number[], b: number[]): number {
  return a.reduce((sum, value, i) => sum + value * b[i]!, 0);
}

async function ranked(sut: LocalEmbedder, corpus: string[], query: string): Promise<string[]> {
  const vectors = await sut.embed(corpus);
  const [q] = await sut.embed([query]);
  return corpus
    .map((text, i) => ({ text, score: cosine(q!, vectors[i]!) }))
    .sort((a, b) => b.score - a.score)
    .map((r) => r.text);
}

describe.each<[LocalModel, number]>([
  [LOCAL_MODEL_V1, 384],
  [LOCAL_MODEL_V2, 1024],
])('LocalEmbedder %s', (model, dimension) => {
  const sut = new LocalEmbedder(dimension, model);

  it('produces unit vectors of the configured dimension', async () => {
    const [vector] = await sut.embed(['The quick brown fox jumps over the lazy dog']);
    expect(vector).toHaveLength(dimension);
    expect(Math.hypot(...vector!)).toBeCloseTo(1, 10);
  });

  it('is deterministic across instances', async () => {
    const text = 'Déjà vu: the same words, the same vector.';
    const [a] = await sut.embed([text]);
    const [b] = await new LocalEmbedder(dimension, model).embed([text]);
    expect(a).toEqual(b);
  });

  it('gives text without any word a valid unit vector', async () => {
    for (const text of ['!!! ??? ...', 'what did']) {
      const [vector] = await sut.embed([text]);
      expect(Math.hypot(...vector!)).toBeCloseTo(1, 10);
    }
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
    const coffee = await ranked(sut, corpus, 'which coffee roast does the user like?');
    expect(coffee.slice(0, 2)).toEqual([corpus[0], corpus[5]]);
    expect((await ranked(sut, corpus, 'capital city of France'))[0]).toBe(corpus[1]);
    expect((await ranked(sut, corpus, 'pods scheduled by kubernetes'))[0]).toBe(corpus[4]);
  });

  it('scores word variants above unrelated words (character n-grams)', async () => {
    const [query, variant, unrelated] = await sut.embed(['scheduling', 'scheduler', 'banana']);
    expect(cosine(query!, variant!)).toBeGreaterThan(cosine(query!, unrelated!) + 0.2);
  });

  it('names its vector space', async () => {
    await expect(sut.space()).resolves.toEqual({ model, dimension });
  });
});

describe('LocalEmbedder v1', () => {
  it('still writes exactly the vectors stored by earlier releases', () => {
    const vector = new LocalEmbedder(384, LOCAL_MODEL_V1).vectorFor(
      'Caroline: Cool! What did it look like?',
    );
    const first = vector.flatMap((v, i) => (v === 0 ? [] : [[i, v]])).slice(0, 3);
    expect(first).toEqual([
      [17, -0.21569114013466015],
      [30, -0.21569114013466015],
      [38, 0.10784557006733007],
    ]);
  });
});

describe('LocalEmbedder v2', () => {
  const sut = new LocalEmbedder(1024, LOCAL_MODEL_V2);

  it('weighs rare words above a speaker label and question words', async () => {
    const corpus = [
      'Caroline: Cool! What did it look like?',
      'Caroline: What did you do this weekend?',
      "Caroline: I've been researching adoption agencies lately",
      'Melanie: We went camping at the lake',
    ];
    expect((await ranked(sut, corpus, 'What did Caroline research?'))[0]).toBe(corpus[2]);
  });

  it('meets other forms of a word through its stem', async () => {
    const [query, stemmed, other] = await sut.embed([
      'adopting a child',
      'adoption of children',
      'a cat on a mat',
    ]);
    expect(cosine(query!, stemmed!)).toBeGreaterThan(cosine(query!, other!) + 0.2);
  });

  it('lives in a space of its own: a v1 vector of the same text differs', async () => {
    const text = 'The same text in two spaces';
    const [v2] = await sut.embed([text]);
    const [v1] = await new LocalEmbedder(1024, LOCAL_MODEL_V1).embed([text]);
    expect(v2).not.toEqual(v1);
  });
});
