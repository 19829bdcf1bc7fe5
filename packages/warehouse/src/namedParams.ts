/**
 * Named parameters: both dialects take `@name` in our SQL; DuckDB wants `$name`. The scan skips string literals,
 * quoted identifiers and comments so an `@` inside them is left alone, and reports every name it finds so a
 * missing value fails before the engine sees the query.
 */
export type ScannedSql = { text: string; names: string[] };

export function scanNamedParams(sql: string, prefix: '@' | '$'): ScannedSql {
  let out = '';
  const names = new Set<string>();
  let i = 0;
  while (i < sql.length) {
    const char = sql[i] as string;
    const next = sql[i + 1];
    if (char === "'" || char === '"' || char === '`') {
      const end = closingQuote(sql, i, char);
      out += sql.slice(i, end);
      i = end;
    } else if (char === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end === -1 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop;
    } else if (char === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      const stop = end === -1 ? sql.length : end + 2;
      out += sql.slice(i, stop);
      i = stop;
    } else if (char === '@' && next === '@') {
      const match = /^@@[A-Za-z0-9_.]*/.exec(sql.slice(i));
      const system = match?.[0] ?? '@@';
      out += system; // a BigQuery system variable, not a parameter
      i += system.length;
    } else if (char === '@' && next !== undefined && /[A-Za-z_]/.test(next)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i + 1));
      const name = match?.[0] ?? '';
      names.add(name);
      out += `${prefix}${name}`;
      i += 1 + name.length;
    } else {
      out += char;
      i += 1;
    }
  }
  return { text: out, names: [...names] };
}

function closingQuote(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === '\\' && quote !== '"') {
      i += 2;
      continue;
    }
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) {
        i += 2; // doubled quote escapes itself
        continue;
      }
      return i + 1;
    }
    i += 1;
  }
  return sql.length;
}

export function assertParamsPresent(names: readonly string[], params: Record<string, unknown>): void {
  const missing = names.filter((name) => !(name in params));
  if (missing.length > 0)
    throw new Error(`query parameter${missing.length > 1 ? 's' : ''} ${missing.map((n) => `@${n}`).join(', ')} not given`);
}
