import type { Memory } from './memory.js';
import { toMemory, toRecordMetadata, TOMBSTONE } from './memory-record.mapper.js';

const memory: Memory = {
  id: '6f1c1c49-7a51-4a7a-9a0e-0d6f5b0f8f11',
  content: 'The user prefers tea',
  type: 'preference',
  metadata: { source: 'chat', confidence: 0.9, pinned: true },
  tags: ['drinks', 'morning'],
  sessionId: null,
  contentHash: 'abc',
  createdAt: '2026-01-02T03:04:05.006Z',
  updatedAt: '2026-01-02T03:04:05.006Z',
  embeddingModel: 'local',
  status: 'current',
  supersededBy: null,
  expiresAt: null,
  pinned: false,
};

describe('memory record mapping', () => {
  it('round-trips a memory through flat metadata', () => {
    const record = {
      id: memory.id,
      document: memory.content,
      metadata: toRecordMetadata(memory, 'u1'),
    };
    expect(toMemory(record)).toEqual(memory);
    expect(record.metadata.userId).toBe('u1');
  });

  it('neutralises dropped tags and metadata keys, since Chroma merges metadata', () => {
    const before = toRecordMetadata(memory, 'u1');
    const after = toRecordMetadata(
      { ...memory, tags: ['drinks'], metadata: { source: 'chat' } },
      'u1',
      before,
    );
    expect(after['tag:morning']).toBe(false);
    expect(after['meta:confidence']).toBe(TOMBSTONE);
    const merged = { ...before, ...after };
    const read = toMemory({ id: memory.id, document: memory.content, metadata: merged });
    expect(read.tags).toEqual(['drinks']);
    expect(read.metadata).toEqual({ source: 'chat' });
  });

  it('round-trips lifecycle fields, and clearing them reads back as none', () => {
    const superseded: Memory = {
      ...memory,
      status: 'superseded',
      supersededBy: '0d6f5b0f-7a51-4a7a-9a0e-6f1c1c498f11',
      expiresAt: '2027-01-01T00:00:00.000Z',
      pinned: true,
    };
    const before = toRecordMetadata(superseded, 'u1');
    expect(toMemory({ id: memory.id, document: memory.content, metadata: before })).toEqual(
      superseded,
    );
    const merged = { ...before, ...toRecordMetadata(memory, 'u1', before) };
    expect(toMemory({ id: memory.id, document: memory.content, metadata: merged })).toEqual(memory);
  });

  it('writes lifecycle fields only when not the default, or to overwrite an earlier value', () => {
    const plain = toRecordMetadata(memory, 'u1');
    for (const key of ['status', 'supersededBy', 'expiresAt', 'pinned']) {
      expect(plain).not.toHaveProperty(key);
    }
    // A record without them (a new one, or one stored before they existed) reads as the default.
    expect(toMemory({ id: memory.id, document: memory.content, metadata: plain })).toEqual(memory);
    const pinnedOnly = toRecordMetadata({ ...memory, pinned: true }, 'u1');
    expect(pinnedOnly.pinned).toBe(true);
    expect(pinnedOnly).not.toHaveProperty('status');
  });
});
