/**
 * The binary grid the shape code works on: the ROI's bounding box, padded with one layer of
 * zeros on every side (PyRadiomics pads the cropped mask with sitk.ConstantPadImageFilter before
 * marching cubes, radiomics/shape.py), in numpy (z, y, x) terms: index z * ny * nx + y * nx + x.
 */
import type { Vec3 } from '../../io/volume.ts';

export interface PaddedGrid {
  /** 1 inside the ROI, 0 outside; the outer layer is 0 */
  data: Uint8Array;
  nz: number;
  ny: number;
  nx: number;
  /** number of ROI voxels */
  count: number;
}

/** Lower corner [x0, y0, z0] and size [sx, sy, sz] of the voxels where `inside` holds. */
export interface BoundingBox {
  lower: Vec3;
  size: Vec3;
}

/** Bounding box of the nonzero voxels (or of the voxels equal to `label`); null when there are none. */
export function maskBoundingBox(mask: ArrayLike<number>, size: Vec3, label?: number): BoundingBox | null {
  const [nx, ny, nz] = size;
  let x0 = nx, y0 = ny, z0 = nz, x1 = -1, y1 = -1, z1 = -1;
  let i = 0;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++, i++) {
        const v = mask[i];
        if (label === undefined ? v === 0 : v !== label) continue;
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
        if (z < z0) z0 = z;
        if (z > z1) z1 = z;
      }
    }
  }
  if (x1 < 0) return null;
  return { lower: [x0, y0, z0], size: [x1 - x0 + 1, y1 - y0 + 1, z1 - z0 + 1] };
}

/**
 * Copies the box `box` of `mask` (x fastest, `size` = [nx, ny, nz]) into a grid padded with
 * `pad` zeros on every side of each axis listed in `padAxes` (numpy axes: 0 = z, 1 = y, 2 = x).
 */
export function paddedGrid(
  mask: ArrayLike<number>,
  size: Vec3,
  box: BoundingBox,
  options: { label?: number; padAxes?: readonly number[] } = {},
): PaddedGrid {
  const padAxes = options.padAxes ?? [0, 1, 2];
  const label = options.label;
  const pz = padAxes.includes(0) ? 1 : 0;
  const py = padAxes.includes(1) ? 1 : 0;
  const px = padAxes.includes(2) ? 1 : 0;
  const [bx, by, bz] = box.size;
  const [x0, y0, z0] = box.lower;
  const nx = bx + 2 * px, ny = by + 2 * py, nz = bz + 2 * pz;
  const data = new Uint8Array(nx * ny * nz);
  const [sx, sy] = size;
  let count = 0;
  for (let z = 0; z < bz; z++) {
    for (let y = 0; y < by; y++) {
      const src = x0 + sx * (y0 + y + sy * (z0 + z));
      const dst = px + nx * (py + y + ny * (pz + z));
      for (let x = 0; x < bx; x++) {
        const v = mask[src + x];
        if (label === undefined ? v !== 0 : v === label) {
          data[dst + x] = 1;
          count++;
        }
      }
    }
  }
  return { data, nz, ny, nx, count };
}
