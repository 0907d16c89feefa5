import { neighbourField, threadPositionOf } from './conversation-thread.js';

describe('conversation thread', () => {
  it('places a memory by conversationId and occurredAt, falling back to createdAt', () => {
    expect(threadPositionOf({ conversationId: 'c1', occurredAt: 5, createdAt: 9 })).toEqual({
      thread: 'c1',
      at: 5,
    });
    expect(threadPositionOf({ conversationId: 'c1', createdAt: 9 })).toEqual({
      thread: 'c1',
      at: 9,
    });
    // Taken out of its conversation (the key is kept, emptied): in none.
    expect(threadPositionOf({ conversationId: '', createdAt: 9 })).toBeUndefined();
    expect(threadPositionOf({ createdAt: 9 })).toBeUndefined();
  });

  it('lends a message the words of the turns around it, never its own', () => {
    const bodies = ['pottery class signed', 'yes started last week', 'first bowl disaster', 'nice'];
    expect(neighbourField(bodies, 1, { before: 1, after: 1 })).toBe(
      'pottery class signed first bowl disaster',
    );
    expect(neighbourField(bodies, 0, { before: 2, after: 1 })).toBe('yes started last week');
    expect(neighbourField(bodies, 3, { before: 2, after: 1 })).toBe(
      'yes started last week first bowl disaster',
    );
  });
});
