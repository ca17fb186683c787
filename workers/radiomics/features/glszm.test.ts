import { describe, expect, it } from 'vitest';
import { binImage } from '../discretize.ts';
import { DEFAULT_TEXTURE_SETTINGS } from '../types.ts';
import { computeGlszm, glszmMatrix } from './glszm.ts';
import { AVAILABLE_CASES, compareWithNpy, cropCase } from './texture-conformance.fixtures.ts';
import { featureConformanceSuite } from './texture-conformance.suite.ts';

featureConformanceSuite('glszm', computeGlszm, ['', '_2d', '_FBN', '_flatRegion', '_normalization', '_resegmentation']);

// lung1_glszm.npy is not checked: it needs lung1_image.nrrd, which is not in ../shared.
describe('glszm matrices vs PyRadiomics <case>_glszm.npy, base settings (lung1 needs lung1_image.nrrd, not in ../shared)', () => {
  for (const testCase of AVAILABLE_CASES) {
    it(`${testCase}: P(i, zone size) equal after the empty sizes are dropped`, () => {
      const m = glszmMatrix(binImage(cropCase(testCase), { binWidth: 25 }), DEFAULT_TEXTURE_SETTINGS);
      const ns = m.sizes.length;
      const r = compareWithNpy(`${testCase}_glszm.npy`, [m.levels.length, ns], ([i, j]) => m.p[i * ns + j]);
      expect(r.shape).toEqual(r.expectedShape);
      expect(r.maxAbsDiff).toBe(0);
    });
  }
});
