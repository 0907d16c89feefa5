import { MemoryLimits } from '../domain/memory-limits.js';
import { conversationQuery } from './conversation-query.js';

describe('conversationQuery', () => {
  it('puts the latest user turn first, then the turns before it, newest first', () => {
    const query = conversationQuery([
      { role: 'system', content: 'You are helpful.' },
      { role: 'user', content: 'I live in Lisbon.' },
      { role: 'assistant', content: 'Nice city.' },
      { role: 'user', content: 'What should I cook tonight?' },
    ]);
    expect(query).toBe('What should I cook tonight?\nNice city.\nI live in Lisbon.');
  });

  it('reads only the newest messages of a very long conversation, within a query length', () => {
    const messages = Array.from({ length: 10_000 }, (_, i) => ({
      role: i % 2 ? 'assistant' : 'user',
      content: `turn ${i} ${'x'.repeat(5000)}`,
    }));
    const query = conversationQuery(messages);
    expect(query.length).toBeLessThanOrEqual(MemoryLimits.queryMaxChars);
    expect(query.startsWith('turn 9998 ')).toBe(true);
    expect(query).not.toContain('turn 9993 ');
  });

  it('is empty when the conversation holds no text', () => {
    expect(conversationQuery([{ role: 'user', content: '   ' }])).toBe('');
  });
});
