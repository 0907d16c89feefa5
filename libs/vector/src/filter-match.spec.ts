import { matchesFilter } from './filter-match.js';

describe('matchesFilter (Chroma where semantics)', () => {
  const metadata = { type: 'fact', 'tag:geo': true, 'meta:n': 3, createdAt: 1000 };

  it('matches equality by value and type; a missing key passes only $ne and $nin', () => {
    expect(matchesFilter(metadata, { type: { $eq: 'fact' } })).toBe(true);
    expect(matchesFilter(metadata, { type: 'fact' })).toBe(true);
    expect(matchesFilter(metadata, { 'meta:n': { $eq: '3' } })).toBe(false);
    expect(matchesFilter(metadata, { 'tag:other': { $eq: true } })).toBe(false);
    expect(matchesFilter(metadata, { 'tag:other': { $ne: true } })).toBe(true);
    expect(matchesFilter(metadata, { status: { $nin: ['superseded'] } })).toBe(true);
    expect(matchesFilter(metadata, { status: { $gt: 0 } })).toBe(false);
    expect(matchesFilter(metadata, undefined)).toBe(true);
  });

  it('orders numbers only, and combines with $and, $or, $in', () => {
    expect(matchesFilter(metadata, { createdAt: { $gt: 999 } })).toBe(true);
    expect(matchesFilter(metadata, { createdAt: { $lt: 1000 } })).toBe(false);
    expect(matchesFilter(metadata, { type: { $gt: 0 } })).toBe(false);
    expect(
      matchesFilter(metadata, { $and: [{ type: { $eq: 'fact' } }, { createdAt: { $gte: 1000 } }] }),
    ).toBe(true);
    expect(matchesFilter(metadata, { $or: [{ type: 'x' }, { 'tag:geo': true }] })).toBe(true);
    expect(matchesFilter(metadata, { type: { $in: ['a', 'fact'] } })).toBe(true);
    expect(matchesFilter(metadata, { type: { $nin: ['fact'] } })).toBe(false);
  });
});
