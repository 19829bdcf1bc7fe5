/**
 * xgboost 1.7 (Debian's `libxgboost0`, the native shared library with OpenMP) called through its C API with koffi, so
 * the GBDT bench fits the reference in the same process, on the same rows, side by side with ours.
 * Install it with `bash scripts/install-bench-deps.sh` (apt-get install libxgboost0).
 */
import { createRequire } from 'node:module';
import type { FeatureMatrix } from '../src/matrix.ts';

const LIBRARY = 'libxgboost.so.0';

type Koffi = {
  load(path: string): { func(signature: string): (...args: unknown[]) => unknown };
  opaque(name: string): unknown;
  pointer(type: unknown): unknown;
  out(type: unknown): unknown;
  decode(pointer: unknown, type: string, length: number): ArrayLike<number>;
};

/** xgboost's own parameter names and values, set on the booster with XGBoosterSetParam. */
export type XgboostParams = Record<string, string | number>;

export type XgboostNative = {
  version: string;
  /** DMatrix from the rows (row-major float32, NaN = missing), then `rounds` boosting iterations. */
  train(x: FeatureMatrix, y: Float64Array, params: XgboostParams, rounds: number): XgboostBooster;
};

export type XgboostBooster = {
  /** For binary:logistic, the probability of class 1 per row. */
  predict(x: FeatureMatrix): Float64Array;
  /** The booster and its training matrix live in native memory, which the garbage collector does not see. */
  free(): void;
};

/** Loads the library, or throws naming the package to install. */
export function loadXgboostNative(): XgboostNative {
  const koffi = createRequire(import.meta.url)('koffi') as Koffi;
  let lib: ReturnType<Koffi['load']>;
  try {
    lib = koffi.load(LIBRARY);
  } catch (error) {
    throw new Error(`cannot load ${LIBRARY} (${(error as Error).message}): run scripts/install-bench-deps.sh`);
  }
  const handle = koffi.pointer(koffi.opaque('XGHandle'));
  koffi.pointer(handle); // registers 'XGHandle **' for the out-parameters below
  const api = {
    version: lib.func('void XGBoostVersion(_Out_ int *major, _Out_ int *minor, _Out_ int *patch)'),
    lastError: lib.func('const char *XGBGetLastError()'),
    matrixFromRows: lib.func(
      'int XGDMatrixCreateFromMat(const float *data, uint64_t nrow, uint64_t ncol, float missing, _Out_ XGHandle **out)',
    ),
    setFloatInfo: lib.func('int XGDMatrixSetFloatInfo(XGHandle *matrix, const char *field, const float *values, uint64_t length)'),
    freeMatrix: lib.func('int XGDMatrixFree(XGHandle *matrix)'),
    createBooster: lib.func('int XGBoosterCreate(XGHandle **matrices, uint64_t count, _Out_ XGHandle **out)'),
    setParam: lib.func('int XGBoosterSetParam(XGHandle *booster, const char *name, const char *value)'),
    updateOneIter: lib.func('int XGBoosterUpdateOneIter(XGHandle *booster, int iteration, XGHandle *train)'),
    predict: lib.func(
      'int XGBoosterPredict(XGHandle *booster, XGHandle *matrix, int optionMask, unsigned int ntreeLimit, int training, _Out_ uint64_t *length, _Out_ const float **result)',
    ),
    freeBooster: lib.func('int XGBoosterFree(XGHandle *booster)'),
  };
  const check = (code: unknown, call: string) => {
    if (code !== 0) throw new Error(`xgboost ${call}: ${api.lastError() as string}`);
  };
  const matrixOf = (x: FeatureMatrix) => {
    const out = [null];
    check(api.matrixFromRows(rowMajor(x), x.rows, x.columns.length, Number.NaN, out), 'XGDMatrixCreateFromMat');
    return out[0] as unknown;
  };
  const [major, minor, patch] = [[0], [0], [0]];
  api.version(major, minor, patch);

  return {
    version: `xgboost ${major[0]}.${minor[0]}.${patch[0]} (${LIBRARY})`,
    train(x, y, params, rounds) {
      const matrix = matrixOf(x);
      check(api.setFloatInfo(matrix, 'label', Float32Array.from(y), y.length), 'XGDMatrixSetFloatInfo');
      const out = [null];
      check(api.createBooster([matrix], 1, out), 'XGBoosterCreate');
      const booster = out[0] as unknown;
      for (const [name, value] of Object.entries(params)) check(api.setParam(booster, name, String(value)), `XGBoosterSetParam ${name}`);
      for (let round = 0; round < rounds; round++) check(api.updateOneIter(booster, round, matrix), 'XGBoosterUpdateOneIter');
      return {
        predict(rows) {
          const other = matrixOf(rows);
          const length = [0];
          const result = [null];
          check(api.predict(booster, other, 0, 0, 0, length, result), 'XGBoosterPredict');
          const values = Float64Array.from(koffi.decode(result[0], 'float', Number(length[0])));
          check(api.freeMatrix(other), 'XGDMatrixFree');
          return values;
        },
        free() {
          check(api.freeBooster(booster), 'XGBoosterFree');
          check(api.freeMatrix(matrix), 'XGDMatrixFree');
        },
      };
    },
  };
}

/** Row-major float32 copy of a column-major matrix, the layout XGDMatrixCreateFromMat takes. */
function rowMajor(x: FeatureMatrix): Float32Array {
  const width = x.columns.length;
  const out = new Float32Array(x.rows * width);
  x.columns.forEach((column, j) => {
    for (let i = 0; i < x.rows; i++) out[i * width + j] = column[i]!;
  });
  return out;
}
