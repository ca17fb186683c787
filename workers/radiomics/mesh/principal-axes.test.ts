import { describe, expect, it } from 'vitest';
import { symmetricEigenvalues2, symmetricEigenvalues3 } from './principal-axes.ts';

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Covariance-like matrix R diag(l) R^T from random eigenvalues l and a random rotation R. */
function rotated(rand: () => number, l: number[]): { m: number[]; l: number[] } {
  // random unit quaternion -> rotation
  let [w, x, y, z] = [rand() - 0.5, rand() - 0.5, rand() - 0.5, rand() - 0.5];
  const n = Math.hypot(w, x, y, z);
  [w, x, y, z] = [w / n, x / n, y / n, z / n];
  const R = [
    [1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)],
    [2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)],
    [2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)],
  ];
  const m = (r: number, c: number) => R[r][0] * l[0] * R[c][0] + R[r][1] * l[1] * R[c][1] + R[r][2] * l[2] * R[c][2];
  return { m: [m(0, 0), m(0, 1), m(0, 2), m(1, 1), m(1, 2), m(2, 2)], l };
}

describe('symmetric eigenvalues', () => {
  it('3x3 Jacobi recovers the eigenvalues of rotated diagonal matrices (spread, repeated, zero)', () => {
    const rand = random(42);
    for (let t = 0; t < 500; t++) {
      const kind = t % 4;
      const l =
        kind === 0 ? [rand() * 100, rand() * 100, rand() * 100]
        : kind === 1 ? [rand() * 1e-6, rand(), 1e4 * rand()]
        : kind === 2 ? [5, 5, rand() * 10]
        : [0, rand(), rand()];
      const { m } = rotated(rand, l);
      const got = symmetricEigenvalues3(m[0], m[1], m[2], m[3], m[4], m[5]).sort((a, b) => a - b);
      const want = [...l].sort((a, b) => a - b);
      const scale = Math.max(...want.map(Math.abs));
      for (let i = 0; i < 3; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-13 * scale);
    }
  });

  it('3x3 Jacobi keeps the trace, the sum of principal 2x2 minors and the determinant', () => {
    const rand = random(3);
    for (let t = 0; t < 200; t++) {
      const [a, b, c, d, e, f] = Array.from({ length: 6 }, () => rand() * 20 - 10);
      const l = symmetricEigenvalues3(a, b, c, d, e, f);
      const scale = Math.max(...l.map(Math.abs));
      expect(l[0] + l[1] + l[2]).toBeCloseTo(a + d + f, 11);
      expect((l[0] * l[1] + l[0] * l[2] + l[1] * l[2]) / scale ** 2).toBeCloseTo((a * d - b * b + a * f - c * c + d * f - e * e) / scale ** 2, 12);
      expect((l[0] * l[1] * l[2]) / scale ** 3).toBeCloseTo((a * (d * f - e * e) - b * (b * f - e * c) + c * (b * e - d * c)) / scale ** 3, 12);
    }
  });

  it('2x2 closed form keeps trace and determinant, and is exact on diagonal matrices', () => {
    const rand = random(9);
    for (let t = 0; t < 200; t++) {
      const [a, b, c] = [rand() * 10, rand() * 10 - 5, rand() * 10];
      const [s, g] = symmetricEigenvalues2(a, b, c);
      expect(s).toBeLessThanOrEqual(g);
      expect(s + g).toBeCloseTo(a + c, 12);
      expect(s * g).toBeCloseTo(a * c - b * b, 11);
    }
    expect(symmetricEigenvalues2(3, 0, 0)).toEqual([0, 3]);
    expect(symmetricEigenvalues2(2, 0, 7)).toEqual([2, 7]);
  });
});
