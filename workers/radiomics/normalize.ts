/**
 * PyRadiomics's imageoperations.normalizeImage: `sitk.Normalize` over the WHOLE image
 * (ITK NormalizeImageFilter: StatisticsImageFilter's mean and sample standard deviation,
 * n - 1, then ShiftScaleImageFilter `(x + (-mean)) * (1 / sigma)` in double), optional
 * removeOutliers (clamp to +-n sigma, before scaling), then `* normalizeScale`.
 * The result is float64, as SimpleITK's Normalize gives for integer and real input.
 */
import type { Volume } from '../io/volume.ts';
import type { ImageStats } from './image-stats.ts';

export interface NormalizeSettings {
  normalizeScale: number;
  removeOutliers: number | null;
}

/** Sum and sum of squares as ITK's StatisticsImageFilter (compensated summation in double). */
function sums(d: ArrayLike<number>, integer: boolean): { sum: number; sumSq: number } {
  if (integer) {
    // Integer voxels: every partial sum is exact below 2^53, so any order gives ITK's value.
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < d.length; i++) {
      const v = d[i];
      sum += v;
      sumSq += v * v;
    }
    return { sum, sumSq };
  }
  // Kahan summation (itk::CompensatedSummation).
  let sum = 0;
  let c = 0;
  let sumSq = 0;
  let c2 = 0;
  for (let i = 0; i < d.length; i++) {
    const v = d[i];
    let y = v - c;
    let t = sum + y;
    c = t - sum - y;
    sum = t;
    y = v * v - c2;
    t = sumSq + y;
    c2 = t - sumSq - y;
    sumSq = t;
  }
  return { sum, sumSq };
}

/** The per-voxel map of normalizeImage: v -> clamp((v + shift) * scale, +-outliers) * k. */
export interface Normalization {
  shift: number;
  scale: number;
  outliers: number | null;
  k: number;
}

/**
 * The whole image's statistics, as ITK's NormalizeImageFilter takes them. `stats`, the
 * image's smallIntegerStats when the caller has them, saves the pass over the voxels
 * (when its sums are exact, they are the sums below).
 */
export function normalizationOf(image: Volume, s: NormalizeSettings, stats?: ImageStats | null): Normalization {
  const d = image.data;
  const n = d.length;
  const integer = !(d instanceof Float32Array || d instanceof Float64Array);
  const { sum, sumSq } = stats && stats.sumSqExact ? stats : sums(d, integer);
  const mean = sum / n;
  const variance = (sumSq - (sum * sum) / n) / (n - 1);
  const sigma = Math.sqrt(variance);
  if (!(sigma > 0)) throw new Error('normalize: the image is constant (standard deviation 0), it cannot be normalized');
  return { shift: -mean, scale: 1.0 / sigma, outliers: s.removeOutliers, k: s.normalizeScale };
}

/** Applies the normalization to v[start .. n) in place (values already converted to double). */
export function applyNormalization(v: Float64Array, n: number, m: Normalization, start = 0): void {
  const { shift, scale, outliers, k } = m;
  if (outliers === null) {
    for (let i = start; i < n; i++) v[i] = (v[i] + shift) * scale * k;
    return;
  }
  for (let i = start; i < n; i++) {
    let x = (v[i] + shift) * scale;
    if (x > outliers) x = outliers;
    else if (x < -outliers) x = -outliers;
    v[i] = x * k;
  }
}

export function normalizeImage(image: Volume, s: NormalizeSettings | Normalization): Volume<Float64Array> {
  const m = 'shift' in s ? s : normalizationOf(image, s);
  const out = Float64Array.from(image.data);
  applyNormalization(out, out.length, m);
  return { size: [...image.size], spacing: [...image.spacing], origin: [...image.origin], direction: [...image.direction], data: out };
}
