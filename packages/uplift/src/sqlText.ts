/** SQL text pieces shared by every model compiler: numeric literals that parse as doubles, quoted identifiers and strings. */
import type { SqlDialect } from './learner.ts';

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) < 0x20) return true;
  return false;
}

/** A DOUBLE/FLOAT64 literal that round-trips the value exactly (scientific notation, never DECIMAL). */
export function sqlNumber(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`cannot write ${value} as a SQL literal`);
  const text = value.toExponential();
  return value < 0 || Object.is(value, -0) ? `(${text})` : text;
}

/**
 * The SQL expression given for a feature in `columns`, keyed by feature name. Names are the data's column names, any
 * text, so the lookup asks for an own property: "__proto__" or "constructor" would otherwise find Object's.
 */
export const columnSql = (columns: Readonly<Record<string, string>>, name: string): string | undefined =>
  Object.hasOwn(columns, name) ? columns[name] : undefined;

/** A quoted column identifier; names with characters that cannot be quoted safely are refused. */
export function sqlIdentifier(name: string, dialect: SqlDialect): string {
  if (name.length === 0 || hasControlCharacter(name) || /[`"\\]/.test(name))
    throw new Error(`column name ${JSON.stringify(name)} cannot be used in SQL (it is empty or holds ", \`, \\ or a control character)`);
  return dialect === 'bigquery' ? `\`${name}\`` : `"${name}"`;
}

/**
 * A string literal of `value`, control characters included (a category read from a quoted CSV field may hold a
 * newline or tab): BigQuery writes them as `\xHH` escapes; DuckDB's literals have no escapes, so they are joined in
 * with `chr(code)`.
 */
export function sqlString(value: string, dialect: SqlDialect): string {
  let text = '';
  for (const c of value) {
    const code = c.charCodeAt(0);
    if (dialect === 'bigquery') text += code < 0x20 ? `\\x${code.toString(16).padStart(2, '0')}` : c === '\\' || c === "'" ? `\\${c}` : c;
    else text += code < 0x20 ? `' || chr(${code}) || '` : c === "'" ? "''" : c;
  }
  return dialect === 'duckdb' && hasControlCharacter(value) ? `('${text}')` : `'${text}'`;
}
