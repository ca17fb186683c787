import { describe, expect, it } from 'vitest';
import { binImage } from '../discretize.ts';
import { DEFAULT_TEXTURE_SETTINGS } from '../types.ts';
import { computeGldm, gldmMatrix } from './gldm.ts';
import { AVAILABLE_CASES, compareWithNpy, cropCase } from './texture-conformance.fixtures.ts';
import { featureConformanceSuite } from './texture-conformance.suite.ts';

featureConformanceSuite('gldm', computeGldm, ['', '_2d', '_FBN', '_flatRegion', '_normalization', '_resegmentation']);

// lung1_gldm.npy is not checked: it needs lung1_image.nrrd, which is not in ../shared.
describe('gldm matrices vs PyRadiomics <case>_gldm.npy, base settings (lung1 needs lung1_image.nrrd, not in ../shared)', () => {
  for (const testCase of AVAILABLE_CASES) {
    it(`${testCase}: P(i, dependence) equal after the empty dependences are dropped`, () => {
      const m = gldmMatrix(binImage(cropCase(testCase), { binWidth: 25 }), DEFAULT_TEXTURE_SETTINGS);
      const nd = m.dependences.length;
      const r = compareWithNpy(`${testCase}_gldm.npy`, [m.levels.length, nd], ([i, j]) => m.p[i * nd + j]);
      expect(r.shape).toEqual(r.expectedShape);
      expect(r.maxAbsDiff).toBe(0);
    });
  }
});

describe('gldm settings', () => {
  it('rejects a non-integer gldm_a, which PyRadiomics passes to C as an int', () => {
    const roi = binImage(cropCase('breast1'), { binWidth: 25 });
    expect(() => computeGldm(roi, { ...DEFAULT_TEXTURE_SETTINGS, gldm_a: 0.5 }, ['DependenceEntropy'])).toThrow(/setting gldm_a/);
  });
});
