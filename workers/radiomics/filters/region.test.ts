/**
 * FilterContext.region: LoG and Wavelet computed only for a region must give, on that
 * region, exactly (bit for bit) the values of the whole computation, which the other tests
 * check against ITK and pywt. Regions inside, at the borders (the wavelet's periodic taps wrap
 * around), one voxel thick; odd sizes (pywt's padding); float32 data (pywt's float path);
 * other families, levels, start_level and force2D.
 */
import { describe, expect, it } from 'vitest';
import type { Vec3, Volume } from '../../io/volume.ts';
import { IDENTITY } from '../../io/volume.ts';
import { laplacianOfGaussian } from './log.ts';
import type { FilterSettings } from './types.ts';
import { waveletImages } from './wavelet.ts';

function image(size: Vec3, float32: boolean): Volume {
  const n = size[0] * size[1] * size[2];
  const data = float32 ? new Float32Array(n) : new Int16Array(n);
  for (let i = 0; i < n; i++) data[i] = Math.round(300 * Math.sin(i * 0.37) + 100 * Math.cos(i * 0.011) + (i % 7) * 5);
  return { size, spacing: [0.7, 0.8, 2.5], origin: [1, 2, 3], direction: [...IDENTITY], data };
}

/** Voxels of the region whose values differ (bitwise; NaN never occurs here). */
function mismatches(a: ArrayLike<number>, b: ArrayLike<number>, size: Vec3, region: { lo: Vec3; hi: Vec3 }): number {
  let bad = 0;
  for (let z = region.lo[2]; z <= region.hi[2]; z++)
    for (let y = region.lo[1]; y <= region.hi[1]; y++)
      for (let x = region.lo[0]; x <= region.hi[0]; x++) {
        const i = x + size[0] * (y + size[1] * z);
        if (!Object.is(a[i], b[i])) bad++;
      }
  return bad;
}

const size: Vec3 = [37, 30, 23];
const regions: { name: string; lo: Vec3; hi: Vec3 }[] = [
  { name: 'inside', lo: [10, 8, 6], hi: [25, 20, 15] },
  { name: 'at the low borders', lo: [0, 0, 0], hi: [5, 6, 3] },
  { name: 'at the high borders', lo: [30, 25, 18], hi: [36, 29, 22] },
  { name: 'one voxel', lo: [18, 3, 21], hi: [18, 3, 21] },
];

describe('LoG on a region equals the whole LoG there', () => {
  const img = image(size, false);
  for (const sigma of [1, 3]) {
    const whole = laplacianOfGaussian(img, sigma).data;
    for (const r of regions) {
      it(`sigma ${sigma}, ${r.name}`, () => {
        expect(mismatches(laplacianOfGaussian(img, sigma, r).data, whole, size, r)).toBe(0);
      });
    }
  }
});

describe('Wavelet on a region equals the whole transform there', () => {
  const settingsList: { name: string; settings: FilterSettings; float32?: boolean }[] = [
    { name: 'coif1 (default)', settings: {} },
    { name: 'coif1, float32 data', settings: {}, float32: true },
    { name: 'haar', settings: { wavelet: 'haar' } },
    { name: 'db3, 2 levels', settings: { wavelet: 'db3', level: 2 } },
    { name: 'sym2, start_level 1', settings: { wavelet: 'sym2', start_level: 1 } },
    { name: 'coif1, force2D along z', settings: { force2D: true, force2Ddimension: 0 } },
  ];
  for (const c of settingsList) {
    const img = image(size, c.float32 ?? false);
    const whole = [...waveletImages(img, c.settings)];
    for (const r of regions) {
      it(`${c.name}, ${r.name}`, () => {
        const part = [...waveletImages(img, c.settings, { region: r })];
        expect(part.map((d) => d.name)).toEqual(whole.map((d) => d.name));
        for (let k = 0; k < part.length; k++) {
          expect(part[k].image.data.constructor).toBe(whole[k].image.data.constructor);
          expect(mismatches(part[k].image.data, whole[k].image.data, size, r), part[k].name).toBe(0);
        }
      });
    }
  }
});
