/**
 * Base learners as the meta-learners see them: fit on a matrix, predict a Float64Array. Classification
 * learners predict probabilities, regression learners the conditional mean. Each model serialises to JSON and
 * compiles to a SQL expression over named feature columns.
 */
import type { FeatureMatrix } from './matrix.ts';

export type Objective = 'binary' | 'regression';

export type SqlDialect = 'duckdb' | 'bigquery';

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
