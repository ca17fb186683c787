/**
 * Small helpers shared by the texture classes (glcm, glrlm, glszm, gldm, ngtdm).
 */
import type { BinnedRoi, FeatureClassInfo } from '../types.ts';

/** numpy.spacing(1): the eps PyRadiomics adds inside every log2 */
export const EPS = 2.220446049250313e-16;

/**
 * Index of each ROI voxel's grey level among the levels present (roi.grayLevels), -1
 * outside the ROI (computed once per BinnedRoi; do not modify it). Texture matrices keep only present levels (PyRadiomics deletes the
 * rows of absent levels), so they are indexed this way while keeping the true values.
 */
export function levelIndexImage(roi: BinnedRoi): Int32Array {
  let out = levelIndexCache.get(roi);
  if (!out) levelIndexCache.set(roi, (out = computeLevelIndexImage(roi)));
  return out;
}

/**
 * The index images of a binned crop, made once for all its texture classes (read-only). The
 * caches hold them as long as the BinnedRoi object lives.
 */
const levelIndexCache = new WeakMap<BinnedRoi, Int32Array>();
const paddedIndexCache = new WeakMap<BinnedRoi, Int32Array>();

function computeLevelIndexImage(roi: BinnedRoi): Int32Array {
  const { levels, mask, grayLevels } = roi;
  const top = grayLevels.length ? grayLevels[grayLevels.length - 1] : 0;
  const lookup = new Int32Array(top + 1).fill(-1);
  for (let k = 0; k < grayLevels.length; k++) lookup[grayLevels[k]] = k;
  const out = new Int32Array(levels.length);
  for (let i = 0; i < levels.length; i++) out[i] = mask[i] ? lookup[levels[i]] : -1;
  return out;
}

/** Marks of a padded level-index image: a voxel of the crop outside the ROI, a voxel outside the crop. */
export const NOT_ROI = -1;
export const OUTSIDE = -2;

/**
 * levelIndexImage with a border of one voxel all round marked OUTSIDE: neighbours and lines
 * can then be followed by index offsets alone, without bounds checks. Size [nx+2, ny+2, nz+2];
 * crop voxel (x, y, z) is at (x+1) + (nx+2) ((y+1) + (ny+2) (z+1)).
 */
export function paddedLevelIndexImage(roi: BinnedRoi): Int32Array {
  let out = paddedIndexCache.get(roi);
  if (!out) paddedIndexCache.set(roi, (out = computePaddedLevelIndexImage(roi)));
  return out;
}

function computePaddedLevelIndexImage(roi: BinnedRoi): Int32Array {
  const idx = levelIndexImage(roi);
  const [nx, ny, nz] = roi.size;
  const px = nx + 2;
  const py = ny + 2;
  const out = new Int32Array(px * py * (nz + 2)).fill(OUTSIDE);
  for (let z = 0, v = 0; z < nz; z++)
    for (let y = 0; y < ny; y++) {
      const base = 1 + px * (y + 1 + py * (z + 1));
      for (let x = 0; x < nx; x++, v++) out[base + x] = idx[v];
    }
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

/** The ROI voxels of a crop, in index order: linear index, coordinates and level index. */
export interface RoiVoxels {
  count: number;
  index: Int32Array;
  x: Int32Array;
  y: Int32Array;
  z: Int32Array;
  /** index among the present grey levels (levelIndexImage) */
  level: Int32Array;
}

/** Lists the voxels with levelIndex >= 0 of a crop of size [nx, ny, nz]. */
export function roiVoxels(levelIndex: Int32Array, size: readonly number[]): RoiVoxels {
  const [nx, ny, nz] = size;
  let count = 0;
  for (let v = 0; v < levelIndex.length; v++) if (levelIndex[v] >= 0) count++;
  const out: RoiVoxels = { count, index: new Int32Array(count), x: new Int32Array(count), y: new Int32Array(count), z: new Int32Array(count), level: new Int32Array(count) };
  let r = 0;
  for (let z = 0, v = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++, v++) {
        if (levelIndex[v] < 0) continue;
        out.index[r] = v;
        out.x[r] = x;
        out.y[r] = y;
        out.z[r] = z;
        out.level[r++] = levelIndex[v];
      }
    }
  }
  return out;
}
