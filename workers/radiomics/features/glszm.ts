/**
 * Gray Level Size Zone Matrix features, PyRadiomics's radiomics/glszm.py
 * (https://pyradiomics.readthedocs.io/en/latest/features.html#module-radiomics.glszm).
 *
 * Matrix (cmatrices.c calculate_glszm + glszm._calculateMatrix/_calculateCoefficients):
 * zones are connected groups of ROI voxels of one level, neighbours being all offsets of
 * distance 1 in both directions (26-connected in 3D, 8-connected with force2D; `distances`
 * is not used). P(i, j) counts the zones of level i and size j. Rows of absent levels
 * and sizes that never occur are dropped, keeping the true sizes j. Nz is the number of
 * zones and Np the number of ROI voxels (sum P(i,j) j); both are set to 1 when 0. No
 * angle averaging. log means log2(. + eps).
 */
import type { BinnedRoi, FeatureClassInfo, TextureCompute, TextureSettings } from '../types.ts';
import { generateAngles } from './angles.ts';
import { EPS, featuresToCompute, paddedLevelIndexImage } from './texture-common.ts';

/** PyRadiomics's GLSZM features in its output order (alphabetical by method name). */
export const glszmInfo: FeatureClassInfo = {
  name: 'glszm',
  features: [
    { name: 'GrayLevelNonUniformity' },
    { name: 'GrayLevelNonUniformityNormalized' },
    { name: 'GrayLevelVariance' },
    { name: 'HighGrayLevelZoneEmphasis' },
    { name: 'LargeAreaEmphasis' },
    { name: 'LargeAreaHighGrayLevelEmphasis' },
    { name: 'LargeAreaLowGrayLevelEmphasis' },
    { name: 'LowGrayLevelZoneEmphasis' },
    { name: 'SizeZoneNonUniformity' },
    { name: 'SizeZoneNonUniformityNormalized' },
    { name: 'SmallAreaEmphasis' },
    { name: 'SmallAreaHighGrayLevelEmphasis' },
    { name: 'SmallAreaLowGrayLevelEmphasis' },
    { name: 'ZoneEntropy' },
    { name: 'ZonePercentage' },
    { name: 'ZoneVariance' },
  ],
};

export interface GlszmMatrix {
  /** grey levels present (true bin values): the rows */
  levels: Float64Array;
  /** zone sizes that occur (true sizes): the columns */
  sizes: Float64Array;
  /** P[g * nSizes + s]: number of zones */
  p: Float64Array;
}

/** The size-zone matrix of a binned crop (PyRadiomics's P_glszm after its deletions). */
export function glszmMatrix(roi: BinnedRoi, settings: TextureSettings): GlszmMatrix {
  const size = roi.size;
  const [nx, ny] = size;
  const angles = generateAngles(size, { distances: [1], force2D: settings.force2D, force2Ddimension: settings.force2Ddimension, bidirectional: true });
  const na = angles.length;
  // neighbours as offsets in the padded index image: its border stops every zone
  const [px, py] = [nx + 2, ny + 2];
  const aoff = Int32Array.from(angles, (a) => a[0] * px * py + a[1] * px + a[2]);
  const idx = paddedLevelIndexImage(roi);
  const ng = roi.grayLevels.length;
  const todo = new Uint8Array(idx.length);
  let roiCount = 0;
  for (let v = 0; v < idx.length; v++) {
    if (idx[v] < 0) continue;
    todo[v] = 1;
    roiCount++;
  }
  const stack = new Int32Array(roiCount);
  const zoneLevel = new Int32Array(roiCount);
  const zoneSize = new Int32Array(roiCount);
  let zones = 0;
  let maxSize = 0;
  for (let v0 = 0; v0 < idx.length; v0++) {
    if (!todo[v0]) continue;
    // Grow the zone from v0 over same-level ROI neighbours (depth-first, as cmatrices.c).
    const g = idx[v0];
    let top = 0;
    let region = 0;
    stack[top++] = v0;
    todo[v0] = 0;
    while (top > 0) {
      const k = stack[--top];
      region++;
      for (let a = 0; a < na; a++) {
        const j = k + aoff[a];
        if (todo[j] && idx[j] === g) {
          todo[j] = 0;
          stack[top++] = j;
        }
      }
    }
    zoneLevel[zones] = g;
    zoneSize[zones] = region;
    zones++;
    if (region > maxSize) maxSize = region;
  }
  const full = new Float64Array(ng * maxSize);
  for (let z = 0; z < zones; z++) full[zoneLevel[z] * maxSize + zoneSize[z] - 1]++;
  const used: number[] = [];
  for (let s = 0; s < maxSize; s++) {
    let any = false;
    for (let g = 0; g < ng && !any; g++) any = full[g * maxSize + s] !== 0;
    if (any) used.push(s);
  }
  const ns = used.length;
  const p = new Float64Array(ng * ns);
  for (let g = 0; g < ng; g++) for (let k = 0; k < ns; k++) p[g * ns + k] = full[g * maxSize + used[k]];
  return { levels: Float64Array.from(roi.grayLevels), sizes: Float64Array.from(used, (s) => s + 1), p };
}

interface Coefficients {
  /** ps(j) = sum_i P(i,j) */
  ps: Float64Array;
  /** pg(i) = sum_j P(i,j) */
  pg: Float64Array;
  /** number of zones (1 if none) */
  nz: number;
  /** number of voxels, sum P(i,j) j (1 if none) */
  np: number;
}

function coefficients(m: GlszmMatrix): Coefficients {
  const ng = m.levels.length;
  const ns = m.sizes.length;
  const ps = new Float64Array(ns);
  const pg = new Float64Array(ng);
  let nz = 0;
  for (let g = 0; g < ng; g++) {
    for (let s = 0; s < ns; s++) {
      const v = m.p[g * ns + s];
      ps[s] += v;
      pg[g] += v;
      nz += v;
    }
  }
  let np = 0;
  for (let s = 0; s < ns; s++) np += ps[s] * m.sizes[s];
  return { ps, pg, nz: nz === 0 ? 1 : nz, np: np === 0 ? 1 : np };
}

function sumVec(v: Float64Array, x: Float64Array, f: (pv: number, x: number) => number): number {
  let s = 0;
  for (let k = 0; k < v.length; k++) s += f(v[k], x[k]);
  return s;
}

function sumP(m: GlszmMatrix, f: (pij: number, i: number, j: number) => number): number {
  const ng = m.levels.length;
  const ns = m.sizes.length;
  let s = 0;
  for (let g = 0; g < ng; g++) for (let k = 0; k < ns; k++) s += f(m.p[g * ns + k], m.levels[g], m.sizes[k]);
  return s;
}

type Feature = (m: GlszmMatrix, c: Coefficients) => number;

const features: Record<string, Feature> = {
  // SmallAreaEmphasis = sum P(i,j) / j^2 / Nz
  SmallAreaEmphasis: (m, c) => sumVec(c.ps, m.sizes, (p, j) => p / (j * j)) / c.nz,
  // LargeAreaEmphasis = sum P(i,j) j^2 / Nz
  LargeAreaEmphasis: (m, c) => sumVec(c.ps, m.sizes, (p, j) => p * (j * j)) / c.nz,
  // GrayLevelNonUniformity = sum_i (sum_j P(i,j))^2 / Nz
  GrayLevelNonUniformity: (m, c) => sumVec(c.pg, m.levels, (p) => p * p) / c.nz,
  // GrayLevelNonUniformityNormalized = sum_i (sum_j P(i,j))^2 / Nz^2
  GrayLevelNonUniformityNormalized: (m, c) => sumVec(c.pg, m.levels, (p) => p * p) / (c.nz * c.nz),
  // SizeZoneNonUniformity = sum_j (sum_i P(i,j))^2 / Nz
  SizeZoneNonUniformity: (m, c) => sumVec(c.ps, m.sizes, (p) => p * p) / c.nz,
  // SizeZoneNonUniformityNormalized = sum_j (sum_i P(i,j))^2 / Nz^2
  SizeZoneNonUniformityNormalized: (m, c) => sumVec(c.ps, m.sizes, (p) => p * p) / (c.nz * c.nz),
  // ZonePercentage = Nz / Np
  ZonePercentage: (_m, c) => c.nz / c.np,
  // GrayLevelVariance = sum p(i,j) (i - mu)^2, mu = sum p(i,j) i, p = P / Nz
  GrayLevelVariance: (m, c) => {
    const pg = c.pg.map((v) => v / c.nz);
    const mu = sumVec(pg, m.levels, (p, i) => p * i);
    return sumVec(pg, m.levels, (p, i) => p * ((i - mu) * (i - mu)));
  },
  // ZoneVariance = sum p(i,j) (j - mu)^2, mu = sum p(i,j) j, p = P / Nz
  ZoneVariance: (m, c) => {
    const ps = c.ps.map((v) => v / c.nz);
    const mu = sumVec(ps, m.sizes, (p, j) => p * j);
    return sumVec(ps, m.sizes, (p, j) => p * ((j - mu) * (j - mu)));
  },
  // ZoneEntropy = -sum p(i,j) log2(p(i,j) + eps), p = P / Nz
  ZoneEntropy: (m, c) =>
    -sumP(m, (pij) => {
      const p = pij / c.nz;
      return p * Math.log2(p + EPS);
    }),
  // LowGrayLevelZoneEmphasis = sum P(i,j) / i^2 / Nz
  LowGrayLevelZoneEmphasis: (m, c) => sumVec(c.pg, m.levels, (p, i) => p / (i * i)) / c.nz,
  // HighGrayLevelZoneEmphasis = sum P(i,j) i^2 / Nz
  HighGrayLevelZoneEmphasis: (m, c) => sumVec(c.pg, m.levels, (p, i) => p * (i * i)) / c.nz,
  // SmallAreaLowGrayLevelEmphasis = sum P(i,j) / (i^2 j^2) / Nz
  SmallAreaLowGrayLevelEmphasis: (m, c) => sumP(m, (p, i, j) => p / (i * i * (j * j))) / c.nz,
  // SmallAreaHighGrayLevelEmphasis = sum P(i,j) i^2 / j^2 / Nz
  SmallAreaHighGrayLevelEmphasis: (m, c) => sumP(m, (p, i, j) => (p * (i * i)) / (j * j)) / c.nz,
  // LargeAreaLowGrayLevelEmphasis = sum P(i,j) j^2 / i^2 / Nz
  LargeAreaLowGrayLevelEmphasis: (m, c) => sumP(m, (p, i, j) => (p * (j * j)) / (i * i)) / c.nz,
  // LargeAreaHighGrayLevelEmphasis = sum P(i,j) i^2 j^2 / Nz
  LargeAreaHighGrayLevelEmphasis: (m, c) => sumP(m, (p, i, j) => p * (i * i) * (j * j)) / c.nz,
};

/** Features of a GLSZM (one matrix, no averaging). */
export function glszmFeatures(m: GlszmMatrix, enabled: readonly string[]): Record<string, number> {
  const names = featuresToCompute(glszmInfo, enabled);
  const c = coefficients(m);
  const out: Record<string, number> = {};
  for (const name of names) out[name] = features[name](m, c);
  return out;
}

/** TextureCompute for glszm. */
export const computeGlszm: TextureCompute = (roi: BinnedRoi, settings: TextureSettings, enabled: readonly string[]) =>
  glszmFeatures(glszmMatrix(roi, settings), enabled);
