import { describe, expect, it } from 'vitest';
import { binImage } from '../discretize.ts';
import { DEFAULT_TEXTURE_SETTINGS } from '../types.ts';
import { computeGlrlm, glrlmMatrix } from './glrlm.ts';
import { AVAILABLE_CASES, compareWithNpy, cropCase } from './texture-conformance.fixtures.ts';
import { featureConformanceSuite } from './texture-conformance.suite.ts';

featureConformanceSuite('glrlm', computeGlrlm, ['', '_2d', '_FBN', '_combined', '_flatRegion', '_normalization', '_resegmentation']);

// lung1_glrlm.npy is not checked: it needs lung1_image.nrrd, which is not in ../shared.
describe('glrlm matrices vs PyRadiomics <case>_glrlm.npy, base settings (lung1 needs lung1_image.nrrd, not in ../shared)', () => {
  for (const testCase of AVAILABLE_CASES) {
    it(`${testCase}: P(i, run length, angle) equal after the empty run lengths are dropped`, () => {
      const m = glrlmMatrix(binImage(cropCase(testCase), { binWidth: 25 }), DEFAULT_TEXTURE_SETTINGS);
      const ng = m.levels.length;
      const nr = m.runLengths.length;
      const r = compareWithNpy(`${testCase}_glrlm.npy`, [ng, nr, m.count], ([i, j, a]) => m.p[(a * ng + i) * nr + j]);
      expect(r.shape).toEqual(r.expectedShape);
      expect(r.maxAbsDiff).toBe(0);
    });
  }
});

describe('glrlm settings', () => {
  it('rejects a weightingNorm PyRadiomics does not know (its parameter schema enumerates them)', () => {
    const roi = binImage(cropCase('breast1'), { binWidth: 25 });
    const settings = { ...DEFAULT_TEXTURE_SETTINGS, weightingNorm: 'chebyshev' as unknown as 'infinity' };
    expect(() => computeGlrlm(roi, settings, ['RunEntropy'])).toThrow(/setting weightingNorm: 'chebyshev'/);
  });
});
