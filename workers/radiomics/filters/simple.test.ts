/**
 * Square, SquareRoot, Logarithm, Exponential against PyRadiomics's own functions run with
 * numpy 1.24.2 (fixtures/, scripts/filters-reference/make_fixtures.py), on int16 data with
 * negative values, the breast1 padded crop and float32 data. Every value is float64. numpy's
 * log and exp (its AVX512F loops on this machine) and JavaScript's (which agree with glibc on
 * the values checked) can differ in the last bit, so the bound is a few ulps: 4 * 2^-52
 * relative, and for exponential, whose exponent c * x = log(m) * x / m carries the 1-ulp
 * difference of log(m) multiplied by up to |log(m)|, (|log(m)| + 4) * 2^-52. The largest
 * difference is printed.
 */
import { describe, expect, it } from 'vitest';
import { fixtureInput, fixtureOutputs, readFixtureManifest } from './test-support.ts';
import { exponentialImage, logarithmImage, squareImage, squareRootImage } from './simple.ts';
import type { DerivedImage } from './types.ts';
import type { Volume } from '../../io/volume.ts';

const FUNCTIONS: Record<string, (v: Volume) => DerivedImage> = {
  getSquareImage: squareImage,
  getSquareRootImage: squareRootImage,
  getLogarithmImage: logarithmImage,
  getExponentialImage: exponentialImage,
};

describe('point-wise image types match PyRadiomics + numpy', () => {
  const manifest = readFixtureManifest();
  for (const c of manifest.cases.filter((x) => x.function in FUNCTIONS)) {
    it(c.id, () => {
      const d = FUNCTIONS[c.function](fixtureInput(manifest, c.input));
      expect(d.name).toBe(c.names[0]);
      expect(d.image.data).toBeInstanceOf(Float64Array);
      const ref = fixtureOutputs(c)[0];
      const input = fixtureInput(manifest, c.input).data;
      let m = 0;
      for (const v of input) m = Math.max(m, Math.abs(v));
      const bound = (c.function === 'getExponentialImage' ? Math.abs(Math.log(m)) + 4 : 4) * 2 ** -52;
      let worst = 0;
      let differing = 0;
      for (let i = 0; i < ref.length; i++) {
        const a = d.image.data[i];
        const b = ref[i];
        if (a === b) continue;
        differing++;
        const rel = Math.abs(a - b) / Math.abs(b);
        worst = Math.max(worst, rel);
      }
      console.log(`${c.id}: ${ref.length} voxels, ${differing} differ from numpy, max relative difference ${worst.toExponential(2)}`);
      expect(worst).toBeLessThanOrEqual(bound);
    });
  }

  it('keeps zeros and yields NaN for an all-zero image as numpy does', () => {
    const zero: Volume = { size: [2, 2, 1], spacing: [1, 1, 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], data: new Int16Array(4) };
    expect(Array.from(squareRootImage(zero).image.data)).toEqual([0, 0, 0, 0]);
    expect(Number.isNaN(squareImage(zero).image.data[0])).toBe(true);
  });
});
