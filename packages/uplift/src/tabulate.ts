/**
 * Fills `out[i] = at(i)` for every index and returns `out`. `Float64Array.from(source, map)` goes through V8's
 * iterator path, about 20× slower than this loop, and the learners build such arrays on every fit and prediction.
 */
export function tabulate<T extends Float64Array | Int32Array | Uint8Array>(out: T, at: (i: number) => number): T {
  for (let i = 0; i < out.length; i++) out[i] = at(i);
  return out;
}

/** 0, 1, …, n − 1. */
export function indices(n: number): Int32Array<ArrayBuffer> {
  return tabulate(new Int32Array(n), (i) => i);
}

/** values[rows[0]], values[rows[1]], …: the rows' values, in the order of `rows` (into `out` when given). */
export function gather(
  values: ArrayLike<number>,
  rows: ArrayLike<number>,
  out: Float64Array = new Float64Array(rows.length),
): Float64Array {
  for (let k = 0; k < rows.length; k++) out[k] = values[rows[k]!]!;
  return out;
}
