/**
 * Gray Level Run Length Matrix features, PyRadiomics's radiomics/glrlm.py
 * (https://pyradiomics.readthedocs.io/en/latest/features.html#module-radiomics.glrlm).
 *
 * Matrix (cmatrices.c calculate_glrlm + glrlm._calculateMatrix/_calculateCoefficients):
 * for each of the 13 one-direction offsets (4 with force2D; `distances` is not used),
 * walk every line of the crop along it; a run is a maximal sequence of consecutive ROI
 * voxels of one level, ended by a voxel outside the ROI. If no line of a direction holds
 * more than one ROI voxel, that direction is zeroed. Rows of absent levels are dropped;
 * with weightingNorm the directions are summed with weights (no_weighting: 1, else the
 * spaced offset's norm itself); empty directions are dropped (when more than one); run
 * lengths that never occur are dropped, keeping the true lengths j. Nr(theta) is the
 * number of runs of a direction. Features are computed per direction and averaged with
 * nanmean. log means log2(. + eps).
 */
import type { BinnedRoi, FeatureClassInfo, TextureCompute, TextureSettings } from '../types.ts';
import { generateAngles, type Offset } from './angles.ts';
import { EPS, featuresToCompute, nanMean, OUTSIDE, paddedLevelIndexImage } from './texture-common.ts';

/** PyRadiomics's GLRLM features in its output order (alphabetical by method name). */
export const glrlmInfo: FeatureClassInfo = {
  name: 'glrlm',
  features: [
    { name: 'GrayLevelNonUniformity' },
    { name: 'GrayLevelNonUniformityNormalized' },
    { name: 'GrayLevelVariance' },
    { name: 'HighGrayLevelRunEmphasis' },
    { name: 'LongRunEmphasis' },
    { name: 'LongRunHighGrayLevelEmphasis' },
    { name: 'LongRunLowGrayLevelEmphasis' },
    { name: 'LowGrayLevelRunEmphasis' },
    { name: 'RunEntropy' },
    { name: 'RunLengthNonUniformity' },
    { name: 'RunLengthNonUniformityNormalized' },
    { name: 'RunPercentage' },
    { name: 'RunVariance' },
    { name: 'ShortRunEmphasis' },
    { name: 'ShortRunHighGrayLevelEmphasis' },
    { name: 'ShortRunLowGrayLevelEmphasis' },
  ],
};

export interface GlrlmMatrix {
  /** grey levels present (true bin values): the rows */
  levels: Float64Array;
  /** the run lengths that occur (true lengths): the columns */
  runLengths: Float64Array;
  /** number of matrices: directions kept, or 1 when merged */
  count: number;
  /** the offset of each matrix (dz, dy, dx); empty when merged */
  angles: Offset[];
  /** P[(a * nLevels + g) * nRuns + r]: run counts (weighted sums when merged) */
  p: Float64Array;
  /** Nr(theta): number of runs per matrix (NaN when 0) */
  runCount: Float64Array;
}

/** Weight of a direction for weightingNorm (glrlm._calculateMatrix: the distance itself). */
function glrlmWeight(angle: Offset, spacingZyx: readonly number[], norm: NonNullable<TextureSettings['weightingNorm']>): number {
  const d0 = Math.abs(angle[0]) * spacingZyx[0];
  const d1 = Math.abs(angle[1]) * spacingZyx[1];
  const d2 = Math.abs(angle[2]) * spacingZyx[2];
  switch (norm) {
    case 'infinity':
      return Math.max(d0, d1, d2);
    case 'euclidean':
      return Math.sqrt(d0 * d0 + d1 * d1 + d2 * d2);
    case 'manhattan':
      return d0 + d1 + d2;
    case 'no_weighting':
      return 1;
    default:
      throw new Error(`setting weightingNorm: '${String(norm)}' is not one of manhattan, euclidean, infinity, no_weighting (or null)`);
  }
}

/** The run-length matrices of a binned crop (PyRadiomics's P_glrlm after its deletions). */
export function glrlmMatrix(roi: BinnedRoi, settings: TextureSettings): GlrlmMatrix {
  const size = roi.size;
  const [nx, ny, nz] = size;
  const angles = generateAngles(size, { distances: [1], force2D: settings.force2D, force2Ddimension: settings.force2Ddimension, bidirectional: false });
  const na = angles.length;
  const ng = roi.grayLevels.length;
  const maxRun = Math.max(nx, ny, nz);
  // lines followed by index offsets in the padded index image: a line ends at its border
  const idx = paddedLevelIndexImage(roi);
  const [px, py] = [nx + 2, ny + 2];
  const counts = new Int32Array(na * ng * maxRun); // integer counts; read as doubles below
  for (let a = 0; a < na; a++) {
    const [dz, dy, dx] = angles[a];
    const off = dz * px * py + dy * px + dx;
    const base = a * ng * maxRun;
    let multiElement = false;
    for (let z = 0; z < nz; z++) {
      for (let y = 0; y < ny; y++) {
        const row = 1 + px * (y + 1 + py * (z + 1));
        for (let x = 0; x < nx; x++) {
          // A line starts where the previous voxel along the direction is outside the crop.
          const start = row + x;
          if (idx[start - off] !== OUTSIDE) continue;
          let gl = -1;
          let run = 0;
          let elements = 0;
          for (let v = start; idx[v] !== OUTSIDE; v += off) {
            const g = idx[v];
            if (g >= 0) {
              elements++;
              if (gl === -1) gl = g;
              else if (g === gl) run++;
              else {
                counts[base + gl * maxRun + run]++;
                gl = g;
                run = 0;
              }
            } else if (gl > -1) {
              counts[base + gl * maxRun + run]++;
              gl = -1;
              run = 0;
            }
          }
          if (gl > -1) counts[base + gl * maxRun + run]++;
          if (elements > 1) multiElement = true;
        }
      }
    }
    // Only runs of length 1 along this direction (e.g. a 2D ROI across slices): zero it.
    if (!multiElement) for (let g = 0; g < ng; g++) counts[base + g * maxRun] = 0;
  }

  const cells = ng * maxRun;
  let matrices: Int32Array | Float64Array = counts;
  let kept: Offset[] = angles;
  let count = na;
  if (settings.weightingNorm !== null) {
    const sp = [roi.spacing[2], roi.spacing[1], roi.spacing[0]];
    const w = angles.map((angle) => glrlmWeight(angle, sp, settings.weightingNorm!));
    matrices = new Float64Array(cells);
    for (let a = 0; a < na; a++) for (let c = 0; c < cells; c++) matrices[c] += counts[a * cells + c] * w[a];
    kept = [];
    count = 1;
  }
  let runCount = new Float64Array(count);
  for (let a = 0; a < count; a++) {
    let s = 0;
    for (let c = 0; c < cells; c++) s += matrices[a * cells + c];
    runCount[a] = s;
  }
  if (count > 1) {
    const keep: number[] = [];
    for (let a = 0; a < count; a++) if (runCount[a] !== 0) keep.push(a);
    if (keep.length < count) {
      const m = new Float64Array(keep.length * cells);
      keep.forEach((a, k) => m.set(matrices.subarray(a * cells, (a + 1) * cells), k * cells));
      matrices = m;
      runCount = Float64Array.from(keep, (a) => runCount[a]);
      kept = keep.map((a) => angles[a]);
      count = keep.length;
    }
  }
  for (let a = 0; a < count; a++) if (runCount[a] === 0) runCount[a] = NaN;

  // Drop run lengths that occur in no matrix, keeping the true lengths.
  const used: number[] = [];
  for (let r = 0; r < maxRun; r++) {
    let s = 0;
    for (let a = 0; a < count; a++) for (let g = 0; g < ng; g++) s += matrices[(a * ng + g) * maxRun + r];
    if (s !== 0) used.push(r);
  }
  const nr = used.length;
  const p = new Float64Array(count * ng * nr);
  for (let a = 0; a < count; a++) {
    for (let g = 0; g < ng; g++) {
      for (let k = 0; k < nr; k++) p[(a * ng + g) * nr + k] = matrices[(a * ng + g) * maxRun + used[k]];
    }
  }
  return {
    levels: Float64Array.from(roi.grayLevels),
    runLengths: Float64Array.from(used, (r) => r + 1),
    count,
    angles: kept,
    p,
    runCount,
  };
}

/** Per-matrix marginals: pg(i) = sum_j P(i,j), pr(j) = sum_i P(i,j). */
interface Marginals {
  pg: Float64Array;
  pr: Float64Array;
}

type MatrixFeature = (m: GlrlmMatrix, a: number, mg: Marginals, nr: number) => number;

/** sum over (i, j) of P(i,j) f(i, j, P(i,j)) for matrix a */
function sumP(m: GlrlmMatrix, a: number, f: (pij: number, i: number, j: number) => number): number {
  const ng = m.levels.length;
  const nr = m.runLengths.length;
  let s = 0;
  for (let g = 0; g < ng; g++) for (let r = 0; r < nr; r++) s += f(m.p[(a * ng + g) * nr + r], m.levels[g], m.runLengths[r]);
  return s;
}

function sumVec(v: Float64Array, x: Float64Array, f: (pv: number, x: number) => number): number {
  let s = 0;
  for (let k = 0; k < v.length; k++) s += f(v[k], x[k]);
  return s;
}

const perMatrix: Record<string, MatrixFeature> = {
  // ShortRunEmphasis = sum P(i,j) / j^2 / Nr
  ShortRunEmphasis: (m, _a, mg, nr) => sumVec(mg.pr, m.runLengths, (p, j) => p / (j * j)) / nr,
  // LongRunEmphasis = sum P(i,j) j^2 / Nr
  LongRunEmphasis: (m, _a, mg, nr) => sumVec(mg.pr, m.runLengths, (p, j) => p * (j * j)) / nr,
  // GrayLevelNonUniformity = sum_i (sum_j P(i,j))^2 / Nr
  GrayLevelNonUniformity: (m, _a, mg, nr) => sumVec(mg.pg, m.levels, (p) => p * p) / nr,
  // GrayLevelNonUniformityNormalized = sum_i (sum_j P(i,j))^2 / Nr^2
  GrayLevelNonUniformityNormalized: (m, _a, mg, nr) => sumVec(mg.pg, m.levels, (p) => p * p) / (nr * nr),
  // RunLengthNonUniformity = sum_j (sum_i P(i,j))^2 / Nr
  RunLengthNonUniformity: (m, _a, mg, nr) => sumVec(mg.pr, m.runLengths, (p) => p * p) / nr,
  // RunLengthNonUniformityNormalized = sum_j (sum_i P(i,j))^2 / Nr^2
  RunLengthNonUniformityNormalized: (m, _a, mg, nr) => sumVec(mg.pr, m.runLengths, (p) => p * p) / (nr * nr),
  // RunPercentage = Nr / Np, Np = sum P(i,j) j (the voxels counted, times the merged directions)
  RunPercentage: (m, _a, mg, nr) => nr / sumVec(mg.pr, m.runLengths, (p, j) => p * j),
  // GrayLevelVariance = sum p(i,j) (i - mu)^2, mu = sum p(i,j) i, p = P / Nr
  GrayLevelVariance: (m, _a, mg, nr) => {
    const pg = mg.pg.map((v) => v / nr);
    const mu = sumVec(pg, m.levels, (p, i) => p * i);
    return sumVec(pg, m.levels, (p, i) => p * ((i - mu) * (i - mu)));
  },
  // RunVariance = sum p(i,j) (j - mu)^2, mu = sum p(i,j) j, p = P / Nr
  RunVariance: (m, _a, mg, nr) => {
    const pr = mg.pr.map((v) => v / nr);
    const mu = sumVec(pr, m.runLengths, (p, j) => p * j);
    return sumVec(pr, m.runLengths, (p, j) => p * ((j - mu) * (j - mu)));
  },
  // RunEntropy = -sum p(i,j) log2(p(i,j) + eps), p = P / Nr
  RunEntropy: (m, a, _mg, nr) =>
    -sumP(m, a, (pij) => {
      const p = pij / nr;
      return p * Math.log2(p + EPS);
    }),
  // LowGrayLevelRunEmphasis = sum P(i,j) / i^2 / Nr
  LowGrayLevelRunEmphasis: (m, _a, mg, nr) => sumVec(mg.pg, m.levels, (p, i) => p / (i * i)) / nr,
  // HighGrayLevelRunEmphasis = sum P(i,j) i^2 / Nr
  HighGrayLevelRunEmphasis: (m, _a, mg, nr) => sumVec(mg.pg, m.levels, (p, i) => p * (i * i)) / nr,
  // ShortRunLowGrayLevelEmphasis = sum P(i,j) / (i^2 j^2) / Nr
  ShortRunLowGrayLevelEmphasis: (m, a, _mg, nr) => sumP(m, a, (p, i, j) => p / (i * i * (j * j))) / nr,
  // ShortRunHighGrayLevelEmphasis = sum P(i,j) i^2 / j^2 / Nr
  ShortRunHighGrayLevelEmphasis: (m, a, _mg, nr) => sumP(m, a, (p, i, j) => (p * (i * i)) / (j * j)) / nr,
  // LongRunLowGrayLevelEmphasis = sum P(i,j) j^2 / i^2 / Nr
  LongRunLowGrayLevelEmphasis: (m, a, _mg, nr) => sumP(m, a, (p, i, j) => (p * (j * j)) / (i * i)) / nr,
  // LongRunHighGrayLevelEmphasis = sum P(i,j) i^2 j^2 / Nr
  LongRunHighGrayLevelEmphasis: (m, a, _mg, nr) => sumP(m, a, (p, i, j) => p * (j * j * (i * i))) / nr,
};

function marginals(m: GlrlmMatrix, a: number): Marginals {
  const ng = m.levels.length;
  const nr = m.runLengths.length;
  const pg = new Float64Array(ng);
  const pr = new Float64Array(nr);
  for (let g = 0; g < ng; g++) {
    for (let r = 0; r < nr; r++) {
      const v = m.p[(a * ng + g) * nr + r];
      pg[g] += v;
      pr[r] += v;
    }
  }
  return { pg, pr };
}

/** Features of a GLRLM set: per matrix, then nanmean over the matrices. */
export function glrlmFeatures(m: GlrlmMatrix, enabled: readonly string[]): Record<string, number> {
  const names = featuresToCompute(glrlmInfo, enabled);
  const mgs: Marginals[] = [];
  for (let a = 0; a < m.count; a++) mgs.push(marginals(m, a));
  const values = new Float64Array(m.count);
  const out: Record<string, number> = {};
  for (const name of names) {
    const f = perMatrix[name];
    for (let a = 0; a < m.count; a++) values[a] = f(m, a, mgs[a], m.runCount[a]);
    out[name] = nanMean(values);
  }
  return out;
}

/** TextureCompute for glrlm. */
export const computeGlrlm: TextureCompute = (roi: BinnedRoi, settings: TextureSettings, enabled: readonly string[]) =>
  glrlmFeatures(glrlmMatrix(roi, settings), enabled);
