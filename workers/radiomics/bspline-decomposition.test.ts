/**
 * The block decomposition must give, bit for bit, the coefficients of the whole-volume
 * filter (ITK's pass order x, y, z, every line whole, DataToCoefficients1D): that filter's
 * agreement with ITK is checked through the resampling references in conformance.test.ts.
 * Zeros are compared by value (a zero's sign cannot reach an interpolated value).
 */
import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../io/volume.ts';
import { bsplineCoefficientBlock, dataToCoefficients1D } from './bspline-decomposition.ts';
import type { Normalization } from './normalize.ts';

/** The whole-volume filter, line by line as ITK runs it. */
function wholeVolume(data: ArrayLike<number>, size: Vec3, map: ((v: number) => number) | null): Float64Array {
  const [nx, ny, nz] = size;
  const c = Float64Array.from(data, (v) => (map ? map(v) : v));
  const line = new Float64Array(Math.max(nx, ny, nz));
  const strides = [1, nx, nx * ny];
  for (let axis = 0; axis < 3; axis++) {
    const n = size[axis];
    const stride = strides[axis];
    for (let start = 0; start < c.length; start++) {
      // the first sample of each line along `axis`
      if (Math.floor(start / stride) % n !== 0) continue;
      for (let i = 0; i < n; i++) line[i] = c[start + i * stride];
      dataToCoefficients1D(line, n);
      for (let i = 0; i < n; i++) c[start + i * stride] = line[i];
    }
  }
  return c;
}

/** bsplineCoefficientBlock's layout: the block's x and y, every z plane; only [z0, z1] compared. */
function ofBlock(c: Float64Array, lo: Vec3, hi: Vec3): Float64Array {
  const bx = hi[0] - lo[0] + 1;
  const plane = bx * (hi[1] - lo[1] + 1);
  return c.slice(plane * lo[2], plane * (hi[2] + 1));
}

function block(c: Float64Array, size: Vec3, lo: Vec3, hi: Vec3): Float64Array {
  const out: number[] = [];
  for (let z = lo[2]; z <= hi[2]; z++)
    for (let y = lo[1]; y <= hi[1]; y++) for (let x = lo[0]; x <= hi[0]; x++) out.push(c[x + size[0] * (y + size[1] * z)]);
  return Float64Array.from(out);
}

function mismatches(a: Float64Array, b: Float64Array): number {
  let bad = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) bad++;
  return bad;
}

/** A reproducible pseudo-random generator (xorshift32). */
function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

describe('bsplineCoefficientBlock', () => {
  const size: Vec3 = [150, 131, 60];
  const n = size[0] * size[1] * size[2];
  const rnd = random(7);
  // int16 image with a zero background (exact zeros: brackets that never close) and a textured body
  const image = new Int16Array(n);
  for (let z = 0, i = 0; z < size[2]; z++)
    for (let y = 0; y < size[1]; y++)
      for (let x = 0; x < size[0]; x++, i++) {
        const r2 = (x - 80) ** 2 + (y - 60) ** 2 + 4 * (z - 30) ** 2;
        image[i] = r2 < 55 ** 2 ? Math.round(400 + 300 * Math.sin(x * 0.3) * Math.cos(y * 0.21) + 200 * rnd() - 100 * (z % 3)) : 0;
      }
  const normalization: Normalization = { shift: -123.456, scale: 1 / 77.7, outliers: null, k: 100 };
  const norm = (v: number) => (v + normalization.shift) * normalization.scale * normalization.k;
  const cases: { name: string; lo: Vec3; hi: Vec3 }[] = [
    { name: 'a block inside the body', lo: [60, 45, 20], hi: [95, 80, 41] },
    { name: 'a block touching the start of every axis', lo: [0, 0, 0], hi: [20, 15, 8] },
    { name: 'a block touching the end of every axis', lo: [120, 110, 50], hi: [149, 130, 59] },
    { name: 'a one-voxel block in the background', lo: [3, 125, 2], hi: [3, 125, 2] },
  ];

  for (const map of [null, norm]) {
    const ref = wholeVolume(image, size, map);
    const bound = Math.max(...[-32768, 32767].map((v) => Math.abs(map ? map(v) : v)));
    for (const c of cases) {
      it(`${map ? 'normalized' : 'raw'}: ${c.name} equals the whole-volume filter`, () => {
        const want = block(ref, size, c.lo, c.hi);
        expect(mismatches(ofBlock(bsplineCoefficientBlock(image, size, c.lo, c.hi, map ? normalization : null, bound), c.lo, c.hi), want)).toBe(0);
        expect(mismatches(ofBlock(bsplineCoefficientBlock(image, size, c.lo, c.hi, map ? normalization : null, null), c.lo, c.hi), want)).toBe(0);
      });
    }
  }

  it('short axes (not longer than the causal initialisation) are computed whole', () => {
    const small: Vec3 = [9, 19, 3];
    const data = Float64Array.from({ length: 9 * 19 * 3 }, () => rnd() * 1000 - 500);
    const ref = wholeVolume(data, small, null);
    const lo: Vec3 = [2, 1, 1];
    const hi: Vec3 = [6, 17, 2];
    expect(mismatches(ofBlock(bsplineCoefficientBlock(data, small, lo, hi, null, 500), lo, hi), block(ref, small, lo, hi))).toBe(0);
  });
});
