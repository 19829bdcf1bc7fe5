/** Marketer words for catalogue values: product categories, regions, loyalty tiers, channels. */
import type { Channel } from '@aether/contracts/objective';

const CATEGORY_WORDS: Array<[string, string]> = [
  ['shoes', 'shoes?|sneakers?|footwear|boots|trainers|running shoes|sandals'],
  ['apparel', 'apparel|clothing|clothes|fashion|garments|outerwear|jackets?|dresses|t-shirts?'],
  ['accessories', 'accessories|accessory|bags?|handbags?|jewel(?:le)?ry|watches|sunglasses|belts'],
  ['beauty', 'beauty|cosmetics|skincare|skin care|makeup|make-up|fragrances?|perfume'],
  ['home', 'home(?:ware|wares| goods| decor| & garden)?|furniture|kitchen(?:ware)?|decor|bedding'],
  ['electronics', 'electronics|electronic|gadgets?|tech|consumer electronics|laptops?|phones?|headphones'],
  ['sports', 'sports?|sportswear|sporting goods|fitness|athletic(?:s| wear)?|outdoor(?: gear)?|gym(?: gear| wear)?'],
  ['kids', "kids|kid's|children's|childrens|children|toys|baby|babies|kidswear"],
];

export const CATEGORY = `(?:${CATEGORY_WORDS.map(([, words]) => words).join('|')})`;

export function categoryOf(word: string): string | null {
  for (const [id, words] of CATEGORY_WORDS) {
    if (new RegExp(`^(?:${words})$`, 'u').test(word.trim())) return id;
  }
  return null;
}

const REGION_WORDS: Array<[string, string]> = [
  ['northeast', 'north[- ]?east(?:ern)?|new england'],
  ['southeast', 'south[- ]?east(?:ern)?'],
  ['midwest', 'mid[- ]?west(?:ern)?'],
  ['southwest', 'south[- ]?west(?:ern)?'],
  ['west', 'west coast|west|western|pacific'],
];

export const REGION = `(?:${REGION_WORDS.map(([, words]) => words).join('|')})`;

export function regionOf(word: string): string | null {
  for (const [id, words] of REGION_WORDS) {
    if (new RegExp(`^(?:${words})$`, 'u').test(word.trim())) return id;
  }
  return null;
}

export const TIERS = ['none', 'bronze', 'silver', 'gold', 'platinum'] as const;
export const TIER = '(?:bronze|silver|gold|platinum)';

const CHANNEL_WORDS: Array<[Channel, string]> = [
  ['email', 'e-?mails?|newsletters?'],
  ['push', 'push(?: notifications?| messages?)?|app push'],
  ['sms', 'sms|texts?|text messages?|texting'],
  ['in_app', 'in-?app(?: messages?| messaging)?'],
  ['direct_mail', 'direct mail|postal mail|mailers?|postcards?|catalogues?'],
  ['paid_social', 'paid social|social ads|social media ads|facebook ads|instagram ads|meta ads|social'],
];

export const CHANNEL = `(?:${CHANNEL_WORDS.map(([, words]) => words).join('|')})`;
/** One or more channels: "push or email", "email, sms and push", "email/push". */
export const CHANNEL_LIST = String.raw`${CHANNEL}(?:\s*(?:,|/|&|\bor\b|\band\b|\bnor\b)\s*(?:by\s+|via\s+)?${CHANNEL})*`;

export function channelsIn(text: string): Channel[] {
  const found: Channel[] = [];
  const pattern = new RegExp(CHANNEL, 'gu');
  for (const match of text.matchAll(pattern)) {
    for (const [id, words] of CHANNEL_WORDS) {
      if (new RegExp(`^(?:${words})$`, 'u').test(match[0]) && !found.includes(id)) found.push(id);
    }
  }
  return found;
}

/** Every item of a list of words ("gold or platinum", "the northeast and midwest") mapped by `of`. */
export function listOf(text: string, item: string, of: (word: string) => string | null): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(new RegExp(item, 'gu'))) {
    const id = of(match[0]);
    if (id !== null && !found.includes(id)) found.push(id);
  }
  return found;
}
