/**
 * The centre of an ROI's bounding box (voxel indices, rounded), to show the lesion's slice
 * (the patient report's snapshot). DOM-free; null for an empty mask.
 */
import type { Volume } from '../io/volume.ts';

export function roiBoxCenter(mask: Volume): [number, number, number] | null {
  const [nx, ny, nz] = mask.size;
  const d = mask.data;
  const lo = [nx, ny, nz];
  const hi = [-1, -1, -1];
  for (let k = 0, n = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, n++) {
        if (d[n] === 0) continue;
        if (i < lo[0]) lo[0] = i;
        if (i > hi[0]) hi[0] = i;
        if (j < lo[1]) lo[1] = j;
        if (j > hi[1]) hi[1] = j;
        if (k < lo[2]) lo[2] = k;
        if (k > hi[2]) hi[2] = k;
      }
    }
  }
  if (hi[0] < 0) return null;
  return [Math.round((lo[0] + hi[0]) / 2), Math.round((lo[1] + hi[1]) / 2), Math.round((lo[2] + hi[2]) / 2)];
}
