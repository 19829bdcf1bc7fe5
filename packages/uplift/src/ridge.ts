/** Ridge regression (closed form on standardised features; missing → mean + indicator) as a FittedModel. */
import type { FittedModel, SqlDialect } from './learner.ts';
import { checkCoefficients, fitLinear, type LinearCoefficients, linearPredictor, linearPredictorSql } from './linearModel.ts';
import type { FeatureMatrix } from './matrix.ts';

export type RidgeParams = { l2: number };

export type RidgeModel = FittedModel & { readonly coefficients: LinearCoefficients };

export function fitRidge(
  x: FeatureMatrix,
  y: Float64Array,
  params: RidgeParams,
  options: { weights?: Float64Array; rows?: Int32Array } = {},
): RidgeModel {
  for (let i = 0; i < y.length; i++) {
    if (!Number.isFinite(y[i])) throw new Error(`ridge regression needs finite outcomes; row ${i} has ${y[i]}`);
  }
  return ridgeModel(fitLinear(x, y, 'identity', { ...options, l2: params.l2 }));
}

export function ridgeModel(coefficients: LinearCoefficients): RidgeModel {
  return {
    kind: 'ridge',
    objective: 'regression',
    coefficients,
    predict: (x: FeatureMatrix) => linearPredictor(coefficients, x),
    toJSON: () => ({ kind: 'ridge', ...coefficients }),
    toSql: (columns: Readonly<Record<string, string>>, dialect: SqlDialect) => linearPredictorSql(coefficients, columns, dialect),
  };
}

export function ridgeFromJSON(value: unknown, what = 'ridge model'): RidgeModel {
  return ridgeModel(checkCoefficients(value, what));
}
