/**
 * Intraclass correlation for k raters (columns) on n subjects (rows), single-rater forms
 * (Shrout & Fleiss 1979; McGraw & Wong 1996), from the two-way ANOVA mean squares exactly as
 * psych::ICC computes them:
 *   ICC(1,1) = (MSR - MSW) / (MSR + (k-1) MSW)                      one-way random
 *   ICC(2,1) = (MSR - MSE) / (MSR + (k-1) MSE + k (MSC - MSE) / n)  two-way random, absolute agreement
 *   ICC(3,1) = (MSR - MSE) / (MSR + (k-1) MSE)                      two-way mixed, consistency
 * with F tests and 95% confidence intervals as psych reports them.
 */
import { pf, qf } from './special.ts';

export type IccType = 'ICC(1,1)' | 'ICC(2,1)' | 'ICC(3,1)';

export interface IccAnova {
  /** between subjects (rows) */
  msRows: number;
  /** between raters (columns) */
  msRaters: number;
  /** residual */
  msError: number;
  /** within subjects (raters + residual) */
  msWithin: number;
  n: number;
  k: number;
}

export interface IccEstimate {
  icc: number;
  F: number;
  df1: number;
  df2: number;
  p: number;
  ciLower: number;
  ciUpper: number;
}

export interface IccResult {
  anova: IccAnova;
  icc1_1: IccEstimate;
  icc2_1: IccEstimate;
  icc3_1: IccEstimate;
}

/** Two-way ANOVA of an n x k ratings matrix given as k columns of length n. */
export function iccAnova(columns: readonly ArrayLike<number>[]): IccAnova {
  const k = columns.length;
  const n = columns[0].length;
  let grand = 0;
  for (const c of columns) for (let i = 0; i < n; i++) grand += c[i];
  grand /= n * k;
  const rowMean = new Float64Array(n);
  for (const c of columns) for (let i = 0; i < n; i++) rowMean[i] += c[i];
  for (let i = 0; i < n; i++) rowMean[i] /= k;
  let ssRows = 0;
  for (let i = 0; i < n; i++) ssRows += (rowMean[i] - grand) ** 2;
  ssRows *= k;
  let ssRaters = 0;
  const colMean = columns.map((c) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += c[i];
    return s / n;
  });
  for (const m of colMean) ssRaters += (m - grand) ** 2;
  ssRaters *= n;
  let ssError = 0;
  for (let j = 0; j < k; j++) {
    const c = columns[j];
    for (let i = 0; i < n; i++) ssError += (c[i] - rowMean[i] - colMean[j] + grand) ** 2;
  }
  const dfRows = n - 1;
  const dfRaters = k - 1;
  const dfError = (n - 1) * (k - 1);
  return {
    msRows: ssRows / dfRows,
    msRaters: ssRaters / dfRaters,
    msError: ssError / dfError,
    msWithin: (ssRaters + ssError) / (dfRaters + dfError),
    n,
    k,
  };
}

/** psych::ICC's single-rater ICCs, F tests and confidence limits (alpha = 0.05 by default). */
export function icc(columns: readonly ArrayLike<number>[], alpha = 0.05): IccResult {
  const a = iccAnova(columns);
  const { msRows: MSB, msRaters: MSJ, msError: MSE, msWithin: MSW, n, k } = a;
  const icc1 = (MSB - MSW) / (MSB + (k - 1) * MSW);
  const icc2 = (MSB - MSE) / (MSB + (k - 1) * MSE + (k * (MSJ - MSE)) / n);
  const icc3 = (MSB - MSE) / (MSB + (k - 1) * MSE);

  const F11 = MSB / MSW;
  const df11n = n - 1;
  const df11d = n * (k - 1);
  const F21 = MSB / MSE;
  const df21n = n - 1;
  const df21d = (n - 1) * (k - 1);
  const q = 1 - alpha / 2;

  const F1L = F11 / qf(q, df11n, df11d);
  const F1U = F11 * qf(q, df11d, df11n);
  const F3L = F21 / qf(q, df21n, df21d);
  const F3U = F21 * qf(q, df21d, df21n);

  // ICC(2,1): Satterthwaite's approximate df (Shrout & Fleiss 1979, eq. for case 2)
  const Fj = MSJ / MSE;
  const vn = (k - 1) * (n - 1) * (k * icc2 * Fj + n * (1 + (k - 1) * icc2) - k * icc2) ** 2;
  const vd = (n - 1) * k * k * icc2 * icc2 * Fj * Fj + (n * (1 + (k - 1) * icc2) - k * icc2) ** 2;
  const v = vn / vd;
  const F2U = qf(q, n - 1, v);
  const F2L = qf(q, v, n - 1);
  const L2 = (n * (MSB - F2U * MSE)) / (F2U * (k * MSJ + (k * n - k - n) * MSE) + n * MSB);
  const U2 = (n * (F2L * MSB - MSE)) / (k * MSJ + (k * n - k - n) * MSE + n * F2L * MSB);

  return {
    anova: a,
    icc1_1: {
      icc: icc1,
      F: F11,
      df1: df11n,
      df2: df11d,
      p: pf(F11, df11n, df11d, false),
      ciLower: (F1L - 1) / (F1L + (k - 1)),
      ciUpper: (F1U - 1) / (F1U + k - 1),
    },
    icc2_1: { icc: icc2, F: F21, df1: df21n, df2: df21d, p: pf(F21, df21n, df21d, false), ciLower: L2, ciUpper: U2 },
    icc3_1: {
      icc: icc3,
      F: F21,
      df1: df21n,
      df2: df21d,
      p: pf(F21, df21n, df21d, false),
      ciLower: (F3L - 1) / (F3L + k - 1),
      ciUpper: (F3U - 1) / (F3U + k - 1),
    },
  };
}

/** The ICC of the requested type from a result. */
export function iccOfType(r: IccResult, type: IccType): number {
  return type === 'ICC(1,1)' ? r.icc1_1.icc : type === 'ICC(2,1)' ? r.icc2_1.icc : r.icc3_1.icc;
}
