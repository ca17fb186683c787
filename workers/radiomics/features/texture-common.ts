/**
 * Small helpers shared by the texture classes (glcm, glrlm, glszm, gldm, ngtdm).
 */
import type { BinnedRoi, FeatureClassInfo } from '../types.ts';

/** numpy.spacing(1): the eps PyRadiomics adds inside every log2 */
export const EPS = 2.220446049250313e-16;

/**
 * Index of each ROI voxel's grey level among the levels present (roi.grayLevels), -1
 * outside the ROI. Texture matrices keep only present levels (PyRadiomics deletes the
 * rows of absent levels), so they are indexed this way while keeping the true values.
 */
export function levelIndexImage(roi: BinnedRoi): Int32Array {
  const { levels, mask, grayLevels } = roi;
  const top = grayLevels.length ? grayLevels[grayLevels.length - 1] : 0;
  const lookup = new Int32Array(top + 1).fill(-1);
  for (let k = 0; k < grayLevels.length; k++) lookup[grayLevels[k]] = k;
  const out = new Int32Array(levels.length);
  for (let i = 0; i < levels.length; i++) out[i] = mask[i] ? lookup[levels[i]] : -1;
  return out;
}

/** numpy.nanmean of values[0..n): the mean of the non-NaN values, NaN when there is none. */
export function nanMean(values: ArrayLike<number>, n = values.length): number {
  let sum = 0;
  let count = 0;
  for (let k = 0; k < n; k++) {
    const v = values[k];
    if (Number.isNaN(v)) continue;
    sum += v;
    count++;
  }
  return sum / count;
}

/**
 * The features to compute for `enabled` (PyRadiomics names), checked against the class:
 * an unknown name is an error; a deprecated one is dropped, because PyRadiomics's texture
 * classes raise a DeprecationWarning for them and write no value.
 */
export function featuresToCompute(info: FeatureClassInfo, enabled: readonly string[]): string[] {
  const out: string[] = [];
  for (const name of enabled) {
    const spec = info.features.find((f) => f.name === name);
    if (!spec) throw new Error(`${info.name}: unknown feature '${name}' (features: ${info.features.map((f) => f.name).join(', ')})`);
    if (!spec.deprecated) out.push(name);
  }
  return out;
}

/** Per-axis loop bounds [lo, hi) so that index + offset stays inside [0, n). */
export function span(n: number, offset: number): [number, number] {
  return [Math.max(0, -offset), Math.min(n, n - offset)];
}
