import { readChatRequest, textOf, withMemoryMessage } from './chat-request.js';

describe('withMemoryMessage', () => {
  it("adds the one system message after the caller's leading system and developer messages", () => {
    const messages = [
      { role: 'system', content: 'a' },
      { role: 'developer', content: 'b' },
      { role: 'user', content: 'c' },
      { role: 'system', content: 'd' },
    ];
    expect(withMemoryMessage(messages, 'M').map((m) => m.content)).toEqual([
      'a',
      'b',
      'M',
      'c',
      'd',
    ]);
    expect(withMemoryMessage([{ role: 'user', content: 'c' }], 'M')[0]).toEqual({
      role: 'system',
      content: 'M',
    });
  });
});

describe('readChatRequest', () => {
  it('takes any fields beside model and messages as they are', () => {
    const body = { model: 'm', messages: [{ role: 'user', content: 'x' }], n: 2, stream: true };
    expect(readChatRequest(body)).toEqual({ body, stream: true });
  });

  it.each([
    [null, /JSON object/],
    [[], /JSON object/],
    [{ messages: [{ role: 'user' }] }, /model/],
    [{ model: 'm', messages: [] }, /non-empty/],
    [{ model: 'm', messages: [{ content: 'x' }] }, /messages\[0\]/],
    [{ model: 'm', messages: [{ role: 'user' }], stream: 1 }, /stream/],
  ])('refuses %j', (body, message) => {
    expect(() => readChatRequest(body)).toThrow(message);
  });
});

describe('textOf', () => {
  it('reads string content and the text parts of a list', () => {
    expect(textOf({ role: 'user', content: 'hi' })).toBe('hi');
    expect(
      textOf({
        role: 'user',
        content: [
          { type: 'text', text: 'look' },
          { type: 'image_url', image_url: { url: 'x' } },
          { type: 'text', text: 'here' },
        ],
      }),
    ).toBe('look\nhere');
    expect(textOf({ role: 'assistant', content: null })).toBe('');
  });
});
