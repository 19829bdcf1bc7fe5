/**
 * Time for the generator: instants are float days since the Unix epoch. The calendar holds the seasonal demand
 * curve (a Q4 peak around Black Friday and December, a January lull) per day over the generated range, with its
 * running integral so the expected number of orders in any window is exact, and formats instants as the ISO
 * strings the table contracts take, from cached day prefixes rather than a Date per row.
 */
export const DAY_MS = 86_400_000;

/** Month multipliers of the baseline purchase rate (January … December). */
const MONTH_FACTOR = [0.8, 0.85, 0.95, 1, 1, 0.95, 0.9, 0.95, 1, 1.05, 1.3, 1.55];
/** Black Friday week (23–30 November) on top of November's factor. */
const BLACK_FRIDAY_FACTOR = 1.6;

export class Calendar {
  readonly firstDay: number;
  readonly lastDay: number;
  readonly maxFactor: number;
  private readonly factors: Float64Array;
  /** cumulative[i] = ∫ factor over [firstDay, firstDay + i). */
  private readonly cumulative: Float64Array;
  private readonly dayText: string[];

  constructor(firstDay: number, lastDay: number) {
    this.firstDay = Math.floor(firstDay);
    this.lastDay = Math.ceil(lastDay);
    const days = this.lastDay - this.firstDay + 1;
    this.factors = new Float64Array(days);
    this.cumulative = new Float64Array(days + 1);
    this.dayText = new Array<string>(days);
    let max = 0;
    for (let i = 0; i < days; i++) {
      const date = new Date((this.firstDay + i) * DAY_MS);
      const month = date.getUTCMonth();
      const dayOfMonth = date.getUTCDate();
      let factor = MONTH_FACTOR[month] as number;
      if (month === 10 && dayOfMonth >= 23) factor *= BLACK_FRIDAY_FACTOR;
      this.factors[i] = factor;
      this.cumulative[i + 1] = (this.cumulative[i] as number) + factor;
      this.dayText[i] = date.toISOString().slice(0, 10);
      if (factor > max) max = factor;
    }
    this.maxFactor = max;
  }

  /** Seasonal factor at instant t. */
  factor(t: number): number {
    return this.factors[this.index(t)] as number;
  }

  /** ∫ factor dt over [from, to] (days; 0 when to ≤ from). */
  integral(from: number, to: number): number {
    if (to <= from) return 0;
    return this.cumulativeAt(to) - this.cumulativeAt(from);
  }

  /** ISO date-time with second precision, e.g. 2026-11-25T10:30:05.000Z. */
  timestamp(t: number): string {
    const index = this.index(t);
    let seconds = Math.floor((t - (this.firstDay + index)) * 86_400);
    if (seconds > 86_399) seconds = 86_399;
    if (seconds < 0) seconds = 0;
    return (this.dayText[index] as string) + (TIME_OF_DAY[seconds] as string);
  }

  private index(t: number): number {
    const index = Math.floor(t) - this.firstDay;
    if (index < 0 || index >= this.factors.length) {
      throw new Error(`instant ${new Date(t * DAY_MS).toISOString()} is outside the generated calendar`);
    }
    return index;
  }

  private cumulativeAt(t: number): number {
    const index = this.index(t);
    return (this.cumulative[index] as number) + (t - (this.firstDay + index)) * (this.factors[index] as number);
  }
}

const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
/** `T12:34:56.000Z` for every second of a day: a timestamp is then one concatenation, not a Date and six. */
const TIME_OF_DAY = Array.from(
  { length: 86_400 },
  (_, s) => `T${TWO_DIGITS[Math.floor(s / 3600)]}:${TWO_DIGITS[Math.floor((s % 3600) / 60)]}:${TWO_DIGITS[s % 60]}.000Z`,
);

/** YYYY-MM-DD of an instant, by civil-from-days arithmetic (H. Hinnant) rather than a Date per call. */
export function isoDate(t: number): string {
  const z = Math.floor(t) + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return `${year}-${TWO_DIGITS[month]}-${TWO_DIGITS[day]}`;
}
