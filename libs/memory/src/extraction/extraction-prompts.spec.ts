import { decideUserPrompt } from './extraction-prompts.js';

const memory = (content: string) => ({ content, type: 'fact', updatedAt: '2026-01-01T00:00:00Z' });
const candidates = [{ content: 'The user lives in Lisbon', type: 'fact' }];

describe('the decide prompt', () => {
  it('shows every memory when they fit', () => {
    const decide = decideUserPrompt(candidates, [memory('a'), memory('b')], 10_000)!;
    expect(decide.shown).toBe(2);
    const shown = JSON.parse(decide.prompt.split('Existing memories (JSON):\n')[1]!) as unknown[];
    expect(shown).toHaveLength(2);
  });

  it('is at most maxChars as sent, leaving out the farthest memories (JSON escaping counted)', () => {
    // 1,000 characters each, 2,000 once escaped
    const existing = [memory('"'.repeat(1000)), memory('"'.repeat(1000)), memory('x')];
    const decide = decideUserPrompt(candidates, existing, 3_000)!;
    expect(decide.prompt.length).toBeLessThanOrEqual(3_000);
    expect(decide.shown).toBe(1);
    const shown = JSON.parse(decide.prompt.split('Existing memories (JSON):\n')[1]!) as Array<{
      memory: number;
    }>;
    expect(shown.map((m) => m.memory)).toEqual([1]);
  });

  it('is null when the candidates alone do not fit', () => {
    expect(decideUserPrompt(candidates, [], 50)).toBeNull();
  });
});
