/**
 * One pass over a whole image for what preprocessing and the diagnostics need of it: the
 * minimum and maximum (diagnostics, the B-spline prefilter's bound), the sum (diagnostics
 * mean, normalization mean) and the sum of squares (normalization variance).
 *
 * The sums must be the values the sequential loops give (normalize.ts's ITK statistics,
 * diagnostics.ts's mean). For 8- and 16-bit integer voxels every partial sum here is an
 * integer below 2^53, hence exact, so any order gives the sequential value: the pass adds
 * in int32 blocks and four lanes, which runs several times faster. The sum of squares is
 * exact when its total is below 2^53; otherwise (`sumSqExact` false) the caller's own
 * sequential loop decides. Wider integers and floats are left to the callers' loops
 * (null).
 */
import type { VoxelArray } from '../io/volume.ts';

export interface ImageStats {
  min: number;
  max: number;
  /** exact sum of the voxels */
  sum: number;
  /** sum of the squares, exact when sumSqExact */
  sumSq: number;
  sumSqExact: boolean;
}

/** 16384 voxels of 0 <= v < 2^16 sum to less than 2^30: an int32 block sum cannot overflow. */
const BLOCK = 16384;

/** The statistics of 8- or 16-bit integer voxels; null for other types. */
export function smallIntegerStats(d: VoxelArray): ImageStats | null {
  if (!(d instanceof Int16Array || d instanceof Uint16Array || d instanceof Uint8Array || d instanceof Int8Array)) return null;
  const n = d.length;
  if (n === 0) return null;
  // signed voxels are summed shifted to 0 .. 2^16 - 1 (the block sums stay unsigned)
  const off = d instanceof Int16Array ? 32768 : d instanceof Int8Array ? 128 : 0;
  let l0 = d[0], l1 = l0, l2 = l0, l3 = l0;
  let h0 = l0, h1 = l0, h2 = l0, h3 = l0;
  let sum = 0;
  let sumSq = 0;
  for (let b = 0; b < n; b += BLOCK) {
    const e = Math.min(n, b + BLOCK);
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    let q0 = 0, q1 = 0, q2 = 0, q3 = 0;
    let i = b;
    for (; i + 3 < e; i += 4) {
      const x0 = d[i], x1 = d[i + 1], x2 = d[i + 2], x3 = d[i + 3];
      s0 = (s0 + x0 + off) | 0;
      s1 = (s1 + x1 + off) | 0;
      s2 = (s2 + x2 + off) | 0;
      s3 = (s3 + x3 + off) | 0;
      q0 += x0 * x0;
      q1 += x1 * x1;
      q2 += x2 * x2;
      q3 += x3 * x3;
      if (x0 < l0) l0 = x0;
      if (x0 > h0) h0 = x0;
      if (x1 < l1) l1 = x1;
      if (x1 > h1) h1 = x1;
      if (x2 < l2) l2 = x2;
      if (x2 > h2) h2 = x2;
      if (x3 < l3) l3 = x3;
      if (x3 > h3) h3 = x3;
    }
    for (; i < e; i++) {
      const x = d[i];
      s0 = (s0 + x + off) | 0;
      q0 += x * x;
      if (x < l0) l0 = x;
      if (x > h0) h0 = x;
    }
    sum += (s0 >>> 0) + (s1 >>> 0) + (s2 >>> 0) + (s3 >>> 0);
    sumSq += q0 + q1 + (q2 + q3);
  }
  return {
    min: Math.min(l0, l1, l2, l3),
    max: Math.max(h0, h1, h2, h3),
    sum: sum - off * n,
    sumSq,
    // below 2^53 every partial sum of these non-negative integers is exact
    sumSqExact: sumSq < 2 ** 53,
  };
}
