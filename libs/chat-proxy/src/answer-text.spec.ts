import { answerText } from './answer-text.js';

describe('answerText', () => {
  it('reads the message of a JSON answer', () => {
    const body = JSON.stringify({ choices: [{ message: { role: 'assistant', content: 'Hi!' } }] });
    expect(answerText(body, false)).toBe('Hi!');
  });

  it("joins a stream's content deltas of the first choice", () => {
    const event = (choices: object[]) => `data: ${JSON.stringify({ choices })}\n\n`;
    const body =
      event([{ index: 0, delta: { role: 'assistant', content: '' } }]) +
      event([{ index: 0, delta: { content: 'Hel' } }]) +
      event([{ index: 1, delta: { content: 'other choice' } }]) +
      event([{ index: 0, delta: { content: 'lo' } }]) +
      'data: [DONE]\n\n';
    expect(answerText(body, true)).toBe('Hello');
  });

  it('is undefined for tool calls only and for what it cannot read', () => {
    expect(answerText(JSON.stringify({ choices: [{ message: { content: null } }] }), false)).toBe(
      undefined,
    );
    expect(answerText('not json', false)).toBeUndefined();
    expect(answerText('data: {broken\n\n', true)).toBeUndefined();
  });
});
