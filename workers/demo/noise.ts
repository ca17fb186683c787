/**
 * Random fields for the phantom's textures, on an axis-aligned voxel grid:
 * - value noise: random values on a coarse lattice (spacing in mm per axis), interpolated
 *   with smoothstep-weighted trilinear interpolation (Perlin's "value noise"); summing
 *   octaves gives a fractal texture. The per-axis lattice indices and weights are computed
 *   once per axis, so a voxel costs 8 look-ups and no allocation.
 * - a table of standard normals for Rician noise: 65536 values drawn once (fixed seed) by
 *   the polar method; each 32-bit random number then gives two normals by look-up.
 */
import { Prng } from './prng.ts';

export interface GridBox {
  /** voxel counts of the full grid */
  size: [number, number, number];
  /** mm */
  spacing: [number, number, number];
  /** the sub-box [i0, i1) x [j0, j1) x [k0, k1) to fill (default: the whole grid) */
  box?: [number, number, number, number, number, number];
}

interface AxisTable {
  i0: Int32Array;
  w: Float32Array;
}

function axisTable(n: number, start: number, voxelMm: number, latticeMm: number, offset: number): AxisTable {
  const i0 = new Int32Array(n);
  const w = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = ((start + i) * voxelMm) / latticeMm + offset;
    const f = Math.floor(u);
    const t = u - f;
    i0[i] = f;
    w[i] = t * t * (3 - 2 * t);
  }
  return { i0, w };
}

/**
 * Adds `amplitude` x value noise (values uniform in [-1, 1] on the lattice) to `out`,
 * which covers the box (x fastest). `lattice` is the lattice spacing in mm per axis.
 * Separable: the lattice is interpolated along x, then y, then z, so each output voxel
 * costs one interpolation.
 */
export function addValueNoise(
  out: Float32Array,
  grid: GridBox,
  lattice: [number, number, number],
  amplitude: number,
  rng: Prng,
): void {
  const [i0, i1, j0, j1, k0, k1] = grid.box ?? [0, grid.size[0], 0, grid.size[1], 0, grid.size[2]];
  const bx = i1 - i0;
  const by = j1 - j0;
  const bz = k1 - k0;
  const ax = axisTable(bx, i0, grid.spacing[0], lattice[0], rng.uniform());
  const ay = axisTable(by, j0, grid.spacing[1], lattice[1], rng.uniform());
  const az = axisTable(bz, k0, grid.spacing[2], lattice[2], rng.uniform());
  const lx0 = ax.i0[0];
  const ly0 = ay.i0[0];
  const lz0 = az.i0[0];
  const lx = ax.i0[bx - 1] - lx0 + 2;
  const ly = ay.i0[by - 1] - ly0 + 2;
  const lz = az.i0[bz - 1] - lz0 + 2;
  const lat = new Float32Array(lx * ly * lz);
  for (let n = 0; n < lat.length; n++) lat[n] = 2 * rng.uniform() - 1;
  // Along x: (lz, ly, lx) -> (lz, ly, bx).
  const a = new Float32Array(lz * ly * bx);
  for (let r = 0, o = 0; r < lz * ly; r++) {
    const base = r * lx;
    for (let i = 0; i < bx; i++, o++) {
      const p = base + ax.i0[i] - lx0;
      a[o] = lat[p] + (lat[p + 1] - lat[p]) * ax.w[i];
    }
  }
  // Along y: (lz, ly, bx) -> (lz, by, bx).
  const b = new Float32Array(lz * by * bx);
  for (let z = 0, o = 0; z < lz; z++) {
    for (let j = 0; j < by; j++) {
      const p0 = (z * ly + ay.i0[j] - ly0) * bx;
      const p1 = p0 + bx;
      const w = ay.w[j];
      for (let i = 0; i < bx; i++, o++) b[o] = a[p0 + i] + (a[p1 + i] - a[p0 + i]) * w;
    }
  }
  // Along z, into the output.
  const plane = by * bx;
  for (let k = 0, o = 0; k < bz; k++) {
    const p0 = (az.i0[k] - lz0) * plane;
    const p1 = p0 + plane;
    const w = az.w[k];
    for (let q = 0; q < plane; q++, o++) out[o] += amplitude * (b[p0 + q] + (b[p1 + q] - b[p0 + q]) * w);
  }
}

/**
 * Fractal value noise: octaves of halving lattice spacing and amplitude (`gain`); a lattice
 * spacing never goes below the voxel spacing of its axis (finer detail would only alias).
 */
export function addFractalNoise(
  out: Float32Array,
  grid: GridBox,
  lattice: [number, number, number],
  octaves: number,
  gain: number,
  rng: Prng,
): void {
  let amp = 1;
  const l: [number, number, number] = [...lattice];
  for (let o = 0; o < octaves; o++) {
    addValueNoise(out, grid, l, amp, rng);
    amp *= gain;
    for (let a = 0; a < 3; a++) l[a] = Math.max(l[a] / 2, grid.spacing[a]);
  }
}

/** Rescales the values of `field` selected by `where` (or all) to mean 0 and SD 1. */
export function standardise(field: Float32Array, where?: Uint8Array): void {
  let n = 0;
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < field.length; i++) {
    if (where && !where[i]) continue;
    const v = field[i];
    n++;
    s += v;
    s2 += v * v;
  }
  if (n < 2) return;
  const mean = s / n;
  const sd = Math.sqrt(Math.max(s2 / n - mean * mean, 1e-12));
  for (let i = 0; i < field.length; i++) field[i] = (field[i] - mean) / sd;
}

let NORMALS: Float32Array | undefined;

/** 65536 standard normals (fixed seed): the noise look-up table. */
export function normalTable(): Float32Array {
  if (!NORMALS) {
    const rng = new Prng(0x5eed, 'normal-table');
    NORMALS = new Float32Array(65536);
    rng.fillNormal(NORMALS);
  }
  return NORMALS;
}
