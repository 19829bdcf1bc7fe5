/**
 * Features that look like outcomes measured after the treatment (a conversion flag or revenue when the outcome is a
 * visit; a visit or conversion flag when it is spend): a numeric feature that is nonzero only on rows where the
 * outcome is nonzero (1, for a binary outcome), or the outcome is nonzero only where the feature is. If feature and
 * outcome were unrelated, that would happen with probability share^rows; a feature is named when that is below
 * CHANCE. Such a feature makes the effect look explained by itself (and AIPW's outcome models take it for a
 * precise predictor), so callers warn (it is still a valid column; the analyst decides).
 */
import type { FeatureSchema } from './encoding.ts';
import type { FeatureMatrix } from './matrix.ts';

const CHANCE = 1e-6;

export type OutcomeLikeFeature = {
  feature: string;
  /** 'implies-outcome': nonzero only where the outcome is; 'implied-by-outcome': the outcome is nonzero only where it is. */
  relation: 'implies-outcome' | 'implied-by-outcome';
  /** The rows the implication holds on (nonzero rows, or outcome rows). */
  rows: number;
};

const isNonzero = (v: number) => v !== 0 && !Number.isNaN(v);

/** An outcome nonzero on every row (or none) implies nothing. */
export function outcomeLikeFeatures(schema: FeatureSchema, x: FeatureMatrix, y: Float64Array): OutcomeLikeFeature[] {
  const n = y.length;
  let positives = 0;
  for (let i = 0; i < n; i++) positives += isNonzero(y[i]!) ? 1 : 0;
  if (n === 0 || positives === 0 || positives === n) return [];
  const found: OutcomeLikeFeature[] = [];
  for (const feature of schema.features) {
    if (feature.type !== 'number') continue;
    const column = x.columns[x.names.indexOf(feature.name)]!;
    let nonzero = 0;
    let nonzeroPositive = 0;
    for (let i = 0; i < n; i++) {
      const v = column[i]!;
      if (isNonzero(v)) {
        nonzero++;
        if (isNonzero(y[i]!)) nonzeroPositive++;
      }
    }
    if (nonzero > 0 && nonzeroPositive === nonzero && (positives / n) ** nonzero < CHANCE) {
      found.push({ feature: feature.name, relation: 'implies-outcome', rows: nonzero });
    } else if (nonzeroPositive === positives && (nonzero / n) ** positives < CHANCE) {
      found.push({ feature: feature.name, relation: 'implied-by-outcome', rows: positives });
    }
  }
  return found;
}
