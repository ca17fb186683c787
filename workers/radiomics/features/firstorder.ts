/**
 * First-order statistics (PyRadiomics radiomics/firstorder.py, RadiomicsFirstOrder).
 *
 * Every feature uses the ROI's original (cropped, not discretised) voxel values X, N_p of
 * them, in numpy's C order (x fastest), except Entropy and Uniformity, which use the
 * histogram of the discretised bins, p(i) = count(i) / N_p. Reductions reproduce numpy's
 * (pairwise sums, linear-interpolation percentiles), so values agree to the last bits.
 *
 * `ibsi: true` (IBSI 1, section 3.3 "Intensity-based statistical features"): Kurtosis is
 * excess kurtosis (minus 3) and voxelArrayShift is not applied.
 */
import type { BinnedRoi, FeatureClassInfo } from '../types.ts';
import { medianOfSorted, npSum, percentileLinear } from '../npstats.ts';

/** PyRadiomics's order: sorted by method name `get<Name>FeatureValue` (inspect.getmembers). */
export const firstorderInfo: FeatureClassInfo = {
  name: 'firstorder',
  features: [
    { name: '10Percentile' },
    { name: '90Percentile' },
    { name: 'Energy' },
    { name: 'Entropy' },
    { name: 'InterquartileRange' },
    { name: 'Kurtosis' },
    { name: 'Maximum' },
    { name: 'MeanAbsoluteDeviation' },
    { name: 'Mean' },
    { name: 'Median' },
    { name: 'Minimum' },
    { name: 'Range' },
    { name: 'RobustMeanAbsoluteDeviation' },
    { name: 'RootMeanSquared' },
    { name: 'Skewness' },
    { name: 'StandardDeviation', deprecated: true },
    { name: 'TotalEnergy' },
    { name: 'Uniformity' },
    { name: 'Variance' },
  ],
};

export interface FirstOrderSettings {
  /** added to X in Energy, TotalEnergy and RootMeanSquared (default 0) */
  voxelArrayShift: number;
  ibsi?: boolean;
}

const EPS = 2.220446049250313e-16; // numpy.spacing(1)

/** Computes the enabled first-order features (PyRadiomics names, no prefix), in `enabled`'s order. */
export function computeFirstOrder(roi: BinnedRoi, settings: FirstOrderSettings, enabled: readonly string[]): Record<string, number> {
  const { image, mask, levels, spacing } = roi;
  let n = 0;
  for (let i = 0; i < mask.length; i++) n += mask[i];
  const x = new Float64Array(n);
  const binCount = new Int32Array(roi.ng + 1);
  for (let i = 0, k = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    x[k++] = image[i];
    binCount[levels[i]]++;
  }
  const shift = settings.ibsi ? 0 : settings.voxelArrayShift;
  const tmp = new Float64Array(n);

  // Lazily computed shared quantities.
  let sortedX: Float64Array | null = null;
  const sorted = () => (sortedX ??= Float64Array.from(x).sort());
  let meanX: number | null = null;
  const mean = () => (meanX ??= npSum(x) / n);
  const moment = (k: number) => {
    const m = mean();
    for (let i = 0; i < n; i++) tmp[i] = Math.pow(x[i] - m, k);
    return npSum(tmp) / n;
  };
  // numpy.nanstd: sqrt(sum((x - mean)^2) / n)
  const std = () => {
    const m = mean();
    for (let i = 0; i < n; i++) {
      const d = x[i] - m;
      tmp[i] = d * d;
    }
    return Math.sqrt(npSum(tmp) / n);
  };
  const energy = () => {
    for (let i = 0; i < n; i++) {
      const v = x[i] + shift;
      tmp[i] = v * v;
    }
    return npSum(tmp);
  };
  // p(i) over the bins present, in increasing bin order (numpy.unique)
  const probabilities = () => {
    const p: number[] = [];
    for (let b = 0; b < binCount.length; b++) if (binCount[b] > 0) p.push(binCount[b] / n);
    return Float64Array.from(p);
  };
  const percentile = (p: number) => percentileLinear(sorted(), p);

  const out: Record<string, number> = {};
  for (const name of enabled) {
    switch (name) {
      case '10Percentile':
        out[name] = percentile(10);
        break;
      case '90Percentile':
        out[name] = percentile(90);
        break;
      case 'Energy':
        // sum (X + c)^2
        out[name] = energy();
        break;
      case 'TotalEnergy':
        // Energy * voxel volume (numpy.multiply.reduce of the spacing)
        out[name] = energy() * (spacing[0] * spacing[1] * spacing[2]);
        break;
      case 'Entropy': {
        // -sum p log2(p + eps)
        const p = probabilities();
        for (let i = 0; i < p.length; i++) p[i] = p[i] * Math.log2(p[i] + EPS);
        out[name] = -1.0 * npSum(p);
        break;
      }
      case 'Uniformity': {
        // sum p^2
        const p = probabilities();
        for (let i = 0; i < p.length; i++) p[i] = p[i] * p[i];
        out[name] = npSum(p);
        break;
      }
      case 'Minimum':
        out[name] = sorted()[0];
        break;
      case 'Maximum':
        out[name] = sorted()[n - 1];
        break;
      case 'Mean':
        out[name] = mean();
        break;
      case 'Median':
        out[name] = medianOfSorted(sorted());
        break;
      case 'InterquartileRange':
        out[name] = percentile(75) - percentile(25);
        break;
      case 'Range':
        out[name] = sorted()[n - 1] - sorted()[0];
        break;
      case 'MeanAbsoluteDeviation': {
        // mean |X - mean(X)|
        const m = mean();
        for (let i = 0; i < n; i++) tmp[i] = Math.abs(x[i] - m);
        out[name] = npSum(tmp) / n;
        break;
      }
      case 'RobustMeanAbsoluteDeviation': {
        // mean |X' - mean(X')| over X' = the voxels with P10 <= X <= P90. numpy.nanmean
        // sums with zeros in place of the excluded voxels, which we keep for its order.
        const p10 = percentile(10);
        const p90 = percentile(90);
        let cnt = 0;
        for (let i = 0; i < n; i++) {
          const keep = !(x[i] - p10 < 0 || x[i] - p90 > 0);
          tmp[i] = keep ? x[i] : 0;
          if (keep) cnt++;
        }
        const m = npSum(tmp) / cnt;
        for (let i = 0; i < n; i++) {
          const keep = !(x[i] - p10 < 0 || x[i] - p90 > 0);
          tmp[i] = keep ? Math.abs(x[i] - m) : 0;
        }
        out[name] = npSum(tmp) / cnt;
        break;
      }
      case 'RootMeanSquared':
        // sqrt(sum (X + c)^2 / N)
        out[name] = Math.sqrt(energy() / n);
        break;
      case 'StandardDeviation':
        out[name] = std();
        break;
      case 'Variance': {
        // numpy.nanstd(X) ** 2
        const s = std();
        out[name] = s * s;
        break;
      }
      case 'Skewness': {
        // m3 / m2^1.5 (population moments); m2 = 0 gives m3 / 1
        let m2 = moment(2);
        const m3 = moment(3);
        if (m2 === 0) m2 = 1;
        out[name] = m3 / Math.pow(m2, 1.5);
        break;
      }
      case 'Kurtosis': {
        // m4 / m2^2 (not excess; IBSI's is minus 3); m2 = 0 gives m4 / 1
        let m2 = moment(2);
        const m4 = moment(4);
        if (m2 === 0) m2 = 1;
        const k = m4 / (m2 * m2);
        out[name] = settings.ibsi ? k - 3 : k;
        break;
      }
      default:
        throw new Error(`firstorder: unknown feature '${name}'`);
    }
  }
  return out;
}
