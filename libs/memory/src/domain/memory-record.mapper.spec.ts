import type { Memory } from './memory.js';
import { sampleMemory } from './memory.fixture.js';
import {
  toMemory,
  toRecordMetadata,
  TOMBSTONE,
  withoutImpliedKeys,
} from './memory-record.mapper.js';

const memory = sampleMemory;

describe('memory record mapping', () => {
  it('round-trips a memory through flat metadata', () => {
    const record = {
      id: memory.id,
      document: memory.content,
      metadata: toRecordMetadata(memory),
    };
    expect(toMemory(record, 'local')).toEqual(memory);
  });

  it('neutralises dropped tags and metadata keys, since Chroma merges metadata', () => {
    const before = toRecordMetadata(memory);
    const after = toRecordMetadata(
      { ...memory, tags: ['drinks'], metadata: { source: 'chat' } },
      before,
    );
    expect(after['tag:morning']).toBe(false);
    expect(after['meta:confidence']).toBe(TOMBSTONE);
    const merged = { ...before, ...after };
    const read = toMemory({ id: memory.id, document: memory.content, metadata: merged }, 'local');
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
    const before = toRecordMetadata(superseded);
    expect(
      toMemory({ id: memory.id, document: memory.content, metadata: before }, 'local'),
    ).toEqual(superseded);
    const merged = { ...before, ...toRecordMetadata(memory, before) };
    expect(
      toMemory({ id: memory.id, document: memory.content, metadata: merged }, 'local'),
    ).toEqual(memory);
  });

  it('writes lifecycle fields only when not the default, or to overwrite an earlier value', () => {
    const plain = toRecordMetadata(memory);
    for (const key of ['status', 'supersededBy', 'expiresAt', 'pinned']) {
      expect(plain).not.toHaveProperty(key);
    }
    // A record without them (a new one, or one stored before they existed) reads as the default.
    expect(toMemory({ id: memory.id, document: memory.content, metadata: plain }, 'local')).toEqual(
      memory,
    );
    const pinnedOnly = toRecordMetadata({ ...memory, pinned: true });
    expect(pinnedOnly.pinned).toBe(true);
    expect(pinnedOnly).not.toHaveProperty('status');
  });

  it('writes nothing the collection names, and updatedAt only once it differs', () => {
    const fresh = toRecordMetadata(memory);
    expect(Object.keys(fresh).filter((key) => !key.includes(':'))).toEqual([
      'type',
      'contentHash',
      'createdAt',
    ]);
    const changed = { ...memory, updatedAt: '2026-03-04T05:06:07.008Z' };
    const written = { ...fresh, ...toRecordMetadata(changed, fresh) };
    expect(written.updatedAt).toBe(Date.parse(changed.updatedAt));
    expect(
      toMemory({ id: memory.id, document: memory.content, metadata: written }, 'local'),
    ).toEqual(changed);
  });

  it('reads a record stored with the keys its collection now names as before', () => {
    const older = {
      ...toRecordMetadata(memory),
      userId: 'u1',
      embeddingModel: 'local',
      updatedAt: Date.parse(memory.updatedAt),
    };
    expect(toMemory({ id: memory.id, document: memory.content, metadata: older }, 'local')).toEqual(
      memory,
    );
    expect(withoutImpliedKeys(older)).toEqual({
      ...toRecordMetadata(memory),
      updatedAt: Date.parse(memory.updatedAt),
    });
  });

  it('writes conversation fields only when set, and clearing them reads back as none', () => {
    const plain = toRecordMetadata(memory);
    expect(plain).not.toHaveProperty('conversationId');
    expect(plain).not.toHaveProperty('occurredAt');
    expect(plain).not.toHaveProperty('hasOccurredAt');
    const said: Memory = {
      ...memory,
      conversationId: 'chat-7',
      occurredAt: '2023-05-08T13:56:00.000Z',
    };
    const before = toRecordMetadata(said);
    expect(before).toMatchObject({
      conversationId: 'chat-7',
      occurredAt: Date.parse('2023-05-08T13:56:00.000Z'),
      hasOccurredAt: true,
    });
    expect(
      toMemory({ id: memory.id, document: memory.content, metadata: before }, 'local'),
    ).toEqual(said);
    const merged = { ...before, ...toRecordMetadata(memory, before) };
    expect(
      toMemory({ id: memory.id, document: memory.content, metadata: merged }, 'local'),
    ).toEqual(memory);
  });
});
