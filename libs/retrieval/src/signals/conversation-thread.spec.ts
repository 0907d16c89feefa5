import { asksQuestion, neighbourField, threadPositionOf } from './conversation-thread.js';

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

  it('counts the latest question among the turns before a message once more per repeat', () => {
    const bodies = [
      'did the kitten find a home',
      'yes',
      'mrs shaw a retired piano teacher',
      'nice',
    ];
    const asks = [true, false, false, false];
    const window = { before: 2, after: 0, answeredQuestion: 1 };
    expect(neighbourField(bodies, 1, window, asks)).toBe(
      'did the kitten find a home did the kitten find a home',
    );
    // Two back ("yes" between): the question still counts once more.
    expect(neighbourField(bodies, 2, window, asks)).toBe(
      'did the kitten find a home yes did the kitten find a home',
    );
    expect(neighbourField(bodies, 2, { ...window, answeredQuestion: 2 }, asks)).toBe(
      'did the kitten find a home yes did the kitten find a home did the kitten find a home',
    );
    // Three back is outside the window; after statements only, or with none before, nothing more.
    expect(neighbourField(bodies, 3, window, asks)).toBe('yes mrs shaw a retired piano teacher');
    expect(neighbourField(bodies, 1, window, [false, false, false, false])).toBe(
      'did the kitten find a home',
    );
    expect(neighbourField(bodies, 1, { ...window, before: 0 }, asks)).toBe('');
    // The latest question wins when two are in reach.
    expect(neighbourField(['why', 'how', 'so'], 2, window, [true, true, false])).toBe(
      'why how how',
    );
  });

  it('takes a turn holding a question mark anywhere as asking', () => {
    expect(asksQuestion('Do you play in the band?')).toBe(true);
    expect(asksQuestion('How was the interview? Tell me everything')).toBe(true);
    expect(asksQuestion('本当？')).toBe(true);
    expect(asksQuestion('Landed Saturday evening, it was 21 degrees')).toBe(false);
  });
});
