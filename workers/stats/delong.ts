/**
 * DeLong's method for the AUC (DeLong, DeLong & Clarke-Pearson 1988), as pROC implements it:
 * structural components ("placements") V10 for each case and V01 for each control,
 * var(AUC) = var(V10) / n_cases + var(V01) / n_controls (n - 1 denominators), the confidence
 * interval AUC +- z sqrt(var) truncated to [0, 1] (ci.auc), and the paired test of two
 * correlated curves on the same patients (roc.test(method = "delong", paired = TRUE)).
 */
import type { Roc } from './roc.ts';
import { pnorm, qnorm } from './special.ts';

export interface DelongPlacements {
  /** V10: for each case, the fraction of controls it beats (ties count one half) */
  X: Float64Array;
  /** V01: for each control, the fraction of cases that beat it */
  Y: Float64Array;
  /** the AUC, mean(X) = mean(Y) */
  theta: number;
}

export function delongPlacements(r: Roc): DelongPlacements {
  const cases = r.cases;
  const controls = r.controls;
  const m = cases.length;
  const n = controls.length;
  // doubled counts: 2 per control beaten, 1 per tie, so every placement is an exact ratio
  const X = new Float64Array(m);
  const Y = new Float64Array(n);
  const yCount = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < m; i++) {
    const c = cases[i];
    let count = 0;
    for (let j = 0; j < n; j++) {
      const k = controls[j];
      const s = c > k ? 2 : c === k ? 1 : 0;
      count += s;
      yCount[j] += s;
    }
    X[i] = count / (2 * n);
    total += count;
  }
  for (let j = 0; j < n; j++) Y[j] = yCount[j] / (2 * m);
  return { X, Y, theta: total / (2 * m * n) };
}

function sampleVariance(v: Float64Array): number {
  let mean = 0;
  for (const x of v) mean += x;
  mean /= v.length;
  let s = 0;
  for (const x of v) s += (x - mean) ** 2;
  return s / (v.length - 1);
}

/** var(roc, method = "delong"). */
export function delongVar(r: Roc, placements = delongPlacements(r)): number {
  return sampleVariance(placements.Y) / r.controls.length + sampleVariance(placements.X) / r.cases.length;
}

/** ci.auc(roc, method = "delong", conf.level): [lower, upper]. */
export function delongCi(r: Roc, confLevel = 0.95, placements = delongPlacements(r)): [number, number] {
  const m = r.cases.length;
  const n = r.controls.length;
  if (m <= 1 || n <= 1) return [NaN, NaN];
  const { X, Y, theta } = placements;
  let sx = 0;
  for (const v of X) sx += (v - theta) * (v - theta);
  let sy = 0;
  for (const v of Y) sy += (v - theta) * (v - theta);
  const S = sx / (m - 1) / m + sy / (n - 1) / n;
  const sd = Math.sqrt(S);
  const lo = theta + sd * qnorm((1 - confLevel) / 2);
  const hi = theta + sd * qnorm(1 - (1 - confLevel) / 2);
  return [Math.min(Math.max(lo, 0), 1), Math.min(Math.max(hi, 0), 1)];
}

export interface RocTestResult {
  /** AUC of the first and second curve */
  auc1: number;
  auc2: number;
  z: number;
  p: number;
  /** confidence interval of auc1 - auc2 */
  ciLower: number;
  ciUpper: number;
}

/**
 * roc.test(roc1, roc2, method = "delong", paired = TRUE): both curves must be computed on the
 * same patients (same cases and controls, in the same order).
 */
export function rocTest(r1: Roc, r2: Roc, confLevel = 0.95): RocTestResult {
  const m = r1.cases.length;
  const n = r1.controls.length;
  if (r2.cases.length !== m || r2.controls.length !== n) throw new Error('rocTest: the two curves are not on the same patients');
  const VR = delongPlacements(r1);
  const VS = delongPlacements(r2);
  let sx11 = 0;
  let sx12 = 0;
  let sx22 = 0;
  for (let i = 0; i < m; i++) {
    const a = VR.X[i] - VR.theta;
    const b = VS.X[i] - VS.theta;
    sx11 += a * a;
    sx12 += a * b;
    sx22 += b * b;
  }
  let sy11 = 0;
  let sy12 = 0;
  let sy22 = 0;
  for (let j = 0; j < n; j++) {
    const a = VR.Y[j] - VR.theta;
    const b = VS.Y[j] - VS.theta;
    sy11 += a * a;
    sy12 += a * b;
    sy22 += b * b;
  }
  // S = SX / m + SY / n; sig^2 = L S L' with L = (1, -1)
  const S11 = sx11 / (m - 1) / m + sy11 / (n - 1) / n;
  const S12 = sx12 / (m - 1) / m + sy12 / (n - 1) / n;
  const S22 = sx22 / (m - 1) / m + sy22 / (n - 1) / n;
  const sig = Math.sqrt(S11 - 2 * S12 + S22);
  const d = VR.theta - VS.theta;
  let z = d / sig;
  if (Number.isNaN(z) && d === 0 && sig === 0) z = 0; // pROC: identical curves
  const crit = qnorm(1 - (1 - confLevel) / 2);
  return { auc1: VR.theta, auc2: VS.theta, z, p: 2 * pnorm(-Math.abs(z)), ciLower: d - crit * sig, ciUpper: d + crit * sig };
}
