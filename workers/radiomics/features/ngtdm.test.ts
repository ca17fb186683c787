import { describe, expect, it } from 'vitest';
import { binImage } from '../discretize.ts';
import { DEFAULT_TEXTURE_SETTINGS } from '../types.ts';
import { computeNgtdm, ngtdmMatrix } from './ngtdm.ts';
import { AVAILABLE_CASES, compareWithNpy, cropCase } from './texture-conformance.fixtures.ts';
import { featureConformanceSuite } from './texture-conformance.suite.ts';

featureConformanceSuite('ngtdm', computeNgtdm, ['', '_2d', '_FBN', '_flatRegion', '_normalization', '_resegmentation']);

// lung1_ngtdm.npy is not checked: it needs lung1_image.nrrd, which is not in ../shared.
describe('ngtdm matrices vs PyRadiomics <case>_ngtdm.npy, base settings (lung1 needs lung1_image.nrrd, not in ../shared)', () => {
  for (const testCase of AVAILABLE_CASES) {
    it(`${testCase}: columns (n_i, s_i, i) equal`, () => {
      const m = ngtdmMatrix(binImage(cropCase(testCase), { binWidth: 25 }), DEFAULT_TEXTURE_SETTINGS);
      const cols = [m.count, m.s, m.levels];
      const r = compareWithNpy(`${testCase}_ngtdm.npy`, [m.levels.length, 3], ([i, j]) => cols[j][i]);
      expect(r.shape).toEqual(r.expectedShape);
      expect(r.maxAbsDiff).toBe(0);
    });
  }
});
