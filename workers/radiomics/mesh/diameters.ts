/**
 * PyRadiomics's maximum diameters (radiomics/src/cshape.c, calculate_meshDiameter): the largest
 * distance between two mesh vertices, overall (Maximum3DDiameter) and among pairs that share their
 * z, y or x coordinate (Maximum2DDiameterSlice, Column, Row). The vertex set is the midpoints of every
 * grid edge whose two voxels differ, which is what cshape.c collects (edges 6, 7 and 11 of each cube).
 *
 * PyRadiomics compares all pairs. We get the same maxima from far fewer pairs: the largest distance in a
 * point set is attained between extreme points (vertices of its convex hull), and an extreme point of a
 * set is also extreme within each plane through it. So per plane (z = c, y = c and x = c) we keep the
 * vertices of the plane's 2D convex hull; a planar diameter is searched among those, and the 3D diameter
 * among the points that are hull vertices in all three of their planes. Hulls are computed on doubled
 * integer indices (exact), distances with PyRadiomics's formula on spaced coordinates (same rounding).
 */
import type { PaddedGrid } from './grid.ts';

export interface Diameters {
  /** pairs with equal z (numpy axis 0): Maximum2DDiameterSlice */
  slice: number;
  /** pairs with equal y: Maximum2DDiameterColumn */
  column: number;
  /** pairs with equal x: Maximum2DDiameterRow */
  row: number;
  /** all pairs: Maximum3DDiameter */
  max3D: number;
}

/** Boundary-edge midpoints in doubled index coordinates, sorted by (z, y, x). */
interface EdgePoints {
  n: number;
  z: Int32Array;
  y: Int32Array;
  x: Int32Array;
}

function boundaryEdgeMidpoints(g: PaddedGrid): EdgePoints {
  const { data, nz, ny, nx } = g;
  // Each such edge joins an ROI voxel to one of its 6 face neighbours, so there are at most 6 per voxel.
  const cap = 6 * g.count;
  const z = new Int32Array(cap), y = new Int32Array(cap), x = new Int32Array(cap);
  let n = 0;
  const plane = ny * nx;
  for (let k = 0; k < nz; k++) {
    // plane 2k: rows 2j hold x-edges (2k, 2j, 2i + 1), rows 2j + 1 hold y-edges (2k, 2j + 1, 2i)
    for (let j = 0; j < ny; j++) {
      const row = k * plane + j * nx;
      for (let i = 0; i < nx - 1; i++) {
        if (data[row + i] !== data[row + i + 1]) {
          z[n] = 2 * k; y[n] = 2 * j; x[n] = 2 * i + 1; n++;
        }
      }
      if (j === ny - 1) continue;
      for (let i = 0; i < nx; i++) {
        if (data[row + i] !== data[row + nx + i]) {
          z[n] = 2 * k; y[n] = 2 * j + 1; x[n] = 2 * i; n++;
        }
      }
    }
    if (k === nz - 1) continue;
    // plane 2k + 1: z-edges (2k + 1, 2j, 2i)
    for (let j = 0; j < ny; j++) {
      const row = k * plane + j * nx;
      for (let i = 0; i < nx; i++) {
        if (data[row + i] !== data[row + plane + i]) {
          z[n] = 2 * k + 1; y[n] = 2 * j; x[n] = 2 * i; n++;
        }
      }
    }
  }
  return { n, z, y, x };
}

/** Point numbers grouped by `key` (stable, so each group keeps the (z, y, x) order); `start[k]` opens group k. */
function groupBy(key: Int32Array, n: number): { order: Int32Array; start: Int32Array } {
  let max = 0;
  for (let p = 0; p < n; p++) if (key[p] > max) max = key[p];
  const start = new Int32Array(max + 2);
  for (let p = 0; p < n; p++) start[key[p] + 1]++;
  for (let k = 0; k <= max; k++) start[k + 1] += start[k];
  const fill = start.slice(0, max + 1);
  const order = new Int32Array(n);
  for (let p = 0; p < n; p++) order[fill[key[p]]++] = p;
  return { order, start };
}

/**
 * For one family of planes (points with equal `key`, in-plane coordinates (u, v), sorted by (u, v)
 * within each plane): sets `bit` in `flags` for the convex-hull vertices of every plane, and returns
 * the largest squared distance between two points of the same plane.
 */
function planeHulls(
  pts: EdgePoints,
  key: Int32Array,
  u: Int32Array,
  v: Int32Array,
  phys: PhysicalPoints,
  flags: Uint8Array,
  bit: number,
  stack: Int32Array,
): number {
  const { order, start } = groupBy(key, pts.n);
  let best = 0;
  for (let k = 0; k + 1 < start.length; k++) {
    const s = start[k], e = start[k + 1];
    if (e === s) continue;
    // Andrew's monotone chain: lower hull left to right, then upper hull right to left; a point that
    // is not a strict left turn (collinear included) is dropped, so only extreme points remain.
    let h = 0;
    for (let q = s; q < e; q++) {
      const p = order[q];
      while (h >= 2 && turn(u, v, stack[h - 2], stack[h - 1], p) <= 0) h--;
      stack[h++] = p;
    }
    const lower = h + 1;
    for (let q = e - 2; q >= s; q--) {
      const p = order[q];
      while (h >= lower && turn(u, v, stack[h - 2], stack[h - 1], p) <= 0) h--;
      stack[h++] = p;
    }
    if (e - s > 1) h--; // the last point repeats the first
    for (let a = 0; a < h; a++) {
      const pa = stack[a];
      flags[pa] |= bit;
      for (let b = a + 1; b < h; b++) {
        const d = phys.distance2(pa, stack[b]);
        if (d > best) best = d;
      }
    }
  }
  return best;
}

/** Cross product of (b - a) and (c - a) in the (u, v) plane: > 0 for a left turn. */
function turn(u: Int32Array, v: Int32Array, a: number, b: number, c: number): number {
  return (u[b] - u[a]) * (v[c] - v[a]) - (v[b] - v[a]) * (u[c] - u[a]);
}

/** Spaced coordinates (index * spacing, as cshape.c computes them) and PyRadiomics's squared distance. */
class PhysicalPoints {
  readonly z: Float64Array;
  readonly y: Float64Array;
  readonly x: Float64Array;
  constructor(pts: EdgePoints, spacing: readonly [number, number, number]) {
    const n = pts.n;
    this.z = new Float64Array(n);
    this.y = new Float64Array(n);
    this.x = new Float64Array(n);
    for (let p = 0; p < n; p++) {
      this.z[p] = (pts.z[p] / 2) * spacing[0];
      this.y[p] = (pts.y[p] / 2) * spacing[1];
      this.x[p] = (pts.x[p] / 2) * spacing[2];
    }
  }
  distance2(a: number, b: number): number {
    const dz = this.z[a] - this.z[b], dy = this.y[a] - this.y[b], dx = this.x[a] - this.x[b];
    return dz * dz + dy * dy + dx * dx;
  }
}

/** The four maximum diameters of the mask in `g` (zero border), `spacing` = [sz, sy, sx]. */
export function meshDiameters(g: PaddedGrid, spacing: readonly [number, number, number]): Diameters {
  const pts = boundaryEdgeMidpoints(g);
  const n = pts.n;
  const phys = new PhysicalPoints(pts, spacing);
  const flags = new Uint8Array(n);
  const stack = new Int32Array(2 * n + 2);
  const slice = planeHulls(pts, pts.z, pts.y, pts.x, phys, flags, 1, stack);
  const column = planeHulls(pts, pts.y, pts.z, pts.x, phys, flags, 2, stack);
  const row = planeHulls(pts, pts.x, pts.z, pts.y, phys, flags, 4, stack);
  const candidates: number[] = [];
  for (let p = 0; p < n; p++) if (flags[p] === 7) candidates.push(p);
  let max3D = 0;
  for (let a = 0; a < candidates.length; a++) {
    const pa = candidates[a];
    for (let b = a + 1; b < candidates.length; b++) {
      const d = phys.distance2(pa, candidates[b]);
      if (d > max3D) max3D = d;
    }
  }
  return { slice: Math.sqrt(slice), column: Math.sqrt(column), row: Math.sqrt(row), max3D: Math.sqrt(max3D) };
}

/** Largest distance between boundary-edge midpoints of a 2D grid (one slice, zero border), `spacing` = [row, column]. */
export function contourDiameter(g: PaddedGrid, spacing: readonly [number, number]): number {
  if (g.nz !== 1) throw new Error('contourDiameter: the grid must be one slice thick');
  const pts = boundaryEdgeMidpoints(g);
  const phys = new PhysicalPoints(pts, [0, spacing[0], spacing[1]]);
  const flags = new Uint8Array(pts.n);
  const stack = new Int32Array(2 * pts.n + 2);
  return Math.sqrt(planeHulls(pts, pts.z, pts.y, pts.x, phys, flags, 1, stack));
}
