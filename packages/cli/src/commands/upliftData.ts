/**
 * The rows `aether uplift` reads from CSV files, one part at a time: treatments and outcomes (labels), the feature
 * columns' scan for a fit, and features encoded with a schema. Errors name the file, and the line and column.
 */
import type { CsvTable } from '@aether/csv/csv';
import {
  type ColumnScan,
  cellText,
  encodedNames,
  encodeTable,
  type FeatureSchema,
  foldedName,
  headerIndex,
  headerText,
  mergeUnseen,
  parseNumber,
  scanColumns,
  type UnseenCategory,
  unseenCategories,
} from '@aether/uplift/encoding';
import { type FeatureMatrix, featureMatrix, sharedColumn } from '@aether/uplift/matrix';
import type { UpliftModel } from '@aether/uplift/upliftModel';
import { UsageError } from '../command.ts';
import { readCsvChunks } from './upliftFiles.ts';

/** Rows read per part: predict and evaluate hold one part of the input's text in memory, not the whole file. */
export const CHUNK_ROWS = 65_536;

/** Where the column `name` means is (headerIndex: itself, or the one padded with spaces). */
function column(table: CsvTable, name: string, role: string, path: string): number {
  let index: number;
  try {
    index = headerIndex(table.header, name);
  } catch (error) {
    throw new Error(`${path}: ${(error as Error).message}`);
  }
  if (index < 0) throw new Error(`${path}: ${role} column "${name}" not found; columns are: ${headerText(table.header)}`);
  return index;
}

const headerName = (table: CsvTable, name: string, role: string, path: string) => table.header[column(table, name, role, path)]!;

/** An outcome cell: a number, or true/false (any case) as 1/0, as warehouses export booleans. */
function outcomeValue(cell: string): number {
  const text = cell.trim().toLowerCase();
  if (text === 'true') return 1;
  if (text === 'false') return 0;
  return parseNumber(cell);
}

/** The treatment and outcome columns; with `binary`, an outcome other than 0 or 1 is an error (a binary model's data). */
function treatmentAndOutcome(table: CsvTable, path: string, treatmentColumn: string, outcomeColumn: string, binary = false) {
  const ti = column(table, treatmentColumn, 'treatment', path);
  const oi = column(table, outcomeColumn, 'outcome', path);
  const treatment = table.rows.map((row, r) => {
    const value = row[ti]!;
    if (value === '') throw new Error(`${path}: line ${table.lines[r]}, column "${treatmentColumn}": the treatment is empty`);
    return value;
  });
  const y = Float64Array.from(table.rows, (row, r) => {
    const value = outcomeValue(row[oi]!);
    if (Number.isNaN(value))
      throw new Error(
        `${path}: line ${table.lines[r]}, column "${outcomeColumn}": expected a number or true/false, got ${cellText(row[oi]!)}`,
      );
    if (binary && value !== 0 && value !== 1)
      throw new Error(
        `${path}: line ${table.lines[r]}, column "${outcomeColumn}": the model's outcome is binary (0 or 1), got ${cellText(row[oi]!)}`,
      );
    return value;
  });
  return { treatment, y };
}

export function encode(schema: FeatureSchema, table: CsvTable, path: string) {
  try {
    return encodeTable(schema, table);
  } catch (error) {
    throw new Error(`${path}: ${(error as Error).message}`);
  }
}

/**
 * The scan of the feature columns of a file whose first part is `table`: the listed ones, or every column but the
 * treatment and the outcome, each checked to exist.
 */
function featureScan(table: CsvTable, path: string, treatmentColumn: string, outcomeColumn: string, listed?: string[]): ColumnScan {
  const labels = [headerName(table, treatmentColumn, 'treatment', path), headerName(table, outcomeColumn, 'outcome', path)];
  if (labels[0] === labels[1]) throw new UsageError(`--treatment and --outcome name the same column "${labels[1]}"`);
  const features = listed?.map((name) => headerName(table, name, 'feature', path)) ?? table.header.filter((name) => !labels.includes(name));
  for (const feature of features) {
    const label = labels.findIndex((name) => foldedName(name) === foldedName(feature));
    if (label < 0) continue;
    const what = label === 0 ? 'treatment' : 'outcome';
    if (labels[label] === feature) throw new UsageError(`--features must not include the ${what} column "${feature}"`);
    throw new Error(
      `${path}: feature "${feature}" and the ${what} column "${labels[label]}" differ only in case or in spaces around them, which SQL column names do not: rename one, or leave it out with --features`,
    );
  }
  if (features.length === 0) throw new UsageError('no feature columns');
  // The schema names the columns without spaces around them, as the warehouse and its SQL do; headerIndex still
  // finds them in a file that pads them.
  const named = features.map((name) => (name.trim() === '' ? name : name.trim()));
  for (const name of named) column(table, name, 'feature', path); // refuses two columns that differ only in spaces
  try {
    return scanColumns(named);
  } catch (error) {
    throw new Error(`${path}: ${(error as Error).message}`);
  }
}

/**
 * The treatments and outcomes of a file read in parts (`add` each), kept compactly: the outcomes as numbers, and one
 * string per distinct treatment value, so the rows do not keep the parts' text alive.
 */
function labelCollector(path: string, treatmentColumn: string, outcomeColumn: string, binary: boolean) {
  const outcomes: Float64Array[] = [];
  const treatment: string[] = [];
  const treatmentValues = new Map<string, string>();
  return {
    add(table: CsvTable): void {
      const part = treatmentAndOutcome(table, path, treatmentColumn, outcomeColumn, binary);
      outcomes.push(part.y);
      for (const value of part.treatment) {
        if (!treatmentValues.has(value)) treatmentValues.set(value, value);
        treatment.push(treatmentValues.get(value)!);
      }
    },
    labels(): { treatment: string[]; y: Float64Array } {
      const y = new Float64Array(treatment.length);
      let offset = 0;
      for (const part of outcomes) {
        y.set(part, offset);
        offset += part.length;
      }
      return { treatment, y };
    },
  };
}

/** A fit's first pass over its file: the labels, and the scan of the feature columns (`listed`, or all but the labels). */
export async function scanTrainingFile(path: string, treatmentColumn: string, outcomeColumn: string, listed?: string[]) {
  const labels = labelCollector(path, treatmentColumn, outcomeColumn, false);
  let scan: ColumnScan | undefined;
  for await (const table of readCsvChunks(path, CHUNK_ROWS)) {
    scan ??= featureScan(table, path, treatmentColumn, outcomeColumn, listed);
    labels.add(table);
    scan.add(table);
  }
  if (!scan) throw new Error(`${path}: no data rows`); // readCsvChunks yields at least one part, or throws
  return { scan, ...labels.labels() };
}

/**
 * The features of a file of `rows` data rows encoded with `schema`, part by part, straight into columns of that
 * length: a fit's second pass, which knows the row count from its first, so the matrix is never held twice.
 */
export async function encodeFile(path: string, schema: FeatureSchema, rows: number): Promise<FeatureMatrix> {
  const names = encodedNames(schema);
  const columns = names.map(() => sharedColumn(rows)); // the inner fits' workers read them in place
  let offset = 0;
  for await (const table of readCsvChunks(path, CHUNK_ROWS)) {
    const part = encode(schema, table, path);
    if (offset + part.rows > rows) throw new Error(`${path}: the file grew while it was read (more than ${rows} rows)`);
    part.columns.forEach((column, j) => {
      columns[j]!.set(column, offset);
    });
    offset += part.rows;
  }
  if (offset !== rows) throw new Error(`${path}: the file changed while it was read (${rows} rows, then ${offset})`);
  return featureMatrix(names, columns);
}

/**
 * A labelled file for evaluation, read in parts: only the encoded features, treatments and outcomes are kept. The
 * parts' columns are joined one column at a time, each part's column dropped once copied, so the matrix is held about
 * once, not twice.
 */
export async function readLabelled(model: UpliftModel, path: string) {
  const names = encodedNames(model.schema);
  const parts: Float64Array[][] = [];
  const labels = labelCollector(path, model.treatmentColumn, model.outcomeColumn, model.outcome === 'binary');
  let unseen: UnseenCategory[] = [];
  for await (const table of readCsvChunks(path, CHUNK_ROWS)) {
    parts.push([...encode(model.schema, table, path).columns]);
    labels.add(table);
    unseen = mergeUnseen(model.schema, unseen, unseenCategories(model.schema, table));
  }
  const { treatment, y } = labels.labels();
  const columns = names.map((_, j) => {
    const column = new Float64Array(y.length);
    let offset = 0;
    for (const part of parts) {
      column.set(part[j]!, offset);
      offset += part[j]!.length;
      part[j] = EMPTY;
    }
    return column;
  });
  return { x: featureMatrix(names, columns), treatment, y, unseen };
}

const EMPTY = new Float64Array(0);
