/**
 * The demo lesion: a star-shaped solid (its surface radius R(u) a function of direction u
 * about the centre), partial-volume fractions on the voxel grid by supersampling, a
 * necrotic core, and the second reader's perturbed outline.
 *
 * Shapes (in the lesion's own rotated frame):
 * - ellipsoid: semi-axes a >= b >= c;
 * - lobulated: the ellipsoid times (1 + sum_m w_m exp(kappa_m (u . v_m - 1))), 3-6 lobes;
 * - spiculated: a slightly lobulated core plus 8-20 thin spicules, each raising R within a
 *   cone of half-angle 5-9 degrees around v_s by up to 40-110 % of the core radius.
 * The core (spicules excluded, as a radiologist measures a mass) is scaled so that its
 * maximum diameter equals the clinical diameter.
 */
import type { Vec3 } from '../io/volume.ts';
import { Prng } from './prng.ts';

export type LesionShape = 'ellipsoid' | 'lobulated' | 'spiculated';

interface Lobe {
  dir: Vec3;
  weight: number;
  kappa: number;
}

interface Spike {
  dir: Vec3;
  height: number;
  cosWidth: number;
}

export interface LesionGeometry {
  shape: LesionShape;
  /** centre, mm (LPS) */
  centre: Vec3;
  /** rows: the lesion frame's axes in patient space (orthonormal) */
  rotation: [Vec3, Vec3, Vec3];
  /** core semi-axes, mm */
  axes: Vec3;
  lobes: Lobe[];
  spikes: Spike[];
  /** necrotic core: semi-axes (mm) of an ellipsoid at `necrosisCentre`, or none */
  necrosisAxes?: Vec3;
  necrosisCentre?: Vec3;
  /** largest radius including spicules, mm (bounding box) */
  maxRadius: number;
  /** the reader-2 outline: R2(u) = R(u) + perturbation(u), mm */
  reader2?: { bias: number; bumps: { dir: Vec3; amplitude: number }[] };
}

function unitVector(rng: Prng): Vec3 {
  for (;;) {
    const x = rng.range(-1, 1);
    const y = rng.range(-1, 1);
    const z = rng.range(-1, 1);
    const n = x * x + y * y + z * z;
    if (n > 1e-6 && n <= 1) {
      const s = 1 / Math.sqrt(n);
      return [x * s, y * s, z * s];
    }
  }
}

/** A random rotation (rows orthonormal, right-handed). */
function randomRotation(rng: Prng): [Vec3, Vec3, Vec3] {
  const a = unitVector(rng);
  let b = unitVector(rng);
  const d = a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  b = [b[0] - d * a[0], b[1] - d * a[1], b[2] - d * a[2]];
  const nb = Math.hypot(b[0], b[1], b[2]) || 1;
  b = [b[0] / nb, b[1] / nb, b[2] / nb];
  const c: Vec3 = [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
  return [a, b, c];
}

/** Core radius (no spicules) along the unit direction (ux, uy, uz) of the lesion frame. */
function coreRadius(g: LesionGeometry, ux: number, uy: number, uz: number): number {
  const [a, b, c] = g.axes;
  let r = 1 / Math.sqrt((ux * ux) / (a * a) + (uy * uy) / (b * b) + (uz * uz) / (c * c));
  if (g.lobes.length) {
    let s = 1;
    for (const l of g.lobes) s += l.weight * Math.exp(l.kappa * (ux * l.dir[0] + uy * l.dir[1] + uz * l.dir[2] - 1));
    r *= s;
  }
  return r;
}

/** Surface radius along the unit direction of the lesion frame (spicules included). */
export function lesionRadius(g: LesionGeometry, ux: number, uy: number, uz: number): number {
  let r = coreRadius(g, ux, uy, uz);
  if (g.spikes.length) {
    let s = 1;
    for (const sp of g.spikes) {
      const c = ux * sp.dir[0] + uy * sp.dir[1] + uz * sp.dir[2];
      if (c > sp.cosWidth) {
        const t = (c - sp.cosWidth) / (1 - sp.cosWidth);
        s += sp.height * t * t;
      }
    }
    r *= s;
  }
  return r;
}

function reader2Radius(g: LesionGeometry, ux: number, uy: number, uz: number): number {
  const r = lesionRadius(g, ux, uy, uz);
  const p = g.reader2;
  if (!p) return r;
  let d = p.bias;
  for (const b of p.bumps) d += b.amplitude * Math.exp(3 * (ux * b.dir[0] + uy * b.dir[1] + uz * b.dir[2] - 1));
  return Math.max(0.2 * r, r + d);
}

/** Fibonacci-sphere directions for measuring diameters. */
function sphereDirections(n: number): Vec3[] {
  const out: Vec3[] = [];
  const golden = Math.PI * (3 - Math.sqrt(5));
  for (let i = 0; i < n; i++) {
    const z = 1 - (2 * (i + 0.5)) / n;
    const r = Math.sqrt(1 - z * z);
    out.push([r * Math.cos(golden * i), r * Math.sin(golden * i), z]);
  }
  return out;
}
const DIRECTIONS = sphereDirections(600);

/** Draws a lesion of the given shape whose core has maximum diameter `diameter` (mm). */
export function drawLesionShape(rng: Prng, shape: LesionShape, diameter: number, necrosisProbability: number): Omit<LesionGeometry, 'centre'> {
  const a = 1;
  const b = rng.range(0.65, 0.95);
  const c = b * rng.range(0.7, 1.0);
  const g: LesionGeometry = {
    shape,
    centre: [0, 0, 0],
    rotation: randomRotation(rng),
    axes: [a, b, c],
    lobes: [],
    spikes: [],
    maxRadius: 1,
  };
  if (shape === 'lobulated') {
    const n = 3 + rng.int(4);
    for (let m = 0; m < n; m++) g.lobes.push({ dir: unitVector(rng), weight: rng.range(0.18, 0.4), kappa: rng.range(4, 9) });
  } else if (shape === 'spiculated') {
    const n = 2 + rng.int(3);
    for (let m = 0; m < n; m++) g.lobes.push({ dir: unitVector(rng), weight: rng.range(0.05, 0.15), kappa: rng.range(3, 6) });
    const ns = 8 + rng.int(13);
    for (let s = 0; s < ns; s++) {
      const width = (rng.range(5, 9) * Math.PI) / 180;
      g.spikes.push({ dir: unitVector(rng), height: rng.range(0.4, 1.1), cosWidth: Math.cos(width) });
    }
  }
  // Scale the core to the clinical diameter: max over directions of R(u) + R(-u).
  let dmax = 0;
  for (const u of DIRECTIONS) dmax = Math.max(dmax, coreRadius(g, u[0], u[1], u[2]) + coreRadius(g, -u[0], -u[1], -u[2]));
  const scale = diameter / dmax;
  g.axes = [a * scale, b * scale, c * scale];
  // Largest radius: the sampled directions and each spicule's axis (its peak).
  let rmax = 0;
  for (const u of [...DIRECTIONS, ...g.spikes.map((s) => s.dir)]) rmax = Math.max(rmax, lesionRadius(g, u[0], u[1], u[2]));
  g.maxRadius = rmax * 1.05;
  if (diameter >= 20 && rng.bernoulli(necrosisProbability)) {
    const f = rng.range(0.3, 0.5);
    g.necrosisAxes = [g.axes[0] * f, g.axes[1] * f, g.axes[2] * f];
  }
  return g;
}

/**
 * Adds a second reader's outline: a bias (SD 0.5 mm) and 3-5 smooth bumps (SD 1 mm),
 * scaled down for lesions with a semi-major axis under 10 mm (to 40 % at 4 mm).
 */
export function drawReader2(rng: Prng, g: LesionGeometry): void {
  const scale = Math.min(1, Math.max(0.4, g.axes[0] / 10));
  const bumps: { dir: Vec3; amplitude: number }[] = [];
  const n = 3 + rng.int(3);
  for (let m = 0; m < n; m++) bumps.push({ dir: unitVector(rng), amplitude: rng.normal() * 1.0 * scale });
  g.reader2 = { bias: rng.normal() * 0.5 * scale, bumps };
}

export interface LesionRaster {
  /** the box [i0, i1) x [j0, j1) x [k0, k1) on the image grid */
  box: [number, number, number, number, number, number];
  /** lesion fraction of each box voxel (necrosis included), x fastest */
  fraction: Float32Array;
  /** necrotic fraction of each box voxel */
  necrosis: Float32Array;
  /** reader 2's lesion fraction, when the lesion has a reader-2 outline */
  fraction2?: Float32Array;
  /** normalised radius |p - c| / R(u) at each voxel centre (rim enhancement) */
  radial: Float32Array;
}

/**
 * Rasterises the lesion on an axis-aligned grid (identity direction): voxel (i, j, k) is at
 * origin + (i, j, k) * spacing. Voxels near the surface are supersampled (sub-voxel step
 * at most 0.6 mm); the others are fully in or out.
 */
export function rasterizeLesion(g: LesionGeometry, size: Vec3, spacing: Vec3, origin: Vec3): LesionRaster {
  const R = g.maxRadius + 2 * Math.max(...spacing);
  const lo = [0, 1, 2].map((a) => Math.max(0, Math.floor((g.centre[a] - R - origin[a]) / spacing[a])));
  const hi = [0, 1, 2].map((a) => Math.min(size[a], Math.ceil((g.centre[a] + R - origin[a]) / spacing[a]) + 1));
  const box: LesionRaster['box'] = [lo[0], hi[0], lo[1], hi[1], lo[2], hi[2]];
  const bx = hi[0] - lo[0];
  const by = hi[1] - lo[1];
  const bz = hi[2] - lo[2];
  const n = bx * by * bz;
  const fraction = new Float32Array(n);
  const necrosis = new Float32Array(n);
  const radial = new Float32Array(n);
  const fraction2 = g.reader2 ? new Float32Array(n) : undefined;
  const sub = spacing.map((s) => Math.max(1, Math.ceil(s / 0.6)));
  const nSub = sub[0] * sub[1] * sub[2];
  const halfDiag = 0.5 * Math.hypot(spacing[0], spacing[1], spacing[2]);
  const slack = g.spikes.length ? 1.5 : 0.3;
  const [r0, r1, r2] = g.rotation;
  const nec = g.necrosisAxes;
  const nc = g.necrosisCentre ?? g.centre;
  const reader2Slack = g.reader2 ? 4 : 0;

  // Lesion-frame coordinates and the tests of one physical point.
  const inside = (px: number, py: number, pz: number, out: Float64Array) => {
    const dx = px - g.centre[0];
    const dy = py - g.centre[1];
    const dz = pz - g.centre[2];
    const lx = r0[0] * dx + r0[1] * dy + r0[2] * dz;
    const ly = r1[0] * dx + r1[1] * dy + r1[2] * dz;
    const lz = r2[0] * dx + r2[1] * dy + r2[2] * dz;
    const d = Math.sqrt(lx * lx + ly * ly + lz * lz);
    let rad = 0;
    let rad2 = 0;
    if (d < 1e-9) {
      rad = 1;
      rad2 = 1;
    } else {
      const ux = lx / d;
      const uy = ly / d;
      const uz = lz / d;
      rad = lesionRadius(g, ux, uy, uz);
      rad2 = g.reader2 ? reader2Radius(g, ux, uy, uz) : rad;
    }
    out[0] = d;
    out[1] = rad;
    out[2] = rad2;
    if (nec) {
      const ex = px - nc[0];
      const ey = py - nc[1];
      const ez = pz - nc[2];
      const mx = (r0[0] * ex + r0[1] * ey + r0[2] * ez) / nec[0];
      const my = (r1[0] * ex + r1[1] * ey + r1[2] * ez) / nec[1];
      const mz = (r2[0] * ex + r2[1] * ey + r2[2] * ez) / nec[2];
      out[3] = mx * mx + my * my + mz * mz;
    } else out[3] = 2;
  };

  const t = new Float64Array(4);
  let o = 0;
  for (let k = lo[2]; k < hi[2]; k++) {
    const z = origin[2] + k * spacing[2];
    for (let j = lo[1]; j < hi[1]; j++) {
      const y = origin[1] + j * spacing[1];
      for (let i = lo[0]; i < hi[0]; i++, o++) {
        const x = origin[0] + i * spacing[0];
        inside(x, y, z, t);
        const d = t[0];
        radial[o] = d / t[1];
        const near =
          d < 2 * halfDiag ||
          Math.abs(d - t[1]) < halfDiag + slack ||
          (g.reader2 !== undefined && Math.abs(d - t[2]) < halfDiag + slack + reader2Slack) ||
          (nec !== undefined && Math.abs(Math.sqrt(t[3]) - 1) * Math.min(...nec) < halfDiag + 0.5);
        if (!near) {
          const inL = d <= t[1] ? 1 : 0;
          fraction[o] = inL;
          necrosis[o] = inL && t[3] <= 1 ? 1 : 0;
          if (fraction2) fraction2[o] = d <= t[2] ? 1 : 0;
          continue;
        }
        let cL = 0;
        let cN = 0;
        let c2 = 0;
        for (let sk = 0; sk < sub[2]; sk++) {
          const pz = z + ((sk + 0.5) / sub[2] - 0.5) * spacing[2];
          for (let sj = 0; sj < sub[1]; sj++) {
            const py = y + ((sj + 0.5) / sub[1] - 0.5) * spacing[1];
            for (let si = 0; si < sub[0]; si++) {
              const px = x + ((si + 0.5) / sub[0] - 0.5) * spacing[0];
              inside(px, py, pz, t);
              if (t[0] <= t[1]) {
                cL++;
                if (t[3] <= 1) cN++;
              }
              if (t[0] <= t[2]) c2++;
            }
          }
        }
        fraction[o] = cL / nSub;
        necrosis[o] = cN / nSub;
        if (fraction2) fraction2[o] = c2 / nSub;
      }
    }
  }
  return { box, fraction, necrosis, fraction2, radial };
}
