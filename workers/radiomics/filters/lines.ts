/**
 * Separable filters process a volume line by line along one axis. To keep memory access
 * sequential whatever the axis, lines are handled in blocks of `lanes` parallel lines, copied
 * into a "tile" where sample t of lane l sits at t * lanes + l. A 1-D filter then runs on all
 * lanes at once with unit-stride inner loops; per lane the arithmetic is exactly that of the
 * scalar filter, so results do not depend on the blocking.
 *
 * Layout of a volume (x fastest): along axis 0 the lanes are consecutive y rows, along axes
 * 1 and 2 they are consecutive x columns.
 */
import type { Vec3, VoxelArray } from '../../io/volume.ts';

/** How the lines along one axis sit in memory. */
export interface LineLayout {
  /** samples per line */
  n: number;
  /** distance between consecutive samples of a line */
  stride: number;
  /** lines per group that are adjacent in memory, and the distance between them */
  laneCount: number;
  laneStride: number;
  /** groups, and the distance between them */
  outerCount: number;
  outerStride: number;
}

export function lineLayout(size: Vec3, axis: number): LineLayout {
  const [nx, ny, nz] = size;
  if (axis === 0) return { n: nx, stride: 1, laneCount: ny, laneStride: nx, outerCount: nz, outerStride: nx * ny };
  if (axis === 1) return { n: ny, stride: nx, laneCount: nx, laneStride: 1, outerCount: nz, outerStride: nx * ny };
  if (axis === 2) return { n: nz, stride: nx * ny, laneCount: nx, laneStride: 1, outerCount: ny, outerStride: nx };
  throw new Error(`axis must be 0, 1 or 2, got ${axis}`);
}

/** The largest block of lanes for which a tile of n samples stays small (about 256 KiB of doubles). */
export function maxLanes(n: number): number {
  return Math.max(1, Math.min(256, Math.floor(32768 / Math.max(1, n))));
}

/** Calls `block(start, lanes)` for every block of at most `maxLanesPerBlock` adjacent lines. */
export function forEachLineBlock(
  layout: LineLayout,
  maxLanesPerBlock: number,
  block: (start: number, lanes: number) => void,
): void {
  for (let o = 0; o < layout.outerCount; o++) {
    for (let l0 = 0; l0 < layout.laneCount; l0 += maxLanesPerBlock) {
      const lanes = Math.min(maxLanesPerBlock, layout.laneCount - l0);
      block(o * layout.outerStride + l0 * layout.laneStride, lanes);
    }
  }
}

/**
 * forEachLineBlock restricted to the lines whose lane index lies in [laneLo, laneHi] and
 * whose group lies in [outerLo, outerHi].
 */
export function forEachLineBlockIn(
  layout: LineLayout,
  maxLanesPerBlock: number,
  laneLo: number,
  laneHi: number,
  outerLo: number,
  outerHi: number,
  block: (start: number, lanes: number) => void,
): void {
  for (let o = outerLo; o <= outerHi; o++) {
    for (let l0 = laneLo; l0 <= laneHi; l0 += maxLanesPerBlock) {
      const lanes = Math.min(maxLanesPerBlock, laneHi + 1 - l0);
      block(o * layout.outerStride + l0 * layout.laneStride, lanes);
    }
  }
}

/** tile[t * lanes + l] = src[start + l * laneStride + t * stride], for t < n, l < lanes. */
export function gatherTile(
  src: VoxelArray,
  layout: LineLayout,
  start: number,
  lanes: number,
  tile: Float64Array | Float32Array,
): void {
  const { n, stride, laneStride } = layout;
  if (laneStride === 1) {
    for (let t = 0; t < n; t++) {
      const s = start + t * stride;
      const d = t * lanes;
      for (let l = 0; l < lanes; l++) tile[d + l] = src[s + l];
    }
  } else {
    for (let l = 0; l < lanes; l++) {
      const s = start + l * laneStride;
      for (let t = 0; t < n; t++) tile[t * lanes + l] = src[s + t * stride];
    }
  }
}

/** The inverse of gatherTile: dst[start + l * laneStride + t * stride] = tile[t * lanes + l]. */
export function scatterTile(
  tile: Float64Array | Float32Array,
  layout: LineLayout,
  start: number,
  lanes: number,
  dst: Float64Array | Float32Array,
): void {
  const { n, stride, laneStride } = layout;
  if (laneStride === 1) {
    for (let t = 0; t < n; t++) {
      const d = start + t * stride;
      const s = t * lanes;
      for (let l = 0; l < lanes; l++) dst[d + l] = tile[s + l];
    }
  } else {
    for (let l = 0; l < lanes; l++) {
      const d = start + l * laneStride;
      for (let t = 0; t < n; t++) dst[d + t * stride] = tile[t * lanes + l];
    }
  }
}
