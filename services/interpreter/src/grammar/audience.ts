/**
 * Audience predicates: recency, value, behaviour, categories, demographics, loyalty, scores, tenure, devices and
 * opt-ins. Each rule reads one marketer phrase and adds typed predicates on catalogue attributes; conventions for
 * vague words ("lapsed", "high-value", "at risk") are listed in the README so the output can be predicted.
 */

import { add, type Draft, lookBack, lookBackDays, predicate, vote } from './draft.ts';
import { COMPARE, compareOp, DURATION, durationDays, MONEY, NUM, type NumericOp, parseNumber } from './numbers.ts';
import { eachMatch, type Scan } from './scan.ts';
import { CATEGORY, categoryOf, listOf, REGION, regionOf, TIER, TIERS } from './vocabulary.ts';

type Rule = { pattern: RegExp; apply: (match: RegExpExecArray, draft: Draft, scan: Scan) => boolean };

const NOT = `(?:haven't|have not|hasn't|has not|didn't|did not|don't|do not|not|never|no longer|hasnt|havent|didnt|dont)`;
const BUY = `(?:bought|purchased|ordered|shopped|buy|purchase|order|shop|made a purchase|placed an order|made an order|converted|transacted)`;
const CMP = `(?<cmp>${COMPARE})\\s*`;
/** A money amount that is not the start of a duration ("over 30 days" is not $30). */
const AMOUNT = String.raw`${MONEY}(?!\s*(?:days?|weeks?|months?|years?|hours?|%))`;
const RANGE = String.raw`(?<lo>${NUM})\s*(?:-|to|and)\s*(?<hi>${NUM})`;

function windowOr(draft: Draft, match: RegExpExecArray, suffix = ''): number | null {
  const days = lookBackDays(draft, match, suffix);
  return days === 'lifetime' ? 3650 : days;
}

function has(draft: Draft, attribute: string): boolean {
  return draft.predicates.some((placed) => placed.predicate.attribute === attribute);
}

function at(match: RegExpExecArray): [number, number] {
  return [match.index, match.index + match[0].length];
}

function num(text: string | undefined): number | null {
  return text === undefined ? null : parseNumber(text);
}

/** Reads "over $500" / "between 25 and 34" / "5+" into an op and bounds. */
function bounds(match: RegExpExecArray, fallback: NumericOp): { op: NumericOp | 'between'; value: number; valueTo: number | null } | null {
  const g = match.groups ?? {};
  const lo = num(g.lo);
  const hi = num(g.hi);
  if (lo !== null && hi !== null) return { op: 'between', value: Math.min(lo, hi), valueTo: Math.max(lo, hi) };
  const value = num(g.n);
  if (value === null) return null;
  if (g.plus) return { op: 'gte', value, valueTo: null };
  return { op: compareOp(g.cmp, fallback), value, valueTo: null };
}

function scaled(value: number, percent: boolean | string | undefined): number {
  return percent || value > 1 ? value / 100 : value;
}

/**
 * The apply step of a "N or more <things> (in the window)" rule: the count comes from group `n` or `n2`, "N+" or a
 * comparison word sets the operator (default: at least), the window from the phrase or the default.
 */
function windowedCount(attribute: string): Rule['apply'] {
  return (match, draft) => {
    const g = match.groups ?? {};
    const n = num(g.n ?? g.n2);
    if (n === null) return false;
    const op = g.plus || g.plus2 ? 'gte' : compareOp(g.cmp, 'gte');
    add(draft, predicate(attribute, op, { value: n, windowDays: windowOr(draft, match) }), ...at(match));
    return true;
  };
}

const rules: Rule[] = [
  // ── recency ───────────────────────────────────────────────────────────────────────────────────────
  {
    pattern: new RegExp(
      String.raw`(?:last|most recent|latest) (?:order|purchase)(?:\s+(?:was|placed))?\s+(?:between\s+)?${RANGE}\s*(?<unit>days?|weeks?|months?)\s+ago`,
      'gu',
    ),
    apply(match, draft) {
      const g = match.groups ?? {};
      const unit = durationDays(`1 ${g.unit}`) ?? 1;
      const lo = (num(g.lo) ?? 0) * unit;
      const hi = (num(g.hi) ?? 0) * unit;
      add(draft, predicate('days_since_last_purchase', 'between', { value: Math.min(lo, hi), valueTo: Math.max(lo, hi) }), ...at(match));
      return true;
    },
  },
  {
    pattern: new RegExp(
      String.raw`(?:last|most recent|latest) (?:order|purchase)(?:\s+(?:was|placed))?\s+(?<cmp>more than|over|at least|less than|under|within)?\s*(?:the\s+)?(?:last|past)?\s*(?<d>${DURATION})(?:\s+ago)?`,
      'gu',
    ),
    apply(match, draft) {
      const days = durationDays(match.groups?.d ?? '');
      if (days === null) return false;
      const cmp = match.groups?.cmp;
      const op = cmp === 'within' ? 'lte' : compareOp(cmp, 'gte');
      add(draft, predicate('days_since_last_purchase', op, { value: days }), ...at(match));
      return true;
    },
  },
  {
    pattern: new RegExp(
      String.raw`(?:${NOT}\s+(?:${BUY}|been back|come back|returned|visited)(?:\s+(?:anything|again|from us|with us))?|no (?:purchases?|orders?)|without (?:a |an |any )?(?:purchases?|orders?))\s+(?:in|for|within|during|over|since)\s+(?:the\s+)?(?:last|past|previous)?\s*(?:(?<more>over|more than|at least)\s+)?(?<d>${DURATION}|a year|a month|a week|a quarter)`,
      'gu',
    ),
    apply(match, draft) {
      const days = durationDays(match.groups?.d ?? '');
      if (days === null) return false;
      add(
        draft,
        predicate('days_since_last_purchase', match.groups?.more === 'over' || match.groups?.more === 'more than' ? 'gt' : 'gte', {
          value: days,
        }),
        ...at(match),
      );
      vote(draft, 'reactivation', 1, match.index);
      return true;
    },
  },
  {
    pattern: new RegExp(
      String.raw`(?<word>dormant|inactive|lapsed|quiet|idle|asleep)\s+(?:for\s+)?(?:(?<more>over|more than|at least)\s+)?(?:the\s+)?(?:last|past)?\s*(?<d>${DURATION}|a year|a month)(?:\s+or (?:more|longer))?(?:\s+ago)?`,
      'gu',
    ),
    apply(match, draft) {
      const days = durationDays(match.groups?.d ?? '');
      if (days === null) return false;
      const more = match.groups?.more;
      add(
        draft,
        predicate('days_since_last_purchase', more === 'over' || more === 'more than' ? 'gt' : 'gte', { value: days }),
        ...at(match),
      );
      vote(draft, 'reactivation', 1, match.index);
      return true;
    },
  },
  {
    pattern: new RegExp(
      String.raw`(?:${BUY}|active|shopped with us)\s+(?:in|within|during)\s+(?:the\s+)?(?:last|past)\s+(?<d>${DURATION}|week|month|year)`,
      'gu',
    ),
    apply(match, draft) {
      const single: Record<string, number> = { week: 7, month: 30, year: 365 };
      const d = match.groups?.d ?? '';
      const days = single[d] ?? durationDays(d);
      if (days === null) return false;
      add(draft, predicate('days_since_last_purchase', 'lte', { value: days }), ...at(match));
      return true;
    },
  },
  {
    pattern:
      /\b(?<word>lapsed|dormant|inactive|churned|lost|sleeping|win-?back)\b(?:\s+(?:customers|buyers|shoppers|users|members|clients|subscribers))?/gu,
    apply(match, draft) {
      const word = match.groups?.word ?? '';
      vote(draft, 'reactivation', 1, match.index);
      if (has(draft, 'days_since_last_purchase')) return true;
      add(draft, predicate('days_since_last_purchase', 'gte', { value: word === 'churned' || word === 'lost' ? 180 : 90 }), ...at(match));
      return true;
    },
  },
  {
    pattern: /\brecent (?:buyers|purchasers|customers)\b/gu,
    apply(match, draft) {
      add(draft, predicate('days_since_last_purchase', 'lte', { value: 30 }), ...at(match));
      return true;
    },
  },
  // ── order counts ───────────────────────────────────────────────────────────────────────────────
  {
    pattern:
      /\b(?:one-?time (?:buyers|purchasers|customers|shoppers)|(?:only|just) (?:bought|ordered|purchased) once|bought (?:only )?once|single[- ]purchase (?:customers|buyers)|(?:first[- ]time|1st[- ]time) (?:buyers|purchasers|customers)|(?:made|placed) (?:only )?(?:one|a single|1) (?:purchase|order)|(?:with|have) (?:exactly |only |just )?(?:one|1) (?:order|purchase))\b/gu,
    apply(match, draft) {
      add(draft, predicate('orders_count', 'eq', { value: 1, windowDays: 3650 }), ...at(match));
      vote(draft, 'repeat_purchase', 1, match.index);
      return true;
    },
  },
  {
    pattern: new RegExp(
      String.raw`(?:(?:${BUY}|orders?)\s+(?:${CMP})?(?<n>${NUM})(?<plus>\+)?\s*(?:or more\s+)?times|(?:${CMP})?(?<n2>${NUM})(?<plus2>\+)?\s*(?:or more\s+)?(?:orders|purchases))${lookBack('')}`,
      'gu',
    ),
    apply: windowedCount('orders_count'),
  },
  {
    pattern: /\b(?:repeat|returning) (?:customers|buyers|purchasers|shoppers)\b/gu,
    apply(match, draft) {
      add(draft, predicate('orders_count', 'gte', { value: 2, windowDays: 3650 }), ...at(match));
      return true;
    },
  },
  {
    pattern: /\b(?:frequent|regular|loyal) (?:buyers|shoppers|customers|purchasers)\b/gu,
    apply(match, draft) {
      if (has(draft, 'orders_count')) return true;
      add(draft, predicate('orders_count', 'gte', { value: 5 }), ...at(match));
      return true;
    },
  },
  // ── value ───────────────────────────────────────────────────────────────────────────────────────────
  {
    pattern: new RegExp(
      String.raw`\btop (?<n>${NUM})\s*(?:%|percent)(?:\s+(?:of\s+)?(?:customers\s+)?(?:by\s+)?(?:clv|ltv|lifetime value|customer lifetime value|predicted value|value|spenders))?`,
      'gu',
    ),
    apply(match, draft) {
      const n = num(match.groups?.n);
      if (n === null || n <= 0 || n > 100) return false;
      add(draft, predicate('clv_percentile', 'gte', { value: 100 - n }), ...at(match));
      return true;
    },
  },
  {
    pattern: new RegExp(String.raw`\b(?:predicted\s+)?(?:clv|ltv|lifetime value|customer lifetime value)\s+(?:${CMP})(?<n>${MONEY})`, 'gu'),
    apply(match, draft) {
      const b = bounds(match, 'gt');
      if (!b) return false;
      add(draft, predicate('clv', b.op, { value: b.value, valueTo: b.valueTo }), ...at(match));
      return true;
    },
  },
  {
    pattern: /\b(?:vips?|very important customers|most valuable(?: customers)?|top customers|top spenders|whales)\b/gu,
    apply(match, draft) {
      if (!has(draft, 'clv_percentile')) add(draft, predicate('clv_percentile', 'gte', { value: 90 }), ...at(match));
      return true;
    },
  },
  {
    pattern:
      /\b(?:high[- ]?value|high[- ]?(?:clv|ltv)|valuable|best customers|big spenders|high spenders|big-ticket (?:customers|buyers))\b/gu,
    apply(match, draft) {
      if (!has(draft, 'clv_percentile')) add(draft, predicate('clv_percentile', 'gte', { value: 80 }), ...at(match));
      return true;
    },
  },
  {
    pattern: /\b(?:low[- ]?value|low[- ]?(?:clv|ltv)|low spenders|small spenders)\b/gu,
    apply(match, draft) {
      add(draft, predicate('clv_percentile', 'lte', { value: 20 }), ...at(match));
      return true;
    },
  },
  {
    pattern: new RegExp(
      String.raw`\b(?:spent|spend|spending|spends|lifetime spend|total spend|spend of)\s+(?:(?:a total of|in total)\s+)?(?:between\s+(?<lo>${AMOUNT})\s*(?:and|-|to)\s*(?<hi>${AMOUNT})|${CMP}(?<n>${AMOUNT})|(?<n3>${MONEY})(?<plus>\+))(?:\s+(?:in total|total|or more))?${lookBack('')}`,
      'gu',
    ),
    apply(match, draft) {
      const b = bounds(match, 'gte') ?? (match.groups?.n3 ? { op: 'gte' as const, value: num(match.groups.n3) ?? 0, valueTo: null } : null);
      if (!b) return false;
      add(draft, predicate('total_spend', b.op, { value: b.value, valueTo: b.valueTo, windowDays: windowOr(draft, match) }), ...at(match));
      return true;
    },
  },
  {
    pattern: new RegExp(
      String.raw`\b(?:aov|average order value|average order|average basket(?: size| value)?|average spend per order)\s+(?:is\s+)?(?:between\s+(?<lo>${AMOUNT})\s*(?:and|-|to)\s*(?<hi>${AMOUNT})|${CMP}(?<n>${AMOUNT}))${lookBack('')}`,
      'gu',
    ),
    apply(match, draft) {
      const b = bounds(match, 'gte');
      if (!b) return false;
      add(
        draft,
        predicate('average_order_value', b.op, { value: b.value, valueTo: b.valueTo, windowDays: windowOr(draft, match) }),
        ...at(match),
      );
      return true;
    },
  },
  // ── carts and browsing ──────────────────────────────────────────────────────────────────────────────
  {
    pattern: new RegExp(
      String.raw`\b(?:(?:abandoned|left|dropped|ditched|walked away from)\s+(?:(?:a|an|their|the|there|his|her|items? in (?:a|their|the|there))\s+)?(?:shopping\s+|online\s+)?(?:carts?|baskets?|checkouts?|bags?)|cart[- ]abandoners?|abandoned[- ](?:cart|basket|checkout)s?(?:\s+(?:customers|users|shoppers))?|(?:carts?|baskets?) (?:left )?abandoned|(?:carts?|checkout) abandonment|(?:left|leave|leaving) (?:items?|products?|things|stuff) (?:in|behind in) (?:a|their|the|there) (?:carts?|baskets?)|(?:carts?|baskets?)\s+(?:worth\s+|valued at\s+)?(?:(?<cmp2>${COMPARE})\s*)?(?<n2>${AMOUNT})\s+(?:abandoned|left behind|left))(?:\s+(?:worth|valued at|of|with(?: a)? (?:value|total) (?:of\s+)?|totall?ing|with items worth)\s+(?:${CMP})?(?<n>${AMOUNT})(?<plus>\+)?)?${lookBack('')}`,
      'gu',
    ),
    apply(match, draft) {
      const windowDays = windowOr(draft, match);
      const [start, end] = at(match);
      add(draft, predicate('abandoned_carts', 'gte', { value: 1, windowDays }), start, end);
      const g = match.groups ?? {};
      const n2 = num(g.n2);
      const b = n2 !== null ? { op: compareOp(g.cmp2, 'gt'), value: n2, valueTo: null } : bounds(match, 'gte');
      if ((g.n !== undefined || n2 !== null) && b) {
        add(draft, predicate('abandoned_cart_value', b.op, { value: b.value, valueTo: b.valueTo, windowDays }), start, end);
      }
      vote(draft, 'cart_recovery', 2, match.index);
      return true;
    },
  },
  {
    pattern: new RegExp(
      String.raw`\b(?:browsed|viewed|looked at|checked out|visited|explored|browsing|viewing)\s+(?:(?:the|our|some|any)\s+)?(?<cat>${CATEGORY})(?:\s+(?:products?|items?|pages?|category|section|range|collection))?${lookBack('a')}(?<nobuy>\s*,?\s*(?:but|and|yet)\s+(?:${NOT})\s+(?:buy|purchase|order|convert|check out)(?:\s+(?:it|them|anything|any))?${lookBack('b')})?`,
      'gu',
    ),
    apply(match, draft) {
      const category = categoryOf(match.groups?.cat ?? '');
      if (category === null) return false;
      const windowDays = windowOr(draft, match, 'a') ?? windowOr(draft, match, 'b');
      const [start, end] = at(match);
      add(draft, predicate('category_views', 'gte', { value: 1, windowDays, category }), start, end);
      if (match.groups?.nobuy)
        add(draft, predicate('category_purchases', 'eq', { value: 0, windowDays: windowDays ?? 7, category }), start, end);
      return true;
    },
  },
  {
    pattern: new RegExp(
      String.raw`(?:(?:${CMP})?(?<n>${NUM})(?<plus>\+)?\s*(?:or more\s+)?(?:product\s+|page\s+|product page\s+)?(?:views|page views|product views|pageviews)|viewed\s+(?:${CMP})?(?<n2>${NUM})(?<plus2>\+)?\s*(?:or more\s+)?(?:products|items|product pages))${lookBack('')}`,
      'gu',
    ),
    apply: windowedCount('product_views'),
  },
  {
    pattern: new RegExp(
      String.raw`(?:(?:visited|came to|came back to)\s+(?:the\s+|our\s+)?(?:site|website|store|app|us)\s+(?:${CMP})?(?<n>${NUM})(?<plus>\+)?\s*(?:or more\s+)?times|(?:${CMP})?(?<n2>${NUM})(?<plus2>\+)?\s*(?:or more\s+)?(?:sessions|visits))${lookBack('')}`,
      'gu',
    ),
    apply: windowedCount('sessions'),
  },
  // The negation first: "haven't opened an email" is not "opened an email".
  {
    pattern: new RegExp(String.raw`\b(?:${NOT})\s+(?:opened|open|read)\s+(?:(?:an?|any|our|the)\s+)*e-?mails?${lookBack('')}`, 'gu'),
    apply(match, draft) {
      add(draft, predicate('email_opens', 'eq', { value: 0, windowDays: windowOr(draft, match) }), ...at(match));
      vote(draft, 'engagement', 1, match.index);
      return true;
    },
  },
  {
    pattern: new RegExp(
      String.raw`\b(?:opened|open|opens|read)\s+(?:(?:an?|our|the|some|marketing|recent|promotional)\s+)*e-?mails?(?:\s+(?:from us|campaigns?|newsletters?))?${lookBack('a')}(?<noclick>\s*,?\s*(?:but|and|yet)\s+(?:${NOT})\s+(?:click|clicked|click through|clicked through|click on them)(?:\s+(?:through|on them|anything|any links?))?${lookBack('b')})?`,
      'gu',
    ),
    apply(match, draft) {
      const windowDays = windowOr(draft, match, 'a') ?? windowOr(draft, match, 'b');
      const [start, end] = at(match);
      add(draft, predicate('email_opens', 'gte', { value: 1, windowDays }), start, end);
      if (match.groups?.noclick) add(draft, predicate('email_clicks', 'eq', { value: 0, windowDays }), start, end);
      vote(draft, 'engagement', 1, match.index);
      return true;
    },
  },
  {
    pattern: new RegExp(
      String.raw`\b(?:clicked|click)\s+(?:(?:on|an?|our|the|through|in)\s+)*e-?mails?(?:\s+links?)?${lookBack('')}`,
      'gu',
    ),
    apply(match, draft) {
      add(draft, predicate('email_clicks', 'gte', { value: 1, windowDays: windowOr(draft, match) }), ...at(match));
      return true;
    },
  },
  {
    pattern: new RegExp(
      String.raw`\b(?:opened|open|tapped)\s+(?:(?:an?|our|the)\s+)*push(?:\s+notifications?|\s+messages?)?${lookBack('')}`,
      'gu',
    ),
    apply(match, draft) {
      add(draft, predicate('push_opens', 'gte', { value: 1, windowDays: windowOr(draft, match) }), ...at(match));
      return true;
    },
  },
  // ── categories ──────────────────────────────────────────────────────────────────────────────────────
  {
    pattern: new RegExp(
      String.raw`\b(?:${NOT})\s+(?:yet\s+)?(?:${BUY})\s+(?:(?:any|from|in|from the|from our)\s+)*(?<cat>${CATEGORY})(?:\s+(?:category|products|items))?${lookBack('')}`,
      'gu',
    ),
    apply(match, draft) {
      const category = categoryOf(match.groups?.cat ?? '');
      if (category === null) return false;
      add(draft, predicate('category_purchases', 'eq', { value: 0, windowDays: windowOr(draft, match), category }), ...at(match));
      vote(draft, 'cross_sell', 1, match.index);
      return true;
    },
  },
  {
    pattern: new RegExp(
      String.raw`\b(?:(?:bought|purchased|ordered|buy|buys|shopped|shop)\s+(?:(?:from|in|the|our|some|any)\s+)*(?<cat>${CATEGORY})(?:\s+(?:category|products|items))?|(?<cat2>${CATEGORY})\s+(?:buyers|purchasers|shoppers|customers))${lookBack('')}`,
      'gu',
    ),
    apply(match, draft) {
      const category = categoryOf(match.groups?.cat ?? match.groups?.cat2 ?? '');
      if (category === null) return false;
      add(draft, predicate('category_purchases', 'gte', { value: 1, windowDays: windowOr(draft, match), category }), ...at(match));
      return true;
    },
  },
  {
    pattern: new RegExp(
      String.raw`\b(?:(?:who\s+)?(?:love|loves|like|likes|prefer|prefers|into|interested in|favou?r)\s+(?<cat>${CATEGORY})|(?<cat2>${CATEGORY})\s+(?:lovers|fans|enthusiasts|fanatics|addicts)|favou?rite category (?:is\s+)?(?<cat3>${CATEGORY}))`,
      'gu',
    ),
    apply(match, draft) {
      const g = match.groups ?? {};
      const category = categoryOf(g.cat ?? g.cat2 ?? g.cat3 ?? '');
      if (category === null) return false;
      add(draft, predicate('favourite_category', 'in', { value: [category] }), ...at(match));
      return true;
    },
  },
  // ── never bought (after the category rules: "didn't buy shoes" is about shoes) ──────────────────
  {
    pattern: new RegExp(
      String.raw`(?:${NOT}\s+(?:yet\s+)?(?:${BUY}|made (?:a|their|any) (?:first )?(?:purchase|order)|placed (?:a|their|any) (?:first )?order)(?:\s+(?:yet|anything|from us))*|non-?(?:buyers|purchasers|customers)|no (?:purchases?|orders?)(?: yet)?|zero (?:purchases|orders)|(?:prospects|leads)\b)`,
      'gu',
    ),
    apply(match, draft, scan) {
      // "haven't bought shoes" is about a category; leave it to the category rules.
      const after = scan.text.slice(match.index + match[0].length, match.index + match[0].length + 40);
      if (new RegExp(`^\\s*(?:any\\s+|from (?:the |our )?)?(?:${CATEGORY})\\b`, 'u').test(after)) return false;
      add(draft, predicate('has_purchased', 'is', { value: false }), ...at(match));
      vote(draft, 'first_purchase', 1, match.index);
      return true;
    },
  },
  // ── loyalty ─────────────────────────────────────────────────────────────────────────────────────────
  {
    pattern:
      /\b(?:(?:not|never)\s+(?:yet\s+)?(?:in|enrolled in|enroll?ed|members of|part of|signed up (?:for|to))\s+(?:the\s+|our\s+)?(?:loyalty|rewards)(?:\s+(?:program(?:me)?|club|scheme))?|non-?(?:loyalty[- ])?members|(?:not|non)[- ]enroll?ed|without (?:a\s+)?loyalty (?:tier|membership|status))/gu,
    apply(match, draft) {
      add(draft, predicate('loyalty_tier', 'in', { value: ['none'] }), ...at(match));
      vote(draft, 'loyalty', 1, match.index);
      return true;
    },
  },
  {
    pattern: new RegExp(
      String.raw`(?<!\bto\s)\b(?<neg>not |except |excluding |other than |non-)?(?<tiers>${TIER}(?:\s*(?:,|/|&|\bor\b|\band\b)\s*${TIER})*)(?<up>\+|\s+(?:and|or)\s+(?:above|higher|up|better))?(?:\s+(?:tier|tiers|level|members?|status|loyalty members|customers|loyalty))*(?<up2>\s+(?:and|or)\s+(?:above|higher|up|better))?`,
      'gu',
    ),
    apply(match, draft) {
      const g = match.groups ?? {};
      const named = listOf(g.tiers ?? '', TIER, (word) => word);
      let tiers = named;
      if (g.up || g.up2) {
        const lowest = Math.min(...named.map((tier) => TIERS.indexOf(tier as (typeof TIERS)[number])));
        tiers = TIERS.slice(lowest);
      }
      if (tiers.length === 0) return false;
      add(draft, predicate('loyalty_tier', g.neg ? 'not_in' : 'in', { value: tiers }), ...at(match));
      return true;
    },
  },
  // ── scores ──────────────────────────────────────────────────────────────────────────────────────────
  {
    pattern: new RegExp(
      String.raw`\b(?<attr>churn(?:\s+(?:risk|score|probability|likelihood|propensity))?|risk of churn(?:ing)?|engagement(?:\s+score)?|discount(?:\s+sensitivity)(?:\s+score)?)\s+(?:score\s+)?(?:is\s+|of\s+)?(?:between\s+(?<lo>${NUM})\s*(?<lop>%)?\s*(?:and|-|to)\s*(?<hi>${NUM})(?<pct2>%)?|${CMP}(?<n>${NUM})\s*(?<pct>%|percent)?)`,
      'gu',
    ),
    apply(match, draft) {
      const g = match.groups ?? {};
      const attr = g.attr ?? '';
      const attribute = /churn/.test(attr) ? 'churn_risk' : /engagement/.test(attr) ? 'engagement_score' : 'discount_sensitivity';
      const b = bounds(match, 'gt');
      if (!b) return false;
      const value = scaled(b.value, g.pct ?? g.lop);
      const valueTo = b.valueTo === null ? null : scaled(b.valueTo, g.pct2 ?? g.lop);
      if (value > 1 || (valueTo !== null && valueTo > 1)) return false;
      add(draft, predicate(attribute, b.op, { value, valueTo }), ...at(match));
      if (attribute === 'churn_risk') vote(draft, 'churn_prevention', 1, match.index);
      return true;
    },
  },
  {
    pattern:
      /\b(?:high[- ]churn[- ]risk|high risk of churn(?:ing)?|at[- ]risk(?: of churn(?:ing)?| of leaving| of lapsing)?|likely to (?:churn|leave|lapse)|churn[- ]risk|about to churn|churn-prone|(?:at )?risk of churn(?:ing)?)\b/gu,
    apply(match, draft) {
      if (!has(draft, 'churn_risk')) add(draft, predicate('churn_risk', 'gte', { value: 0.7 }), ...at(match));
      vote(draft, 'churn_prevention', 1, match.index);
      return true;
    },
  },
  {
    pattern: /\b(?:low[- ]churn[- ]risk|unlikely to churn)\b/gu,
    apply(match, draft) {
      add(draft, predicate('churn_risk', 'lte', { value: 0.3 }), ...at(match));
      return true;
    },
  },
  {
    pattern: /\b(?:low[- ]engagement|disengaged|unengaged|not engaged|less engaged|poorly engaged)\b/gu,
    apply(match, draft) {
      add(draft, predicate('engagement_score', 'lte', { value: 0.3 }), ...at(match));
      vote(draft, 'engagement', 1, match.index);
      return true;
    },
  },
  {
    pattern: /\b(?:highly engaged|high[- ]engagement|very engaged|most engaged|engaged)\b(?!\s+score)/gu,
    apply(match, draft) {
      add(draft, predicate('engagement_score', 'gte', { value: 0.7 }), ...at(match));
      return true;
    },
  },
  {
    pattern:
      /\b(?:discount[- ]sensitive|price[- ]sensitive|deal[- ]seekers?|deal[- ]hunters?|bargain[- ]hunters?|coupon[- ](?:users|lovers|clippers)|promo[- ]sensitive)\b/gu,
    apply(match, draft) {
      add(draft, predicate('discount_sensitivity', 'gte', { value: 0.6 }), ...at(match));
      return true;
    },
  },
  {
    pattern: /\b(?:full[- ]price (?:buyers|shoppers|customers)|not (?:discount|price)[- ]sensitive|rarely use discounts)\b/gu,
    apply(match, draft) {
      add(draft, predicate('discount_sensitivity', 'lte', { value: 0.2 }), ...at(match));
      return true;
    },
  },
  // ── demographics ────────────────────────────────────────────────────────────────────────────────────
  {
    pattern: new RegExp(
      String.raw`\b(?:(?:aged?|ages)\s+(?:between\s+)?${RANGE}|(?<lo2>${NUM})\s*(?:-|to)\s*(?<hi2>${NUM})[\s-]*(?:year[- ]olds?|yo\b|years? old)|(?:aged?|ages)\s+(?:${CMP})(?<n>${NUM})(?<plus>\+)?|(?:${CMP})(?<n2>${NUM})\s*(?:years? old|year[- ]olds?|yo\b|years of age)|(?<n3>${NUM})\+\s*(?:year[- ]olds?|yo\b)|aged (?<n4>${NUM})\+)`,
      'gu',
    ),
    apply(match, draft) {
      const g = match.groups ?? {};
      const lo = num(g.lo ?? g.lo2);
      const hi = num(g.hi ?? g.hi2);
      if (lo !== null && hi !== null) {
        add(draft, predicate('age', 'between', { value: Math.min(lo, hi), valueTo: Math.max(lo, hi) }), ...at(match));
        return true;
      }
      const plus = num(g.n3 ?? g.n4);
      if (plus !== null) {
        add(draft, predicate('age', 'gte', { value: plus }), ...at(match));
        return true;
      }
      const n = num(g.n ?? g.n2);
      if (n === null || n > 120) return false;
      add(draft, predicate('age', g.plus ? 'gte' : compareOp(g.cmp, 'eq'), { value: n }), ...at(match));
      return true;
    },
  },
  {
    pattern:
      /\b(?:customers|shoppers|people|users|members|buyers|seekers|hunters|women|men|adults|subscribers|fans)\s+(?<cmp>under|over|below|above|younger than|older than)\s+(?<n>\d{2})(?!\s*(?:%|\$|dollars|days?|weeks?|months?|years? (?:ago|of)|hours?|orders|purchases|items|products|views|visits|times|k\b))(?![\d,.])/gu,
    apply(match, draft) {
      const n = num(match.groups?.n);
      if (n === null || n < 13 || n > 100) return false;
      const cmp = match.groups?.cmp ?? '';
      const op = /under|below|younger/.test(cmp) ? 'lt' : 'gt';
      const start = match.index + match[0].indexOf(cmp);
      add(draft, predicate('age', op, { value: n }), start, match.index + match[0].length);
      return true;
    },
  },
  {
    pattern: /\bin their (?<decade>20|30|40|50|60|70)'?s\b/gu,
    apply(match, draft) {
      const decade = Number(match.groups?.decade);
      add(draft, predicate('age', 'between', { value: decade, valueTo: decade + 9 }), ...at(match));
      return true;
    },
  },
  {
    pattern: /\b(?<gen>gen[- ]?z|zoomers|millennials?|gen[- ]?x|(?:baby )?boomers|seniors|retirees|young adults|students)\b/gu,
    apply(match, draft) {
      const gen = (match.groups?.gen ?? '').replace(/[- ]/g, '');
      // Birth-year bands (Pew) expressed as ages relative to the as-of year.
      const year = draft.asOf.getUTCFullYear();
      const bands: Record<string, [number, number | null]> = {
        genz: [18, year - 1997],
        zoomers: [18, year - 1997],
        millennial: [year - 1996, year - 1981],
        millennials: [year - 1996, year - 1981],
        genx: [year - 1980, year - 1965],
        boomers: [year - 1964, null],
        babyboomers: [year - 1964, null],
        seniors: [65, null],
        retirees: [65, null],
        youngadults: [18, 29],
        students: [18, 24],
      };
      const band = bands[gen];
      if (!band) return false;
      const made =
        band[1] === null ? predicate('age', 'gte', { value: band[0] }) : predicate('age', 'between', { value: band[0], valueTo: band[1] });
      add(draft, made, ...at(match));
      return true;
    },
  },
  {
    pattern: /\b(?:women|woman|female|females|ladies|womenswear)\b(?!'s\s)/gu,
    apply(match, draft) {
      add(draft, predicate('gender', 'in', { value: ['female'] }), ...at(match));
      return true;
    },
  },
  {
    pattern: /\b(?:men|man|male|males|gentlemen|menswear)\b(?!'s\s)/gu,
    apply(match, draft) {
      add(draft, predicate('gender', 'in', { value: ['male'] }), ...at(match));
      return true;
    },
  },
  {
    pattern: new RegExp(
      String.raw`\b(?<neg>(?:not|outside|excluding|except(?: for)?|other than|but not)\s+(?:in\s+|from\s+)?)?(?:(?:in|from|across|living in|based in|located in)\s+)?(?:the\s+)?(?<regions>(?:${REGION})\b(?:\s*(?:,|/|&|\bor\b|\band\b)\s*(?:the\s+)?(?:${REGION})\b)*)(?:\s+(?:regions?|states|area|us|u\.s\.))?`,
      'gu',
    ),
    apply(match, draft) {
      const regions = listOf(match.groups?.regions ?? '', `\\b(?:${REGION})\\b`, regionOf);
      if (regions.length === 0) return false;
      add(draft, predicate('region', match.groups?.neg ? 'not_in' : 'in', { value: regions }), ...at(match));
      return true;
    },
  },
  {
    pattern: /\b(?<u>urban|city[- ]dwellers?|city|suburban|suburbs|rural|countryside)\b(?:\s+(?:customers|areas?|shoppers|households))?/gu,
    apply(match, draft) {
      const u = match.groups?.u ?? '';
      const value = /^(urban|city)/.test(u) ? 'urban' : /^subur/.test(u) ? 'suburban' : 'rural';
      add(draft, predicate('urbanicity', 'in', { value: [value] }), ...at(match));
      return true;
    },
  },
  {
    pattern:
      /\b(?:(?<d1>mobile|desktop|tablet|ipad|phone|app)[- ](?:users|shoppers|customers|first)|(?:mostly |mainly |who shop |who browse )?on (?<d2>mobile|desktop|tablets?|their phones?))\b/gu,
    apply(match, draft) {
      const d = match.groups?.d1 ?? match.groups?.d2 ?? '';
      const value = /^(mobile|phone|app)/.test(d) ? 'mobile' : d === 'desktop' ? 'desktop' : 'tablet';
      add(draft, predicate('preferred_device', 'in', { value: [value] }), ...at(match));
      return true;
    },
  },
  // ── tenure ──────────────────────────────────────────────────────────────────────────────────────────
  {
    pattern: new RegExp(
      String.raw`\b(?:(?:signed up|joined|registered|created an account|new sign-?ups?|sign-?ups?)\s+(?:in|within|during|over)\s+(?:the\s+)?(?:last|past)\s+(?<d>${DURATION}|week|month|year)|(?:new(?:ly registered)?|recent)\s+(?:customers|sign-?ups|signups|subscribers|registrants|members|accounts|users)(?:\s+(?:from|in|of|within|over)\s+(?:the\s+)?(?:last|past)\s+(?<d2>${DURATION}|week|month|year))?)`,
      'gu',
    ),
    apply(match, draft) {
      const single: Record<string, number> = { week: 7, month: 30, year: 365 };
      const d = match.groups?.d ?? match.groups?.d2;
      const days = d === undefined ? 30 : (single[d] ?? durationDays(d));
      if (days === null) return false;
      add(draft, predicate('tenure_days', 'lte', { value: days }), ...at(match));
      return true;
    },
  },
  {
    pattern: new RegExp(
      String.raw`\b(?:(?:customers|members|with us|been with us|signed up|joined)\s+(?:for\s+)?(?<cmp>${COMPARE})\s*(?<d>${DURATION}|a year)(?:\s+ago)?|tenure\s+(?<cmp2>${COMPARE})\s*(?<d2>${DURATION}|a year))`,
      'gu',
    ),
    apply(match, draft) {
      const g = match.groups ?? {};
      const d = g.d ?? g.d2;
      const days = durationDays(d ?? '');
      if (days === null) return false;
      add(draft, predicate('tenure_days', compareOp(g.cmp ?? g.cmp2, 'gte'), { value: days }), ...at(match));
      return true;
    },
  },
  {
    pattern: /\blong[- ](?:time|standing|tenured) (?:customers|members|shoppers|buyers)\b/gu,
    apply(match, draft) {
      if (!has(draft, 'tenure_days')) add(draft, predicate('tenure_days', 'gte', { value: 730 }), ...at(match));
      return true;
    },
  },
  // ── opt-ins ─────────────────────────────────────────────────────────────────────────────────────────
  {
    pattern:
      /\b(?:(?:opted[- ]in|subscribed|consented|signed up)\s+(?:to|for)\s+(?:(?:our|the)\s+)?(?<c1>e-?mails?|newsletters?|sms|texts?|push(?: notifications?)?)|(?<c2>e-?mail|newsletter|sms|push)\s+(?:subscribers|opt-?ins|opted[- ]in))\b/gu,
    apply(match, draft) {
      const c = match.groups?.c1 ?? match.groups?.c2 ?? '';
      const attribute = /^(e-?mail|newsletter)/.test(c) ? 'email_opt_in' : /^(sms|text)/.test(c) ? 'sms_opt_in' : 'push_opt_in';
      add(draft, predicate(attribute, 'is', { value: true }), ...at(match));
      return true;
    },
  },
];

/** A floating look-back ("... in the last 30 days") after behaviours that gave none of their own. */
const FLOATING_WINDOW = new RegExp(`^${lookBack('')}$`, 'u');
const FLOATING = new RegExp(
  String.raw`(?:in|within|during|over)\s+(?:the\s+)?(?:last|past|previous)\s+(?:${DURATION}|week|month|year)`,
  'gu',
);

export function readAudience(scan: Scan, draft: Draft): void {
  for (const rule of rules) eachMatch(scan, rule.pattern, (match) => rule.apply(match, draft, scan));
  eachMatch(scan, FLOATING, (match) => {
    const parsed = FLOATING_WINDOW.exec(` ${match[0]}`);
    const days = parsed ? lookBackDays(draft, parsed, '') : null;
    if (typeof days !== 'number') return false;
    // Applies to the windowed predicates of the same clause that took a default window.
    const clauseStart = lastClauseBreak(scan.text, match.index);
    const targets = draft.predicates.filter(
      (placed) => placed.predicate.windowDays !== null && !placed.windowStated && placed.start >= clauseStart && placed.end <= match.index,
    );
    if (targets.length === 0) return false;
    for (const target of targets) {
      target.predicate = { ...target.predicate, windowDays: days };
      target.windowStated = true;
    }
    return true;
  });
}

function lastClauseBreak(text: string, before: number): number {
  const head = text.slice(0, before);
  const index = Math.max(head.lastIndexOf(';'), head.lastIndexOf('.'), head.lastIndexOf(':'));
  return index + 1;
}
