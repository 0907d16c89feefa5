import type { Memory } from './memory.js';

/** A stored memory as the domain specs start from: current, lasting, not pinned. */
export const sampleMemory: Memory = {
  id: '6f1c1c49-7a51-4a7a-9a0e-0d6f5b0f8f11',
  content: 'The user prefers tea',
  type: 'preference',
  metadata: { source: 'chat', confidence: 0.9, pinned: true },
  tags: ['drinks', 'morning'],
  sessionId: null,
  conversationId: null,
  occurredAt: '2026-01-02T03:04:05.006Z',
  contentHash: 'abc',
  createdAt: '2026-01-02T03:04:05.006Z',
  updatedAt: '2026-01-02T03:04:05.006Z',
  embeddingModel: 'local',
  status: 'current',
  supersededBy: null,
  expiresAt: null,
  pinned: false,
};
