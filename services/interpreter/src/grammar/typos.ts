/**
 * Misspelling correction for the words the grammar listens for. A word not in the vocabulary is replaced by the
 * vocabulary word within one edit (two for long words; a swap of neighbours counts as one), when exactly one such
 * word exists. Short words are left alone: too many real words sit one edit apart.
 */
const VOCABULARY = (
  'abandoned abandon abandoners abandonment cart carts basket baskets checkout customers customer shoppers subscribers ' +
  'purchase purchased purchases purchasing bought ordered orders order spent spend spending budget ' +
  'reactivate reactivation reactivating lapsed dormant inactive churned churn churning retention retain ' +
  'recover recovery second repeat first upsell cross-sell engage engagement engaged re-engage loyalty loyal enroll enrol ' +
  'enrolled program programme rewards points double discount discounts coupon shipping delivery reminder reminders ' +
  'platinum silver bronze gold members membership tier ' +
  'northeast southeast midwest southwest western ' +
  'email emails e-mail push notification notifications in-app direct social ' +
  'browsed viewed views clicked clicks opened opens visited visits sessions product products ' +
  'apparel clothing shoes sneakers footwear accessories jewelry jewellery beauty cosmetics skincare makeup ' +
  'electronics gadgets sports sportswear fitness furniture homeware children ' +
  'value high-value valuable lifetime percentile ' +
  'months weeks hours quarter fortnight january february march april june july august september october november december ' +
  'christmas maximise maximize minimise minimize increase improve revenue conversion conversions average ' +
  'within excluding exclude contacted messaged emailed texted people audience maximum minimum least ' +
  "haven't hasn't didn't don't female women male urban suburban rural mobile millennials messages message " +
  'sensitive sensitivity risk score probability'
).split(' ');

const KNOWN = new Set(VOCABULARY);
const cache = new Map<string, string>();

export function correctTypo(word: string): string {
  if (word.length < 5 || KNOWN.has(word) || /\d/.test(word)) return word;
  const cached = cache.get(word);
  if (cached !== undefined) return cached;
  const limit = word.length >= 9 ? 2 : 1;
  let best: string | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  let tie = false;
  for (const candidate of VOCABULARY) {
    if (Math.abs(candidate.length - word.length) > limit || candidate.length < 5) continue;
    const distance = editDistance(word, candidate, limit);
    if (distance > limit) continue;
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
      tie = false;
    } else if (distance === bestDistance && candidate !== best) {
      tie = true;
    }
  }
  const corrected = best !== null && !tie ? best : word;
  if (cache.size < 10_000) cache.set(word, corrected);
  return corrected;
}

/** Optimal string alignment distance, giving up early once every path exceeds `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    let rowMin = Number.POSITIVE_INFINITY;
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(d[(i - 1) * cols + j]! + 1, d[i * cols + j - 1]! + 1, d[(i - 1) * cols + j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, d[(i - 2) * cols + j - 2]! + 1);
      d[i * cols + j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > limit) return limit + 1;
  }
  return d[rows * cols - 1]!;
}
