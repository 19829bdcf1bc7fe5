/** Calendar phrases resolved against the `asOf` date: "this quarter", "by end of January", "by Christmas", "this year". */

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const MONTH_ABBREVIATIONS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

export const MONTH = String.raw`(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\.?`;

export function monthIndex(word: string): number | null {
  const w = word.replace(/\.$/, '').slice(0, 3);
  const index = MONTH_ABBREVIATIONS.indexOf(w);
  return index >= 0 ? index : MONTHS.indexOf(word) >= 0 ? MONTHS.indexOf(word) : null;
}

const DAY_MS = 86_400_000;

export function parseAsOf(asOf: string): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(asOf);
  if (!match) throw new Error(`asOf must be a date YYYY-MM-DD, got "${asOf}"`);
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  if (date.toISOString().slice(0, 10) !== asOf) throw new Error(`asOf is not a calendar date: "${asOf}"`);
  return date;
}

/** Whole days from `asOf` to `end` (at least 1: a window ending today still has today). */
export function daysUntil(asOf: Date, end: Date): number {
  return Math.max(1, Math.round((end.getTime() - asOf.getTime()) / DAY_MS));
}

export function daysSince(asOf: Date, start: Date): number {
  return Math.max(1, Math.round((asOf.getTime() - start.getTime()) / DAY_MS) + 1);
}

/** The next occurrence of month/day on or after `asOf`. */
export function nextDate(asOf: Date, month: number, day: number): Date {
  const year = asOf.getUTCFullYear();
  const candidate = new Date(Date.UTC(year, month, day));
  return candidate.getTime() >= asOf.getTime() ? candidate : new Date(Date.UTC(year + 1, month, day));
}

export function endOfMonth(asOf: Date, month: number): Date {
  const year = asOf.getUTCFullYear();
  const candidate = new Date(Date.UTC(year, month + 1, 0));
  return candidate.getTime() >= asOf.getTime() ? candidate : new Date(Date.UTC(year + 1, month + 1, 0));
}

export function endOfQuarter(asOf: Date): Date {
  const quarterEndMonth = Math.floor(asOf.getUTCMonth() / 3) * 3 + 2;
  return new Date(Date.UTC(asOf.getUTCFullYear(), quarterEndMonth + 1, 0));
}

export function endOfYear(asOf: Date): Date {
  return new Date(Date.UTC(asOf.getUTCFullYear(), 11, 31));
}

export function startOfYear(asOf: Date): Date {
  return new Date(Date.UTC(asOf.getUTCFullYear(), 0, 1));
}

/** Fixed-date holidays marketers plan to; moving feasts are left as ambiguities. */
export const HOLIDAYS: Record<string, [month: number, day: number]> = {
  christmas: [11, 25],
  xmas: [11, 25],
  'christmas eve': [11, 24],
  "new year's eve": [11, 31],
  "new year's day": [0, 1],
  "new year's": [0, 1],
  'new year': [0, 1],
  "valentine's day": [1, 14],
  "valentine's": [1, 14],
  valentines: [1, 14],
  halloween: [9, 31],
};

export const HOLIDAY = `(?:christmas eve|christmas|xmas|new year's eve|new year's day|new year's|new year|valentine's day|valentine's|valentines|halloween)`;
