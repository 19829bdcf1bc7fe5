/**
 * Model → SQL: each treatment's CATE model as one SQL expression over the feature view's raw columns, for DuckDB
 * and BigQuery. Numeric features are cast to DOUBLE/FLOAT64, and a boolean one (a BOOL column) is tested as a flag;
 * a string feature's one-hot columns become `CASE WHEN col = 'value' THEN 1 ELSE 0 END` (unseen values and NULL → 0,
 * as in process).
 */
import type { FeatureSchema } from './encoding.ts';
import type { SqlDialect } from './learner.ts';
import { sqlIdentifier, sqlString } from './sqlText.ts';
import type { UpliftModel } from './upliftModel.ts';

/**
 * A SQL expression per encoded feature name, reading the raw columns of the schema. A string feature's column is
 * compared with its categories as it is, not cast to text: a column of another type then fails loudly (BigQuery: no
 * STRING = FLOAT64; DuckDB: '3+' is no BIGINT) where a cast would mis-score silently (DuckDB writes 1.0 as '1.0').
 */
export function featureColumnsSql(schema: FeatureSchema, dialect: SqlDialect): Record<string, string> {
  const entries: [string, string][] = [];
  for (const feature of schema.features) {
    const column = sqlIdentifier(feature.name, dialect);
    if (feature.type === 'number' && feature.boolean) {
      // BigQuery casts BOOL to INT64 or STRING only; a test of the flag works in both dialects and keeps NULL missing
      entries.push([feature.name, `(CASE WHEN ${column} THEN 1e0 WHEN NOT ${column} THEN 0e0 END)`]);
    } else if (feature.type === 'number')
      entries.push([feature.name, `CAST(${column} AS ${dialect === 'bigquery' ? 'FLOAT64' : 'DOUBLE'})`]);
    else {
      for (const category of feature.categories) {
        entries.push([`${feature.name}=${category}`, `(CASE WHEN ${column} = ${sqlString(category, dialect)} THEN 1e0 ELSE 0e0 END)`]);
      }
    }
  }
  return Object.fromEntries(entries); // own properties, whatever the names ("__proto__" set by assignment is not one)
}

export type TreatmentSql = { treatment: string; sql: string; bytes: number };

export function upliftSql(model: UpliftModel, dialect: SqlDialect): TreatmentSql[] {
  const columns = featureColumnsSql(model.schema, dialect);
  return model.arms.map((arm) => {
    const sql = arm.cate.toSql(columns, dialect);
    return { treatment: arm.treatment, sql, bytes: Buffer.byteLength(sql, 'utf8') };
  });
}
