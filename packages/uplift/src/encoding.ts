/**
 * Feature schema and encoding: which input columns a model reads, their types, and for string columns the one-hot
 * categories fixed at fit time. Encoding a table against a schema yields the FeatureMatrix the learners see; an
 * unseen or empty category encodes as all zeros, an empty numeric cell as NaN (missing).
 */
import { type FeatureMatrix, featureMatrix } from './matrix.ts';

export type NumericFeature = { name: string; type: 'number' };
export type CategoricalFeature = { name: string; type: 'category'; categories: string[] };
export type FeatureSpec = NumericFeature | CategoricalFeature;
export type FeatureSchema = { features: FeatureSpec[] };

/** Rows of string cells by column name (what a CSV reader yields), with the source line of each row for errors. */
export type StringTable = { header: readonly string[]; rows: readonly (readonly string[])[]; lines?: readonly number[] };

export function parseNumber(cell: string): number {
  const text = cell.trim();
  if (text === '') return Number.NaN;
  const value = Number(text);
  return Number.isFinite(value) ? value : Number.NaN;
}

function isNumeric(cell: string): boolean {
  const text = cell.trim();
  return text === '' || Number.isFinite(Number(text));
}

function columnIndex(table: StringTable, name: string, what: string): number {
  const index = table.header.indexOf(name);
  if (index < 0) throw new Error(`column "${name}" (${what}) is missing from the data; columns are: ${table.header.join(', ')}`);
  return index;
}

/** One-hot encoding a column of more values than this is refused: each value becomes a feature column (and SQL). */
export const MAX_CATEGORIES = 100;

/**
 * Infers a schema: a column whose non-empty cells all parse as numbers is numeric, any other is one-hot encoded.
 * A string column of more than MAX_CATEGORIES values (an id, or numbers with a stray text cell) is an error that
 * says which: one-hot encoding it would make a column per value.
 */
export function inferSchema(table: StringTable, columns: readonly string[]): FeatureSchema {
  const twice = columns.find((name, i) => columns.indexOf(name) !== i);
  if (twice !== undefined) throw new Error(`column "${twice}" is listed twice among the features`);
  return {
    features: columns.map((name): FeatureSpec => {
      const index = columnIndex(table, name, 'a requested feature');
      const firstText = table.rows.findIndex((row) => !isNumeric(row[index]!));
      if (firstText < 0) return { name, type: 'number' };
      const categories = [...new Set(table.rows.map((row) => row[index]!).filter((cell) => cell !== ''))].sort();
      if (categories.length > MAX_CATEGORIES) throw new Error(tooManyCategories(table, name, index, categories.length, firstText));
      return { name, type: 'category', categories };
    }),
  };
}

function tooManyCategories(table: StringTable, name: string, index: number, distinct: number, firstText: number): string {
  let numbers = 0;
  let filled = 0;
  for (const row of table.rows) {
    const cell = row[index]!;
    if (cell.trim() === '') continue;
    filled++;
    if (isNumeric(cell)) numbers++;
  }
  const where = table.lines?.[firstText] !== undefined ? `line ${table.lines[firstText]}` : `row ${firstText}`;
  if (numbers > filled / 2) {
    const text = filled - numbers;
    return `column "${name}" is numeric but for ${text} of its ${filled} non-empty cells (${where} holds ${JSON.stringify(table.rows[firstText]![index])}): make them empty (read as missing) or leave the column out of the features; as text it would be ${distinct} categories, and one-hot encoding takes at most ${MAX_CATEGORIES}`;
  }
  return `column "${name}" has ${distinct} distinct text values, and one-hot encoding takes at most ${MAX_CATEGORIES}: leave it out of the features or group its values`;
}

/** Columns of fewer rows than this are never taken for ids: small tables repeat few values by chance. */
const MIN_ID_ROWS = 50;

/**
 * The numeric features of `schema` that look like ids: a distinct integer on every row of `table` (at least
 * MIN_ID_ROWS). They pass as numbers, but a model only learns noise from them, so the CLI warns.
 */
export function idLikeFeatures(table: StringTable, schema: FeatureSchema): string[] {
  if (table.rows.length < MIN_ID_ROWS) return [];
  return schema.features
    .filter((feature) => {
      if (feature.type !== 'number') return false;
      const index = table.header.indexOf(feature.name);
      const seen = new Set<number>();
      for (const row of table.rows) {
        const value = parseNumber(row[index]!);
        if (!Number.isInteger(value) || seen.has(value)) return false;
        seen.add(value);
      }
      return true;
    })
    .map((feature) => feature.name);
}

/**
 * The features of `schema` that hold the same value on every row of `table`, with that value (`undefined` when every
 * cell is empty). A model learns nothing from them, so the CLI warns. Numbers compare by value (`5` and `5.0` are one).
 */
export function constantFeatures(table: StringTable, schema: FeatureSchema): { name: string; value: string | undefined }[] {
  if (table.rows.length === 0) return [];
  return schema.features.flatMap((feature) => {
    const index = table.header.indexOf(feature.name);
    const key = (cell: string) => (feature.type === 'number' ? String(parseNumber(cell)) : cell);
    const first = key(table.rows[0]![index]!);
    if (!table.rows.every((row) => key(row[index]!) === first)) return [];
    const cell = table.rows[0]![index]!;
    return [{ name: feature.name, value: cell.trim() === '' ? undefined : cell }];
  });
}

/** The encoded column names: a numeric feature keeps its name, a category becomes `name=value` per category. */
export function encodedNames(schema: FeatureSchema): string[] {
  return schema.features.flatMap((f) => (f.type === 'number' ? [f.name] : f.categories.map((c) => `${f.name}=${c}`)));
}

/**
 * Encodes `table` with a fixed schema. Fails, naming the column, when a schema column is absent or a numeric
 * column holds a non-numeric cell (naming the line too).
 */
export function encodeTable(schema: FeatureSchema, table: StringTable): FeatureMatrix {
  const n = table.rows.length;
  const names: string[] = [];
  const columns: Float64Array[] = [];
  for (const feature of schema.features) {
    const index = columnIndex(table, feature.name, `a ${feature.type === 'number' ? 'numeric' : 'string'} feature of the model`);
    if (feature.type === 'number') {
      const column = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const cell = table.rows[i]![index]!;
        const value = parseNumber(cell);
        if (Number.isNaN(value) && cell.trim() !== '') {
          const line = table.lines?.[i];
          throw new Error(
            `column "${feature.name}" is numeric in the model, but ${line !== undefined ? `line ${line}` : `row ${i}`} holds ${JSON.stringify(cell)}`,
          );
        }
        column[i] = value;
      }
      names.push(feature.name);
      columns.push(column);
    } else {
      const lookup = new Map(feature.categories.map((c, k) => [c, k]));
      const block = feature.categories.map(() => new Float64Array(n));
      for (let i = 0; i < n; i++) {
        const k = lookup.get(table.rows[i]![index]!);
        if (k !== undefined) block[k]![i] = 1;
      }
      feature.categories.forEach((c, k) => {
        names.push(`${feature.name}=${c}`);
        columns.push(block[k]!);
      });
    }
  }
  return featureMatrix(names, columns);
}

/** A string feature's value that the schema has no category for (scored as all zeros), and on how many rows. */
export type UnseenCategory = { feature: string; value: string; rows: number };

/** The values of `table`'s string features that the schema did not see at fit time, most frequent first per feature. */
export function unseenCategories(schema: FeatureSchema, table: StringTable): UnseenCategory[] {
  const found: UnseenCategory[] = [];
  for (const feature of schema.features) {
    if (feature.type !== 'category') continue;
    const index = columnIndex(table, feature.name, 'a string feature of the model');
    const known = new Set(feature.categories);
    const counts = new Map<string, number>();
    for (const row of table.rows) {
      const cell = row[index]!;
      if (cell !== '' && !known.has(cell)) counts.set(cell, (counts.get(cell) ?? 0) + 1);
    }
    for (const [value, rows] of counts) found.push({ feature: feature.name, value, rows });
  }
  return inSchemaOrder(schema, found);
}

/** Two counts of unseen values (of two parts of one input) as one, in unseenCategories' order. */
export function mergeUnseen(schema: FeatureSchema, a: readonly UnseenCategory[], b: readonly UnseenCategory[]): UnseenCategory[] {
  const merged = new Map<string, UnseenCategory>();
  for (const u of [...a, ...b]) {
    const key = JSON.stringify([u.feature, u.value]);
    merged.set(key, { ...u, rows: (merged.get(key)?.rows ?? 0) + u.rows });
  }
  return inSchemaOrder(schema, [...merged.values()]);
}

/** By the feature's place in the schema, then most rows first, then by value. */
function inSchemaOrder(schema: FeatureSchema, unseen: UnseenCategory[]): UnseenCategory[] {
  const place = new Map(schema.features.map((f, k) => [f.name, k]));
  return unseen.sort(
    (a, b) => place.get(a.feature)! - place.get(b.feature)! || b.rows - a.rows || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0),
  );
}

/** Validates a schema read from a model file, naming the offending entry. */
export function checkSchema(value: unknown): FeatureSchema {
  const v = value as { features?: unknown } | null;
  if (!v || !Array.isArray(v.features)) throw new Error('schema: expected {features: [...]}');
  const seen = new Set<string>();
  const features = v.features.map((raw, i): FeatureSpec => {
    const f = raw as Partial<CategoricalFeature> | null;
    if (!f || typeof f.name !== 'string' || f.name === '') throw new Error(`schema.features[${i}]: expected a non-empty name`);
    if (seen.has(f.name)) throw new Error(`schema.features[${i}]: duplicate feature "${f.name}"`);
    seen.add(f.name);
    if ((f.type as string) === 'number') return { name: f.name, type: 'number' };
    if (f.type === 'category' && Array.isArray(f.categories) && f.categories.every((c) => typeof c === 'string')) {
      return { name: f.name, type: 'category', categories: [...f.categories] };
    }
    throw new Error(`schema.features[${i}] ("${f.name}"): type must be "number" or "category" with string categories`);
  });
  return { features };
}
