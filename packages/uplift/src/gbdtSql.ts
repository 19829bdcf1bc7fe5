/**
 * Compiles a boosted ensemble to one SQL expression (DuckDB and BigQuery accept the same text): the base score plus
 * one nested CASE per tree, summed in the same order as in-process prediction (sumOrder.ts), then the logistic link for 'binary'
 * (clamped, see sigmoid.ts); the result is parenthesised, so callers can compose it as it is.
 * Numbers are printed in shortest round-trip exponent form (`1.5e-2`): exact, and typed as DOUBLE/FLOAT64 in both
 * dialects (a plain `0.015` would be a DECIMAL in DuckDB and sum with decimal arithmetic).
 */
import type { GbdtTree } from './gbdtTree.ts';
import type { Objective, SqlDialect } from './learner.ts';
import { sigmoidSql } from './sigmoid.ts';
import { columnSql, sqlNumber } from './sqlText.ts';
import { sumSql } from './sumOrder.ts';

export type CompilableEnsemble = {
  readonly objective: Objective;
  readonly featureNames: readonly string[];
  readonly baseScore: number;
  readonly trees: readonly GbdtTree[];
};

/** A bare or quoted identifier needs no parentheses (saves a few KB over thousands of nodes). */
const SIMPLE_COLUMN = /^(?:[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*|`[^`]*`|"[^"]*")$/;

export function gbdtToSql(model: CompilableEnsemble, columns: Readonly<Record<string, string>>, dialect: SqlDialect): string {
  if (dialect !== 'duckdb' && dialect !== 'bigquery') throw new Error(`unsupported SQL dialect: ${String(dialect)}`);
  const used = new Set<number>();
  for (const tree of model.trees) for (const f of tree.feature) if (f >= 0) used.add(f);
  const expressions = model.featureNames.map((name, f) => {
    const expression = columnSql(columns, name);
    if (expression === undefined && used.has(f)) throw new Error(`no SQL expression given for feature '${name}'`);
    if (expression === undefined) return '';
    return SIMPLE_COLUMN.test(expression) ? expression : `(${expression})`;
  });
  const parts = [sqlNumber(model.baseScore)];
  for (const tree of model.trees) parts.push(treeSql(tree, 0, expressions));
  const sum = sumSql(parts);
  return model.objective === 'binary' ? sigmoidSql(sum) : `(${sum})`;
}

function treeSql(tree: GbdtTree, node: number, expressions: readonly string[]): string {
  const f = tree.feature[node]!;
  if (f < 0) return sqlNumber(tree.value[node]!);
  const column = expressions[f]!;
  const threshold = tree.threshold[node]!;
  const left = treeSql(tree, tree.left[node]!, expressions);
  const right = treeSql(tree, tree.right[node]!, expressions);
  // A comparison with NULL is not true, so NULL lands in ELSE: phrase the test so that ELSE is the default side.
  if (threshold === Number.POSITIVE_INFINITY) return `CASE WHEN ${column} IS NOT NULL THEN ${left} ELSE ${right} END`;
  if (tree.defaultLeft[node] === 1) return `CASE WHEN ${column} > ${sqlNumber(threshold)} THEN ${right} ELSE ${left} END`;
  return `CASE WHEN ${column} <= ${sqlNumber(threshold)} THEN ${left} ELSE ${right} END`;
}
