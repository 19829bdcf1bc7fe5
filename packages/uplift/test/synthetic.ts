/** A seeded synthetic randomised campaign whose true CATE depends on feature `a` only (for tests). */
import { type FeatureMatrix, featureMatrix } from '../src/matrix.ts';
import type { ArmData } from '../src/metaLearners.ts';
import { createRandom } from '../src/random.ts';

export type Synthetic = ArmData & { tau: Float64Array };

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export function syntheticCampaign(
  n: number,
  seed: number,
  options: { outcome?: 'binary' | 'continuous'; missing?: number } = {},
): Synthetic {
  const random = createRandom(seed);
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  const c = new Float64Array(n);
  const t = new Uint8Array(n);
  const y = new Float64Array(n);
  const tau = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    a[i] = random.next();
    b[i] = random.next() * 2 - 1;
    c[i] = random.next() < 0.3 ? 1 : 0;
    t[i] = random.next() < 0.5 ? 1 : 0;
    const base = -0.5 + 0.8 * b[i]! + 0.3 * c[i]!;
    const lift = 2 * a[i]! - 0.7;
    if (options.outcome === 'continuous') {
      tau[i] = lift;
      y[i] = base + t[i]! * lift + (random.next() - 0.5);
    } else {
      tau[i] = sigmoid(base + lift) - sigmoid(base);
      y[i] = random.next() < sigmoid(base + t[i]! * lift) ? 1 : 0;
    }
    if (options.missing && random.next() < options.missing) b[i] = Number.NaN;
  }
  const x: FeatureMatrix = featureMatrix(['a', 'b', 'c'], [a, b, c]);
  return { x, t, y, tau, outcome: options.outcome ?? 'binary' };
}

export function spearman(u: ArrayLike<number>, v: ArrayLike<number>): number {
  const rank = (w: ArrayLike<number>) => {
    const order = Array.from({ length: w.length }, (_, i) => i).sort((i, j) => w[i]! - w[j]!);
    const r = new Float64Array(w.length);
    order.forEach((i, k) => {
      r[i] = k;
    });
    return r;
  };
  const ru = rank(u);
  const rv = rank(v);
  const n = u.length;
  const m = (n - 1) / 2;
  let num = 0;
  let du = 0;
  let dv = 0;
  for (let i = 0; i < n; i++) {
    num += (ru[i]! - m) * (rv[i]! - m);
    du += (ru[i]! - m) ** 2;
    dv += (rv[i]! - m) ** 2;
  }
  return num / Math.sqrt(du * dv);
}
