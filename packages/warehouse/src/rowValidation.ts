/**
 * Rows checked against their table's contract (the one `parse` configuration), and text cells (CSV) converted to
 * the declared column type first. Errors name the column, so importers can point at file, line and column.
 */

import { check, parse } from '@aether/contracts/validation';
import type { TableDefinition } from '@aether/contracts/warehouse';
import type { TSchema } from 'typebox';
import { type Column, columnsOf } from './columns.ts';
import type { Row } from './warehouse.ts';

export type CellIssue = { column: string; message: string };
export type RowCheck = { ok: true; row: Row } | { ok: false; issues: CellIssue[] };

/**
 * Checks a row against its table's contract. TypeBox's `date`/`date-time` format checks (regular expressions and
 * string splits) cost more than the rest of the row together on bulk loads, so the fast path checks a copy of the
 * contract without those formats plus our own character-level date and timestamp test, which accepts only values
 * the format accepts too. Anything the fast path does not accept goes through the full contract, which decides and
 * words the issues.
 */
export function validateRow(table: TableDefinition, row: unknown): RowCheck {
  const fast = fastCheckOf(table);
  if (check(fast.schema, row) && temporalCellsValid(fast.temporal, row as Row)) return { ok: true, row: row as Row };
  const result = parse(table.columns, row);
  if (result.ok) return { ok: true, row: result.value };
  const issues = result.issues.map((issue) => ({ column: issue.path.split('/')[1] || '(row)', message: issue.message }));
  // A nullable column's union also reports "must be null" beside the real problem; keep only the real one.
  return {
    ok: false,
    issues: issues.filter(
      (issue) => !(/must be null/.test(issue.message) && issues.some((other) => other.column === issue.column && other !== issue)),
    ),
  };
}

type FastCheck = { schema: TSchema; temporal: Column[] };
const fastChecks = new WeakMap<TableDefinition, FastCheck>();

function fastCheckOf(table: TableDefinition): FastCheck {
  let fast = fastChecks.get(table);
  if (!fast) {
    const temporal = columnsOf(table).filter((column) => column.kind === 'date' || column.kind === 'timestamp');
    fast = { schema: withoutTemporalFormats(table.columns) as TSchema, temporal };
    fastChecks.set(table, fast);
  }
  return fast;
}

function withoutTemporalFormats(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutTemporalFormats);
  if (node === null || typeof node !== 'object') return node;
  const copy: Record<string | symbol, unknown> = {};
  for (const key of Reflect.ownKeys(node)) {
    const value = (node as Record<string | symbol, unknown>)[key];
    if (key === 'format' && (value === 'date' || value === 'date-time')) continue;
    copy[key] = withoutTemporalFormats(value);
  }
  return copy;
}

function temporalCellsValid(columns: readonly Column[], row: Row): boolean {
  for (const column of columns) {
    const value = row[column.name];
    if (typeof value !== 'string') continue; // null or a wrong type: the schema check already judged it
    if (!(column.kind === 'date' ? isPlainDate(value) : isPlainTimestamp(value))) return false;
  }
  return true;
}

const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function digits(text: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) {
    const code = text.charCodeAt(i) - 48;
    if (!(code >= 0 && code <= 9)) return -1;
    value = value * 10 + code;
  }
  return value;
}

/** `YYYY-MM-DD` naming a real calendar day (RFC 3339 full-date). */
export function isPlainDate(text: string): boolean {
  return text.length === 10 && dateAtStart(text);
}

function dateAtStart(text: string): boolean {
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return false;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : (DAYS_IN_MONTH[month] as number));
}

/**
 * `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` (RFC 3339 date-time without leap seconds or RFC 9557 suffixes,
 * which the full format check still accepts).
 */
export function isPlainTimestamp(text: string): boolean {
  if (text.length < 20) return false;
  const t = text.charCodeAt(10);
  if ((t !== 84 && t !== 116) || !dateAtStart(text)) return false;
  if (text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return false;
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return false;
  let i = 19;
  if (text.charCodeAt(i) === 46) {
    i += 1;
    const start = i;
    while (i < text.length && digits(text, i, 1) >= 0) i += 1;
    if (i === start) return false;
  }
  const zone = text.charCodeAt(i);
  if (zone === 90 || zone === 122) return i + 1 === text.length;
  if (zone !== 43 && zone !== 45) return false;
  if (i + 6 !== text.length || text.charCodeAt(i + 3) !== 58) return false;
  const zoneHour = digits(text, i + 1, 2);
  const zoneMinute = digits(text, i + 4, 2);
  return zoneHour >= 0 && zoneHour <= 23 && zoneMinute >= 0 && zoneMinute <= 59;
}

const INTEGER = /^[-+]?\d+$/;
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const TRUE = new Set(['true', 't', '1', 'yes']);
const FALSE = new Set(['false', 'f', '0', 'no']);

/**
 * Converts one text cell to its column's type. An empty cell is null in a nullable column and an empty string
 * in a non-nullable string column; anywhere else it is an error. Returns the value or an error message.
 */
export function cellFromText(column: Column, text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  if (text === '') {
    if (column.nullable) return { ok: true, value: null };
    if (column.kind === 'string') return { ok: true, value: '' };
    return { ok: false, message: `is empty but ${column.kind} is required` };
  }
  switch (column.kind) {
    case 'string':
    case 'date':
    case 'timestamp':
      return { ok: true, value: text };
    case 'integer': {
      const trimmed = text.trim();
      if (!INTEGER.test(trimmed)) return { ok: false, message: `"${text}" is not an integer` };
      const value = Number(trimmed);
      if (!Number.isSafeInteger(value)) return { ok: false, message: `"${text}" is out of the safe integer range` };
      return { ok: true, value };
    }
    case 'number': {
      const trimmed = text.trim();
      if (!NUMBER.test(trimmed)) return { ok: false, message: `"${text}" is not a number` };
      return { ok: true, value: Number(trimmed) };
    }
    case 'boolean': {
      const lower = text.trim().toLowerCase();
      if (TRUE.has(lower)) return { ok: true, value: true };
      if (FALSE.has(lower)) return { ok: true, value: false };
      return { ok: false, message: `"${text}" is not a boolean (true/false/1/0)` };
    }
  }
}
