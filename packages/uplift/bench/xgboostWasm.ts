/**
 * ml-xgboost 1.1.2 as a side-by-side reference for the GBDT bench: an Emscripten WebAssembly build of a 2017–18
 * xgboost (about 0.7; the package records no version), single-threaded (built without OpenMP). Its wrapper copies the
 * rows into xgboost's dense DMatrix with -1 as the missing value, so inputs must not hold -1. On Node 24 its 2018
 * loader first tries `fetch` on the wasm's file path and logs the failure on stderr before reading the file: harmless.
 */
import { createRequire } from 'node:module';
import type { FeatureMatrix } from '../src/matrix.ts';

export const XGBOOST_WASM_VERSION = 'xgboost ~0.7 (master snapshot ≤ 2018-02, via ml-xgboost 1.1.2)';

/** xgboost's own parameter names; the wrapper passes each to XGBoosterSetParam as a string. */
export type XgboostWasmParams = {
  objective: 'binary:logistic';
  max_depth: number;
  eta: number;
  lambda: number;
  min_child_weight: number;
  subsample: number;
  colsample_bytree: number;
  tree_method: 'hist' | 'exact' | 'approx';
  silent: 0 | 1;
  /** Boosting rounds (trees), read by the wrapper rather than xgboost. */
  iterations: number;
};

type Booster = {
  train(rows: number[][], labels: number[]): void;
  /** One value per row: for binary:logistic, the probability of class 1. */
  predict(rows: number[][]): number[];
  /** The model lives in the WebAssembly heap, which the garbage collector does not see. */
  free(): void;
};

export type XgboostWasm = new (params: XgboostWasmParams & { booster: 'gbtree' }) => Booster;

/** The package is CommonJS and its main export is a promise of the class, resolved once the wasm is instantiated. */
export async function loadXgboostWasm(): Promise<XgboostWasm> {
  const require = createRequire(import.meta.url);
  return (await require('ml-xgboost')) as XgboostWasm;
}

/** Row-major copy of a column-major matrix, the layout the wrapper takes. */
export function rowsOf(x: FeatureMatrix): number[][] {
  x.columns.forEach((column, j) => {
    const i = column.indexOf(-1);
    if (i >= 0) throw new Error(`feature ${x.names[j]} is -1 at row ${i}: the ml-xgboost wrapper reads -1 as missing`);
  });
  return Array.from({ length: x.rows }, (_, i) => x.columns.map((column) => column[i]!));
}

/** Mean binary log-loss of probabilities (float32 from the wasm side, so clipped away from 0 and 1). */
export function logLossOfProbabilities(y: Float64Array, p: readonly number[]): number {
  if (p.length !== y.length) throw new Error(`expected ${y.length} predictions, got ${p.length}`);
  const eps = 1e-7;
  let sum = 0;
  for (let i = 0; i < y.length; i++) {
    const q = Math.min(Math.max(p[i]!, eps), 1 - eps);
    sum -= y[i] === 1 ? Math.log(q) : Math.log(1 - q);
  }
  return sum / y.length;
}
