import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../io/csv.ts';
import { binImage, binImageIbsi, digitize, getBinEdges } from './discretize.ts';
import { ngtdmMatrix } from './features/ngtdm.ts';
import { AVAILABLE_CASES, cropCase } from './features/texture-conformance.fixtures.ts';
import { DEFAULT_TEXTURE_SETTINGS, type CroppedRoi } from './types.ts';

describe('digitize', () => {
  it("matches numpy.digitize's documented example", () => {
    // numpy docs: np.digitize([0.2, 6.4, 3.0, 1.6], [0.0, 1.0, 2.5, 4.0, 10.0]) -> [1, 4, 3, 2]
    const bins = [0.0, 1.0, 2.5, 4.0, 10.0];
    expect([0.2, 6.4, 3.0, 1.6].map((x) => digitize(x, bins))).toEqual([1, 4, 3, 2]);
  });
});

describe('binImage (PyRadiomics)', () => {
  for (const testCase of AVAILABLE_CASES) {
    const roi = cropCase(testCase);
    it(`${testCase}: binWidth bins follow PyRadiomics's documented floor(x/W) - floor(min/W) + 1 on integer data`, () => {
      for (const w of [25, 7, 3]) {
        const b = binImage(roi, { binWidth: w });
        let min = Infinity;
        for (let i = 0; i < roi.mask.length; i++) if (roi.mask[i]) min = Math.min(min, roi.image[i]);
        let wrong = 0;
        for (let i = 0; i < roi.mask.length; i++) {
          if (roi.mask[i] && b.levels[i] !== Math.floor(roi.image[i] / w) - Math.floor(min / w) + 1) wrong++;
        }
        expect(wrong).toBe(0);
        expect(b.ng).toBe(b.grayLevels[b.grayLevels.length - 1]);
      }
    });
    it(`${testCase}: the grey levels present are those of PyRadiomics's ${testCase}_ngtdm.npy (binWidth 25)`, () => {
      const b = binImage(roi, { binWidth: 25 });
      const m = ngtdmMatrix(b, DEFAULT_TEXTURE_SETTINGS);
      expect(Array.from(b.grayLevels)).toEqual(Array.from(m.levels));
    });
    it(`${testCase}: binCount 64 puts the maximum in bin 64 (getBinEdges docs)`, () => {
      const b = binImage(roi, { binCount: 64 });
      let max = -Infinity;
      for (let i = 0; i < roi.mask.length; i++) if (roi.mask[i]) max = Math.max(max, roi.image[i]);
      for (let i = 0; i < roi.mask.length; i++) if (roi.mask[i] && roi.image[i] === max) expect(b.levels[i]).toBe(64);
      expect(b.ng).toBe(64);
      expect(b.binEdges.length).toBe(65);
    });
  }

  it('bins a flat ROI on a multiple of binWidth into one bin (getBinEdges flat-region case)', () => {
    const roi: CroppedRoi = { size: [2, 1, 1], spacing: [1, 1, 1], image: Float64Array.of(50, 50), mask: Uint8Array.of(1, 1) };
    const b = binImage(roi, { binWidth: 25 });
    expect(Array.from(b.levels)).toEqual([1, 1]);
    expect(b.ng).toBe(1);
  });

  it('names the problem for bad input', () => {
    const roi: CroppedRoi = { size: [2, 1, 1], spacing: [1, 1, 1], image: Float64Array.of(1, NaN), mask: Uint8Array.of(1, 1) };
    expect(() => binImage(roi)).toThrow(/NaN/);
    expect(() => binImage({ ...roi, mask: Uint8Array.of(0, 0) })).toThrow(/no voxels/);
    expect(() => getBinEdges([1, 2], { binWidth: 0 })).toThrow(/setting binWidth/);
    expect(() => getBinEdges([1, 2], { binCount: 2.5 })).toThrow(/setting binCount/);
  });
});

describe('binImageIbsi (IBSI digital phantom)', () => {
  // IBSI 1 digital phantom: grey levels 1..6 (1, 3, 4, 6 present); IBSI states that fixed bin
  // size 1 or fixed bin number 6 leaves them unchanged, with Ng = 6.
  const rows = parseCsv(readFileSync(resolve(process.cwd(), '../shared/conformance/ibsi/digital_phantom/phantom_voxels.csv'), 'utf8'));
  const header = rows[0];
  const body = rows.slice(1);
  const value = Float64Array.from(body, (r) => Number(r[header.indexOf('intensity')]));
  const mask = Uint8Array.from(body, (r) => Number(r[header.indexOf('mask')]));
  const roi: CroppedRoi = { size: [value.length, 1, 1], spacing: [2, 2, 2], image: value, mask };

  for (const settings of [{ binWidth: 1 }, { binCount: 6 }]) {
    it(`${JSON.stringify(settings)} leaves the levels unchanged, Ng = 6`, () => {
      const b = binImageIbsi(roi, settings);
      for (let i = 0; i < value.length; i++) if (mask[i]) expect(b.levels[i]).toBe(value[i]);
      expect(b.ng).toBe(6);
      expect(Array.from(b.grayLevels)).toEqual([1, 3, 4, 6]);
    });
  }
});
