import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { binColumn, fitFeatureBins } from './gbdtBinning.ts';
import { buildHistogram, packRows } from './gbdtHistogram.ts';
import { featureMatrix } from './matrix.ts';
import { createRandom } from './random.ts';

describe('buildHistogram', () => {
  it('packs small-cardinality features losslessly: per-feature sums equal a direct count', () => {
    const random = createRandom(5);
    const rows = 400;
    const kinds = [2, 2, 3, 2, 5, 2, 2, 2, 2, 2, 40, 200]; // distinct values per feature
    const columns = kinds.map((k, f) =>
      Float64Array.from({ length: rows }, () => (f % 3 === 0 && random.next() < 0.1 ? Number.NaN : random.nextInt(k))),
    );
    const x = featureMatrix(
      kinds.map((_, f) => `f${f}`),
      columns,
    );
    const bins = fitFeatureBins(x, 255);
    const binned = columns.map((c, f) => binColumn(c, bins.upper[f]!));
    const { layout, codes } = packRows(bins, binned, rows);
    assert.ok(layout.packed.length >= 1 && layout.nGroups < kinds.length, 'some features were packed');
    const gh = Float64Array.from({ length: 2 * rows }, () => random.next() - 0.3);
    const subset = Int32Array.from({ length: rows }, (_, i) => i).filter((i) => i % 4 !== 1);
    const hist = new Float64Array(layout.totalSlots * 3);
    buildHistogram(hist, layout, codes, gh, subset, 0, subset.length);
    for (let f = 0; f < kinds.length; f++) {
      for (let b = 0; b <= bins.nBins[f]!; b++) {
        let g = 0;
        let h = 0;
        let c = 0;
        for (const r of subset) {
          if (binned[f]![r] !== b) continue;
          g += gh[2 * r]!;
          h += gh[2 * r + 1]!;
          c++;
        }
        const s = (layout.featureOffset[f]! + b) * 3;
        assert.ok(Math.abs(hist[s]! - g) < 1e-9, `feature ${f} bin ${b} gradient`);
        assert.ok(Math.abs(hist[s + 1]! - h) < 1e-9, `feature ${f} bin ${b} hessian`);
        assert.equal(hist[s + 2], c, `feature ${f} bin ${b} count`);
      }
    }
  });
});
