/** L2-regularised logistic regression (IRLS on standardised features; missing → mean + indicator) as a FittedModel. */
import type { FittedModel, SqlDialect } from './learner.ts';
import { checkCoefficients, fitLinear, type LinearCoefficients, linearPredictor, linearPredictorSql } from './linearModel.ts';
import type { FeatureMatrix } from './matrix.ts';

export type LogisticParams = { l2: number };

/** Logits are clamped so that EXP never overflows, in process and in SQL alike. */
const LOGIT_LIMIT = 500;

export type LogisticModel = FittedModel & { readonly coefficients: LinearCoefficients };

export function fitLogistic(
  x: FeatureMatrix,
  y: Float64Array,
  params: LogisticParams,
  options: { weights?: Float64Array } = {},
): LogisticModel {
  for (let i = 0; i < y.length; i++) {
    if (y[i] !== 0 && y[i] !== 1) throw new Error(`logistic regression needs a 0/1 outcome; row ${i} has ${y[i]}`);
  }
  return logisticModel(fitLinear(x, y, 'logit', { l2: params.l2, ...(options.weights ? { weights: options.weights } : {}) }));
}

export function logisticModel(coefficients: LinearCoefficients): LogisticModel {
  return {
    kind: 'logistic',
    objective: 'binary',
    coefficients,
    predict(x: FeatureMatrix): Float64Array {
      const eta = linearPredictor(coefficients, x);
      for (let i = 0; i < eta.length; i++) {
        const clamped = Math.min(Math.max(eta[i]!, -LOGIT_LIMIT), LOGIT_LIMIT);
        eta[i] = 1 / (1 + Math.exp(-clamped));
      }
      return eta;
    },
    toJSON: () => ({ kind: 'logistic', ...coefficients }),
    toSql(columns: Readonly<Record<string, string>>, dialect: SqlDialect): string {
      const eta = linearPredictorSql(coefficients, columns, dialect);
      return `(1e0 / (1e0 + EXP(-GREATEST(LEAST(${eta}, ${LOGIT_LIMIT}e0), -${LOGIT_LIMIT}e0))))`;
    },
  };
}

export function logisticFromJSON(value: unknown): LogisticModel {
  return logisticModel(checkCoefficients(value, 'logistic model'));
}
