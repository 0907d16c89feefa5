import * as chrono from 'chrono-node';

/** A span of time a query names, in ms since the epoch: [from, to). */
export interface TimeWindow {
  from: number;
  to: number;
  /** The words it was read from ("last May"). */
  text: string;
}

const DAY = 86_400_000;
/**
 * Digits, or a whole word no date is written without: a month, a weekday, a unit of time, a
 * named day or part of one. Relative words (last, this, ago, two, few) only make a date beside
 * one of these, so they need not be looked for: matching word beginnings ("fri" in "friend",
 * "wed" in "wedding", "this") handed most chat questions to chrono for nothing.
 */
const MAY_NAME_A_DATE =
  /\d|\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:days?)?|today|tonight|yesterday|tomorrow|now|noon|midnight|mornings?|afternoons?|evenings?|nights?|weekends?|days?|weeks?|fortnights?|months?|years?|decades?|hours?|minutes?|ago)\b/i;
const WEEK = 7 * DAY;

/**
 * The spans of time a query names, read by chrono-node against `reference` (the question's
 * "now"): "in May 2023" is that month, "last month" the month before the reference, "last week"
 * the seven days around a week before it, "March 3rd" that day, "in 2023" that year, "from May
 * to July" May to the end of July. A date whose year the query leaves out is taken in the past
 * (memories are asked about what was). Expressions relative to an event ("two weeks before the
 * wedding") name no date by themselves and are left out.
 */
export function timeWindowsOf(query: string, reference: Date): TimeWindow[] {
  const windows: TimeWindow[] = [];
  // chrono runs dozens of patterns (about 2 ms a query, measured): only a query with a word a
  // date could be written with is handed to it.
  const parsed = MAY_NAME_A_DATE.test(query)
    ? chrono.parse(query, { instant: reference, timezone: 'UTC' }, { forwardDate: false })
    : [];
  for (const result of parsed) {
    if (/\b(before|after)$/i.test(result.text.trim())) continue;
    const start = spanOf(result.start, result.text, reference);
    const end = result.end ? spanOf(result.end, result.text, reference) : start;
    if (!start || !end) continue;
    windows.push({ from: start.from, to: Math.max(end.to, start.to), text: result.text });
  }
  // chrono reads no bare year ("in 2023"): a four-digit year after in/during/of/since is one.
  for (const match of query.matchAll(/\b(?:in|during|of|from)\s+((?:19|20)\d\d)\b/gi)) {
    if (windows.some((w) => w.text.includes(match[1]!))) continue;
    const year = Number(match[1]);
    windows.push({ from: Date.UTC(year, 0, 1), to: Date.UTC(year + 1, 0, 1), text: match[1]! });
  }
  return windows;
}

/** Whether `at` (ms) falls in any of the windows. */
export function inWindow(at: number, windows: TimeWindow[]): boolean {
  return windows.some((window) => at >= window.from && at < window.to);
}

/** The span one parsed component covers: its finest known unit (day, month or year). */
function spanOf(
  component: chrono.ParsedComponents,
  text: string,
  reference: Date,
): { from: number; to: number } | undefined {
  const date = component.date();
  const known = (unit: chrono.Component) => component.isCertain(unit);
  let year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  const day = date.getUTCDate();
  if (/\bweeks?\b/i.test(text)) {
    // "last week": the seven days around; "the last two weeks": from then until now.
    const at = date.getTime();
    const until = /\bweeks\b/i.test(text) ? reference.getTime() : at + WEEK / 2;
    return { from: at - WEEK / 2, to: Math.max(until, at + DAY) };
  }
  let span: { from: number; to: number };
  if (known('day') || known('weekday')) {
    span = { from: Date.UTC(year, month, day), to: Date.UTC(year, month, day + 1) };
  } else if (known('month')) {
    span = { from: Date.UTC(year, month, 1), to: Date.UTC(year, month + 1, 1) };
  } else if (known('year')) {
    span = { from: Date.UTC(year, 0, 1), to: Date.UTC(year + 1, 0, 1) };
  } else {
    return undefined;
  }
  // A date without its year is in the past: March 3rd asked in September is this year's.
  if (!known('year') && span.from > reference.getTime()) {
    if (known('weekday') && !known('day')) {
      return { from: span.from - WEEK, to: span.to - WEEK };
    }
    year -= 1;
    return known('day')
      ? { from: Date.UTC(year, month, day), to: Date.UTC(year, month, day + 1) }
      : { from: Date.UTC(year, month, 1), to: Date.UTC(year, month + 1, 1) };
  }
  return span;
}
