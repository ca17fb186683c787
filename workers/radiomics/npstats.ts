/**
 * The few numpy reductions PyRadiomics's numbers depend on, reproduced operation for
 * operation so that our values agree with PyRadiomics's to the last bits, not just to
 * the tolerance:
 * - `npSum`: numpy's float64 `add.reduce`: pairwise summation (8-way unrolled base case
 *   of up to 128 elements; numpy/core/src/umath/loops_utils.h.src) within each
 *   8192-element buffer chunk, chunks added in order (checked against PyRadiomics's
 *   diagnostics means of images larger than one chunk).
 * - `percentileLinear`: `numpy.percentile(..., method='linear')` as numpy >= 1.22 computes
 *   it (virtual index `(n - 1) * q`, then `_lerp`).
 * - `medianOfSorted`: numpy's median (mean of the two middle values).
 */

const BLOCK = 128;

/** Sum of a[start .. start+n) in numpy's pairwise order. */
export function pairwiseSum(a: ArrayLike<number>, start = 0, n = a.length - start): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[start + i];
    // numpy starts from -0.0 for an empty or all -0 sum only through the identity 0.0: 0 + x
    return res;
  }
  if (n <= BLOCK) {
    let r0 = a[start];
    let r1 = a[start + 1];
    let r2 = a[start + 2];
    let r3 = a[start + 3];
    let r4 = a[start + 4];
    let r5 = a[start + 5];
    let r6 = a[start + 6];
    let r7 = a[start + 7];
    const end8 = n - (n % 8);
    let i = 8;
    for (; i < end8; i += 8) {
      const o = start + i;
      r0 += a[o];
      r1 += a[o + 1];
      r2 += a[o + 2];
      r3 += a[o + 3];
      r4 += a[o + 4];
      r5 += a[o + 5];
      r6 += a[o + 6];
      r7 += a[o + 7];
    }
    let res = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; i < n; i++) res += a[start + i];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, start, n2) + pairwiseSum(a, start + n2, n - n2);
}

/** numpy's reduction buffer: add.reduce runs its pairwise kernel on chunks of this many elements. */
const NPY_BUFSIZE = 8192;

/**
 * numpy.sum of a 1-D float64 array: the pairwise kernel on successive 8192-element chunks
 * (the iterator's buffer), the partial sums added in order to the initial 0.
 */
export function npSum(a: ArrayLike<number>): number {
  let total = 0;
  for (let s = 0; s < a.length; s += NPY_BUFSIZE) total += pairwiseSum(a, s, Math.min(NPY_BUFSIZE, a.length - s));
  return total;
}

/** numpy.mean of a float64 array. */
export function npMean(a: ArrayLike<number>): number {
  return npSum(a) / a.length;
}

/**
 * numpy's linear-interpolation percentile of a sorted array (p in 0..100), as numpy
 * 1.22+ (`_QuantileMethods['linear']`: virtual index (n - 1) * q; `_get_indexes`, `_lerp`).
 * The virtual index decides whether a voxel equal to a percentile counts as inside
 * RobustMeanAbsoluteDeviation's range, so it is computed exactly as numpy does.
 */
export function percentileLinear(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const q = p / 100;
  const virtualIndex = (n - 1) * q;
  let prev = Math.floor(virtualIndex);
  let next = prev + 1;
  if (virtualIndex >= n - 1) {
    prev = n - 1;
    next = n - 1;
  } else if (virtualIndex < 0) {
    prev = 0;
    next = 0;
  }
  // numpy's gamma uses the unclipped previous index (-1 when above the bounds); both ends
  // are then the same value and the result is that value whatever gamma is.
  const gamma = virtualIndex - Math.floor(virtualIndex);
  const a = sorted[prev];
  const b = sorted[next];
  const diff = b - a;
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}

/** numpy median of a sorted array: (low + high) / 2 of the middle pair. */
export function medianOfSorted(sorted: ArrayLike<number>): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = n >> 1;
  const lo = n % 2 === 1 ? h : h - 1;
  return (sorted[lo] + sorted[h]) / 2;
}
