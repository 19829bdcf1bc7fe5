/** The KPI: which outcome counts ("maximise reactivation", "revenue", "AOV") and over what window ("within 2 weeks", "this quarter"). */
import type { KpiMetric } from '@aether/contracts/objective';
import { daysUntil, endOfMonth, endOfQuarter, endOfYear, HOLIDAY, HOLIDAYS, MONTH, monthIndex, nextDate } from './dates.ts';
import { ambiguous, type Draft } from './draft.ts';
import { DURATION, durationDays, NUM, parseNumber } from './numbers.ts';
import { eachMatch, type Scan } from './scan.ts';

const METRICS: Array<[RegExp, KpiMetric]> = [
  [
    /\b(?:average order value|aov|order values?|basket (?:size|value)s?|average basket|spend per order|ticket size)\b/gu,
    'average_order_value',
  ],
  [
    /\b(?:(?:incremental |net |total )?revenue|sales|gmv|(?:incremental )?spend per customer|dollars? (?:spent|in sales)|income|profit)\b/gu,
    'revenue',
  ],
  [/\b(?:retention(?: rate)?|retain(?:ed)?|keep (?:them|customers) (?:active|around)|survival)\b/gu, 'retention'],
  [
    /\b(?:(?:site |app |store |return |repeat )?visits|traffic|footfall|(?:site |app )?sessions|return to the (?:site|app|store)|come back to the (?:site|app|store))\b/gu,
    'visit',
  ],
  [
    /\b(?:engagement(?: rate)?|open rates?|opens|click[- ]through(?: rates?)?|ctr|clicks|click rates?|interactions)\b(?!\s+score)/gu,
    'engagement',
  ],
  [
    /\b(?:conversions?(?: rate)?|conversion rate|purchases|orders|reactivations?(?: rate)?|reactivation rate|sign-?ups|enrol(?:l)?ments?|redemptions?|buy(?:ing)? again|repeat (?:purchase|order)s?(?: rate)?|recovered carts|cart recovery rate|recover(?:ed)? (?:carts|revenue))\b/gu,
    'conversion',
  ],
];

const VERB = `(?:maximi[sz]e|maximi[sz]ing|increase|increasing|boost|boosting|drive|driving|grow|growing|lift|lifting|improve|improving|raise|raising|optimi[sz]e|optimi[sz]ing|measure[d]?|kpi(?: is)?|judged? (?:by|on)|success (?:is|=)|target(?:ing)?|more|higher|get|getting|generate|generating|bring in|push|focus on)`;

const WINDOW_DURATION = new RegExp(
  String.raw`\b(?:(?:within|in|over|during|for|across|inside)\s+(?:the\s+|a\s+)?(?:next|coming|following|first)?\s*|(?:next|coming|following)\s+)(?<d>${DURATION}|week|month|quarter|year|fortnight)(?:\s+(?:window|period|time ?frame|of (?:the )?(?:campaign|contact|send|sending)|after (?:the )?(?:send|contact|campaign)|post[- ](?:send|contact)))?`,
  'gu',
);
const WINDOW_NOUN = new RegExp(
  String.raw`\b(?<d>${NUM}[\s-]?(?:days?|weeks?|months?|hours?))[\s-](?:window|period|time ?frame|horizon|attribution window|campaign)\b`,
  'gu',
);
const WINDOW_CALENDAR = new RegExp(
  String.raw`\b(?:(?:by|before|until|till|through|thru|ahead of)\s+(?:the\s+)?(?:end of\s+(?:the\s+)?|end-of-)?(?<what>month|quarter|year|q[1-4]|${MONTH}(?:\s+(?<day>\d{1,2})(?:st|nd|rd|th)?)?|(?<day2>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?<month2>${MONTH})|${HOLIDAY})|this (?<this>quarter|month|year)|(?:rest|remainder) of (?:the |this )?(?<rest>month|quarter|year)|before (?:the )?(?:year|quarter|month)[- ]end)`,
  'gu',
);
/** A duration standing alone as a clause ("— reactivation, 20% off, 2 weeks"). */
const WINDOW_BARE = new RegExp(String.raw`(?:^|(?<=[;,:.—]\s?))\s*(?<d>${DURATION})\s*(?=[;,.]|$)`, 'gu');
const WINDOW_RELATIVE_DATE = new RegExp(String.raw`\b(?:next|the coming)\s+(?<n>${NUM})\s+(?<u>days|weeks)\b`, 'gu');

export function readKpi(scan: Scan, draft: Draft): void {
  for (const pattern of [WINDOW_CALENDAR, WINDOW_NOUN, WINDOW_DURATION, WINDOW_RELATIVE_DATE, WINDOW_BARE]) {
    eachMatch(scan, pattern, (match) => {
      const days = windowDays(match, draft);
      if (days === null) return false;
      if (draft.kpiWindowDays !== null && draft.kpiWindowDays !== days) {
        ambiguous(draft, match[0], `a second KPI window (${days} days) conflicts with ${draft.kpiWindowDays} days; the first was kept`);
        return true;
      }
      if (days > 366) {
        ambiguous(draft, match[0], 'KPI windows longer than 366 days are not supported; capped at 366');
      }
      draft.kpiWindowDays = Math.min(366, days);
      return true;
    });
  }
  // A metric counts as stated when named after a verb ("maximise revenue"), before "KPI" or as "measured by".
  for (const [pattern, metric] of METRICS) {
    const withVerb = new RegExp(
      String.raw`\b${VERB}\s+(?:(?:the|our|their|total|overall|incremental|net)\s+)*(?:${pattern.source.replace(/^\\b/, '').replace(/\\b(\(\?!.*\))?$/, '')})`,
      'gu',
    );
    eachMatch(scan, withVerb, (match) => {
      setMetric(draft, metric, match);
      return true;
    });
  }
  for (const [pattern, metric] of METRICS) {
    eachMatch(scan, pattern, (match) => {
      const before = scan.text.slice(Math.max(0, match.index - 12), match.index);
      // "orders" in "5+ orders" or "purchases" after "no" describe the audience, not the KPI.
      if (/(\d|\+|no|zero|any)\s*$/.test(before)) return false;
      // Without a verb these words usually describe the audience or an offer ("orders above $100").
      if (/^(orders|purchases|clicks|opens|sign-?ups|sessions)$/.test(match[0])) return false;
      setMetric(draft, metric, match);
      return true;
    });
  }
}

function setMetric(draft: Draft, metric: KpiMetric, match: RegExpExecArray): void {
  if (draft.kpiMetric === null) draft.kpiMetric = { metric, at: match.index };
  else if (draft.kpiMetric.metric !== metric) {
    ambiguous(draft, match[0], `a second KPI (${metric}) was named; the first, ${draft.kpiMetric.metric}, was kept`);
  }
}

function windowDays(match: RegExpExecArray, draft: Draft): number | null {
  const g = match.groups ?? {};
  const asOf = draft.asOf;
  if (g.n !== undefined && g.u !== undefined) {
    const n = parseNumber(g.n);
    return n === null ? null : Math.ceil(n * (g.u === 'weeks' ? 7 : 1));
  }
  if (g.d !== undefined) {
    const single: Record<string, number> = { week: 7, month: 30, quarter: 90, year: 365, fortnight: 14 };
    return single[g.d] ?? durationDays(g.d.replace(/[\s-]/g, ' ').replace(/ +/, ' '));
  }
  const period = g.this ?? g.rest;
  if (period !== undefined) {
    if (period === 'quarter') return daysUntil(asOf, endOfQuarter(asOf));
    if (period === 'month') return daysUntil(asOf, endOfMonth(asOf, asOf.getUTCMonth()));
    return daysUntil(asOf, endOfYear(asOf));
  }
  const text = match[0];
  if (/(year|quarter|month)[- ]end$/.test(text)) {
    const what = /year/.test(text) ? 'year' : /quarter/.test(text) ? 'quarter' : 'month';
    return calendarEnd(what, asOf);
  }
  const what = g.what ?? '';
  if (g.month2 !== undefined) {
    const month = monthIndex(g.month2);
    return month === null ? null : daysUntil(asOf, nextDate(asOf, month, Number(g.day2)));
  }
  if (what === 'month' || what === 'quarter' || what === 'year') return calendarEnd(what, asOf);
  if (/^q[1-4]$/.test(what)) {
    const quarter = Number(what[1]) - 1;
    return daysUntil(asOf, endOfMonth(asOf, quarter * 3 + 2));
  }
  const holiday = HOLIDAYS[what];
  if (holiday) return daysUntil(asOf, nextDate(asOf, holiday[0], holiday[1]));
  const monthWord = what.split(/\s+/)[0] ?? '';
  const month = monthIndex(monthWord);
  if (month === null) return null;
  if (g.day !== undefined) return daysUntil(asOf, nextDate(asOf, month, Number(g.day)));
  return daysUntil(asOf, endOfMonth(asOf, month));
}

function calendarEnd(what: 'month' | 'quarter' | 'year', asOf: Date): number {
  if (what === 'month') return daysUntil(asOf, endOfMonth(asOf, asOf.getUTCMonth()));
  if (what === 'quarter') return daysUntil(asOf, endOfQuarter(asOf));
  return daysUntil(asOf, endOfYear(asOf));
}
