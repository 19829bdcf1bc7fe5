/** Campaign constraints: audience size caps, budgets and contact-pressure exclusions ("not contacted in the last 7 days"). */
import { ambiguous, type Draft } from './draft.ts';
import { DURATION, durationDays, MONEY, NUM, parseNumber } from './numbers.ts';
import { eachMatch, type Scan } from './scan.ts';

const PEOPLE = `(?:people|customers|users|contacts|recipients|shoppers|members|persons|profiles|buyers|subscribers|folks)`;
const CAP = `(?:at most|max(?:imum)?(?: of)?|up to|no more than|not more than|cap(?:ped)?(?: it)?(?: at| to)?|limit(?:ed)?(?: it)? to|under|fewer than|less than|below|top|maximum size(?: of)?)`;

const SIZE = [
  new RegExp(String.raw`\b${CAP}\s+(?<n>${NUM})\s*${PEOPLE}`, 'gu'),
  new RegExp(String.raw`\b(?<n>${NUM})\s*${PEOPLE}\s+(?:max(?:imum)?|at most|tops|or fewer|or less)`, 'gu'),
  new RegExp(
    String.raw`\b(?:audience|segment|list)(?:\s+size)?\s+(?:of\s+|should be\s+|must be\s+|is\s+)?(?:${CAP})\s+(?<n>${NUM})(?:\s*${PEOPLE})?`,
    'gu',
  ),
  new RegExp(String.raw`\b(?:cap|limit)\s+(?:the\s+)?(?:audience|segment|list|it|size)\s+(?:at|to)\s+(?<n>${NUM})(?:\s*${PEOPLE})?`, 'gu'),
  new RegExp(String.raw`\b(?:max(?:imum)?|capped) (?:audience|segment) (?:size )?(?:of\s+)?(?<n>${NUM})`, 'gu'),
];

const BUDGET = [
  new RegExp(
    String.raw`\b(?:total\s+)?budget\s*(?:of|is|:|at|=|under|below|capped at|max(?:imum)?|up to|no more than|around|about)?\s*(?<m>${MONEY})`,
    'gu',
  ),
  new RegExp(String.raw`\b(?<m>${MONEY})\s+(?:total\s+|max(?:imum)?\s+|campaign\s+|marketing\s+)?budget`, 'gu'),
  new RegExp(
    String.raw`\b(?:spend|spending|cost)\s+(?:no more than|at most|up to|max(?:imum)?(?: of)?|under|a maximum of|capped at|not more than)\s+(?<m>${MONEY})(?:\s+(?:on|in total|total|overall|for the campaign|on this campaign|on incentives))?`,
    'gu',
  ),
  new RegExp(String.raw`\b(?:with|have|got|only have)\s+(?<m>[$€£]\s?${NUM})\s+(?:to spend|available)`, 'gu'),
];

const CONTACTED = `(?:contacted|emailed|e-mailed|messaged|mailed|texted|reached|targeted|touched|sent (?:anything|a campaign|an? (?:e-?mail|message|sms|push))|pushed|promoted to|received (?:a |an |any )?(?:campaign|e-?mail|message|offer|promotion)s?)`;
const EXCLUDE = [
  new RegExp(
    String.raw`\b(?:not|n't|never|exclude|excluding|skip|skipping|except|without|no one|nobody|minus|leave out|leaving out|suppress|suppressing|omit)\b[^.;!?]{0,40}?\b${CONTACTED}\b[^.;!?]{0,25}?\b(?:in|within|during|over|for)\s+(?:the\s+)?(?:last|past|previous|prior)\s+(?<d>${DURATION}|week|month|fortnight|day|few days)`,
    'gu',
  ),
  new RegExp(
    String.raw`\b(?<d>${DURATION})\s+(?:contact\s+)?(?:cool-?down|cooling[- ]off|quiet period|suppression(?: window)?|contact gap)`,
    'gu',
  ),
  new RegExp(
    String.raw`\b(?:cool-?down|cooling[- ]off period|frequency cap|quiet period|suppression window)\s+(?:of\s+)?(?<d>${DURATION})`,
    'gu',
  ),
];

export function readConstraints(scan: Scan, draft: Draft): void {
  for (const pattern of EXCLUDE) {
    eachMatch(scan, pattern, (match) => {
      const d = match.groups?.d ?? '';
      const single: Record<string, number> = { week: 7, month: 30, fortnight: 14, day: 1 };
      if (d === 'few days') {
        ambiguous(draft, match[0], '"a few days" is not a number of days; no contact exclusion was set');
        return true;
      }
      const days = single[d] ?? durationDays(d);
      if (days === null) return false;
      if (days > 365) {
        ambiguous(draft, match[0], 'contact exclusions longer than 365 days are not supported; capped at 365');
      }
      draft.excludeContactedWithinDays = Math.min(365, days);
      return true;
    });
  }
  for (const pattern of SIZE) {
    eachMatch(scan, pattern, (match) => {
      const n = parseNumber(match.groups?.n ?? '');
      if (n === null || n < 1) return false;
      draft.maxAudienceSize = Math.round(n);
      return true;
    });
  }
  for (const pattern of BUDGET) {
    eachMatch(scan, pattern, (match) => {
      const m = parseNumber(match.groups?.m ?? '');
      if (m === null || m < 0) return false;
      draft.budget = m;
      return true;
    });
  }
}
