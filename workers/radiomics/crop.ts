/**
 * Cropping (PyRadiomics's imageoperations.cropToTumorMask): a sub-grid [lo, hi] (inclusive
 * index bounds) of a volume, with the origin moved to its first voxel as SimpleITK does
 * (SimpleITK images always start at index 0).
 */
import type { Geometry, Mat3, Vec3, Volume, VoxelArray } from '../io/volume.ts';
import type { BoundingBox } from './mask.ts';
import { itkIndexToPhysical } from './itk-geometry.ts';

/** Geometry of the sub-grid [lo, hi] (inclusive) of g. */
export function cropGeometry(g: Geometry, lo: Vec3, hi: Vec3): Geometry {
  return {
    size: [hi[0] - lo[0] + 1, hi[1] - lo[1] + 1, hi[2] - lo[2] + 1],
    spacing: [...g.spacing] as Vec3,
    origin: itkIndexToPhysical(g, lo[0], lo[1], lo[2]),
    direction: [...g.direction] as Mat3,
  };
}

export function cropArray<T extends VoxelArray>(a: T, size: Vec3, lo: Vec3, hi: Vec3): T {
  const [nx, ny] = size;
  const cx = hi[0] - lo[0] + 1;
  const cy = hi[1] - lo[1] + 1;
  const cz = hi[2] - lo[2] + 1;
  const out = new (a.constructor as { new (n: number): T })(cx * cy * cz);
  let o = 0;
  for (let z = lo[2]; z <= hi[2]; z++)
    for (let y = lo[1]; y <= hi[1]; y++) {
      const base = nx * (y + ny * z) + lo[0];
      for (let x = 0; x < cx; x++) out[o++] = a[base + x];
    }
  return out;
}

export function cropVolume(v: Volume, lo: Vec3, hi: Vec3): Volume {
  return { ...cropGeometry(v, lo, hi), data: cropArray(v.data, v.size, lo, hi) };
}

/**
 * cropToTumorMask's bounds: the box grown by `pad` voxels per side, clamped to the grid.
 * Features use pad 0; preCrop and resampling use padDistance.
 */
export function paddedBox(bb: BoundingBox, size: Vec3, pad: number): { lo: Vec3; hi: Vec3 } {
  return {
    lo: [0, 1, 2].map((a) => Math.max(bb.lo[a] - pad, 0)) as Vec3,
    hi: [0, 1, 2].map((a) => Math.min(bb.hi[a] + pad, size[a] - 1)) as Vec3,
  };
}
