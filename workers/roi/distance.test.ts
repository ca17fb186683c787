import { describe, expect, it } from 'vitest';
import { squaredDistanceTransform } from './distance.ts';

/** A seeded generator (mulberry32), so the random images are the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function bruteForce(feature: Uint8Array, w: number, h: number, sx: number, sy: number): Float64Array {
  const out = new Float64Array(w * h).fill(Infinity);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let q = 0; q < h; q++)
        for (let p = 0; p < w; p++) {
          if (!feature[q * w + p]) continue;
          const d = ((x - p) * sx) ** 2 + ((y - q) * sy) ** 2;
          if (d < out[y * w + x]) out[y * w + x] = d;
        }
  return out;
}

describe('squaredDistanceTransform', () => {
  it('equals the brute-force distance between pixel centres (anisotropic spacing, sparse and dense images)', () => {
    const next = rng(7);
    for (const [w, h, sx, sy, density] of [
      [17, 11, 0.7, 1.3, 0.05],
      [23, 19, 1, 1, 0.5],
      [9, 31, 2.5, 0.4, 0.15],
      [1, 12, 1, 1, 0.2],
    ] as const) {
      const feature = new Uint8Array(w * h);
      for (let i = 0; i < feature.length; i++) feature[i] = next() < density ? 1 : 0;
      feature[Math.floor(next() * feature.length)] = 1;
      const got = squaredDistanceTransform(feature, w, h, sx, sy, new Float64Array(w * h));
      const want = bruteForce(feature, w, h, sx, sy);
      for (let i = 0; i < got.length; i++) expect(got[i]).toBeCloseTo(want[i], 9);
    }
  });

  it('gives Infinity everywhere when there is no feature pixel', () => {
    const got = squaredDistanceTransform(new Uint8Array(12), 4, 3, 1, 1, new Float64Array(12));
    expect([...got].every((d) => d === Infinity)).toBe(true);
  });
});
