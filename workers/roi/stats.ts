/**
 * Live ROI statistics: voxel count, volume, and mean / min / max of each DCE phase inside
 * the ROI (the voxels whose label is `label`, or every nonzero voxel). DOM-free; the app
 * runs it in a worker after each edit.
 */
import type { Geometry, VoxelArray } from '../io/volume.ts';

export interface PhaseStatistics {
  mean: number;
  min: number;
  max: number;
}

export interface RoiStatistics {
  /** the label counted (0 = every nonzero voxel) */
  label: number;
  voxelCount: number;
  /** voxelCount x the voxel volume (sx * sy * sz mm^3), in millilitres (1 mL = 1000 mm^3) */
  volumeMl: number;
  /** one entry per phase, in the order given; NaN values for an empty ROI */
  phases: PhaseStatistics[];
}

/** Indices of the ROI's voxels (x fastest). */
export function roiIndices(labels: ArrayLike<number>, label = 0): Uint32Array {
  let n = 0;
  for (let i = 0; i < labels.length; i++) if (label === 0 ? labels[i] !== 0 : labels[i] === label) n++;
  const out = new Uint32Array(n);
  let m = 0;
  for (let i = 0; i < labels.length; i++) if (label === 0 ? labels[i] !== 0 : labels[i] === label) out[m++] = i;
  return out;
}

/** Statistics of one ROI over the phases (each on the labels' grid). */
export function roiStatistics(
  labels: ArrayLike<number>,
  geometry: Geometry,
  phases: readonly VoxelArray[],
  label = 0,
): RoiStatistics {
  const n = geometry.size[0] * geometry.size[1] * geometry.size[2];
  if (labels.length !== n) throw new Error(`ROI statistics: the mask has ${labels.length} voxels, the grid ${n}`);
  phases.forEach((p, k) => {
    if (p.length !== n) throw new Error(`ROI statistics: phase ${k} has ${p.length} voxels, the ROI's grid ${n}`);
  });
  const indices = roiIndices(labels, label);
  const [sx, sy, sz] = geometry.spacing;
  return {
    label,
    voxelCount: indices.length,
    volumeMl: (indices.length * sx * sy * sz) / 1000,
    phases: phases.map((p) => phaseStatistics(p, indices)),
  };
}

/** Mean, minimum and maximum of one phase over the ROI's voxel indices (NaN for an empty ROI). */
export function phaseStatistics(data: VoxelArray, indices: Uint32Array): PhaseStatistics {
  if (indices.length === 0) return { mean: NaN, min: NaN, max: NaN };
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let m = 0; m < indices.length; m++) {
    const v = data[indices[m]];
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { mean: sum / indices.length, min, max };
}
