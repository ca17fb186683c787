/**
 * The phantom's anatomy (no lesion): a prone patient's torso and breasts in LPS
 * millimetres (x to the patient's left, y posterior, z superior; the breasts hang
 * anteriorly, towards -y), rasterised on an axis-aligned grid as per-voxel maps:
 *
 * - tissue class (air, breast, skin, subcutaneous fat, pectoral muscle, chest wall with
 *   ribs, lung, heart blood pool, myocardium);
 * - fgt: fibroglandular fraction of breast voxels (0..1, soft-edged): fractal value noise
 *   stretched along the nipple-chest axis, thresholded by the patient's density and
 *   confined by an envelope that leaves subcutaneous and retromammary fat free;
 * - bpe: background parenchymal enhancement multiplier (smooth, 0.5-1.5);
 * - fatM0: residual fat signal after fat suppression (imperfect towards the edges);
 * - gain: receive-coil bias field x fine tissue texture x air partial volume at the skin.
 *
 * Shapes: the torso is an elliptic cylinder (x, y); a breast is the region anterior to
 * the chest surface with ((x-cx)/w)^2 + ((z-cz)/h)^2 + (t/d)^p <= 1, t the distance in
 * front of the chest surface, p 1.6-2.2 (conical to rounded). Distances to surfaces use
 * the first-order estimate -F/|grad F| of the implicit functions.
 */
import type { Vec3 } from '../io/volume.ts';
import { addFractalNoise, addValueNoise, standardise } from './noise.ts';
import { Prng } from './prng.ts';

export const AIR = 0;
export const BREAST = 1;
export const SKIN = 2;
export const SUBCUT_FAT = 3;
export const MUSCLE = 4;
export const CHEST_WALL = 5;
export const LUNG = 6;
export const BLOOD = 7;
export const MYOCARDIUM = 8;
export const TISSUE_COUNT = 9;

export interface BreastShape {
  cx: number;
  cz: number;
  halfWidth: number;
  halfHeight: number;
  depth: number;
  power: number;
}

export interface AnatomyParams {
  torso: { cy: number; ax: number; by: number };
  skin: number;
  subcutFat: number;
  muscle: number;
  chestWall: number;
  heart: { centre: Vec3; axes: Vec3; wall: number };
  breasts: BreastShape[];
  /** FGT threshold offset: higher = denser (BI-RADS a..d) */
  density: number;
  /** residual fat signal fraction after fat suppression */
  fatSat: number;
}

export interface Anatomy {
  params: AnatomyParams;
  tissue: Uint8Array;
  fgt: Float32Array;
  bpe: Float32Array;
  fatM0: Float32Array;
  gain: Float32Array;
}

/** y of the chest (torso) surface at x: the anterior half of the torso ellipse. */
export function chestSurfaceY(p: AnatomyParams, x: number): number {
  const { cy, ax, by } = p.torso;
  const u = Math.min(1, Math.abs(x) / ax);
  return cy - by * Math.sqrt(1 - u * u);
}

function chestSurfaceSlope(p: AnatomyParams, x: number): number {
  const { ax, by } = p.torso;
  const u = Math.max(-0.999, Math.min(0.999, x / ax));
  return (by * u) / (ax * Math.sqrt(1 - u * u));
}

/**
 * Breast implicit function G (<= 1 inside) and the approximate distance (mm, >0 inside)
 * to its surface, for a point anterior to the chest surface (t > 0). Written into out[0..1].
 */
function breastDistance(p: AnatomyParams, b: BreastShape, x: number, y: number, z: number, out: Float64Array, ySurf = chestSurfaceY(p, x), slope = chestSurfaceSlope(p, x)): void {
  const t = ySurf - y;
  const tx = (x - b.cx) / b.halfWidth;
  const tz = (z - b.cz) / b.halfHeight;
  const tt = Math.max(t, 0) / b.depth;
  const ttp = Math.pow(tt, b.power);
  const G = tx * tx + tz * tz + ttp;
  const dTdt = tt > 0 ? (b.power * ttp) / tt / b.depth : 0;
  const gx = (2 * tx) / b.halfWidth + dTdt * slope;
  const gy = -dTdt;
  const gz = (2 * tz) / b.halfHeight;
  const grad = Math.sqrt(gx * gx + gy * gy + gz * gz) || 1e-9;
  out[0] = G;
  out[1] = (1 - G) / grad;
}

/** Draws a patient's anatomy. `lesionDiameter` makes the left breast large enough. */
export function drawAnatomy(rng: Prng, lesionDiameter: number, bilateral: boolean): AnatomyParams {
  const torso = { cy: rng.range(118, 132), ax: rng.range(150, 172), by: rng.range(100, 118) };
  const minHalf = lesionDiameter / 2 + 28;
  const breast = (side: number): BreastShape => ({
    cx: side * rng.range(86, 98),
    cz: rng.range(-6, 6),
    halfWidth: Math.max(rng.range(58, 76), minHalf),
    halfHeight: Math.max(rng.range(52, 64), minHalf),
    depth: Math.max(rng.range(55, 95), lesionDiameter + 30),
    power: rng.range(1.6, 2.2),
  });
  const breasts = [breast(1)];
  if (bilateral) breasts.push(breast(-1));
  const density = [-1.0, -0.4, 0.2, 0.8][rng.categorical([0.1, 0.4, 0.4, 0.1])] + rng.range(-0.2, 0.2);
  const cy = torso.cy;
  return {
    torso,
    skin: rng.range(1.4, 2.0),
    subcutFat: rng.range(6, 14),
    muscle: rng.range(8, 14),
    chestWall: rng.range(10, 15),
    heart: { centre: [rng.range(10, 30), cy - torso.by + rng.range(75, 90), rng.range(-40, -20)], axes: [58, 48, 52], wall: 9 },
    breasts,
    density,
    fatSat: rng.range(0.1, 0.16),
  };
}

export interface GridGeometry {
  size: Vec3;
  spacing: Vec3;
  origin: Vec3;
}

function smoothstep(x: number, a: number, b: number): number {
  const t = Math.min(1, Math.max(0, (x - a) / (b - a)));
  return t * t * (3 - 2 * t);
}

/** Rasterises the anatomy on the grid (identity direction). */
export function rasterizeAnatomy(p: AnatomyParams, grid: GridGeometry, rng: Prng): Anatomy {
  const [nx, ny, nz] = grid.size;
  const [sx, sy, sz] = grid.spacing;
  const [ox, oy, oz] = grid.origin;
  const n = nx * ny * nz;
  const tissue = new Uint8Array(n);
  const fgt = new Float32Array(n);
  const bpe = new Float32Array(n);
  const fatM0 = new Float32Array(n);
  const gain = new Float32Array(n);
  const box = { size: grid.size as [number, number, number], spacing: grid.spacing as [number, number, number] };

  // Random fields over the whole grid (cheap value noise): the fibroglandular pattern
  // (stretched along the nipple-chest axis y) and thin strands (Cooper's ligaments, ducts:
  // where a second field crosses zero).
  const fgtNoise = new Float32Array(n);
  addFractalNoise(fgtNoise, box, [18, 32, 18], 5, 0.6, rng);
  standardise(fgtNoise);
  const strands = new Float32Array(n);
  addFractalNoise(strands, box, [24, 30, 24], 3, 0.5, rng);
  standardise(strands);
  addValueNoise(bpe, box, [40, 40, 40], 0.5, rng);
  addValueNoise(fatM0, box, [60, 60, 60], 0.35, rng);
  const texture = new Float32Array(n);
  addValueNoise(texture, box, [3, 3, 4], 1, rng);
  const bias = new Float32Array(n);
  addValueNoise(bias, box, [160, 160, 160], 0.12, rng);
  const biasSlope = rng.range(-0.0008, 0.0008);
  const voxel = Math.min(sx, sy, sz);
  const { cy, ax, by } = p.torso;
  const hc = p.heart.centre;
  const ha = p.heart.axes;
  const tmp = new Float64Array(2);
  const ribPeriod = 24;
  const ribPhase = rng.range(0, ribPeriod);

  const surfY = new Float64Array(nx);
  const surfSlope = new Float64Array(nx);
  for (let i = 0; i < nx; i++) {
    surfY[i] = chestSurfaceY(p, ox + i * sx);
    surfSlope[i] = chestSurfaceSlope(p, ox + i * sx);
  }
  // A breast is skipped where its footprint (with a margin) does not reach.
  const footprintMargin = p.breasts.map((b) => (1 + (3 * voxel) / Math.min(b.halfWidth, b.halfHeight)) ** 2);

  let o = 0;
  for (let k = 0; k < nz; k++) {
    const z = oz + k * sz;
    for (let j = 0; j < ny; j++) {
      const y = oy + j * sy;
      for (let i = 0; i < nx; i++, o++) {
        const x = ox + i * sx;
        const ySurf = surfY[i];
        let cls = AIR;
        let surfaceDist = -1e9; // mm inside the body surface, for the air partial volume
        let fgtEnvelope = 0;
        let tex = 1 + 0.04 * texture[o];

        if (y < ySurf) {
          // In front of the chest: a breast (the nearest surface wins) or air.
          let bestBreast = -1;
          for (let bi = 0; bi < p.breasts.length; bi++) {
            const b = p.breasts[bi];
            const bx = (x - b.cx) / b.halfWidth;
            const bz = (z - b.cz) / b.halfHeight;
            if (bx * bx + bz * bz > footprintMargin[bi]) continue;
            breastDistance(p, b, x, y, z, tmp, ySurf, surfSlope[i]);
            if (tmp[1] > surfaceDist) {
              surfaceDist = tmp[1];
              bestBreast = bi;
            }
          }
          if (surfaceDist > -voxel) {
            if (surfaceDist >= p.skin) {
              const b = p.breasts[bestBreast];
              cls = BREAST;
              const t = ySurf - y;
              const lateral = ((x - b.cx) / b.halfWidth) ** 2 + ((z - b.cz) / b.halfHeight) ** 2;
              fgtEnvelope = smoothstep(surfaceDist, 5, 16) * smoothstep(t, 3, 12) * (1 - 0.6 * Math.min(1, lateral));
            } else cls = SKIN;
          }
        } else {
          // Inside the torso ellipse (distance to its surface by -F/|grad F|).
          const u = x / ax;
          const v = (y - cy) / by;
          const F = u * u + v * v;
          const gx = (2 * u) / ax;
          const gy = (2 * v) / by;
          surfaceDist = (1 - F) / (Math.sqrt(gx * gx + gy * gy) || 1e-9);
          if (surfaceDist > -voxel) {
            // Under a breast the skin and subcutaneous fat give way to breast tissue.
            let underBreast = false;
            for (let bi = 0; bi < p.breasts.length; bi++) {
              const b = p.breasts[bi];
              const bx = (x - b.cx) / b.halfWidth;
              const bz = (z - b.cz) / b.halfHeight;
              if (bx * bx + bz * bz < 1) underBreast = true;
            }
            const depth = y - ySurf; // from the chest surface, along y
            const layer = underBreast ? Math.min(surfaceDist, depth) : surfaceDist;
            const front = underBreast ? 4 : p.skin + p.subcutFat;
            if (underBreast && depth < 4) {
              cls = BREAST; // retromammary fat
              surfaceDist = Math.max(surfaceDist, voxel);
            } else if (!underBreast && layer < p.skin) cls = SKIN;
            else if (!underBreast && layer < front) cls = SUBCUT_FAT;
            else if (layer < front + p.muscle) cls = MUSCLE;
            else if (layer < front + p.muscle + p.chestWall) {
              cls = CHEST_WALL;
              // Ribs (dark, fat-suppressed marrow) between intercostal muscles.
              const wave = 0.5 + 0.5 * Math.cos((2 * Math.PI * (z + 0.35 * x + ribPhase)) / ribPeriod);
              tex *= 1 - 0.55 * smoothstep(wave, 0.45, 0.7);
            } else {
              const hx = (x - hc[0]) / ha[0];
              const hy = (y - hc[1]) / ha[1];
              const hz = (z - hc[2]) / ha[2];
              const H = Math.sqrt(hx * hx + hy * hy + hz * hz);
              if (H <= 1) cls = H >= 1 - p.heart.wall / ha[1] ? MYOCARDIUM : BLOOD;
              else if ((x / 26) ** 2 + ((y - cy - 45) / 55) ** 2 <= 1) cls = MUSCLE; // mediastinum and spine
              else cls = LUNG;
            }
          }
        }

        tissue[o] = cls;
        if (cls === AIR) continue;
        if (cls === BREAST && fgtEnvelope > 0) {
          const logit = (fgtNoise[o] + p.density + 2.2 * (fgtEnvelope - 0.55)) / 0.12;
          const body = 1 / (1 + Math.exp(-logit));
          const strand = 0.6 * Math.max(0, 1 - Math.abs(strands[o]) / 0.12);
          fgt[o] = Math.min(1, fgtEnvelope * 4) * Math.max(body, strand);
        }
        bpe[o] = Math.max(0.3, 1 + bpe[o]);
        fatM0[o] = p.fatSat * Math.max(0.4, 1 + fatM0[o] + 0.25 * smoothstep(Math.abs(x - p.breasts[0].cx), 40, 90));
        const airPv = Math.min(1, Math.max(0, 0.5 + surfaceDist / voxel));
        gain[o] = airPv * tex * (1 + bias[o] + biasSlope * (x - grid.origin[0]));
      }
    }
  }
  return { params: p, tissue, fgt, bpe, fatM0, gain };
}

/**
 * A lesion centre in the left breast at least `clearance` mm inside its skin and in front
 * of the chest wall, and inside the grid (with a margin). Rejection sampling.
 */
export function placeLesion(p: AnatomyParams, grid: GridGeometry, radius: number, rng: Prng): Vec3 {
  const b = p.breasts[0];
  const tmp = new Float64Array(2);
  const lo = grid.origin;
  const hi = [0, 1, 2].map((a) => grid.origin[a] + (grid.size[a] - 1) * grid.spacing[a]);
  let best: Vec3 | undefined;
  let bestScore = -Infinity;
  for (let attempt = 0; attempt < 2000; attempt++) {
    const u = rng.range(-0.6, 0.6);
    const w = rng.range(-0.6, 0.6);
    const x = b.cx + u * b.halfWidth;
    const z = b.cz + w * b.halfHeight;
    const rim = 1 - u * u - w * w;
    if (rim <= 0.05) continue;
    const depthHere = b.depth * Math.pow(rim, 1 / b.power);
    const y = chestSurfaceY(p, x) - rng.range(0.2, 0.75) * depthHere;
    breastDistance(p, b, x, y, z, tmp);
    const skinClear = tmp[1] - radius;
    const chestClear = chestSurfaceY(p, x) - y - radius;
    const gridClear = Math.min(x - lo[0], hi[0] - x, y - lo[1], hi[1] - y, z - lo[2], hi[2] - z) - radius;
    const score = Math.min(skinClear - 8, chestClear - 5, gridClear - 6);
    if (score >= 0) return [x, y, z];
    if (score > bestScore) {
      bestScore = score;
      best = [x, y, z];
    }
  }
  return best!;
}
