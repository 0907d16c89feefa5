import fc from 'fast-check';
import { countTokens } from 'gpt-tokenizer';
import { fitToBudget, type Section } from './fit-to-budget.js';

const count = (text: string) => countTokens(text, { disallowedSpecial: new Set() });

const sections = (memories: string[], turns: string[] = []): Section[] => [
  { heading: 'Memories:', lines: memories },
  { heading: 'Session:', lines: turns, reversed: true },
];

describe('fitToBudget', () => {
  it('never counts more than the budget, for any budget from 1 to 32000 (property)', () => {
    // Text that joins badly on purpose too: lines of spaces, digits and scripts without spaces,
    // whose tokens could merge across the line breaks.
    const line = fc.oneof(
      fc.string({ maxLength: 400 }),
      fc.string({ unit: 'grapheme', maxLength: 200 }),
      fc.constantFrom('   ', '12345', '日本語のテキスト', '- [x] a', '<|endoftext|>'),
    );
    fc.assert(
      fc.property(
        fc.array(line, { maxLength: 60 }),
        fc.array(line, { maxLength: 20 }),
        fc.integer({ min: 1, max: 32_000 }),
        (memories, turns, budget) => {
          const fitted = fitToBudget(sections(memories, turns), budget, count);
          expect(fitted.tokens).toBeLessThanOrEqual(budget);
          expect(fitted.tokens).toBe(count(fitted.text));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('takes lines in order, passing over one that does not fit for a shorter one after it', () => {
    const long = 'word '.repeat(50).trim();
    const fitted = fitToBudget(sections(['first fact', long, 'third fact']), 20, count);
    expect(fitted.text).toBe('Memories:\nfirst fact\nthird fact');
    expect(fitted.kept[0]!.map((k) => k.index)).toEqual([0, 2]);
  });

  it('keeps a section within its cap and leaves the rest to the next', () => {
    const fitted = fitToBudget(
      [
        { heading: 'Session:', lines: ['user: one two three', 'user: four five six'], cap: 10 },
        { heading: 'Memories:', lines: ['fact one', 'fact two', 'fact three'] },
      ],
      30,
      count,
    );
    expect(fitted.kept.map((k) => k.length)).toEqual([1, 3]);
    expect(fitted.tokens).toBeLessThanOrEqual(30);
  });

  it('keeps the newest turns and shows them oldest first, after the memories', () => {
    const fitted = fitToBudget(
      sections(['a fact'], ['user: newest', 'assistant: older', 'user: oldest']),
      1000,
      count,
    );
    expect(fitted.text).toBe(
      'Memories:\na fact\n\nSession:\nuser: oldest\nassistant: older\nuser: newest',
    );
  });

  it('gives an empty text when not even a heading fits', () => {
    expect(fitToBudget(sections(['a fact']), 1, count)).toEqual({
      text: '',
      tokens: 0,
      kept: [[], []],
    });
  });
});
