/**
 * The neighbour offsets ("angles") of the texture matrices, as PyRadiomics's C extension
 * generates them (radiomics/src/cmatrices.c: get_angle_count + build_angles).
 *
 * Offsets are (dz, dy, dx) in numpy axis order (axis 0 = z). For the largest requested
 * distance D, every combination of per-axis offsets D, D-1, ..., -D is enumerated with
 * axis 0 slowest, in that order: (1,1,1), (1,1,0), (1,1,-1), (1,0,1), ... for D = 1.
 * An offset is kept when it is not (0,0,0), does not move along the force2D axis, has
 * |offset| < the crop's size on every axis, and its infinity norm is one of `distances`.
 * The count of angles is computed beforehand from the sizes (get_angle_count) and
 * generation stops when that many were produced; mono-directional use (GLCM, GLRLM)
 * halves the count, so it takes the first half of the list, the directions whose first
 * non-zero offset is positive. (A repeated distance therefore doubles the count and, as
 * in PyRadiomics, the enumeration wraps around.)
 *
 * Which class uses what: GLCM: distances, one direction; GLRLM: distance 1, one
 * direction; GLSZM: distance 1, both; GLDM and NGTDM: distances, both.
 */
import type { Vec3 } from '../../io/volume.ts';

/** (dz, dy, dx): numpy axis order */
export type Offset = readonly [number, number, number];

export interface AngleOptions {
  /** infinity-norm distances, default [1] */
  distances?: readonly number[];
  force2D?: boolean;
  /** numpy axis excluded with force2D: 0 = z, 1 = y, 2 = x */
  force2Ddimension?: number;
  /** both directions of every offset (GLSZM, GLDM, NGTDM) or only the first half (GLCM, GLRLM) */
  bidirectional: boolean;
}

function checkDistances(distances: readonly number[]): number[] {
  if (!Array.isArray(distances) || distances.length === 0) throw new Error('setting distances: must be a non-empty list of integers >= 1');
  for (const d of distances) {
    if (!Number.isInteger(d) || d < 1) throw new Error(`setting distances: ${String(d)} is not an integer >= 1`);
  }
  return [...distances];
}

/**
 * The offsets for a crop of `size` = [nx, ny, nz] (CroppedRoi.size), in PyRadiomics's
 * order. Throws when no offset fits (PyRadiomics: "Error getting angle count").
 */
export function generateAngles(size: Vec3, options: AngleOptions): Offset[] {
  const distances = checkDistances(options.distances ?? [1]);
  const force2Ddim = options.force2D ? (options.force2Ddimension ?? 0) : -1;
  if (options.force2D && ![0, 1, 2].includes(force2Ddim)) throw new Error(`setting force2Ddimension: must be 0, 1 or 2, got ${String(options.force2Ddimension)}`);
  const shape = [size[2], size[1], size[0]]; // numpy (z, y, x)

  // get_angle_count: per distance d, (offsets with max-norm <= d) - (offsets with max-norm <= d - 1),
  // each axis limited by the crop size and the force2D axis left out.
  let count = 0;
  for (const d of distances) {
    let withD = 1;
    let below = 1;
    for (let axis = 0; axis < 3; axis++) {
      if (axis === force2Ddim) continue;
      if (d < shape[axis]) {
        withD *= 2 * d + 1;
        below *= 2 * d - 1;
      } else {
        withD *= 2 * (shape[axis] - 1) + 1;
        below *= 2 * (shape[axis] - 1) + 1;
      }
    }
    count += withD - below;
  }
  if (!options.bidirectional) count = Math.trunc(count / 2);
  if (count === 0) throw new Error(`texture angles: no neighbour offset fits in a crop of ${size.join(' x ')} voxels (x, y, z) with distances [${distances.join(', ')}]${options.force2D ? ` and force2D along axis ${force2Ddim}` : ''}`);

  // build_angles: enumerate combinations, dimension 0 slowest, offsets from +D down to -D.
  const maxD = Math.max(...distances);
  const n = 2 * maxD + 1;
  const strides = [n * n, n, 1];
  const angles: Offset[] = [];
  const cur = [0, 0, 0];
  for (let combo = 0; angles.length < count; combo++) {
    let norm = 0;
    for (let axis = 0; axis < 3; axis++) {
      const offset = maxD - (Math.trunc(combo / strides[axis]) % n);
      if ((axis === force2Ddim && offset !== 0) || offset >= shape[axis] || offset <= -shape[axis]) {
        norm = -1;
        break;
      }
      cur[axis] = offset;
      norm = Math.max(norm, Math.abs(offset));
    }
    if (norm >= 1 && distances.includes(norm)) angles.push([cur[0], cur[1], cur[2]]);
  }
  return angles;
}

/** Linear index offset of an angle in an x-fastest array of size [nx, ny, nz]. */
export function linearOffset(angle: Offset, size: Vec3): number {
  return angle[0] * size[0] * size[1] + angle[1] * size[0] + angle[2];
}
