import { answerKindAsked, holdsAnswerKind, tells } from './answer-kind.js';

describe('the kind of answer a question asks for', () => {
  it('reads it from the first words: a time, a quantity, or nothing said', () => {
    expect(answerKindAsked('When did Jonas fly to Lisbon?')).toBe('time');
    expect(answerKindAsked('What day is the wedding?')).toBe('time');
    expect(answerKindAsked('How much rent does Jonas pay?')).toBe('quantity');
    expect(answerKindAsked('how many lengths did Harriet swim')).toBe('quantity');
    expect(answerKindAsked('What was the entry fee?')).toBeUndefined();
    expect(answerKindAsked('What did Maya say when she landed?')).toBeUndefined();
    expect(answerKindAsked('Who adopted Biscuit?')).toBeUndefined();
  });

  it('finds a time or an amount in a message, not in any message', () => {
    expect(holdsAnswerKind('Jonas: Landed Saturday evening, 21 degrees', 'time')).toBe(true);
    expect(holdsAnswerKind('Lena: The 13th, like I said', 'time')).toBe(true);
    expect(holdsAnswerKind('Maya: I start on the 1st of May', 'time')).toBe(true);
    expect(holdsAnswerKind('Grace: three weeks in the end', 'time')).toBe(true);
    expect(holdsAnswerKind('Maya: you may be right about the job', 'time')).toBe(false);
    expect(holdsAnswerKind('Maya: THE LISBON JOB??', 'time')).toBe(false);
    expect(holdsAnswerKind('Jonas: €950 including bills', 'quantity')).toBe(true);
    expect(holdsAnswerKind('Harriet: ten lengths nonstop!', 'quantity')).toBe(true);
    expect(holdsAnswerKind('Kwame: rent is a nightmare here', 'quantity')).toBe(false);
  });

  it('tells a statement from a question, whatever emoji follow the question mark', () => {
    expect(tells('Tobi: Bass. And I sing backing vocals')).toBe(true);
    expect(tells('Grace: What do you play again?')).toBe(false);
    expect(tells('Lena: And you are at...? 😅 ')).toBe(false);
    expect(tells('Maya: Did it?! No way. It was amazing though')).toBe(true);
    expect(tells('')).toBe(true);
    // Digits are emoji parts to Unicode; here they are the answer.
    expect(tells('Kwame: How many? 3')).toBe(true);
    expect(tells('Lena: you ok? 👍🏽')).toBe(false);
  });

  it('reads a long run of question marks and punctuation (a backtracking pattern stalls here)', () => {
    const run = '?!'.repeat(200_000);
    expect(tells(`${run}x`)).toBe(true);
    expect(tells(run)).toBe(false);
    expect(tells('!'.repeat(400_000))).toBe(true);
    expect(tells(`Lena: really?? 🙃${' '.repeat(100_000)}`)).toBe(false);
  });
});
