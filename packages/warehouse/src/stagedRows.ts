/**
 * What every adapter's `load` does before the engine sees anything: check each row against its table's contract and
 * write it, one formatted line per row, to a temporary file that the engine then loads in one step. Nothing reaches
 * the warehouse unless every row passed; the file is removed whatever happens.
 */
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TableDefinition } from '@aether/contracts/warehouse';
import { writeAll } from '@aether/csv/writeAll';
import { validateRow } from './rowValidation.ts';
import type { Row } from './warehouse.ts';

export class RowValidationError extends Error {
  readonly table: string;
  readonly rowIndex: number;
  readonly issues: ReadonlyArray<{ column: string; message: string }>;
  constructor(table: string, rowIndex: number, issues: ReadonlyArray<{ column: string; message: string }>) {
    super(`${table}: row ${rowIndex + 1} is invalid: ${issues.map((issue) => `${issue.column} ${issue.message}`).join('; ')}`);
    this.name = 'RowValidationError';
    this.table = table;
    this.rowIndex = rowIndex;
    this.issues = issues;
  }
}

export type StagedRows = { path: string; rows: number };

export async function withStagedRows<T>(
  table: TableDefinition,
  batches: AsyncIterable<readonly Row[]> | Iterable<readonly Row[]>,
  staging: { extension: 'csv' | 'ndjson'; formatRow: (row: Row) => string },
  use: (staged: StagedRows) => Promise<T>,
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'aether-load-'));
  const path = join(dir, `${table.name}.${staging.extension}`);
  try {
    const fd = openSync(path, 'w');
    let rows = 0;
    try {
      for await (const batch of batches) {
        let text = '';
        for (const row of batch) {
          const check = validateRow(table, row);
          if (!check.ok) throw new RowValidationError(table.name, rows, check.issues);
          text += `${staging.formatRow(row)}\n`;
          rows += 1;
        }
        try {
          writeAll(fd, text);
        } catch (error) {
          throw new Error(`${table.name}: cannot write the rows to the load's staging file ${path}: ${(error as Error).message}`);
        }
      }
    } finally {
      closeSync(fd);
    }
    return await use({ path, rows });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
