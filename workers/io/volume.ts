/**
 * The one image type every module shares: a typed array plus its geometry.
 *
 * Conventions (../shared/DESIGN.md):
 * - `size` is [nx, ny, nz]; voxel (i, j, k) is at index i + nx * (j + ny * k): x fastest.
 *   PyRadiomics works on numpy (z, y, x) arrays, which is the same memory layout.
 * - Millimetres throughout. `spacing` is [sx, sy, sz].
 * - `direction` is ITK's 3x3 direction matrix flattened row-major: element [r * 3 + c];
 *   column c holds the unit vector of index axis c in patient space (LPS, as ITK and
 *   DICOM use). A physical point is origin + D * diag(spacing) * [i, j, k].
 *   (Cornerstone stores the transpose: its `direction` lists the axis vectors one after
 *   the other. Convert only inside app/viewer.)
 */
export type VoxelArray =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array;

export type Vec3 = [number, number, number];
/** Row-major 3x3; column c is the direction of index axis c. */
export type Mat3 = [number, number, number, number, number, number, number, number, number];

export interface Geometry {
  size: Vec3;
  spacing: Vec3;
  origin: Vec3;
  direction: Mat3;
}

export interface Volume<T extends VoxelArray = VoxelArray> extends Geometry {
  data: T;
}

export const IDENTITY: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];

export function voxelCount(size: Vec3): number {
  return size[0] * size[1] * size[2];
}

export function geometryOf(v: Geometry): Geometry {
  return {
    size: [...v.size] as Vec3,
    spacing: [...v.spacing] as Vec3,
    origin: [...v.origin] as Vec3,
    direction: [...v.direction] as Mat3,
  };
}

/** Physical point (mm) of a continuous index (i, j, k). */
export function indexToPhysical(g: Geometry, i: number, j: number, k: number): Vec3 {
  const d = g.direction;
  const a = i * g.spacing[0];
  const b = j * g.spacing[1];
  const c = k * g.spacing[2];
  return [
    g.origin[0] + d[0] * a + d[1] * b + d[2] * c,
    g.origin[1] + d[3] * a + d[4] * b + d[5] * c,
    g.origin[2] + d[6] * a + d[7] * b + d[8] * c,
  ];
}

/** Continuous index of a physical point. The direction matrix is assumed orthonormal. */
export function physicalToIndex(g: Geometry, p: Vec3): Vec3 {
  const d = g.direction;
  const x = p[0] - g.origin[0];
  const y = p[1] - g.origin[1];
  const z = p[2] - g.origin[2];
  // D is orthonormal, so D^-1 = D^T.
  return [
    (d[0] * x + d[3] * y + d[6] * z) / g.spacing[0],
    (d[1] * x + d[4] * y + d[7] * z) / g.spacing[1],
    (d[2] * x + d[5] * y + d[8] * z) / g.spacing[2],
  ];
}

/**
 * Whether two grids coincide within `tolerance` (PyRadiomics's geometryTolerance compares
 * origin, spacing and direction element-wise; size must be equal).
 */
export function sameGeometry(a: Geometry, b: Geometry, tolerance = 1e-6): boolean {
  if (a.size[0] !== b.size[0] || a.size[1] !== b.size[1] || a.size[2] !== b.size[2]) return false;
  for (let i = 0; i < 3; i++) {
    if (Math.abs(a.spacing[i] - b.spacing[i]) > tolerance) return false;
    if (Math.abs(a.origin[i] - b.origin[i]) > tolerance) return false;
  }
  for (let i = 0; i < 9; i++) if (Math.abs(a.direction[i] - b.direction[i]) > tolerance) return false;
  return true;
}

/** The sub-volume of index box lo..hi (inclusive), with its own origin on the same grid. */
export function cropVolume<T extends VoxelArray>(v: Volume<T>, lo: readonly number[], hi: readonly number[]): Volume<T> {
  const [nx, ny] = v.size;
  const size: Vec3 = [hi[0] - lo[0] + 1, hi[1] - lo[1] + 1, hi[2] - lo[2] + 1];
  const data = new (v.data.constructor as new (n: number) => T)(size[0] * size[1] * size[2]);
  let o = 0;
  for (let k = lo[2]; k <= hi[2]; k++)
    for (let j = lo[1]; j <= hi[1]; j++) {
      const base = lo[0] + nx * (j + ny * k);
      for (let i = 0; i < size[0]; i++) data[o++] = v.data[base + i];
    }
  return { size, spacing: v.spacing, direction: v.direction, origin: indexToPhysical(v, lo[0], lo[1], lo[2]), data };
}

/** Smallest and largest value of each slice k ([2k], [2k + 1]) of `nz` slices of `sliceLength` voxels. */
export function sliceRanges(data: ArrayLike<number>, sliceLength: number, nz: number): Float64Array {
  const out = new Float64Array(2 * nz);
  for (let k = 0; k < nz; k++) {
    let lo = Infinity;
    let hi = -Infinity;
    const end = (k + 1) * sliceLength;
    for (let i = k * sliceLength; i < end; i++) {
      const v = data[i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    out[2 * k] = lo;
    out[2 * k + 1] = hi;
  }
  return out;
}
