/**
 * Feature schema and encoding: which input columns a model reads, their types, and for string columns the one-hot
 * categories fixed at fit time. Encoding a table against a schema yields the FeatureMatrix the learners see; an
 * unseen or empty category encodes as all zeros, an empty numeric cell as NaN (missing).
 */
import { type FeatureMatrix, featureMatrix } from './matrix.ts';

/**
 * A numeric feature, encoded as one column. `boolean`: its cells are `true`/`false` (any case; 1/0 read too), encoded
 * 1/0, and in the warehouse it is a BOOL column, which BigQuery cannot CAST to FLOAT64 (its SQL tests the flag).
 */
export type NumericFeature = { name: string; type: 'number'; boolean?: true };
export type CategoricalFeature = { name: string; type: 'category'; categories: string[] };
export type FeatureSpec = NumericFeature | CategoricalFeature;
export type FeatureSchema = { features: FeatureSpec[] };

/** Rows of string cells by column name (what a CSV reader yields), with the source line of each row for errors. */
export type StringTable = { header: readonly string[]; rows: readonly (readonly string[])[]; lines?: readonly number[] };

/** A cell as a finite decimal number, or NaN: empty, text, ±Infinity, and hexadecimal, octal or binary (`0x1F`). */
export function parseNumber(cell: string): number {
  const text = cell.trim();
  if (text === '' || isRadixPrefixed(text)) return Number.NaN;
  const value = Number(text);
  return Number.isFinite(value) ? value : Number.NaN;
}

/** `Number` reads `0x1F`, `0o17` and `0b11`; no data export writes numbers so, and a warehouse reads them as text. */
const isRadixPrefixed = (text: string) => text.length > 2 && text.charCodeAt(0) === 48 && /[xob]/i.test(text[1]!);

function isNumeric(cell: string): boolean {
  return cell.trim() === '' || !Number.isNaN(parseNumber(cell));
}

/** A flag's cell as 1 or 0: `true`/`false` in any case (as warehouses export BOOL), or NaN. */
export function parseBoolean(cell: string): number {
  const text = cell.trim().toLowerCase();
  return text === 'true' ? 1 : text === 'false' ? 0 : Number.NaN;
}

/**
 * Where `name` is in `header`, as itself or with spaces around it (a file written with padded names, or a model fitted
 * on one); -1 when it is not. Two header names that both read as `name` are an error: SQL would not tell them apart,
 * and `fit` refuses such a file.
 */
export function headerIndex(header: readonly string[], name: string): number {
  const matches = header.flatMap((h, i) => (h.trim() === name.trim() ? [i] : []));
  if (matches.length > 1) {
    const names = matches.map((i) => JSON.stringify(header[i]));
    throw new Error(`columns ${names.join(' and ')} differ only in spaces around them, which SQL column names do not: rename one`);
  }
  return matches[0] ?? -1;
}

/** A cell's text for a message, quoted; one longer than 60 characters is cut, so a huge cell does not flood stderr. */
export function cellText(cell: string): string {
  const characters = Array.from(cell); // by code point, so an emoji is not cut in half
  const shown = characters.length <= 60 ? cell : characters.slice(0, 60).join('');
  // spaces that print like a space, or not at all, are written as escapes: "E-Mail\u00a0" is not "E-Mail "
  const quoted = JSON.stringify(shown).replace(
    /[\u00a0\u1680\u2000-\u200f\u2028\u2029\u202f\u205f\u3000\ufeff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return characters.length <= 60 ? quoted : `${quoted.slice(0, -1)}…" (${characters.length} characters)`;
}

/** A header for an error message: names that spaces at their ends, a comma or nothing at all would hide are quoted. */
export const headerText = (header: readonly string[]) =>
  header.map((name) => (/^\s|\s$|,|^$/.test(name) ? JSON.stringify(name) : name)).join(', ');

function columnIndex(table: StringTable, name: string, what: string): number {
  const index = headerIndex(table.header, name);
  if (index < 0) throw new Error(`column "${name}" (${what}) is missing from the data; columns are: ${headerText(table.header)}`);
  return index;
}

/** One-hot encoding a column of more values than this is refused: each value becomes a feature column (and SQL). */
export const MAX_CATEGORIES = 100;

/** What a scan learns of one column: its type, values and whether it looks like an id or holds one value. */
type ColumnState = {
  name: string;
  rows: number;
  filled: number;
  numbers: number;
  /** Non-empty cells that read `true` or `false` (any case). */
  booleans: number;
  /** The first non-empty cell that is not a number, where it is. */
  firstText?: { where: string; cell: string };
  /** Distinct non-empty cells, until there are more than MAX_CATEGORIES (then `undefined`). */
  values: Set<string> | undefined;
  /** Distinct integers, while every cell is a distinct integer (else `undefined`). */
  ids: Set<number> | undefined;
  first?: string;
  firstNumber: number;
  sameText: boolean;
  sameNumber: boolean;
  /** Every cell reads as the first one as a flag does (`TRUE` is `true`). */
  sameBoolean: boolean;
};

/** What `fit` learns of its feature columns from the rows, one table (a part of a file) at a time. */
export type ColumnScan = {
  add(table: StringTable): void;
  /**
   * The schema: a column whose non-empty cells are all numbers is numeric; one whose non-empty cells are all
   * `true`/`false` is a numeric `boolean` feature (1/0); any other is one-hot encoded.
   */
  schema(): FeatureSchema;
  /** Numeric features holding a distinct integer on every row (at least MIN_ID_ROWS): ids, which teach only noise. */
  idLike(): string[];
  /** Features holding one value on every row (`undefined` when every cell is empty): a model learns nothing there. */
  constant(): { name: string; value: string | undefined }[];
  /**
   * String features whose cells are numbers but for a few (`text` of `filled`, at most STRAY_TEXT_SHARE, the first at
   * `where`): one stray cell such as "NaN" or "n/a" makes a numeric column a one-hot one, which loses the order of its
   * values. Codes such as 0, 1, 2, 3+ have more text than that, and are categories.
   */
  strayText(): { name: string; text: number; filled: number; where: string; cell: string }[];
};

const STRAY_TEXT_SHARE = 0.05;

/** Columns of fewer rows than this are never taken for ids: small tables repeat few values by chance. */
const MIN_ID_ROWS = 50;

/**
 * Scans the feature `columns` of tables with one header. A string column of more than MAX_CATEGORIES values (an id,
 * or numbers with a stray text cell) is an error of `schema()` that says which: one-hot encoding it would make a
 * column per value. Numbers compare by value for `constant()` (`5` and `5.0` are one).
 */
export function scanColumns(columns: readonly string[]): ColumnScan {
  const twice = columns.find((name, i) => columns.indexOf(name) !== i);
  if (twice !== undefined) throw new Error(`column "${twice}" is listed twice among the features`);
  const states: ColumnState[] = columns.map((name) => ({
    name,
    rows: 0,
    filled: 0,
    numbers: 0,
    booleans: 0,
    values: new Set(),
    ids: new Set(),
    firstNumber: Number.NaN,
    sameText: true,
    sameNumber: true,
    sameBoolean: true,
  }));
  let rowsSeen = 0;
  const add = (table: StringTable) => {
    table.rows.forEach((row, r) => {
      if (row.length !== table.header.length) {
        const where = table.lines?.[r] !== undefined ? `line ${table.lines[r]}` : `row ${rowsSeen + r}`;
        throw new Error(`${where} has ${row.length} cells for the ${table.header.length} columns of the header`);
      }
    });
    states.forEach((state) => {
      const index = columnIndex(table, state.name, 'a requested feature');
      table.rows.forEach((row, r) => {
        const cell = row[index]!;
        const value = parseNumber(cell);
        state.rows++;
        if (state.first === undefined) {
          state.first = cell;
          state.firstNumber = value;
        } else {
          if (state.sameText && cell !== state.first) state.sameText = false;
          if (state.sameBoolean && parseBoolean(cell) !== parseBoolean(state.first)) state.sameBoolean = false;
          const same = value === state.firstNumber || (Number.isNaN(value) && Number.isNaN(state.firstNumber));
          if (state.sameNumber && !same) state.sameNumber = false;
        }
        if (state.ids) {
          if (Number.isInteger(value) && !state.ids.has(value)) state.ids.add(value);
          else state.ids = undefined;
        }
        if (cell.trim() === '') return;
        state.filled++;
        if (!Number.isNaN(parseBoolean(cell))) state.booleans++;
        if (isNumeric(cell)) state.numbers++;
        else if (!state.firstText) {
          const line = table.lines?.[r];
          state.firstText = { where: line !== undefined ? `line ${line}` : `row ${rowsSeen + r}`, cell };
        }
        if (state.values && !state.values.has(cell)) {
          state.values.add(cell);
          if (state.values.size > MAX_CATEGORIES) state.values = undefined;
        }
      });
    });
    rowsSeen += table.rows.length;
  };
  const schema = (): FeatureSchema =>
    checkNames({
      features: states.map((state): FeatureSpec => {
        if (!state.firstText) return { name: state.name, type: 'number' };
        if (isBooleanColumn(state)) return { name: state.name, type: 'number', boolean: true };
        if (!state.values) throw new Error(tooManyCategories(state, state.firstText));
        return { name: state.name, type: 'category', categories: [...state.values].sort() };
      }),
    });
  return {
    add,
    schema,
    idLike: () => states.filter((s) => !s.firstText && s.ids && s.rows >= MIN_ID_ROWS).map((s) => s.name),
    constant: () =>
      states
        .filter((s) => s.rows > 0 && (isBooleanColumn(s) ? s.sameBoolean : s.firstText ? s.sameText : s.sameNumber))
        .map((s) => ({ name: s.name, value: s.first!.trim() === '' ? undefined : s.first })),
    strayText: () =>
      states.flatMap((s) =>
        s.firstText && !isBooleanColumn(s) && s.filled - s.numbers <= STRAY_TEXT_SHARE * s.filled
          ? [{ name: s.name, text: s.filled - s.numbers, filled: s.filled, ...s.firstText }]
          : [],
      ),
  };
}

/** Every non-empty cell is `true` or `false`, and there is one. */
const isBooleanColumn = (state: ColumnState) => state.filled > 0 && state.booleans === state.filled;

/** The schema of one table's `columns`: scanColumns over that table alone. */
export function inferSchema(table: StringTable, columns: readonly string[]): FeatureSchema {
  const scan = scanColumns(columns);
  scan.add(table);
  return scan.schema();
}

function tooManyCategories(state: ColumnState, firstText: { where: string; cell: string }): string {
  if (state.numbers > state.filled / 2) {
    const text = state.filled - state.numbers;
    return `column "${state.name}" is numeric but for ${text} of its ${state.filled} non-empty cells (${firstText.where} holds ${cellText(firstText.cell)}): make them empty (read as missing) or leave the column out of the features; as text it would be more than ${MAX_CATEGORIES} categories, and one-hot encoding takes at most ${MAX_CATEGORIES}`;
  }
  return `column "${state.name}" has more than ${MAX_CATEGORIES} distinct text values, and one-hot encoding takes at most ${MAX_CATEGORIES}: leave it out of the features or group its values`;
}

/** The encoded column names: a numeric feature keeps its name, a category becomes `name=value` per category. */
export function encodedNames(schema: FeatureSchema): string[] {
  return schema.features.flatMap((f) => (f.type === 'number' ? [f.name] : f.categories.map((c) => `${f.name}=${c}`)));
}

/** Encoded columns the S-learner adds itself (the treatment flag and its interactions) start with this. */
export const RESERVED_PREFIX = '__treated';

/** A name as SQL tells it from others: case aside, and (as headerIndex reads names) spaces around it aside. */
export const foldedName = (name: string) => name.trim().toLowerCase();

/** The first two different `values` whose foldedName is one, if any. */
export function foldedClash(values: Iterable<string>): [string, string] | undefined {
  const byFolded = new Map<string, string>();
  for (const value of values) {
    const other = byFolded.get(foldedName(value));
    if (other !== undefined && other !== value) return [other, value];
    byFolded.set(foldedName(value), value);
  }
  return undefined;
}

/**
 * `schema`, when every feature and every encoded column has a name of its own: two features whose names differ only
 * in case are one column to SQL (BigQuery and DuckDB do not tell them apart); a numeric column called `channel=Web`
 * beside the string feature `channel` would be confused with its one-hot column for "Web" (in the model, its SQL and
 * its explanation); and a name starting with RESERVED_PREFIX with the S-learner's own columns.
 */
function checkNames(schema: FeatureSchema): FeatureSchema {
  const clash = foldedClash(schema.features.map((f) => f.name));
  if (clash)
    throw new Error(
      `features "${clash[0]}" and "${clash[1]}" differ only in case or in spaces around them, which SQL column names do not: rename one of them`,
    );
  const owner = new Map<string, string>();
  for (const f of schema.features) {
    for (const name of encodedNames({ features: [f] })) {
      if (name.startsWith(RESERVED_PREFIX))
        throw new Error(`feature "${f.name}": encoded column names starting with "${RESERVED_PREFIX}" are reserved; rename the column`);
      const other = owner.get(name);
      if (other !== undefined) {
        const what = (feature: string) => (feature === name ? `feature "${feature}"` : `the one-hot column of feature "${feature}"`);
        throw new Error(`${what(other)} and ${what(f.name)} would both be the encoded column "${name}": rename one of them`);
      }
      owner.set(name, f.name);
    }
  }
  return schema;
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
    const kind = feature.type === 'category' ? 'string' : feature.boolean ? 'true/false' : 'numeric';
    const index = columnIndex(table, feature.name, `a ${kind} feature of the model`);
    if (feature.type === 'number') {
      const column = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const cell = table.rows[i]![index]!;
        const value = feature.boolean ? flagValue(cell) : parseNumber(cell);
        if (Number.isNaN(value) && cell.trim() !== '') {
          const line = table.lines?.[i];
          throw new Error(
            `column "${feature.name}" is ${kind} in the model, but ${line !== undefined ? `line ${line}` : `row ${i}`} holds ${cellText(cell)}`,
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

/** A boolean feature's cell: `true`/`false`, or 1/0 as another export may write a flag. */
function flagValue(cell: string): number {
  const flag = parseBoolean(cell);
  if (!Number.isNaN(flag)) return flag;
  const value = parseNumber(cell);
  return value === 0 || value === 1 ? value : Number.NaN;
}

/** The names of the schema's boolean features (true/false columns, encoded 1/0). */
export const booleanFeatureNames = (schema: FeatureSchema): Set<string> =>
  new Set(schema.features.flatMap((f) => (f.type === 'number' && f.boolean ? [f.name] : [])));

/** The numeric features of `schema` that hold a value (not missing) on at least one row of `x`, encoded with it. */
export function numericFeaturesWithValues(schema: FeatureSchema, x: FeatureMatrix): string[] {
  return schema.features.flatMap((f) => {
    if (f.type !== 'number') return [];
    const column = x.columns[x.names.indexOf(f.name)]!;
    return column.some((v) => !Number.isNaN(v)) ? [f.name] : [];
  });
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
      if (cell.trim() !== '' && !known.has(cell)) counts.set(cell, (counts.get(cell) ?? 0) + 1); // blank is missing, not unseen
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
  if (v.features.length === 0) throw new Error('schema: features must not be empty');
  const seen = new Set<string>();
  const features = v.features.map((raw, i): FeatureSpec => {
    const f = raw as (Partial<CategoricalFeature> & { boolean?: unknown }) | null;
    if (!f || typeof f.name !== 'string' || f.name === '') throw new Error(`schema.features[${i}]: expected a non-empty name`);
    if (seen.has(f.name)) throw new Error(`schema.features[${i}]: duplicate feature "${f.name}"`);
    seen.add(f.name);
    if ((f.type as string) === 'number') {
      if (f.boolean === undefined) return { name: f.name, type: 'number' };
      if (f.boolean === true) return { name: f.name, type: 'number', boolean: true };
      throw new Error(`schema.features[${i}] ("${f.name}"): boolean must be true or absent, got ${JSON.stringify(f.boolean)}`);
    }
    if (f.type === 'category' && Array.isArray(f.categories) && f.categories.every((c) => typeof c === 'string')) {
      // an empty cell is no category (encoded all zeros; NULL in the warehouse, where SQL's test gives 0): fit never
      // writes one, and an edited file with one predicted otherwise than its SQL
      if (f.categories.includes(''))
        throw new Error(`schema.features[${i}] ("${f.name}"): categories must not hold "" (an empty cell is missing)`);
      return { name: f.name, type: 'category', categories: [...f.categories] };
    }
    throw new Error(`schema.features[${i}] ("${f.name}"): type must be "number" or "category" with string categories`);
  });
  return checkNames({ features });
}
