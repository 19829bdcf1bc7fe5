/** L2-regularised logistic regression (IRLS on standardised features; missing → mean + indicator) as a FittedModel. */
import type { FittedModel, SqlDialect } from './learner.ts';
import { checkCoefficients, fitLinear, type LinearCoefficients, linearPredictor, linearPredictorSql } from './linearModel.ts';
import type { FeatureMatrix } from './matrix.ts';
import { sigmoid, sigmoidSql } from './sigmoid.ts';

export type LogisticParams = { l2: number };

export type LogisticModel = FittedModel & { readonly coefficients: LinearCoefficients };

export function fitLogistic(
  x: FeatureMatrix,
  y: Float64Array,
  params: LogisticParams,
  options: { weights?: Float64Array; rows?: Int32Array } = {},
): LogisticModel {
  for (let i = 0; i < y.length; i++) {
    if (y[i] !== 0 && y[i] !== 1) throw new Error(`logistic regression needs a 0/1 outcome; row ${i} has ${y[i]}`);
  }
  return logisticModel(fitLinear(x, y, 'logit', { ...options, l2: params.l2 }));
}

export function logisticModel(coefficients: LinearCoefficients): LogisticModel {
  return {
    kind: 'logistic',
    objective: 'binary',
    coefficients,
    predict(x: FeatureMatrix): Float64Array {
      const eta = linearPredictor(coefficients, x);
      for (let i = 0; i < eta.length; i++) eta[i] = sigmoid(eta[i]!);
      return eta;
    },
    toJSON: () => ({ kind: 'logistic', ...coefficients }),
    toSql: (columns: Readonly<Record<string, string>>, dialect: SqlDialect) =>
      sigmoidSql(linearPredictorSql(coefficients, columns, dialect)),
  };
}

export function logisticFromJSON(value: unknown, what = 'logistic model'): LogisticModel {
  return logisticModel(checkCoefficients(value, what));
}
