import { inWindow, timeWindowsOf } from './time-window.js';

const REFERENCE = new Date('2023-09-20T18:00:00Z');
const window = (query: string) =>
  timeWindowsOf(query, REFERENCE).map(({ from, to }) => [
    new Date(from).toISOString().slice(0, 10),
    new Date(to).toISOString().slice(0, 10),
  ]);

describe('time windows in a query', () => {
  it('reads a month, a day, a year and a range', () => {
    expect(window('What home news did Priya share in April 2023?')).toEqual([
      ['2023-04-01', '2023-05-01'],
    ]);
    expect(window('what did she do in May')).toEqual([['2023-05-01', '2023-06-01']]);
    expect(window('Where was he on March 3rd?')).toEqual([['2023-03-03', '2023-03-04']]);
    expect(window('What did we plan in 2022?')).toEqual([['2022-01-01', '2023-01-01']]);
    expect(window('trips from May to July')).toEqual([['2023-05-01', '2023-08-01']]);
  });

  it('reads relative expressions against the reference date', () => {
    expect(window('What did Priya tell Tomas about last month?')).toEqual([
      ['2023-08-01', '2023-09-01'],
    ]);
    expect(window('what did Ben do last week?')).toEqual([['2023-09-10', '2023-09-17']]);
    expect(window('last year')).toEqual([['2022-01-01', '2023-01-01']]);
  });

  it('hands chrono every query a date can be written in, whole words only', () => {
    // The words before the unit make the date; the unit lets the query through.
    expect(window('what happened last night?')).toEqual([['2023-09-19', '2023-09-20']]);
    expect(window('two days ago')).toEqual([['2023-09-18', '2023-09-19']]);
    expect(window('this weekend')).toEqual([['2023-09-16', '2023-09-17']]);
    expect(window('Sept 3')).toEqual([['2023-09-03', '2023-09-04']]);
    expect(window('next Friday')).toEqual([['2023-09-22', '2023-09-23']]);
    // A word that only begins like a date word names none.
    expect(timeWindowsOf('Did my friend like the wedding market?', REFERENCE)).toEqual([]);
  });

  it('names no window where the query names no date, or only one relative to an event', () => {
    expect(timeWindowsOf('When did Priya go to Japan?', REFERENCE)).toEqual([]);
    expect(timeWindowsOf('two weeks before the wedding', REFERENCE)).toEqual([]);
  });

  it('tells whether a moment falls in a window', () => {
    const windows = timeWindowsOf('in May 2023', REFERENCE);
    expect(inWindow(Date.parse('2023-05-31T23:59:00Z'), windows)).toBe(true);
    expect(inWindow(Date.parse('2023-06-01T00:00:00Z'), windows)).toBe(false);
    expect(inWindow(Date.parse('2023-04-30T12:00:00Z'), [])).toBe(false);
  });
});
