/**
 * The logistic link shared by every binary base model, in process and in SQL. The margin is clamped to ±MARGIN_LIMIT
 * first: EXP of a large argument overflows DOUBLE/FLOAT64, which BigQuery raises as an error (DuckDB 1.5 returns
 * Infinity). At ±500 the probability is already 1 (or 7e-218), so clamping changes no score that matters, and
 * predict() clamps identically so that it and the SQL agree.
 */

export const MARGIN_LIMIT = 500;

export function sigmoid(margin: number): number {
  return 1 / (1 + Math.exp(-Math.min(Math.max(margin, -MARGIN_LIMIT), MARGIN_LIMIT)));
}

/** A self-contained (parenthesised) SQL expression; GREATEST and LEAST are spelled alike in DuckDB and BigQuery. */
export function sigmoidSql(marginSql: string): string {
  return `(1e0 / (1e0 + EXP(-GREATEST(LEAST(${marginSql}, ${MARGIN_LIMIT}e0), -${MARGIN_LIMIT}e0))))`;
}
