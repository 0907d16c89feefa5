import { factsAnswer, readAnswer, withoutFence } from './extraction-answers.js';

describe('reading extraction answers', () => {
  it('takes JSON with or without a Markdown fence', () => {
    expect(withoutFence('```json\n{"facts": []}\n```')).toBe('{"facts": []}');
    expect(withoutFence('```\n{"facts": []}```')).toBe('{"facts": []}');
    expect(withoutFence('  {"facts": []}  ')).toBe('{"facts": []}');
    expect(readAnswer('```json {"facts": []} ```', factsAnswer(5))).toEqual({
      ok: true,
      value: { facts: [] },
    });
  });

  it('refuses an answer that is not JSON, saying so', () => {
    expect(readAnswer('{"facts": [] x', factsAnswer(5))).toEqual({
      ok: false,
      why: 'the answer is not JSON',
    });
  });
});
