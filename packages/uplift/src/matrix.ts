/**
 * Features as columns of Float64 (column-major: histogram building and binning walk one feature at a time).
 * Missing values are NaN.
 */
import { gather } from './tabulate.ts';

export type FeatureMatrix = {
  readonly rows: number;
  readonly names: readonly string[];
  readonly columns: readonly Float64Array[];
};

export function featureMatrix(names: readonly string[], columns: readonly Float64Array[]): FeatureMatrix {
  return checkMatrix({ rows: columns[0]?.length ?? 0, names, columns });
}

/**
 * `x` itself when its shape holds together: one name per column, and every column `rows` long. A matrix built by hand
 * rather than by featureMatrix() could otherwise be read past a column's end, as NaN, without an error.
 */
export function checkMatrix(x: FeatureMatrix): FeatureMatrix {
  if (!(Number.isInteger(x.rows) && x.rows >= 0)) throw new Error(`a feature matrix's rows must be a whole number ≥ 0, got ${x.rows}`);
  if (x.names.length !== x.columns.length) throw new Error(`${x.names.length} names for ${x.columns.length} columns`);
  x.columns.forEach((column, i) => {
    if (!(column instanceof Float64Array)) throw new Error(`column ${x.names[i]} is not a Float64Array`);
    if (column.length !== x.rows) throw new Error(`column ${x.names[i]} has ${column.length} rows, expected ${x.rows}`);
  });
  return x;
}

/**
 * A column of `rows` zeros in shared memory: the inner fits' worker threads read such a column in place, where any
 * other is copied once for them (outOfFold.ts).
 */
export const sharedColumn = (rows: number) => new Float64Array(new SharedArrayBuffer(rows * Float64Array.BYTES_PER_ELEMENT));

/** The rows at `indices`, in that order, in columns from `allocate` (e.g. sharedColumn). */
export function takeRows(
  matrix: FeatureMatrix,
  indices: ArrayLike<number>,
  allocate: (rows: number) => Float64Array = (rows) => new Float64Array(rows),
): FeatureMatrix {
  checkMatrix(matrix);
  const columns = matrix.columns.map((column) => gather(column, indices, allocate(indices.length)));
  return { rows: indices.length, names: matrix.names, columns };
}

/** A matrix with one extra column appended (e.g. the treatment flag for an S-learner). */
export function withColumn(matrix: FeatureMatrix, name: string, column: Float64Array): FeatureMatrix {
  return featureMatrix([...matrix.names, name], [...matrix.columns, column]);
}

/** The matrix's columns reordered to `names` (a model's feature order); a missing feature is an error. */
export function alignColumns(x: FeatureMatrix, names: readonly string[]): FeatureMatrix {
  checkMatrix(x);
  if (x.names.length === names.length && x.names.every((name, i) => name === names[i])) return x;
  const index = new Map(x.names.map((name, i) => [name, i]));
  const columns = names.map((name) => {
    const i = index.get(name);
    if (i === undefined) throw new Error(`feature '${name}' is missing from the matrix (has: ${x.names.join(', ')})`);
    return x.columns[i]!;
  });
  return { rows: x.rows, names, columns };
}
