import { describe, expect, it } from 'vitest';
import { binImage } from '../discretize.ts';
import { DEFAULT_TEXTURE_SETTINGS } from '../types.ts';
import { computeGlcm, glcmInfo, glcmMatrix } from './glcm.ts';
import { AVAILABLE_CASES, compareWithNpy, cropCase } from './texture-conformance.fixtures.ts';
import { featureConformanceSuite } from './texture-conformance.suite.ts';

featureConformanceSuite('glcm', computeGlcm, ['', '_2d', '_FBN', '_combined', '_flatRegion', '_normalization', '_resegmentation']);

// lung1_glcm.npy is not checked: it needs lung1_image.nrrd, which is not in ../shared.
describe('glcm matrices vs PyRadiomics <case>_glcm.npy, base settings (lung1 needs lung1_image.nrrd, not in ../shared)', () => {
  for (const testCase of AVAILABLE_CASES) {
    it(`${testCase}: normalised symmetric P(i, j, angle) equal`, () => {
      const m = glcmMatrix(binImage(cropCase(testCase), { binWidth: 25 }), DEFAULT_TEXTURE_SETTINGS);
      const n = m.levels.length;
      const r = compareWithNpy(`${testCase}_glcm.npy`, [n, n, m.count], ([i, j, a]) => m.p[(a * n + i) * n + j]);
      expect(r.shape).toEqual(r.expectedShape);
      expect(r.maxAbsDiff).toBe(0);
    });
  }
});

describe('glcm feature selection', () => {
  const roi = binImage(cropCase('breast1'), { binWidth: 25 });
  it('returns the enabled features in the order asked, deprecated ones without a value (PyRadiomics raises DeprecationWarning)', () => {
    const out = computeGlcm(roi, DEFAULT_TEXTURE_SETTINGS, ['MCC', 'Dissimilarity', 'Autocorrelation', 'SumVariance']);
    expect(Object.keys(out)).toEqual(['MCC', 'Autocorrelation']);
  });
  it('rejects an unknown feature name', () => {
    expect(() => computeGlcm(roi, DEFAULT_TEXTURE_SETTINGS, ['Autocorrelaton'])).toThrow(/glcm: unknown feature 'Autocorrelaton'/);
  });
  it('lists the features in PyRadiomics output order (alphabetical by method name)', () => {
    const names = glcmInfo.features.map((f) => f.name);
    expect(names).toEqual([...names].sort((a, b) => (`get${a}FeatureValue` < `get${b}FeatureValue` ? -1 : 1)));
  });
});
