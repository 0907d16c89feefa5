import { timeWindowsOf } from '../signals/time-window.js';
import { signalBoost, signalParts, withinOne } from './signals.js';

const REFERENCE = Date.parse('2023-09-20T18:00:00Z');
const WEIGHTS = { time: 0.15, recency: 0.02, people: 0.05, answerKind: 0.05, statement: 0.05 };

describe('ranking signals', () => {
  const query = {
    windows: timeWindowsOf('What did Priya share in May 2023?', new Date(REFERENCE)),
    reference: REFERENCE,
    people: ['priya'],
  };

  it('a date window lifts the memory said in the month the query names', () => {
    const may = signalParts({ at: Date.parse('2023-05-14T17:00:00Z'), text: 'x' }, query, WEIGHTS);
    const june = signalParts({ at: Date.parse('2023-06-02T17:00:00Z'), text: 'x' }, query, WEIGHTS);
    expect(may.time).toBe(0.15);
    expect(june.time).toBeUndefined();
    expect(signalBoost(may)).toBeGreaterThan(signalBoost(june));
  });

  it('recency is a weak prior: at most its weight, halving every 90 days back', () => {
    const now = signalParts({ at: REFERENCE, text: 'x' }, query, WEIGHTS);
    const older = signalParts({ at: REFERENCE - 90 * 86_400_000, text: 'x' }, query, WEIGHTS);
    expect(now.recency).toBeCloseTo(0.02);
    expect(older.recency).toBeCloseTo(0.01);
    // After the reference date: no prior.
    expect(signalParts({ at: REFERENCE + 1, text: 'x' }, query, WEIGHTS).recency).toBeUndefined();
  });

  it('people boost what a named person said or is named in, and nothing is left out', () => {
    const hers = signalParts({ at: 0, text: 'got the keys', speaker: 'Priya' }, query, WEIGHTS);
    const his = signalParts({ at: 0, text: 'Tomas: bought a house' }, query, WEIGHTS);
    expect(hers.people).toBe(0.05);
    expect(his.people).toBeUndefined();
    const off = signalParts({ at: 0, text: 'Priya' }, query, {
      time: 0,
      recency: 0,
      people: 0,
      answerKind: 0,
      statement: 0,
    });
    expect(off).toEqual({});
  });

  it('the kind of answer asked for lifts a message holding one; a statement outranks a question', () => {
    const when = { ...query, answerKind: 'time' as const };
    const said = signalParts(
      { at: 0, text: 'Tomas: landed on Saturday', relevance: 0.6 },
      when,
      WEIGHTS,
    );
    const asked = signalParts(
      { at: 0, text: 'Priya: when did you land?', relevance: 0.8 },
      when,
      WEIGHTS,
    );
    // Shares of the memory's own relevance.
    expect(said.answerKind).toBeCloseTo(0.03);
    expect(said.statement).toBeCloseTo(0.03);
    expect(asked.answerKind).toBeUndefined();
    expect(asked.statement).toBeUndefined();
    // A question that asks for no kind of answer adds nothing for it.
    const unasked = signalParts(
      { at: 0, text: 'at 3 on Saturday', relevance: 0.5 },
      query,
      WEIGHTS,
    );
    expect(unasked.answerKind).toBeUndefined();
    expect(unasked.statement).toBeCloseTo(0.025);
  });

  it('weights that add up to more than 1 are scaled down together: scores stay in [0, 1]', () => {
    const heavy = { time: 0.6, recency: 0.2, people: 0.4, answerKind: 0.4, statement: 0.4 };
    const { weights, share } = withinOne(heavy);
    expect(share).toBe(0);
    expect(weights.time / weights.people).toBeCloseTo(1.5);
    const at = Date.parse('2023-05-14T17:00:00Z');
    const best = signalParts(
      { at, text: 'Priya: 3 days in May', relevance: 1 },
      { ...query, reference: at, answerKind: 'quantity' },
      weights,
    );
    expect(share * 1 + signalBoost(best)).toBeCloseTo(1);
    // Under 1 they stand as they are.
    expect(withinOne(WEIGHTS).weights).toEqual(WEIGHTS);
    expect(withinOne(WEIGHTS).share).toBeCloseTo(0.68);
  });
});
