import { partsOf } from './query-decomposer.js';

describe('partsOf (a chat model answer to a decomposition request)', () => {
  const question = 'What did Priya buy after Tomas moved?';

  it('takes short distinct questions other than the question itself, at most three', () => {
    expect(
      partsOf(
        JSON.stringify({
          questions: ['What did Priya buy?', 'when did tomas move?', 'When did Tomas move?'],
        }),
        question,
      ),
    ).toEqual(['What did Priya buy?', 'when did tomas move?']);
    expect(partsOf(JSON.stringify({ questions: ['a?', 'b?', 'c?', 'd?'] }), question)).toEqual([
      'a?',
      'b?',
      'c?',
    ]);
  });

  it('counts anything else as no split', () => {
    expect(partsOf('not json', question)).toEqual([]);
    expect(partsOf('{}', question)).toEqual([]);
    expect(partsOf(JSON.stringify({ questions: 'one' }), question)).toEqual([]);
    expect(
      partsOf(JSON.stringify({ questions: [question, ' ', 7, 'x'.repeat(301)] }), question),
    ).toEqual([]);
  });
});
