import { LocalEmbedder } from './local.embedder.js';
import {
  LOCAL_MODEL_ID,
  LOCAL_MODEL_V1,
  LOCAL_MODEL_V2,
  LOCAL_MODEL_V3,
  type LocalModel,
} from './local-vectors.js';

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
  [LOCAL_MODEL_V3, 384],
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

/** The first non-zero components of a vector, as [index, value] pairs. */
const leading = (vector: number[], n: number) =>
  vector.flatMap((v, i) => (v === 0 ? [] : [[i, v]])).slice(0, n);

describe('LocalEmbedder v2', () => {
  const sut = new LocalEmbedder(1024, LOCAL_MODEL_V2);

  it('still writes exactly the vectors stored by earlier releases', () => {
    const vector = new LocalEmbedder(384, LOCAL_MODEL_V2).vectorFor(
      'Caroline: Cool! What did it look like?',
    );
    expect(leading(vector, 3)).toEqual([
      [23, 0.24934626454233635],
      [38, -0.14555302817677448],
      [50, -0.11309283536947622],
    ]);
  });

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

describe('LocalEmbedder v3 (the default)', () => {
  const sut = new LocalEmbedder(384, LOCAL_MODEL_V3);

  it('is the default local model', () => {
    expect(LOCAL_MODEL_ID).toBe(LOCAL_MODEL_V3);
  });

  it('writes the same vectors in every release (vectors on disk depend on it)', () => {
    const vector = sut.vectorFor('Caroline: Cool! What did it look like?');
    const [first, second] = leading(vector, 2);
    expect(first![0]).toBe(22);
    expect(first![1]).toBeCloseTo(-0.053617160470290096, 12);
    expect(second![0]).toBe(37);
    expect(second![1]).toBeCloseTo(0.06900649402939199, 12);
    expect(vector[284]).toBeCloseTo(-0.10403760608909948, 12);
  });

  it('meets related words that share no letters (the word-vector part)', async () => {
    const corpus = [
      'Caroline: I finally signed up for pottery classes, my first bowl was a disaster',
      'Caroline: We went camping at the lake last weekend',
      'Caroline: I got promoted at work today!',
      'Caroline: Cool! What did it look like?',
    ];
    expect((await ranked(sut, corpus, 'Which craft involving clay is Caroline learning?'))[0]).toBe(
      corpus[0],
    );
    const [dog, greyhound, invoice] = await sut.embed(['dog', 'greyhound', 'invoice']);
    expect(cosine(dog!, greyhound!)).toBeGreaterThan(cosine(dog!, invoice!) + 0.2);
    // v2 sees nothing in common between them.
    const [dog2, greyhound2] = await new LocalEmbedder(1024, LOCAL_MODEL_V2).embed([
      'dog',
      'greyhound',
    ]);
    expect(Math.abs(cosine(dog2!, greyhound2!))).toBeLessThan(0.1);
  });

  it('still ranks an exact rare word first (the hashed part)', async () => {
    const corpus = ['We adopted a greyhound named Biscuit', 'We adopted a dog named Rex'];
    expect((await ranked(sut, corpus, 'Biscuit'))[0]).toBe(corpus[0]);
  });

  it('refuses a dimension too small for its two parts', () => {
    expect(() => new LocalEmbedder(200, LOCAL_MODEL_V3)).toThrow(/at least 228 dimensions/);
    expect(() => new LocalEmbedder(200, LOCAL_MODEL_V2)).not.toThrow();
  });
});
