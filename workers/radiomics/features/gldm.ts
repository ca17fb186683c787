/**
 * Gray Level Dependence Matrix features, PyRadiomics's radiomics/gldm.py
 * (https://pyradiomics.readthedocs.io/en/latest/features.html#module-radiomics.gldm).
 *
 * Matrix (cmatrices.c calculate_gldm + gldm._calculateMatrix): for each ROI voxel count
 * its ROI neighbours (all offsets of `distances`, both directions: 26 in 3D, 8 with
 * force2D) whose level differs by at most gldm_a; the dependence is that count + 1.
 * P(i, j) counts voxels of level i with dependence j. Rows of absent levels and
 * dependences that never occur are dropped, keeping the true j. Nz = the ROI voxel count
 * (1 if 0). No angle averaging. log means log2(. + eps).
 */
import type { BinnedRoi, FeatureClassInfo, TextureCompute, TextureSettings } from '../types.ts';
import { generateAngles, linearOffset } from './angles.ts';
import { EPS, featuresToCompute, levelIndexImage } from './texture-common.ts';

/** PyRadiomics's GLDM features in its output order (alphabetical by method name). */
export const gldmInfo: FeatureClassInfo = {
  name: 'gldm',
  features: [
    { name: 'DependenceEntropy' },
    { name: 'DependenceNonUniformity' },
    { name: 'DependenceNonUniformityNormalized' },
    { name: 'DependencePercentage', deprecated: true },
    { name: 'DependenceVariance' },
    { name: 'GrayLevelNonUniformity' },
    { name: 'GrayLevelNonUniformityNormalized', deprecated: true },
    { name: 'GrayLevelVariance' },
    { name: 'HighGrayLevelEmphasis' },
    { name: 'LargeDependenceEmphasis' },
    { name: 'LargeDependenceHighGrayLevelEmphasis' },
    { name: 'LargeDependenceLowGrayLevelEmphasis' },
    { name: 'LowGrayLevelEmphasis' },
    { name: 'SmallDependenceEmphasis' },
    { name: 'SmallDependenceHighGrayLevelEmphasis' },
    { name: 'SmallDependenceLowGrayLevelEmphasis' },
  ],
};

export interface GldmMatrix {
  /** grey levels present (true bin values): the rows */
  levels: Float64Array;
  /** dependences that occur (true values, neighbour count + 1): the columns */
  dependences: Float64Array;
  /** P[g * nDependences + d]: number of voxels */
  p: Float64Array;
}

/** The dependence matrix of a binned crop (PyRadiomics's P_gldm after its deletions). */
export function gldmMatrix(roi: BinnedRoi, settings: TextureSettings): GldmMatrix {
  const alpha = settings.gldm_a;
  if (!Number.isInteger(alpha) || alpha < 0) throw new Error(`setting gldm_a: must be an integer >= 0, got ${String(alpha)}`);
  const size = roi.size;
  const [nx, ny, nz] = size;
  const angles = generateAngles(size, { distances: settings.distances, force2D: settings.force2D, force2Ddimension: settings.force2Ddimension, bidirectional: true });
  const na = angles.length;
  const adz = Int32Array.from(angles, (a) => a[0]);
  const ady = Int32Array.from(angles, (a) => a[1]);
  const adx = Int32Array.from(angles, (a) => a[2]);
  const aoff = Int32Array.from(angles, (a) => linearOffset(a, size));
  const idx = levelIndexImage(roi);
  const levels = roi.levels;
  const ng = roi.grayLevels.length;
  const width = na + 1;
  const full = new Float64Array(ng * width);
  for (let z = 0, v = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++, v++) {
        const g = idx[v];
        if (g < 0) continue;
        const level = levels[v];
        let dep = 0;
        for (let a = 0; a < na; a++) {
          const zz = z + adz[a];
          const yy = y + ady[a];
          const xx = x + adx[a];
          if (zz < 0 || zz >= nz || yy < 0 || yy >= ny || xx < 0 || xx >= nx) continue;
          const j = v + aoff[a];
          if (idx[j] >= 0 && Math.abs(level - levels[j]) <= alpha) dep++;
        }
        full[g * width + dep]++;
      }
    }
  }
  const used: number[] = [];
  for (let d = 0; d < width; d++) {
    let any = false;
    for (let g = 0; g < ng && !any; g++) any = full[g * width + d] !== 0;
    if (any) used.push(d);
  }
  const nd = used.length;
  const p = new Float64Array(ng * nd);
  for (let g = 0; g < ng; g++) for (let k = 0; k < nd; k++) p[g * nd + k] = full[g * width + used[k]];
  return { levels: Float64Array.from(roi.grayLevels), dependences: Float64Array.from(used, (d) => d + 1), p };
}

interface Coefficients {
  /** pd(j) = sum_i P(i,j) */
  pd: Float64Array;
  /** pg(i) = sum_j P(i,j) */
  pg: Float64Array;
  /** number of voxels (1 if none) */
  nz: number;
}

function coefficients(m: GldmMatrix): Coefficients {
  const ng = m.levels.length;
  const nd = m.dependences.length;
  const pd = new Float64Array(nd);
  const pg = new Float64Array(ng);
  for (let g = 0; g < ng; g++) {
    for (let d = 0; d < nd; d++) {
      const v = m.p[g * nd + d];
      pd[d] += v;
      pg[g] += v;
    }
  }
  let nz = 0;
  for (let d = 0; d < nd; d++) nz += pd[d];
  return { pd, pg, nz: nz === 0 ? 1 : nz };
}

function sumVec(v: Float64Array, x: Float64Array, f: (pv: number, x: number) => number): number {
  let s = 0;
  for (let k = 0; k < v.length; k++) s += f(v[k], x[k]);
  return s;
}

function sumP(m: GldmMatrix, f: (pij: number, i: number, j: number) => number): number {
  const ng = m.levels.length;
  const nd = m.dependences.length;
  let s = 0;
  for (let g = 0; g < ng; g++) for (let k = 0; k < nd; k++) s += f(m.p[g * nd + k], m.levels[g], m.dependences[k]);
  return s;
}

type Feature = (m: GldmMatrix, c: Coefficients) => number;

const features: Record<string, Feature> = {
  // SmallDependenceEmphasis = sum P(i,j) / j^2 / Nz
  SmallDependenceEmphasis: (m, c) => sumVec(c.pd, m.dependences, (p, j) => p / (j * j)) / c.nz,
  // LargeDependenceEmphasis = sum P(i,j) j^2 / Nz
  LargeDependenceEmphasis: (m, c) => sumVec(c.pd, m.dependences, (p, j) => p * (j * j)) / c.nz,
  // GrayLevelNonUniformity = sum_i (sum_j P(i,j))^2 / Nz
  GrayLevelNonUniformity: (m, c) => sumVec(c.pg, m.levels, (p) => p * p) / c.nz,
  // DependenceNonUniformity = sum_j (sum_i P(i,j))^2 / Nz
  DependenceNonUniformity: (m, c) => sumVec(c.pd, m.dependences, (p) => p * p) / c.nz,
  // DependenceNonUniformityNormalized = sum_j (sum_i P(i,j))^2 / Nz^2
  DependenceNonUniformityNormalized: (m, c) => sumVec(c.pd, m.dependences, (p) => p * p) / (c.nz * c.nz),
  // GrayLevelVariance = sum p(i,j) (i - mu)^2, mu = sum p(i,j) i, p = P / Nz
  GrayLevelVariance: (m, c) => {
    const pg = c.pg.map((v) => v / c.nz);
    const mu = sumVec(pg, m.levels, (p, i) => p * i);
    return sumVec(pg, m.levels, (p, i) => p * ((i - mu) * (i - mu)));
  },
  // DependenceVariance = sum p(i,j) (j - mu)^2, mu = sum p(i,j) j, p = P / Nz
  DependenceVariance: (m, c) => {
    const pd = c.pd.map((v) => v / c.nz);
    const mu = sumVec(pd, m.dependences, (p, j) => p * j);
    return sumVec(pd, m.dependences, (p, j) => p * ((j - mu) * (j - mu)));
  },
  // DependenceEntropy = -sum p(i,j) log2(p(i,j) + eps), p = P / Nz
  DependenceEntropy: (m, c) =>
    -sumP(m, (pij) => {
      const p = pij / c.nz;
      return p * Math.log2(p + EPS);
    }),
  // LowGrayLevelEmphasis = sum P(i,j) / i^2 / Nz
  LowGrayLevelEmphasis: (m, c) => sumVec(c.pg, m.levels, (p, i) => p / (i * i)) / c.nz,
  // HighGrayLevelEmphasis = sum P(i,j) i^2 / Nz
  HighGrayLevelEmphasis: (m, c) => sumVec(c.pg, m.levels, (p, i) => p * (i * i)) / c.nz,
  // SmallDependenceLowGrayLevelEmphasis = sum P(i,j) / (i^2 j^2) / Nz
  SmallDependenceLowGrayLevelEmphasis: (m, c) => sumP(m, (p, i, j) => p / (i * i * (j * j))) / c.nz,
  // SmallDependenceHighGrayLevelEmphasis = sum P(i,j) i^2 / j^2 / Nz
  SmallDependenceHighGrayLevelEmphasis: (m, c) => sumP(m, (p, i, j) => (p * (i * i)) / (j * j)) / c.nz,
  // LargeDependenceLowGrayLevelEmphasis = sum P(i,j) j^2 / i^2 / Nz
  LargeDependenceLowGrayLevelEmphasis: (m, c) => sumP(m, (p, i, j) => (p * (j * j)) / (i * i)) / c.nz,
  // LargeDependenceHighGrayLevelEmphasis = sum P(i,j) j^2 i^2 / Nz
  LargeDependenceHighGrayLevelEmphasis: (m, c) => sumP(m, (p, i, j) => p * (j * j * (i * i))) / c.nz,
};

/** Features of a GLDM (one matrix, no averaging). */
export function gldmFeatures(m: GldmMatrix, enabled: readonly string[]): Record<string, number> {
  const names = featuresToCompute(gldmInfo, enabled);
  const c = coefficients(m);
  const out: Record<string, number> = {};
  for (const name of names) out[name] = features[name](m, c);
  return out;
}

/** TextureCompute for gldm. */
export const computeGldm: TextureCompute = (roi: BinnedRoi, settings: TextureSettings, enabled: readonly string[]) =>
  gldmFeatures(gldmMatrix(roi, settings), enabled);
