/**
 * Gray Level Co-occurrence Matrix features, PyRadiomics's radiomics/glcm.py
 * (https://pyradiomics.readthedocs.io/en/latest/features.html#module-radiomics.glcm).
 *
 * Matrix (cmatrices.c calculate_glcm + glcm._calculateMatrix): for every offset of
 * angles.ts (one direction per pair, `distances`), count (centre level i, neighbour
 * level j) over ROI voxel pairs inside the crop; keep the rows/columns of present levels;
 * add the transpose (symmetricalGLCM); with weightingNorm merge the angles into one
 * weighted sum (no_weighting: 1, else exp(-||d||^2) of the spaced offset); drop angles
 * with no pair (when more than one matrix); normalise each to sum 1. Features are
 * computed per angle and averaged with nanmean. i and j are the true bin values and Ng
 * (roi.ng) is the highest bin, so p_{x+y}(k) runs over k = 2..2Ng, p_{x-y}(k) over
 * k = 0..Ng-1, and Idmn/Idn divide by Ng. log means log2(. + eps).
 */
import type { BinnedRoi, FeatureClassInfo, TextureCompute, TextureSettings } from '../types.ts';
import { generateAngles, linearOffset, type Offset } from './angles.ts';
import { symmetricEigenvalues } from './symmetric-eigenvalues.ts';
import { EPS, featuresToCompute, levelIndexImage, nanMean, roiVoxels } from './texture-common.ts';

/** PyRadiomics's GLCM features in its output order (alphabetical by method name). */
export const glcmInfo: FeatureClassInfo = {
  name: 'glcm',
  features: [
    { name: 'Autocorrelation' },
    { name: 'ClusterProminence' },
    { name: 'ClusterShade' },
    { name: 'ClusterTendency' },
    { name: 'Contrast' },
    { name: 'Correlation' },
    { name: 'DifferenceAverage' },
    { name: 'DifferenceEntropy' },
    { name: 'DifferenceVariance' },
    { name: 'Dissimilarity', deprecated: true },
    { name: 'Homogeneity1', deprecated: true },
    { name: 'Homogeneity2', deprecated: true },
    { name: 'Id' },
    { name: 'Idm' },
    { name: 'Idmn' },
    { name: 'Idn' },
    { name: 'Imc1' },
    { name: 'Imc2' },
    { name: 'InverseVariance' },
    { name: 'JointAverage' },
    { name: 'JointEnergy' },
    { name: 'JointEntropy' },
    { name: 'MCC' },
    { name: 'MaximumProbability' },
    { name: 'SumAverage' },
    { name: 'SumEntropy' },
    { name: 'SumSquares' },
    { name: 'SumVariance', deprecated: true },
  ],
};

export interface GlcmMatrix {
  /** the grey levels present (true bin values); rows and columns follow them */
  levels: Float64Array;
  /** PyRadiomics's Ng: the highest bin (roi.ng) */
  ng: number;
  /** number of matrices: angles kept, or 1 when merged by weightingNorm */
  count: number;
  /** the offset of each matrix, (dz, dy, dx); empty when merged */
  angles: Offset[];
  /** p[(a * n + i) * n + j], n = levels.length; each matrix sums to 1 (NaN if it had no pair) */
  p: Float64Array;
}

/** Distance weight of an angle for weightingNorm (glcm._calculateMatrix). */
function glcmWeight(angle: Offset, spacingZyx: readonly number[], norm: NonNullable<TextureSettings['weightingNorm']>): number {
  const d0 = Math.abs(angle[0]) * spacingZyx[0];
  const d1 = Math.abs(angle[1]) * spacingZyx[1];
  const d2 = Math.abs(angle[2]) * spacingZyx[2];
  switch (norm) {
    case 'infinity': {
      const m = Math.max(d0, d1, d2);
      return Math.exp(-(m * m));
    }
    case 'euclidean':
      return Math.exp(-(d0 * d0 + d1 * d1 + d2 * d2));
    case 'manhattan': {
      const s = d0 + d1 + d2;
      return Math.exp(-(s * s));
    }
    case 'no_weighting':
      return 1;
    default:
      throw new Error(`setting weightingNorm: '${String(norm)}' is not one of manhattan, euclidean, infinity, no_weighting (or null)`);
  }
}

/** The normalised GLCMs of a binned crop (PyRadiomics's P_glcm, angle-major). */
export function glcmMatrix(roi: BinnedRoi, settings: TextureSettings): GlcmMatrix {
  const [nx, ny, nz] = roi.size;
  const allAngles = generateAngles(roi.size, { distances: settings.distances, force2D: settings.force2D, force2Ddimension: settings.force2Ddimension, bidirectional: false });
  const na = allAngles.length;
  const n = roi.grayLevels.length;
  const nn = n * n;
  const idx = levelIndexImage(roi);
  const vox = roiVoxels(idx, roi.size);
  const counts = new Float64Array(na * nn);
  for (let a = 0; a < na; a++) {
    const [dz, dy, dx] = allAngles[a];
    const off = linearOffset(allAngles[a], roi.size);
    const base = a * nn;
    for (let r = 0; r < vox.count; r++) {
      const x = vox.x[r] + dx;
      const y = vox.y[r] + dy;
      const z = vox.z[r] + dz;
      if (x < 0 || x >= nx || y < 0 || y >= ny || z < 0 || z >= nz) continue;
      const cj = idx[vox.index[r] + off];
      if (cj >= 0) counts[base + vox.level[r] * n + cj]++;
    }
  }
  if (settings.symmetricalGLCM) {
    for (let a = 0; a < na; a++) {
      const base = a * nn;
      for (let i = 0; i < n; i++) {
        for (let j = i; j < n; j++) {
          const s = counts[base + i * n + j] + counts[base + j * n + i];
          counts[base + i * n + j] = s;
          counts[base + j * n + i] = s;
        }
      }
    }
  }

  let matrices = counts;
  let kept: Offset[] = allAngles;
  let count = na;
  if (settings.weightingNorm !== null) {
    const sp = [roi.spacing[2], roi.spacing[1], roi.spacing[0]];
    const w = allAngles.map((angle) => glcmWeight(angle, sp, settings.weightingNorm!));
    matrices = new Float64Array(nn);
    for (let a = 0; a < na; a++) for (let c = 0; c < nn; c++) matrices[c] += counts[a * nn + c] * w[a];
    kept = [];
    count = 1;
  } else if (na > 1) {
    // Drop angles without any pair.
    const keep: number[] = [];
    for (let a = 0; a < na; a++) {
      let s = 0;
      for (let c = 0; c < nn; c++) s += counts[a * nn + c];
      if (s !== 0) keep.push(a);
    }
    if (keep.length < na) {
      matrices = new Float64Array(keep.length * nn);
      keep.forEach((a, k) => matrices.set(counts.subarray(a * nn, (a + 1) * nn), k * nn));
      kept = keep.map((a) => allAngles[a]);
      count = keep.length;
    }
  }
  for (let a = 0; a < count; a++) {
    let s = 0;
    for (let c = 0; c < nn; c++) s += matrices[a * nn + c];
    const div = s === 0 ? NaN : s;
    for (let c = 0; c < nn; c++) matrices[a * nn + c] /= div;
  }
  return { levels: Float64Array.from(roi.grayLevels), ng: roi.ng, count, angles: kept, p: matrices };
}

/**
 * One normalised matrix with PyRadiomics's coefficients (glcm._calculateCoefficients).
 * Its nonzero cells are also listed in row-major order: a cell with p = 0 adds exactly
 * nothing to any sum p(i,j) f(i,j), so the sums run over these cells only, in numpy's
 * order, which keeps the cost proportional to the pairs that occur, not to Ng^2.
 */
interface AngleMatrix {
  /** dense matrix and its offset (MCC) */
  p: Float64Array;
  o: number;
  /** grey levels (true bin values) */
  lv: Float64Array;
  /** nonzero cells: level indices and p(i,j) */
  cellI: Int32Array;
  cellJ: Int32Array;
  cellP: Float64Array;
  px: Float64Array;
  py: Float64Array;
  ux: number;
  uy: number;
  /** p_{x+y}(k) at k - 2, k = 2..2Ng */
  pxAddy: Float64Array;
  /** p_{x-y}(k), k = 0..Ng-1 */
  pxSuby: Float64Array;
  hxy: number;
}

function angleMatrix(p: Float64Array, o: number, lv: Float64Array, ng: number): AngleMatrix {
  const n = lv.length;
  let cells = 0;
  for (let k = 0; k < n * n; k++) if (p[o + k] !== 0) cells++;
  const cellI = new Int32Array(cells);
  const cellJ = new Int32Array(cells);
  const cellP = new Float64Array(cells);
  const px = new Float64Array(n);
  const py = new Float64Array(n);
  const pxAddy = new Float64Array(2 * ng - 1);
  const pxSuby = new Float64Array(ng);
  let ux = 0;
  let uy = 0;
  let hxy = 0;
  for (let i = 0, c = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = p[o + i * n + j];
      if (v === 0) continue;
      cellI[c] = i;
      cellJ[c] = j;
      cellP[c++] = v;
      px[i] += v;
      py[j] += v;
      ux += lv[i] * v;
      uy += lv[j] * v;
      pxAddy[lv[i] + lv[j] - 2] += v;
      pxSuby[Math.abs(lv[i] - lv[j])] += v;
      hxy -= v * Math.log2(v + EPS);
    }
  }
  return { p, o, lv, cellI, cellJ, cellP, px, py, ux, uy, pxAddy, pxSuby, hxy };
}

/** sum over the cells of p(i,j) f(i, j), i and j the grey levels */
function sumP(m: AngleMatrix, f: (i: number, j: number) => number): number {
  const { cellI, cellJ, cellP, lv } = m;
  let s = 0;
  for (let c = 0; c < cellP.length; c++) s += cellP[c] * f(lv[cellI[c]], lv[cellJ[c]]);
  return s;
}

function entropy(v: Float64Array): number {
  let h = 0;
  for (let k = 0; k < v.length; k++) if (v[k] !== 0) h -= v[k] * Math.log2(v[k] + EPS); // 0 adds nothing
  return h;
}

/**
 * MCC of one matrix: sqrt of the second-largest eigenvalue of
 * Q(i,j) = sum_k p(i,k) p(j,k) / (px(i) py(k) + eps), built term by term as PyRadiomics
 * does. Q = Dx^-1 P Dy^-1 P^T up to eps, so Dx^1/2 Q Dx^-1/2 is symmetric to O(eps):
 * its eigenvalues (those of Q) come from the symmetric solver (the antisymmetric O(eps)
 * part moves them only to second order). Levels absent along this angle give zero rows
 * and columns, i.e. exact zero eigenvalues, as LAPACK's balancing isolates them.
 */
function mccOfMatrix(c: AngleMatrix): number {
  const { p, o } = c;
  const n = c.lv.length;
  if (Number.isNaN(c.px[0])) return NaN; // an empty merged matrix
  const active: number[] = [];
  for (let i = 0; i < n; i++) if (c.px[i] > 0) active.push(i);
  const m = active.length;
  const q = new Float64Array(m * m);
  const col = new Float64Array(m);
  for (let k = 0; k < n; k++) {
    const pyk = c.py[k];
    for (let b = 0; b < m; b++) col[b] = p[o + active[b] * n + k];
    for (let a = 0; a < m; a++) {
      const pik = col[a];
      if (pik === 0) continue; // a zero term adds exactly nothing
      const den = c.px[active[a]] * pyk + EPS;
      for (let b = 0; b < m; b++) if (col[b] !== 0) q[a * m + b] += (pik * col[b]) / den;
    }
  }
  // Symmetrise D^1/2 Q D^-1/2 (lower triangle is what the solver reads).
  const h = new Float64Array(m * m);
  for (let a = 0; a < m; a++) {
    const sa = Math.sqrt(c.px[active[a]]);
    for (let b = 0; b <= a; b++) {
      const sb = Math.sqrt(c.px[active[b]]);
      h[a * m + b] = ((sa * q[a * m + b]) / sb + (sb * q[b * m + a]) / sa) / 2;
    }
  }
  const eig = symmetricEigenvalues(h, m);
  const all = new Float64Array(n); // the n - m absent levels contribute exact zeros
  all.set(eig);
  all.sort();
  return Math.sqrt(all[n - 2]); // NaN for a negative eigenvalue, as numpy's real sqrt
}

type AngleFeature = (m: AngleMatrix, ng: number) => number;

/** One function per feature, evaluated on one matrix (angle). */
const perAngle: Record<string, AngleFeature> = {
  // Autocorrelation = sum p(i,j) i j
  Autocorrelation: (m) => sumP(m, (i, j) => i * j),
  // JointAverage = mu_x = sum p(i,j) i
  JointAverage: (m) => m.ux,
  // ClusterProminence = sum (i + j - mu_x - mu_y)^4 p(i,j)
  // (numpy's ** 4 calls C pow; products differ from it by an ulp or two and V8's Math.pow is slow)
  ClusterProminence: (m) =>
    sumP(m, (i, j) => {
      const t = i + j - m.ux - m.uy;
      const t2 = t * t;
      return t2 * t2;
    }),
  // ClusterShade = sum (i + j - mu_x - mu_y)^3 p(i,j)
  ClusterShade: (m) =>
    sumP(m, (i, j) => {
      const t = i + j - m.ux - m.uy;
      return t * t * t;
    }),
  // ClusterTendency = sum (i + j - mu_x - mu_y)^2 p(i,j)
  ClusterTendency: (m) =>
    sumP(m, (i, j) => {
      const t = i + j - m.ux - m.uy;
      return t * t;
    }),
  // Contrast = sum (i - j)^2 p(i,j)
  Contrast: (m) => sumP(m, (i, j) => (i - j) * (i - j)),
  // Correlation = (sum p(i,j) i j - mu_x mu_y) / (sigma_x sigma_y); 1 when sigma_x sigma_y = 0
  Correlation: (m) => {
    const sigx = Math.sqrt(sumP(m, (i) => (i - m.ux) * (i - m.ux)));
    const sigy = Math.sqrt(sumP(m, (_i, j) => (j - m.uy) * (j - m.uy)));
    if (sigx * sigy === 0) return 1;
    const { cellI, cellJ, cellP, lv } = m;
    let corm = 0;
    for (let c = 0; c < cellP.length; c++) corm += cellP[c] * (lv[cellI[c]] - m.ux) * (lv[cellJ[c]] - m.uy);
    return corm / (sigx * sigy + EPS);
  },
  // DifferenceAverage = sum_k k p_{x-y}(k)
  DifferenceAverage: (m) => differenceAverage(m),
  // DifferenceEntropy = -sum_k p_{x-y}(k) log2(p_{x-y}(k) + eps)
  DifferenceEntropy: (m) => entropy(m.pxSuby),
  // DifferenceVariance = sum_k (k - DA)^2 p_{x-y}(k)
  DifferenceVariance: (m) => {
    const da = differenceAverage(m);
    let s = 0;
    for (let k = 0; k < m.pxSuby.length; k++) s += m.pxSuby[k] * ((k - da) * (k - da));
    return s;
  },
  // JointEnergy = sum p(i,j)^2
  JointEnergy: (m) => {
    let s = 0;
    for (let c = 0; c < m.cellP.length; c++) s += m.cellP[c] * m.cellP[c];
    return s;
  },
  // JointEntropy = HXY = -sum p(i,j) log2(p(i,j) + eps)
  JointEntropy: (m) => m.hxy,
  // Imc1 = (HXY - HXY1) / max(HX, HY), HXY1 = -sum p(i,j) log2(px(i) py(j) + eps); 0 when max(HX, HY) = 0
  Imc1: (m) => {
    const hx = entropy(m.px);
    const hy = entropy(m.py);
    const { cellI, cellJ, cellP, px, py } = m;
    let hxy1 = 0;
    for (let c = 0; c < cellP.length; c++) hxy1 -= cellP[c] * Math.log2(px[cellI[c]] * py[cellJ[c]] + EPS);
    const div = Math.max(hx, hy);
    return div !== 0 ? (m.hxy - hxy1) / div : 0;
  },
  // Imc2 = sqrt(1 - e^(-2 (HXY2 - HXY))), HXY2 = -sum px(i) py(j) log2(px(i) py(j) + eps); 0 when HXY2 = HXY
  Imc2: (m) => {
    const { px, py } = m;
    const n = px.length;
    let hxy2 = 0;
    for (let i = 0; i < n; i++) {
      if (px[i] === 0) continue;
      for (let j = 0; j < n; j++) {
        const pxpy = px[i] * py[j];
        if (pxpy !== 0) hxy2 -= pxpy * Math.log2(pxpy + EPS);
      }
    }
    if (hxy2 === m.hxy) return 0;
    return Math.sqrt(1 - Math.pow(Math.E, -2 * (hxy2 - m.hxy)));
  },
  // Idm = sum_k p_{x-y}(k) / (1 + k^2)
  Idm: (m) => sumK(m.pxSuby, (k) => 1 + k * k),
  // Idmn = sum_k p_{x-y}(k) / (1 + k^2 / Ng^2)
  Idmn: (m, ng) => sumK(m.pxSuby, (k) => 1 + (k * k) / (ng * ng)),
  // Id = sum_k p_{x-y}(k) / (1 + k)
  Id: (m) => sumK(m.pxSuby, (k) => 1 + k),
  // Idn = sum_k p_{x-y}(k) / (1 + k / Ng)
  Idn: (m, ng) => sumK(m.pxSuby, (k) => 1 + k / ng),
  // InverseVariance = sum_{k>=1} p_{x-y}(k) / k^2
  InverseVariance: (m) => {
    let s = 0;
    for (let k = 1; k < m.pxSuby.length; k++) s += m.pxSuby[k] / (k * k);
    return s;
  },
  // MaximumProbability = max p(i,j)
  MaximumProbability: (m) => {
    let max = 0;
    for (let c = 0; c < m.cellP.length; c++) if (m.cellP[c] > max || Number.isNaN(m.cellP[c])) max = m.cellP[c];
    return max;
  },
  // SumAverage = sum_k k p_{x+y}(k), k = 2..2Ng
  SumAverage: (m) => {
    let s = 0;
    for (let k = 0; k < m.pxAddy.length; k++) s += (k + 2) * m.pxAddy[k];
    return s;
  },
  // SumEntropy = -sum_k p_{x+y}(k) log2(p_{x+y}(k) + eps)
  SumEntropy: (m) => entropy(m.pxAddy),
  // SumSquares = sum (i - mu_x)^2 p(i,j)
  SumSquares: (m) => sumP(m, (i) => (i - m.ux) * (i - m.ux)),
};

function differenceAverage(m: AngleMatrix): number {
  let s = 0;
  for (let k = 0; k < m.pxSuby.length; k++) s += k * m.pxSuby[k];
  return s;
}

/** sum_k v(k) / divisor(k) */
function sumK(v: Float64Array, divisor: (k: number) => number): number {
  let s = 0;
  for (let k = 0; k < v.length; k++) s += v[k] / divisor(k);
  return s;
}

/** Features of a GLCM set: per matrix, then nanmean over the matrices. */
export function glcmFeatures(m: GlcmMatrix, enabled: readonly string[]): Record<string, number> {
  const names = featuresToCompute(glcmInfo, enabled);
  const n = m.levels.length;
  const nn = n * n;
  const matrices: AngleMatrix[] = [];
  for (let a = 0; a < m.count; a++) matrices.push(angleMatrix(m.p, a * nn, m.levels, m.ng));
  const values = new Float64Array(m.count);
  const out: Record<string, number> = {};
  for (const name of names) {
    if (name === 'MCC') {
      // A single grey level gives a 1 x 1 Q with one eigenvalue: PyRadiomics returns 1.
      if (n < 2) {
        out[name] = 1;
        continue;
      }
      for (let a = 0; a < m.count; a++) values[a] = mccOfMatrix(matrices[a]);
    } else {
      const f = perAngle[name];
      for (let a = 0; a < m.count; a++) values[a] = f(matrices[a], m.ng);
    }
    // JointAverage uses numpy.mean (NaN propagates); every other feature numpy.nanmean.
    out[name] = name === 'JointAverage' ? mean(values) : nanMean(values);
  }
  return out;
}

function mean(v: Float64Array): number {
  let s = 0;
  for (let k = 0; k < v.length; k++) s += v[k];
  return s / v.length;
}

/** TextureCompute for glcm. */
export const computeGlcm: TextureCompute = (roi: BinnedRoi, settings: TextureSettings, enabled: readonly string[]) =>
  glcmFeatures(glcmMatrix(roi, settings), enabled);
