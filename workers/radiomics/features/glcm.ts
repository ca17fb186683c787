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

/** The normalised GLCMs of a binned crop (PyRadiomics's P_glcm, angle-major), dense. */
export function glcmMatrix(roi: BinnedRoi, settings: TextureSettings): GlcmMatrix {
  return denseOf(glcmCells(roi, settings));
}

/**
 * The nonzero cells of the normalised GLCMs, matrix by matrix, each in row-major order: with
 * many grey levels the matrices are mostly zeros, and a zero cell adds exactly nothing to
 * any feature's sum, so everything runs on these lists.
 */
export interface GlcmCells {
  levels: Float64Array;
  ng: number;
  count: number;
  angles: Offset[];
  /** matrix a's cells are [start[a], start[a + 1]) */
  start: Int32Array;
  /** level indices and p(i, j) of each cell */
  ci: Int32Array;
  cj: Int32Array;
  cp: Float64Array;
}

/**
 * glcmCells: per angle the (i, j) pairs of the ROI are keyed i n + j (and j n + i for the
 * symmetrical GLCM) and counted; the distinct keys, in increasing order, are the cells in
 * row-major order. Counts and totals are integers, so p = count / total is the dense
 * computation's value. Merged angles (weightingNorm) and an angle without any pair (its
 * matrix is NaN) take the dense path.
 */
export function glcmCells(roi: BinnedRoi, settings: TextureSettings): GlcmCells {
  if (settings.weightingNorm !== null) return cellsOf(denseGlcm(roi, settings));
  const [nx, ny, nz] = roi.size;
  const allAngles = generateAngles(roi.size, { distances: settings.distances, force2D: settings.force2D, force2Ddimension: settings.force2Ddimension, bidirectional: false });
  const n = roi.grayLevels.length;
  const nn = n * n;
  const idx = levelIndexImage(roi);
  const { count: nv, index, x: vx, y: vy, z: vz, level } = roiVoxels(idx, roi.size);
  const sym = settings.symmetricalGLCM;
  const keyCount = (sym ? 2 : 1) * nv;
  // counts per key, and the keys met (distinct), when n x n counters are affordable; else sorted keys
  const counts = nn <= 1 << 22 ? new Int32Array(nn) : null;
  const keys = nn < 2 ** 31 ? new Int32Array(keyCount) : new Float64Array(keyCount);
  const kept: Offset[] = [];
  const start = new Int32Array(allAngles.length + 1);
  // one angle's cells (at most one per key), then copied out at their number
  const ai = new Int32Array(Math.min(keyCount, nn));
  const aj = new Int32Array(ai.length);
  const ap = new Float64Array(ai.length);
  const parts: { i: Int32Array; j: Int32Array; p: Float64Array }[] = [];
  let cells = 0;
  for (const angle of allAngles) {
    const [dz, dy, dx] = angle;
    const off = linearOffset(angle, roi.size);
    let total = 0;
    let k = 0;
    for (let r = 0; r < nv; r++) {
      const x = vx[r] + dx;
      const y = vy[r] + dy;
      const z = vz[r] + dz;
      if (x < 0 || x >= nx || y < 0 || y >= ny || z < 0 || z >= nz) continue;
      const lj = idx[index[r] + off];
      if (lj < 0) continue;
      const li = level[r];
      const a = li * n + lj;
      const b = lj * n + li;
      if (counts) {
        if (counts[a]++ === 0) keys[k++] = a;
        if (sym && counts[b]++ === 0) keys[k++] = b;
      } else {
        keys[k++] = a;
        if (sym) keys[k++] = b;
      }
      total += sym ? 2 : 1;
    }
    if (total === 0) {
      if (allAngles.length === 1) return cellsOf(denseGlcm(roi, settings)); // the one matrix is NaN
      continue; // angles without any pair are dropped
    }
    let m = 0;
    if (counts && nn <= 8 * k) {
      // dense enough: walk the counters in order
      for (let key = 0; key < nn; key++) {
        const c = counts[key];
        if (c === 0) continue;
        counts[key] = 0;
        const i = Math.floor(key / n);
        ai[m] = i;
        aj[m] = key - i * n;
        ap[m++] = c / total;
      }
    } else {
      const sorted = keys.subarray(0, k).sort();
      for (let a = 0; a < k; ) {
        const key = sorted[a];
        let c: number;
        if (counts) {
          c = counts[key];
          counts[key] = 0;
          a++;
        } else {
          let b = a + 1;
          while (b < k && sorted[b] === key) b++;
          c = b - a;
          a = b;
        }
        const i = Math.floor(key / n);
        ai[m] = i;
        aj[m] = key - i * n;
        ap[m++] = c / total;
      }
    }
    parts.push({ i: ai.slice(0, m), j: aj.slice(0, m), p: ap.slice(0, m) });
    cells += m;
    kept.push(angle);
    start[kept.length] = cells;
  }
  const ci = new Int32Array(cells);
  const cj = new Int32Array(cells);
  const cp = new Float64Array(cells);
  for (let a = 0; a < parts.length; a++) {
    ci.set(parts[a].i, start[a]);
    cj.set(parts[a].j, start[a]);
    cp.set(parts[a].p, start[a]);
  }
  return {
    levels: Float64Array.from(roi.grayLevels),
    ng: roi.ng,
    count: kept.length,
    angles: kept,
    start: start.subarray(0, kept.length + 1),
    ci,
    cj,
    cp,
  };
}

/** The cells of dense matrices (p != 0, NaN included), row-major. */
function cellsOf(m: GlcmMatrix): GlcmCells {
  const n = m.levels.length;
  const start = new Int32Array(m.count + 1);
  const ci: number[] = [];
  const cj: number[] = [];
  const cp: number[] = [];
  for (let a = 0; a < m.count; a++) {
    for (let i = 0, o = a * n * n; i < n; i++)
      for (let j = 0; j < n; j++, o++) {
        if (m.p[o] === 0) continue;
        ci.push(i);
        cj.push(j);
        cp.push(m.p[o]);
      }
    start[a + 1] = ci.length;
  }
  return { levels: m.levels, ng: m.ng, count: m.count, angles: m.angles, start, ci: Int32Array.from(ci), cj: Int32Array.from(cj), cp: Float64Array.from(cp) };
}

/** Dense matrices from cells. */
function denseOf(c: GlcmCells): GlcmMatrix {
  const n = c.levels.length;
  const p = new Float64Array(c.count * n * n);
  for (let a = 0; a < c.count; a++) for (let k = c.start[a]; k < c.start[a + 1]; k++) p[(a * n + c.ci[k]) * n + c.cj[k]] = c.cp[k];
  return { levels: c.levels, ng: c.ng, count: c.count, angles: c.angles, p };
}

/** The dense computation (cmatrices.c calculate_glcm, then glcm._calculateMatrix), for merged angles. */
function denseGlcm(roi: BinnedRoi, settings: TextureSettings): GlcmMatrix {
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
 * One normalised matrix with PyRadiomics's coefficients (glcm._calculateCoefficients),
 * from its nonzero cells in row-major order: a cell with p = 0 adds exactly nothing to any
 * sum p(i,j) f(i,j), so the sums run over these cells only, in numpy's order, which keeps
 * the cost proportional to the pairs that occur, not to Ng^2.
 */
interface AngleMatrix {
  /** the cells of this matrix: [c0, c1) of the lists */
  cells: GlcmCells;
  c0: number;
  c1: number;
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
  /** computed on first use */
  sums?: CellSums;
  logs?: MarginalLogs | null;
}

function angleMatrix(cells: GlcmCells, a: number): AngleMatrix {
  const lv = cells.levels;
  const ng = cells.ng;
  const n = lv.length;
  const c0 = cells.start[a];
  const c1 = cells.start[a + 1];
  const cellI = cells.ci.subarray(c0, c1);
  const cellJ = cells.cj.subarray(c0, c1);
  const cellP = cells.cp.subarray(c0, c1);
  const px = new Float64Array(n);
  const py = new Float64Array(n);
  const pxAddy = new Float64Array(2 * ng - 1);
  const pxSuby = new Float64Array(ng);
  let ux = 0;
  let uy = 0;
  let hxy = 0;
  for (let c = 0; c < cellP.length; c++) {
    const i = cellI[c];
    const j = cellJ[c];
    const v = cellP[c];
    px[i] += v;
    py[j] += v;
    ux += lv[i] * v;
    uy += lv[j] * v;
    pxAddy[lv[i] + lv[j] - 2] += v;
    pxSuby[Math.abs(lv[i] - lv[j])] += v;
    hxy -= v * Math.log2(v + EPS);
  }
  return { cells, c0, c1, lv, cellI, cellJ, cellP, px, py, ux, uy, pxAddy, pxSuby, hxy };
}

/**
 * The sums over the cells the features take, sum p(i,j) f(i,j) with i, j the grey levels,
 * all in one pass; each is added in cell order with the expression its feature states.
 */
interface CellSums {
  /** f = i j */
  autocorrelation: number;
  /** t = i + j - mu_x - mu_y: f = t^4, t^3, t^2 */
  prominence: number;
  shade: number;
  tendency: number;
  /** f = (i - j)^2 */
  contrast: number;
  /** f = (i - mu_x)^2, (j - mu_y)^2 */
  varX: number;
  varY: number;
  /** p (i - mu_x) (j - mu_y), multiplied left to right */
  coVar: number;
  /** f = p */
  energy: number;
  maxP: number;
}

function cellSums(m: AngleMatrix): CellSums {
  if (m.sums) return m.sums;
  const { cellI, cellJ, cellP, lv, ux, uy } = m;
  let autocorrelation = 0, prominence = 0, shade = 0, tendency = 0, contrast = 0;
  let varX = 0, varY = 0, coVar = 0, energy = 0, maxP = 0;
  for (let c = 0; c < cellP.length; c++) {
    const p = cellP[c];
    const i = lv[cellI[c]];
    const j = lv[cellJ[c]];
    autocorrelation += p * (i * j);
    const t = i + j - ux - uy;
    const t2 = t * t;
    prominence += p * (t2 * t2);
    shade += p * (t2 * t);
    tendency += p * t2;
    contrast += p * ((i - j) * (i - j));
    const dx = i - ux;
    const dy = j - uy;
    varX += p * (dx * dx);
    varY += p * (dy * dy);
    coVar += p * dx * dy;
    energy += p * p;
    if (p > maxP || Number.isNaN(p)) maxP = p;
  }
  m.sums = { autocorrelation, prominence, shade, tendency, contrast, varX, varY, coVar, energy, maxP };
  return m.sums;
}

/**
 * log2(px(i) py(j) + eps) for the nonzero marginals, which a matrix has few distinct values
 * of: the logarithm is taken once per pair of distinct values (table[row[i] * cols + col[j]]).
 * Null when a marginal is NaN (an empty merged matrix).
 */
interface MarginalLogs {
  row: Int32Array;
  col: Int32Array;
  cols: number;
  table: Float64Array;
  /** the distinct px and py values */
  ux: Float64Array;
  uy: Float64Array;
}

function marginalLogs(m: AngleMatrix): MarginalLogs | null {
  if (m.logs !== undefined) return m.logs;
  const { px, py } = m;
  const n = px.length;
  const row = new Int32Array(n);
  const col = new Int32Array(n);
  const ux = distinctNonzero(px, row);
  const uy = distinctNonzero(py, col);
  if (!ux || !uy) return (m.logs = null);
  const cols = uy.length;
  const table = new Float64Array(ux.length * cols);
  for (let a = 0; a < ux.length; a++) for (let b = 0; b < cols; b++) table[a * cols + b] = Math.log2(ux[a] * uy[b] + EPS);
  return (m.logs = { row, col, cols, table, ux, uy });
}

/**
 * The distinct nonzero values of v (in order of appearance), index[i] = v[i]'s among them;
 * null when one is NaN. A matrix's marginals take few distinct values: a linear search.
 */
function distinctNonzero(v: Float64Array, index: Int32Array): Float64Array | null {
  const values = new Float64Array(v.length);
  let u = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (x === 0) continue;
    if (x !== x) return null; // NaN
    let k = 0;
    while (k < u && values[k] !== x) k++;
    if (k === u) values[u++] = x;
    index[i] = k;
  }
  return values.subarray(0, u);
}

/** HXY1 = -sum p(i,j) log2(px(i) py(j) + eps), over the cells */
function hxy1Of(m: AngleMatrix): number {
  const { cellI, cellJ, cellP, px, py } = m;
  const logs = marginalLogs(m);
  let hxy1 = 0;
  if (!logs) {
    for (let c = 0; c < cellP.length; c++) hxy1 -= cellP[c] * Math.log2(px[cellI[c]] * py[cellJ[c]] + EPS);
    return hxy1;
  }
  const { row, col, cols, table } = logs;
  // a nonzero cell has nonzero marginals
  for (let c = 0; c < cellP.length; c++) hxy1 -= cellP[c] * table[row[cellI[c]] * cols + col[cellJ[c]]];
  return hxy1;
}

/**
 * HXY2 = -sum_i sum_j px(i) py(j) log2(px(i) py(j) + eps), over px(i) != 0 and
 * px(i) py(j) != 0, i-major; each term from the table of distinct values.
 */
function hxy2Of(m: AngleMatrix): number {
  const { px, py } = m;
  const n = px.length;
  const logs = marginalLogs(m);
  let hxy2 = 0;
  if (!logs) {
    for (let i = 0; i < n; i++) {
      if (px[i] === 0) continue;
      for (let j = 0; j < n; j++) {
        const pxpy = px[i] * py[j];
        if (pxpy !== 0) hxy2 -= pxpy * Math.log2(pxpy + EPS);
      }
    }
    return hxy2;
  }
  const { row, col, cols, table, ux, uy } = logs;
  // the terms of each pair of distinct values; a zero product adds nothing (subtracting +0)
  const terms = new Float64Array(table.length);
  for (let a = 0; a < ux.length; a++)
    for (let b = 0; b < cols; b++) {
      const pxpy = ux[a] * uy[b];
      terms[a * cols + b] = pxpy !== 0 ? pxpy * table[a * cols + b] : 0;
    }
  const js: number[] = [];
  for (let j = 0; j < n; j++) if (py[j] !== 0) js.push(col[j]); // py(j) = 0: a zero product
  const colTerm = Int32Array.from(js);
  for (let i = 0; i < n; i++) {
    if (px[i] === 0) continue;
    const base = row[i] * cols;
    for (let c = 0; c < colTerm.length; c++) hxy2 -= terms[base + colTerm[c]];
  }
  return hxy2;
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
  const n = c.lv.length;
  const p = new Float64Array(n * n);
  const o = 0;
  for (let k = 0; k < c.cellP.length; k++) p[c.cellI[k] * n + c.cellJ[k]] = c.cellP[k];
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
  Autocorrelation: (m) => cellSums(m).autocorrelation,
  // JointAverage = mu_x = sum p(i,j) i
  JointAverage: (m) => m.ux,
  // ClusterProminence = sum (i + j - mu_x - mu_y)^4 p(i,j)
  // (numpy's ** 4 calls C pow; products differ from it by an ulp or two and V8's Math.pow is slow)
  ClusterProminence: (m) => cellSums(m).prominence,
  // ClusterShade = sum (i + j - mu_x - mu_y)^3 p(i,j)
  ClusterShade: (m) => cellSums(m).shade,
  // ClusterTendency = sum (i + j - mu_x - mu_y)^2 p(i,j)
  ClusterTendency: (m) => cellSums(m).tendency,
  // Contrast = sum (i - j)^2 p(i,j)
  Contrast: (m) => cellSums(m).contrast,
  // Correlation = (sum p(i,j) i j - mu_x mu_y) / (sigma_x sigma_y); 1 when sigma_x sigma_y = 0
  Correlation: (m) => {
    const sums = cellSums(m);
    const sigx = Math.sqrt(sums.varX);
    const sigy = Math.sqrt(sums.varY);
    if (sigx * sigy === 0) return 1;
    return sums.coVar / (sigx * sigy + EPS);
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
  JointEnergy: (m) => cellSums(m).energy,
  // JointEntropy = HXY = -sum p(i,j) log2(p(i,j) + eps)
  JointEntropy: (m) => m.hxy,
  // Imc1 = (HXY - HXY1) / max(HX, HY), HXY1 = -sum p(i,j) log2(px(i) py(j) + eps); 0 when max(HX, HY) = 0
  Imc1: (m) => {
    const hx = entropy(m.px);
    const hy = entropy(m.py);
    const hxy1 = hxy1Of(m);
    const div = Math.max(hx, hy);
    return div !== 0 ? (m.hxy - hxy1) / div : 0;
  },
  // Imc2 = sqrt(1 - e^(-2 (HXY2 - HXY))), HXY2 = -sum px(i) py(j) log2(px(i) py(j) + eps); 0 when HXY2 = HXY
  Imc2: (m) => {
    const hxy2 = hxy2Of(m);
    if (hxy2 === m.hxy) return 0;
    return Math.sqrt(1 - Math.pow(Math.E, -2 * (hxy2 - m.hxy)));
  },
  // Idm = sum_k p_{x-y}(k) / (1 + k^2)
  Idm: (m) => {
    const v = m.pxSuby;
    let s = 0;
    for (let k = 0; k < v.length; k++) s += v[k] / (1 + k * k);
    return s;
  },
  // Idmn = sum_k p_{x-y}(k) / (1 + k^2 / Ng^2)
  Idmn: (m, ng) => {
    const v = m.pxSuby;
    let s = 0;
    for (let k = 0; k < v.length; k++) s += v[k] / (1 + (k * k) / (ng * ng));
    return s;
  },
  // Id = sum_k p_{x-y}(k) / (1 + k)
  Id: (m) => {
    const v = m.pxSuby;
    let s = 0;
    for (let k = 0; k < v.length; k++) s += v[k] / (1 + k);
    return s;
  },
  // Idn = sum_k p_{x-y}(k) / (1 + k / Ng)
  Idn: (m, ng) => {
    const v = m.pxSuby;
    let s = 0;
    for (let k = 0; k < v.length; k++) s += v[k] / (1 + k / ng);
    return s;
  },
  // InverseVariance = sum_{k>=1} p_{x-y}(k) / k^2
  InverseVariance: (m) => {
    let s = 0;
    for (let k = 1; k < m.pxSuby.length; k++) s += m.pxSuby[k] / (k * k);
    return s;
  },
  // MaximumProbability = max p(i,j)
  MaximumProbability: (m) => cellSums(m).maxP,
  // SumAverage = sum_k k p_{x+y}(k), k = 2..2Ng
  SumAverage: (m) => {
    let s = 0;
    for (let k = 0; k < m.pxAddy.length; k++) s += (k + 2) * m.pxAddy[k];
    return s;
  },
  // SumEntropy = -sum_k p_{x+y}(k) log2(p_{x+y}(k) + eps)
  SumEntropy: (m) => entropy(m.pxAddy),
  // SumSquares = sum (i - mu_x)^2 p(i,j)
  SumSquares: (m) => cellSums(m).varX,
};

function differenceAverage(m: AngleMatrix): number {
  let s = 0;
  for (let k = 0; k < m.pxSuby.length; k++) s += k * m.pxSuby[k];
  return s;
}

/** Features of a GLCM set: per matrix, then nanmean over the matrices. */
export function glcmFeatures(m: GlcmCells, enabled: readonly string[]): Record<string, number> {
  const names = featuresToCompute(glcmInfo, enabled);
  const n = m.levels.length;
  const matrices: AngleMatrix[] = [];
  for (let a = 0; a < m.count; a++) matrices.push(angleMatrix(m, a));
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
  glcmFeatures(glcmCells(roi, settings), enabled);
