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
  if (names.length !== columns.length) throw new Error(`${names.length} names for ${columns.length} columns`);
  const rows = columns[0]?.length ?? 0;
  columns.forEach((column, i) => {
    if (column.length !== rows) throw new Error(`column ${names[i]} has ${column.length} rows, expected ${rows}`);
  });
  return { rows, names, columns };
}

/** The rows at `indices`, in that order. */
export function takeRows(matrix: FeatureMatrix, indices: ArrayLike<number>): FeatureMatrix {
  const columns = matrix.columns.map((column) => gather(column, indices));
  return { rows: indices.length, names: matrix.names, columns };
}

/** A matrix with one extra column appended (e.g. the treatment flag for an S-learner). */
export function withColumn(matrix: FeatureMatrix, name: string, column: Float64Array): FeatureMatrix {
  return featureMatrix([...matrix.names, name], [...matrix.columns, column]);
}

/** The rows of `parts` one after another (a file read in chunks, made one matrix); every part has the same columns. */
export function concatRows(parts: readonly FeatureMatrix[]): FeatureMatrix {
  const first = parts[0];
  if (!first) throw new Error('no parts to concatenate');
  for (const part of parts) {
    if (part.names.join('\n') !== first.names.join('\n'))
      throw new Error(`parts have different columns: ${first.names.join(', ')} vs ${part.names.join(', ')}`);
  }
  const rows = parts.reduce((sum, part) => sum + part.rows, 0);
  const columns = first.names.map((_, j) => {
    const column = new Float64Array(rows);
    let offset = 0;
    for (const part of parts) {
      column.set(part.columns[j]!, offset);
      offset += part.rows;
    }
    return column;
  });
  return { rows, names: first.names, columns };
}
