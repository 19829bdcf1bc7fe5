/**
 * The order in which a model's terms are summed (a linear model's intercept and terms, a boosted ensemble's base
 * score and trees), one for in-process prediction and SQL so that both round alike. SQL engines limit how deeply an
 * expression nests (DuckDB: 1000 levels), and `a + b + c + …` nests a level per term, so a flat sum of 1,000 terms
 * was refused however short its text. The terms are summed in groups of SUM_GROUP, left to right, and then the
 * groups' sums, left to right: at most SUM_GROUP + terms / SUM_GROUP levels.
 */
export const SUM_GROUP = 256;

/** `parts[0] + parts[1] + …` in SUM_GROUP order (not parenthesised as a whole). */
export function sumSql(parts: readonly string[]): string {
  if (parts.length <= SUM_GROUP) return parts.join(' + ');
  const groups: string[] = [];
  for (let start = 0; start < parts.length; start += SUM_GROUP) groups.push(`(${parts.slice(start, start + SUM_GROUP).join(' + ')})`);
  return groups.join(' + ');
}

/**
 * Per row, the sum of `parts` terms in SUM_GROUP order, as `sumSql` writes it: `add(part, into)` adds term `part`'s
 * value for every row to `into`, which starts each group at zero.
 */
export function sumInGroups(rows: number, parts: number, add: (part: number, into: Float64Array) => void): Float64Array {
  const total = new Float64Array(rows);
  for (let part = 0; part < Math.min(parts, SUM_GROUP); part++) add(part, total);
  if (parts <= SUM_GROUP) return total;
  const group = new Float64Array(rows);
  for (let start = SUM_GROUP; start < parts; start += SUM_GROUP) {
    group.fill(0);
    for (let part = start; part < Math.min(parts, start + SUM_GROUP); part++) add(part, group);
    for (let i = 0; i < rows; i++) total[i] = total[i]! + group[i]!;
  }
  return total;
}
