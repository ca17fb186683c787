/**
 * Wavelet against pywt.swtn outputs: the conformance files in ../shared/conformance/filters
 * (coif1, breast1 and brain1, padded crops and whole images; README §3, §5: |mine - ref| <=
 * 1e-10 * max(1, max|ref|)), and fixtures/ (PyRadiomics's getWaveletImage run with pywt 1.1.1
 * by scripts/filters-reference/make_fixtures.py: other families, levels, start_level, force2D,
 * float32 data).
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Vec3, Volume } from '../../io/volume.ts';
import { IDENTITY } from '../../io/volume.ts';
import type { Manifest } from './test-support.ts';
import {
  cropBox, FILTERS_DIR, fixtureInput, fixtureOutputs, readCaseImage, readFixtureManifest, readManifest, readVolume, relativeBox,
} from './test-support.ts';
import { periodicTaps, waveletImages } from './wavelet.ts';

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= m)) m = d; // NaN propagates as a failure
  }
  return m;
}

for (const caseName of ['breast1', 'brain1']) {
  describe(`Wavelet (coif1) on ${caseName} matches pywt.swtn`, () => {
    const manifest: Manifest = readManifest(caseName);
    const image = readCaseImage(caseName);
    for (const variant of ['padded', 'fullimage'] as const) {
      const outputs = manifest.outputs.filter((o) => o.filter === 'wavelet' && o.variant === variant);
      it(`${variant}: the 8 sub-bands, in PyRadiomics's order`, () => {
        const region = cropBox(image, outputs[0].filteredBox);
        const derived = [...waveletImages(region, {})];
        expect(derived.map((d) => d.name)).toEqual([
          'wavelet-LLH', 'wavelet-LHL', 'wavelet-LHH', 'wavelet-HLL', 'wavelet-HLH', 'wavelet-HHL', 'wavelet-HHH', 'wavelet-LLL',
        ]);
        expect(outputs).toHaveLength(8);
        for (const out of outputs) {
          const d = derived.find((x) => x.name === out.imageType);
          expect(d, out.imageType).toBeDefined();
          expect(d!.image.data).toBeInstanceOf(Float64Array);
          expect(d!.image.size).toEqual(region.size);
          expect(d!.image.origin).toEqual(region.origin);
          const mine = cropBox(d!.image, relativeBox(out.storedBox, out.filteredBox));
          const ref = readVolume(resolve(FILTERS_DIR, out.file));
          expect(mine.size).toEqual(ref.size);
          const diff = maxDiff(mine.data, ref.data);
          const scale = Math.max(1, maxAbs(ref.data));
          console.log(`${caseName} ${variant} ${out.imageType}: max |mine - pywt| = ${diff.toExponential(2)} (${(diff / scale).toExponential(2)} of max|ref|)`);
          expect(diff).toBeLessThanOrEqual(1e-10 * scale);
        }
      });
    }
  });
}

describe('Wavelet families and settings match PyRadiomics + pywt 1.1.1 (fixtures)', () => {
  const manifest = readFixtureManifest();
  for (const c of manifest.cases.filter((x) => x.function === 'getWaveletImage')) {
    it(c.id, () => {
      const input = fixtureInput(manifest, c.input);
      const derived = [...waveletImages(input, c.settings)];
      expect(derived.map((d) => d.name)).toEqual(c.names);
      const refs = fixtureOutputs(c);
      let worst = 0;
      for (let i = 0; i < refs.length; i++) {
        const data = derived[i].image.data;
        expect(data).toBeInstanceOf(c.dtype === 'float32' ? Float32Array : Float64Array);
        const diff = maxDiff(data, refs[i]);
        worst = Math.max(worst, diff);
        if (c.dtype === 'float32') {
          // pywt's float path: the same float operations, so every value is the same float
          expect(diff, c.names[i]).toBe(0);
        } else {
          expect(diff, c.names[i]).toBeLessThanOrEqual(1e-10 * Math.max(1, maxAbs(refs[i])));
        }
      }
      console.log(`${c.id}: ${refs.length} images, max |mine - pywt| = ${worst.toExponential(2)}`);
    });
  }
});

describe('periodic convolution taps (pywt downsampling_convolution_periodization, step 1)', () => {
  it('reads x[(o + floor(F/2) - m) mod P]: coif1 is o + 3 - m, haar o + 1 - m, db2 o + 2 - m', () => {
    for (const [F, half] of [[6, 3], [2, 1], [4, 2]]) {
      const P = 8;
      const { src, m } = periodicTaps(P, F);
      for (let o = 0; o < P; o++) {
        const terms = new Map<number, number>();
        for (let q = 0; q < F; q++) terms.set(m[o * F + q], src[o * F + q]);
        expect([...terms.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: F }, (_, k) => k));
        for (const [tap, s] of terms) expect(s).toBe((((o + half - tap) % P) + P) % P);
      }
    }
  });

  it('a single impulse at x = 0 comes out as the filter at offsets floor(F/2) - m (haar and db2)', () => {
    // synthetic check of the convention: L[o] = lo[o + floor(F/2)] for an impulse at 0 (mod P)
    for (const [wavelet, F] of [['haar', 2], ['db2', 4]] as const) {
      const size: Vec3 = [8, 4, 4];
      const data = new Float64Array(8 * 4 * 4);
      for (let k = 0; k < 4; k++) for (let j = 0; j < 4; j++) data[(k * 4 + j) * 8] = 1; // impulse along x only
      const img: Volume = { size, spacing: [1, 1, 1], origin: [0, 0, 0], direction: [...IDENTITY], data };
      const out = [...waveletImages(img, { wavelet })];
      const hll = out.find((d) => d.name === 'wavelet-HLL')!.image.data;
      const lll = out.find((d) => d.name === 'wavelet-LLL')!.image.data;
      const yzGain = 2; // sum(lo)^2 along y and z for a signal constant along them
      const half = Math.floor(F / 2);
      const bank = readFixtureManifest().filters[wavelet].dec_lo; // pywt.Wavelet(wavelet).dec_lo
      for (let o = 0; o < 8; o++) {
        const tap = (o + half) % 8; // input index 0 = o + half - m  =>  m = o + half
        const expected = tap < F ? bank[tap] * yzGain : 0;
        expect(lll[o]).toBeCloseTo(expected, 12);
      }
      // a signal constant along y and z has no high-pass response there
      expect(out.find((d) => d.name === 'wavelet-LLH')!.image.data.every((v) => Math.abs(v) < 1e-12)).toBe(true);
      expect(hll.some((v) => Math.abs(v) > 0.1)).toBe(true);
    }
  });

  it('rejects an unknown wavelet and bad level settings with the setting named', () => {
    const img: Volume = { size: [4, 4, 4], spacing: [1, 1, 1], origin: [0, 0, 0], direction: [...IDENTITY], data: new Float64Array(64) };
    expect(() => [...waveletImages(img, { wavelet: 'db99' })]).toThrow(/unknown wavelet 'db99'.*'wavelet'/);
    expect(() => [...waveletImages(img, { level: 0 })]).toThrow(/'level'/);
    expect(() => [...waveletImages(img, { force2D: true, force2Ddimension: 3 })]).toThrow(/'force2Ddimension'/);
  });
});
