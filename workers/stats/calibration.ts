/**
 * Calibration of predicted probabilities against 0/1 outcomes:
 *  - the Hosmer-Lemeshow test as ResourceSelection::hoslem.test(y, p, g) computes it:
 *    breaks = unique(quantile(p, 0:g / g)) (R's type 7), bins = cut(p, breaks,
 *    include.lowest = TRUE), i.e. (a, b] with the first bin closed; chi-square over both outcome
 *    columns of (O - E)^2 / E. Bins left empty (possible with few distinct probabilities) are
 *    skipped, where hoslem.test itself would return NaN, and df = (non-empty bins) - 2.
 *    The bins are also the calibration curve (mean predicted vs observed rate per risk group).
 *  - the calibration slope and intercept, glm(y ~ qlogis(p)), and calibration-in-the-large,
 *    glm(y ~ 1, offset = qlogis(p)); the Brier score mean((p - y)^2).
 */
import { glmLogistic } from './glm.ts';
import { pchisq, qlogis } from './special.ts';

/** R's quantile(x, probs, type = 7), with its exact interpolation formula. */
export function quantileType7(x: ArrayLike<number>, probs: readonly number[]): number[] {
  const s = Float64Array.from(x).sort();
  const n = s.length;
  return probs.map((p) => {
    const index = 1 + Math.max(n - 1, 0) * p;
    const lo = Math.floor(index);
    const hi = Math.ceil(index);
    const qs = s[lo - 1];
    const xhi = s[hi - 1];
    if (index > lo && xhi !== qs) {
      const h = index - lo;
      return (1 - h) * qs + h * xhi;
    }
    return qs;
  });
}

export interface HosmerLemeshowBins {
  n: number[];
  observed1: number[];
  observed0: number[];
  expected1: number[];
  expected0: number[];
  /** null for an empty bin */
  meanPredicted: (number | null)[];
  observedRate: (number | null)[];
}

export interface HosmerLemeshowResult {
  chisq: number;
  df: number;
  p: number;
  /** non-empty bins */
  nGroups: number;
  nEmptyBins: number;
  breaks: number[];
  /** 1-based bin of each patient */
  groupOfPatient: Int32Array;
  bins: HosmerLemeshowBins;
}

export function hoslemTest(y: ArrayLike<number>, p: ArrayLike<number>, g = 10): HosmerLemeshowResult {
  const n = y.length;
  // seq(0, 1, 1/g) as R builds it: from + (0:g) * by
  const probs: number[] = [];
  const by = 1 / g;
  for (let k = 0; k <= g; k++) probs.push(k === g ? 1 : k * by);
  const q = quantileType7(p, probs);
  const breaks: number[] = [];
  for (const v of q) if (!breaks.includes(v)) breaks.push(v);
  breaks.sort((a, b) => a - b);
  const nb = Math.max(breaks.length - 1, 1);
  const groupOfPatient = new Int32Array(n);
  const bins: HosmerLemeshowBins = {
    n: new Array(nb).fill(0),
    observed1: new Array(nb).fill(0),
    observed0: new Array(nb).fill(0),
    expected1: new Array(nb).fill(0),
    expected0: new Array(nb).fill(0),
    meanPredicted: [],
    observedRate: [],
  };
  for (let i = 0; i < n; i++) {
    const v = p[i];
    // .bincode(right = TRUE, include.lowest = TRUE): bin b holds (breaks[b], breaks[b+1]], the first also breaks[0]
    let b = 0;
    if (breaks.length > 1) {
      while (b < nb - 1 && v > breaks[b + 1]) b++;
    }
    groupOfPatient[i] = b + 1;
    bins.n[b]++;
    if (y[i] === 1) bins.observed1[b]++;
    else bins.observed0[b]++;
    bins.expected1[b] += v;
    bins.expected0[b] += 1 - v;
  }
  let chisq = 0;
  let nGroups = 0;
  for (let b = 0; b < nb; b++) {
    if (bins.n[b] === 0) {
      bins.meanPredicted.push(null);
      bins.observedRate.push(null);
      continue;
    }
    nGroups++;
    chisq += (bins.observed1[b] - bins.expected1[b]) ** 2 / bins.expected1[b] + (bins.observed0[b] - bins.expected0[b]) ** 2 / bins.expected0[b];
    bins.meanPredicted.push(bins.expected1[b] / bins.n[b]);
    bins.observedRate.push(bins.observed1[b] / bins.n[b]);
  }
  const df = nGroups - 2;
  return {
    chisq,
    df,
    p: df > 0 ? pchisq(chisq, df, false) : NaN,
    nGroups,
    nEmptyBins: nb - nGroups,
    breaks,
    groupOfPatient,
    bins,
  };
}

export function brierScore(y: ArrayLike<number>, p: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (p[i] - y[i]) ** 2;
  return s / y.length;
}

/** glm(y ~ qlogis(p)): intercept and slope; NaN for both when every prediction is the same (R: NA). */
export function calibrationSlope(y: ArrayLike<number>, p: ArrayLike<number>): { intercept: number; slope: number } {
  const lp = Float64Array.from(p as ArrayLike<number>, qlogis);
  if (lp.every((v) => v === lp[0])) return { intercept: NaN, slope: NaN };
  const fit = glmLogistic([lp], y, { names: ['qlogis(p)'], label: 'calibration slope' });
  return { intercept: fit.coefficients[0], slope: fit.coefficients[1] };
}

/** glm(y ~ 1, offset = qlogis(p)): the intercept (calibration-in-the-large). */
export function calibrationInTheLarge(y: ArrayLike<number>, p: ArrayLike<number>): number {
  const lp = Float64Array.from(p as ArrayLike<number>, qlogis);
  return glmLogistic([], y, { offset: lp, label: 'calibration-in-the-large' }).coefficients[0];
}
