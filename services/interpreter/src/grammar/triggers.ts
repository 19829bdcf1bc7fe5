/** Triggers named in the text: "a 20% discount", "free shipping", "double points", "cart reminder", "push nudge", "flash sale". */
import { findTrigger } from '@aether/contracts/catalogue';
import { ambiguous, type Draft } from './draft.ts';
import { NUM, parseNumber } from './numbers.ts';
import { eachMatch, type Scan } from './scan.ts';

function addTrigger(draft: Draft, id: string): void {
  if (!findTrigger(id)) throw new Error(`grammar names a trigger missing from the catalogue: ${id}`);
  if (!draft.triggers.includes(id)) draft.triggers.push(id);
}

const PERCENT_OFF = new RegExp(
  String.raw`\b(?:(?:an?|the|with|offer|offering|give|giving|send|try|test|using)\s+)?(?:up to\s+)?(?<n>${NUM})\s*(?:%|percent|pct)\s*(?:-\s*)?(?:off|discount|discount code|coupon|promo(?: code)?|voucher|code|reduction|markdown|sale)?(?:\s+(?:discount|code|coupon|offer|voucher|incentive))?`,
  'gu',
);
const SIMPLE: Array<[RegExp, string[]]> = [
  [
    /\b(?:fre{1,2} (?:shipping|delivery|postage)|shipping (?:is )?(?:free|on us)|waive(?:d)? shipping|no shipping (?:costs?|fees?))\b/gu,
    ['free_shipping'],
  ],
  [
    /\b(?:double (?:loyalty |reward |rewards )?points|2x (?:loyalty |reward )?points|twice the points|points (?:doubled|boost)|bonus (?:loyalty )?points)\b/gu,
    ['loyalty_double_points'],
  ],
  [/\b(?:sms )?flash[- ]sales?\b(?: (?:by|via) (?:sms|text))?/gu, ['sms_flash_sale']],
  [
    /(?<!\b(?:opened|open|tapped|clicked|read)\s+(?:an?\s+|the\s+|our\s+)?)\b(?:push (?:nudges?|notifications?|messages?|alerts?|reminders?)|nudge (?:them )?(?:by|via|with a) push|app nudges?)\b/gu,
    ['push_nudge'],
  ],
  [
    /\b(?:(?:abandoned[- ])?cart reminders?|(?:a |gentle |friendly )?reminders? (?:e-?mails? )?(?:about|of) (?:their|the) (?:carts?|items?|basket)|remind (?:them|customers|shoppers|people) (?:about|of) (?:their|the|what's in their) (?:carts?|items?|baskets?|products)|reminders?)\b/gu,
    ['cart_reminder'],
  ],
  [
    /\b(?:(?:a|some|with a|offer(?:ing)? a|an?) )?(?:discounts?|coupons?|promo codes?|vouchers?|money[- ]off|markdowns?)\b(?![- ](?:sensitive|sensitivity|seekers?|hunters?))/gu,
    ['discount_10', 'discount_20'],
  ],
];

const NEGATED = /\b(?:no|not|without|never|avoid|don't|do not|excluding|exclude|except)\s+(?:any\s+|a\s+|more\s+|use\s+)?$/u;

export function readTriggers(scan: Scan, draft: Draft): void {
  eachMatch(scan, PERCENT_OFF, (match) => {
    const n = parseNumber(match.groups?.n ?? '');
    const tail = match[0].slice(match[0].search(/%|percent|pct/));
    if (n === null || !/(off|discount|coupon|promo|voucher|code|reduction|markdown|sale)/.test(tail)) return false;
    if (n === 10 || n === 20) {
      addTrigger(draft, `discount_${n}`);
    } else {
      ambiguous(draft, match[0].trim(), `the trigger catalogue has 10% and 20% discounts, not ${n}%; both were kept as candidates`);
      addTrigger(draft, 'discount_10');
      addTrigger(draft, 'discount_20');
    }
    return true;
  });
  for (const [pattern, ids] of SIMPLE) {
    eachMatch(scan, pattern, (match) => {
      const before = scan.text.slice(Math.max(0, match.index - 20), match.index);
      if (NEGATED.test(before)) {
        if (draft.triggers.length === 0) {
          ambiguous(
            draft,
            `${before.trim().split(' ').pop()} ${match[0]}`,
            'triggers cannot be excluded; name the triggers to use instead',
          );
        }
        return true;
      }
      for (const id of ids) addTrigger(draft, id);
      return true;
    });
  }
}
