/** Numbers, money and durations as marketers write them: "3,000", "$2k", "1.5k", "ten", "45–90", "a year", "48 hours". */

const WORD_NUMBERS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  fifteen: 15,
  eighteen: 18,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  ninety: 90,
  hundred: 100,
  couple: 2,
  'a couple of': 2,
  'a couple': 2,
};

/** A number: digits with optional thousands commas, decimals and a k/m suffix, or a small number word. */
export const NUM = String.raw`(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?\s?(?:k|m)?(?![\p{L}\d])|\.\d+|(?:a couple(?: of)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|eighteen|twenty|thirty|forty|fifty|sixty|ninety|hundred)(?![\p{L}]))`;

/** A money amount: NUM with an optional currency sign or word. */
export const MONEY = String.raw`(?:[$€£]\s?${NUM}|${NUM}\s?(?:usd|dollars|bucks|eur|gbp)?)`;

export function parseNumber(text: string): number | null {
  const cleaned = text
    .trim()
    .toLowerCase()
    .replace(/[$€£]/g, '')
    .replace(/\s?(usd|dollars|bucks|eur|gbp)$/, '')
    .trim();
  const word = WORD_NUMBERS[cleaned];
  if (word !== undefined) return word;
  const match = /^((?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?)\s?(k|m)?$/.exec(cleaned);
  if (!match || match[1] === undefined || match[1] === '') return null;
  const base = Number(match[1].replaceAll(',', ''));
  if (!Number.isFinite(base)) return null;
  const scale = match[2] === 'k' ? 1_000 : match[2] === 'm' ? 1_000_000 : 1;
  return Math.round(base * scale * 1e6) / 1e6;
}

const UNIT = `(?:hours?|hrs?|h|days?|d|weeks?|wks?|w|months?|mos?|years?|yrs?|quarters?|fortnights?)`;

/** A duration: "2 weeks", "48 hours", "a year", "6-month", "90d", "half a year". */
export const DURATION = String.raw`(?:half an? (?:year|month)|${NUM}[\s-]?${UNIT}(?![\p{L}]))`;

const UNIT_DAYS: Array<[RegExp, number]> = [
  [/^(hours?|hrs?|h)$/, 1 / 24],
  [/^(days?|d)$/, 1],
  [/^(weeks?|wks?|w)$/, 7],
  [/^fortnights?$/, 14],
  [/^(months?|mos?)$/, 30],
  [/^quarters?$/, 90],
  [/^(years?|yrs?)$/, 365],
];

/** Days in a duration phrase, rounded up to whole days (48 hours → 2, 36 hours → 2). */
export function durationDays(text: string): number | null {
  const phrase = text.trim().toLowerCase();
  if (/^half an? year$/.test(phrase)) return 182;
  if (/^half an? month$/.test(phrase)) return 15;
  const match = /^(.*?)[\s-]?([a-z]+)$/.exec(phrase);
  if (!match) return null;
  const count = parseNumber(match[1] ?? '');
  const unit = UNIT_DAYS.find(([pattern]) => pattern.test(match[2] ?? ''));
  if (count === null || !unit) return null;
  return Math.max(1, Math.ceil(count * unit[1] - 1e-9));
}

/** Comparison words → predicate op. */
export const COMPARE = String.raw`(?:more than|greater than|higher than|larger than|bigger than|over|above|exceeding|in excess of|>=|>|at least|minimum of|min\.?|no less than|not less than|less than|lower than|smaller than|fewer than|under|below|<=|<|at most|no more than|not more than|up to|maximum of|max\.?|exactly|equal to|of|=)`;

export type NumericOp = 'gt' | 'gte' | 'lt' | 'lte' | 'eq';

export function compareOp(words: string | undefined, fallback: NumericOp = 'gte'): NumericOp {
  const w = (words ?? '').trim();
  if (w === '') return fallback;
  if (/^(at least|minimum of|min\.?|no less than|not less than|>=)$/.test(w)) return 'gte';
  if (/^(more than|greater than|higher than|larger than|bigger than|over|above|exceeding|in excess of|>)$/.test(w)) return 'gt';
  if (/^(less than|lower than|smaller than|fewer than|under|below|<)$/.test(w)) return 'lt';
  if (/^(at most|no more than|not more than|up to|maximum of|max\.?|<=)$/.test(w)) return 'lte';
  if (/^(exactly|equal to|=)$/.test(w)) return 'eq';
  return fallback;
}
