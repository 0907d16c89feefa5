import { collectionNameFor } from './collection-name.js';

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
