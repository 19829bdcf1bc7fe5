/**
 * The base learners a meta-learner can use, described as data (so the choice is serialisable and searchable):
 * `linear` is L2 logistic regression for a binary target and ridge regression for a continuous one; `gbdt` is the
 * histogram gradient-boosted trees learner with the matching objective.
 */
import { fitGbdt, gbdtFromJson } from './gbdt.ts';
import type { FittedModel, Objective } from './learner.ts';
import { fitLogistic, logisticFromJSON } from './logistic.ts';
import { type FeatureMatrix, takeRows } from './matrix.ts';
import { fitRidge, ridgeFromJSON } from './ridge.ts';

export type GbdtSpec = {
  kind: 'gbdt';
  nTrees: number;
  learningRate: number;
  maxDepth: number;
  minSamplesLeaf: number;
  l2?: number;
  rowSubsample?: number;
  colSubsample?: number;
};
export type BaseSpec = { kind: 'linear'; l2: number } | GbdtSpec;

/**
 * `rows`: fit on these rows of `x` (`y` and `weights` are theirs). A linear fit reads them in place; a GBDT, which
 * bins and walks its rows many times, takes a copy.
 */
export type BaseFitOptions = { seed: number; weights?: Float64Array; rows?: Int32Array };

export function fitBase(spec: BaseSpec, x: FeatureMatrix, y: Float64Array, objective: Objective, options: BaseFitOptions): FittedModel {
  const { seed: _seed, ...linear } = options;
  switch (spec.kind) {
    case 'linear':
      return objective === 'binary' ? fitLogistic(x, y, { l2: spec.l2 }, linear) : fitRidge(x, y, { l2: spec.l2 }, linear);
    case 'gbdt':
      return fitGbdtBase(spec, options.rows ? takeRows(x, options.rows) : x, y, objective, options);
    default:
      throw new Error(`unknown base learner kind ${JSON.stringify((spec as { kind?: unknown }).kind)}`);
  }
}

function fitGbdtBase(spec: GbdtSpec, x: FeatureMatrix, y: Float64Array, objective: Objective, options: BaseFitOptions): FittedModel {
  const { kind: _kind, ...params } = spec;
  return fitGbdt(x, y, { ...params, objective, seed: options.seed }, options.weights ? { weights: options.weights } : {});
}

export function baseFromJSON(value: unknown, what: string): FittedModel {
  const kind = (value as { kind?: unknown } | null)?.kind;
  switch (kind) {
    case 'logistic':
      return logisticFromJSON(value, what);
    case 'ridge':
      return ridgeFromJSON(value, what);
    case 'gbdt':
      return gbdtFromJson(value, what);
    default:
      throw new Error(`${what}: unknown base model kind ${JSON.stringify(kind)}`);
  }
}

export function describeBase(spec: BaseSpec): string {
  return spec.kind === 'linear'
    ? `linear(l2=${spec.l2})`
    : `gbdt(trees=${spec.nTrees}, depth=${spec.maxDepth}, lr=${spec.learningRate}, minLeaf=${spec.minSamplesLeaf})`;
}
