/**
 * Neighbouring Gray Tone Difference Matrix features, PyRadiomics's radiomics/ngtdm.py
 * (https://pyradiomics.readthedocs.io/en/latest/features.html#module-radiomics.ngtdm).
 *
 * Matrix (cmatrices.c calculate_ngtdm + ngtdm._calculateMatrix): for each ROI voxel,
 * average the levels of its ROI neighbours (all offsets of `distances`, both directions;
 * the voxel itself excluded) and take s = |level - average|, 0 when it has no ROI
 * neighbour (it still counts in n_i). Per level i: n_i, s_i = sum of s (accumulated in
 * voxel order), and i; rows of absent levels are dropped. p_i = n_i / Nvp with Nvp the
 * ROI voxel count, Ngp the number of levels present. The divide-by-zero cases return
 * PyRadiomics's values: Coarseness 1e6, Contrast/Busyness/Strength 0.
 */
import type { BinnedRoi, FeatureClassInfo, TextureCompute, TextureSettings } from '../types.ts';
import { generateAngles, linearOffset } from './angles.ts';
import { featuresToCompute, levelIndexImage } from './texture-common.ts';

/** PyRadiomics's NGTDM features in its output order (alphabetical by method name). */
export const ngtdmInfo: FeatureClassInfo = {
  name: 'ngtdm',
  features: [{ name: 'Busyness' }, { name: 'Coarseness' }, { name: 'Complexity' }, { name: 'Contrast' }, { name: 'Strength' }],
};

export interface NgtdmMatrix {
  /** grey levels present (true bin values) */
  levels: Float64Array;
  /** n_i: voxels of each level */
  count: Float64Array;
  /** s_i: sum of |level - neighbourhood average| over the voxels of each level */
  s: Float64Array;
}

/** The NGTDM of a binned crop (PyRadiomics's P_ngtdm columns n_i, s_i, i). */
export function ngtdmMatrix(roi: BinnedRoi, settings: TextureSettings): NgtdmMatrix {
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
  const count = new Float64Array(ng);
  const s = new Float64Array(ng);
  for (let z = 0, v = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++, v++) {
        const g = idx[v];
        if (g < 0) continue;
        let neighbours = 0;
        let sum = 0;
        for (let a = 0; a < na; a++) {
          const zz = z + adz[a];
          const yy = y + ady[a];
          const xx = x + adx[a];
          if (zz < 0 || zz >= nz || yy < 0 || yy >= ny || xx < 0 || xx >= nx) continue;
          const j = v + aoff[a];
          if (idx[j] >= 0) {
            neighbours++;
            sum += levels[j];
          }
        }
        count[g]++;
        s[g] += neighbours === 0 ? 0 : Math.abs(levels[v] - sum / neighbours);
      }
    }
  }
  return { levels: Float64Array.from(roi.grayLevels), count, s };
}

interface Coefficients {
  /** p_i = n_i / Nvp */
  p: Float64Array;
  /** Nvp: ROI voxel count */
  nvp: number;
  /** Ngp: levels present */
  ngp: number;
}

function coefficients(m: NgtdmMatrix): Coefficients {
  let nvp = 0;
  for (let k = 0; k < m.count.length; k++) nvp += m.count[k];
  const p = m.count.map((n) => n / nvp);
  let ngp = 0;
  for (let k = 0; k < m.count.length; k++) if (m.count[k] > 0) ngp++;
  return { p, nvp, ngp };
}

type Feature = (m: NgtdmMatrix, c: Coefficients) => number;

function sumPs(m: NgtdmMatrix, c: Coefficients): number {
  let t = 0;
  for (let k = 0; k < c.p.length; k++) t += c.p[k] * m.s[k];
  return t;
}

function sumS(m: NgtdmMatrix): number {
  let t = 0;
  for (let k = 0; k < m.s.length; k++) t += m.s[k];
  return t;
}

const features: Record<string, Feature> = {
  // Coarseness = 1 / sum p_i s_i; 1e6 when the sum is 0
  Coarseness: (m, c) => {
    const t = sumPs(m, c);
    return t !== 0 ? 1 / t : 1e6;
  },
  // Contrast = (sum_i sum_j p_i p_j (i - j)^2 / (Ngp (Ngp - 1))) (sum_i s_i / Nvp); 0 when Ngp = 1
  Contrast: (m, c) => {
    const n = c.p.length;
    let t = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const d = m.levels[i] - m.levels[j];
        t += c.p[i] * c.p[j] * (d * d);
      }
    }
    const div = c.ngp * (c.ngp - 1);
    return div !== 0 ? (t * sumS(m)) / c.nvp / div : 0;
  },
  // Busyness = sum p_i s_i / sum_i sum_j |i p_i - j p_j|; 0 when the denominator is 0
  Busyness: (m, c) => {
    const n = c.p.length;
    let t = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) t += Math.abs(m.levels[i] * c.p[i] - m.levels[j] * c.p[j]);
    return t !== 0 ? sumPs(m, c) / t : 0;
  },
  // Complexity = sum_i sum_j |i - j| (p_i s_i + p_j s_j) / (p_i + p_j) / Nvp
  Complexity: (m, c) => {
    const n = c.p.length;
    let t = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const div = c.p[i] + c.p[j];
        t += (Math.abs(m.levels[i] - m.levels[j]) * (c.p[i] * m.s[i] + c.p[j] * m.s[j])) / (div === 0 ? 1 : div);
      }
    }
    return t / c.nvp;
  },
  // Strength = sum_i sum_j (p_i + p_j) (i - j)^2 / sum_i s_i; 0 when sum s_i = 0
  Strength: (m, c) => {
    const n = c.p.length;
    let t = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const d = m.levels[i] - m.levels[j];
        t += (c.p[i] + c.p[j]) * (d * d);
      }
    }
    const ss = sumS(m);
    return ss !== 0 ? t / ss : 0;
  },
};

/** Features of an NGTDM (one matrix, no averaging). */
export function ngtdmFeatures(m: NgtdmMatrix, enabled: readonly string[]): Record<string, number> {
  const names = featuresToCompute(ngtdmInfo, enabled);
  const c = coefficients(m);
  const out: Record<string, number> = {};
  for (const name of names) out[name] = features[name](m, c);
  return out;
}

/** TextureCompute for ngtdm. */
export const computeNgtdm: TextureCompute = (roi: BinnedRoi, settings: TextureSettings, enabled: readonly string[]) =>
  ngtdmFeatures(ngtdmMatrix(roi, settings), enabled);
