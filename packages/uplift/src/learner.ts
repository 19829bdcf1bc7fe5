/**
 * Base learners as the meta-learners see them: fit on a matrix, predict a Float64Array. Classification
 * learners predict probabilities, regression learners the conditional mean. Each model serialises to JSON and
 * compiles to a SQL expression over named feature columns.
 */
import type { FeatureMatrix } from './matrix.ts';

export type Objective = 'binary' | 'regression';

export type SqlDialect = 'duckdb' | 'bigquery';

/** Row weights a base learner fits with: one per row, finite, ≥ 0 and not all 0. */
export function checkWeights(weights: Float64Array, rows: number): void {
  if (weights.length !== rows) throw new Error(`${weights.length} weights for ${rows} rows`);
  let total = 0;
  for (let i = 0; i < rows; i++) {
    const w = weights[i]!;
    if (!(Number.isFinite(w) && w >= 0)) throw new Error(`weights[${i}] is ${w}: weights are finite and ≥ 0`);
    total += w;
  }
  if (!(total > 0)) throw new Error('the weights are all 0: nothing to fit');
}

export interface FittedModel {
  readonly kind: string;
  readonly objective: Objective;
  /** Probabilities for `binary`, conditional means for `regression`. */
  predict(x: FeatureMatrix): Float64Array;
  toJSON(): unknown;
  /**
   * One SQL expression computing `predict` for a row, given a SQL expression per feature name (already quoted or
   * computed by the caller). Missing values arrive as SQL NULL. The expression is self-contained (parenthesised or a
   * single term), so callers compose it (`a - b`, `g * a`) without wrapping it again.
   */
  toSql(columns: Readonly<Record<string, string>>, dialect: SqlDialect): string;
}
