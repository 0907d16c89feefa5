import {
  collectionNameFor,
  homeHashOf,
  SUBJECT_HOMES,
  subjectHomeHashesOf,
  userHashOf,
} from './collection-name.js';

const CHROMA_NAME = /^[a-z0-9][a-z0-9._-]{1,510}[a-z0-9]$/;

describe('collectionNameFor', () => {
  const scope = { userId: 'alice', model: 'BAAI/bge-small-en-v1.5', dimension: 384 };

  it('is a valid Chroma name that carries the model and dimension', () => {
    const name = collectionNameFor(scope);
    expect(name).toMatch(CHROMA_NAME);
    expect(name).not.toContain('..');
    expect(name).toMatch(/^mem-[0-9a-f]{20}-baai-bge-small-en-v1.5-[0-9a-f]{6}-384$/);
  });

  it('does not reveal the user id', () => {
    expect(collectionNameFor({ ...scope, userId: 'bob@example.com' })).not.toContain('bob');
  });

  it('separates users, models and dimensions', () => {
    const names = new Set([
      collectionNameFor(scope),
      collectionNameFor({ ...scope, userId: 'bob' }),
      collectionNameFor({ ...scope, model: 'BAAI/bge-small-en-v1-5' }),
      collectionNameFor({ ...scope, dimension: 768 }),
    ]);
    expect(names.size).toBe(4);
  });

  it.each(['..weird..model..', '___', 'Ünïcödé/模型', 'a'.repeat(600)])(
    'stays valid for model %j',
    (model) => {
      expect(collectionNameFor({ ...scope, model })).toMatch(CHROMA_NAME);
    },
  );
});

describe('homeHashOf: where a memory space lives', () => {
  it("is a user's own hash for an account", () => {
    expect(homeHashOf('alice')).toBe(userHashOf('alice'));
  });

  it("puts a subject in one of its account's homes, never its own or another account's", () => {
    const home = homeHashOf('alice/user-1');
    expect(subjectHomeHashesOf('alice')).toContain(home);
    expect(home).not.toBe(userHashOf('alice/user-1'));
    expect(home).not.toBe(userHashOf('alice'));
    // The same id under another account is another person, in that account's homes.
    expect(subjectHomeHashesOf('bob')).toContain(homeHashOf('bob/user-1'));
    expect(subjectHomeHashesOf('alice')).not.toContain(homeHashOf('bob/user-1'));
  });

  it('spreads 10,000 subjects over all homes, about evenly', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 10_000; i++) {
      const home = homeHashOf(`alice/s-${i}`);
      counts.set(home, (counts.get(home) ?? 0) + 1);
    }
    expect(counts.size).toBe(SUBJECT_HOMES);
    expect(Math.max(...counts.values())).toBeLessThan(2 * (10_000 / SUBJECT_HOMES));
  });
});
