/**
 * Rows checked against their table's contract (the one `parse` configuration), and text cells (CSV) converted to
 * the declared column type first. Errors name the column, so importers can point at file, line and column.
 */

import { parse } from '@aether/contracts/validation';
import type { TableDefinition } from '@aether/contracts/warehouse';
import type { Column } from './columns.ts';
import type { Row } from './warehouse.ts';

export type CellIssue = { column: string; message: string };
export type RowCheck = { ok: true; row: Row } | { ok: false; issues: CellIssue[] };

export function validateRow(table: TableDefinition, row: unknown): RowCheck {
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
