/**
 * Warehouse tables, defined once: each is a TypeBox object (columns, with meaning in `description`) plus the
 * physical layout. DDL for each dialect, load validation and the docs' table reference are generated from these.
 * Column types: Type.String (STRING/VARCHAR), Type.String({ format: 'date' | 'date-time' }) (DATE/TIMESTAMP),
 * Type.Integer (INT64/BIGINT), Type.Number (FLOAT64/DOUBLE), Type.Boolean; nullable as Type.Union([T, Type.Null()]).
 */
import type { TObject } from 'typebox';

export type TableDefinition<S extends TObject = TObject> = {
  name: string;
  description: string;
  columns: S;
  /** DATE or TIMESTAMP column to partition event tables by day (BigQuery); null for dimension tables. */
  partitionBy: string | null;
  clusterBy: readonly string[];
  primaryKey: readonly string[];
};

export function defineTable<S extends TObject>(table: TableDefinition<S>): TableDefinition<S> {
  return table;
}
