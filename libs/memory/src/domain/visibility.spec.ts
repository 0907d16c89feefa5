import type { Memory } from './memory.js';
import { sampleMemory } from './memory.fixture.js';
import { toMemory, toRecordMetadata } from './memory-record.mapper.js';
import { isRecordShown, isShown } from './visibility.js';

const base = sampleMemory;
const past = '2026-01-03T00:00:00.000Z';
const future = new Date(Date.now() + 86_400_000).toISOString();

describe('isRecordShown judges a stored record as isShown judges its memory', () => {
  const memories: Array<[string, Memory]> = [
    ['current', base],
    ['superseded', { ...base, status: 'superseded', supersededBy: base.id }],
    ['retracted', { ...base, status: 'retracted' }],
    ['expired', { ...base, expiresAt: past }],
    ['expiring later', { ...base, expiresAt: future }],
    ['expired but pinned', { ...base, expiresAt: past, pinned: true }],
    ['superseded and expired', { ...base, status: 'superseded', expiresAt: past }],
  ];

  it.each(memories)('%s', (_name, memory) => {
    const metadata = toRecordMetadata(memory);
    const record = { id: memory.id, document: memory.content, metadata };
    for (const includeSuperseded of [false, true]) {
      const expected = isShown(toMemory(record, 'local'), { includeSuperseded });
      expect(isRecordShown(metadata, { includeSuperseded })).toBe(expected);
    }
  });

  it('reads a record without a status, or with an unknown one, as current', () => {
    expect(isRecordShown({ type: 'note' })).toBe(true);
    expect(isRecordShown({ type: 'note', status: 'archived' })).toBe(true);
    expect(isRecordShown({ type: 'note', status: 'retracted' })).toBe(false);
  });
});
