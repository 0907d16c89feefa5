import { matchesFilter } from '@memory-system/vector';
import { toVectorFilter } from './memory-filter.js';
import { toRecordMetadata } from './memory-record.mapper.js';
import { sampleMemory } from './memory.fixture.js';

/** The stored metadata of a memory created at `createdAt` that occurred at `occurredAt`. */
const stored = (createdAt: string, occurredAt = createdAt) =>
  toRecordMetadata({ ...sampleMemory, createdAt, updatedAt: createdAt, occurredAt });

describe('toVectorFilter: an occurredAt window', () => {
  const may = toVectorFilter({
    occurredAfter: '2023-05-01T00:00:00Z',
    occurredBefore: '2023-06-01T00:00:00Z',
  });

  it('keeps [occurredAfter, occurredBefore): the start in, the end out', () => {
    const today = '2026-12-03T00:00:00.000Z';
    expect(matchesFilter(stored(today, '2023-05-01T00:00:00.000Z'), may)).toBe(true);
    expect(matchesFilter(stored(today, '2023-05-31T23:59:59.999Z'), may)).toBe(true);
    expect(matchesFilter(stored(today, '2023-06-01T00:00:00.000Z'), may)).toBe(false);
    expect(matchesFilter(stored(today, '2023-04-30T23:59:59.999Z'), may)).toBe(false);
  });

  it('judges a memory without its own occurredAt by createdAt, and one with it never by createdAt', () => {
    expect(matchesFilter(stored('2023-05-10T00:00:00.000Z'), may)).toBe(true);
    expect(matchesFilter(stored('2023-07-10T00:00:00.000Z'), may)).toBe(false);
    // Created in May, said in April: out.
    expect(matchesFilter(stored('2023-05-10T00:00:00.000Z', '2023-04-10T00:00:00.000Z'), may)).toBe(
      false,
    );
  });

  it('takes an open end, and adds nothing without a window', () => {
    const after = toVectorFilter({ occurredAfter: '2023-05-01T00:00:00Z' });
    expect(matchesFilter(stored('2026-12-03T00:00:00.000Z'), after)).toBe(true);
    expect(
      matchesFilter(stored('2026-12-03T00:00:00.000Z', '2023-01-01T00:00:00.000Z'), after),
    ).toBe(false);
    expect(toVectorFilter({}, { includeSuperseded: true })).toBeUndefined();
  });
});
