/**
 * Fisher's exact test of independence, two-sided, as R's fisher.test(table): the p-value is
 * the total probability, under the hypergeometric null with both margins fixed, of the tables
 * no more probable than the observed one. As R (and scipy), "no more probable" allows a relative
 * tolerance: P(table) <= P(observed) * (1 + 1e-7).
 *  - 2 x 2: R's computation (stats:::fisher.test): the hypergeometric densities of the support
 *    of x[1,1], normalized by their sum.
 *  - r x c: full enumeration of the tables with the observed margins (R uses the network
 *    algorithm of Mehta & Patel, which gives the same sum); refused beyond `maxTables`.
 */
import { lchoose, lgamma } from './special.ts';

const REL_ERR = 1 + 1e-7;

export interface FisherTestResult {
  p: number;
  /** number of tables enumerated (r x c), or the support size (2 x 2) */
  tables: number;
}

function fisher2x2(t: readonly (readonly number[])[]): FisherTestResult {
  // R: m = column 1 total, n = column 2 total, k = row 1 total, x = t[1,1]
  const m = t[0][0] + t[1][0];
  const n = t[0][1] + t[1][1];
  const k = t[0][0] + t[0][1];
  const x = t[0][0];
  const lo = Math.max(0, k - n);
  const hi = Math.min(k, m);
  const len = hi - lo + 1;
  const logd = new Float64Array(len);
  let max = -Infinity;
  for (let i = 0; i < len; i++) {
    const s = lo + i;
    // dhyper(s, m, n, k, log = TRUE)
    logd[i] = lchoose(m, s) + lchoose(n, k - s) - lchoose(m + n, k);
    if (logd[i] > max) max = logd[i];
  }
  const d = new Float64Array(len);
  let sum = 0;
  for (let i = 0; i < len; i++) {
    d[i] = Math.exp(logd[i] - max);
    sum += d[i];
  }
  for (let i = 0; i < len; i++) d[i] /= sum;
  const obs = d[x - lo] * REL_ERR;
  let p = 0;
  for (let i = 0; i < len; i++) if (d[i] <= obs) p += d[i];
  return { p, tables: len };
}

export function fisherTest(table: readonly (readonly number[])[], maxTables = 2e7): FisherTestResult {
  // drop empty rows and columns (they carry no information and R's table() would not show them)
  let t = table.filter((row) => row.some((v) => v !== 0)).map((row) => [...row]);
  const keep = t[0].map((_, j) => t.some((row) => row[j] !== 0));
  t = t.map((row) => row.filter((_, j) => keep[j]));
  const r = t.length;
  const c = r ? t[0].length : 0;
  if (r < 2 || c < 2) return { p: 1, tables: 1 };
  if (r === 2 && c === 2) return fisher2x2(t);

  const rowSum = t.map((row) => row.reduce((a, b) => a + b, 0));
  const colSum = t[0].map((_, j) => t.reduce((a, row) => a + row[j], 0));
  const n = rowSum.reduce((a, b) => a + b, 0);
  const lfact = new Float64Array(n + 1);
  for (let i = 0; i <= n; i++) lfact[i] = lgamma(i + 1);
  let logConst = -lfact[n];
  for (const s of rowSum) logConst += lfact[s];
  for (const s of colSum) logConst += lfact[s];
  let logObs = logConst;
  for (const row of t) for (const v of row) logObs -= lfact[v];
  const pObs = Math.exp(logObs) * REL_ERR;

  // Enumerate column by column; within a column, row by row. rowRem = what each row still needs.
  const rowRem = rowSum.slice();
  let p = 0;
  let count = 0;
  const fillColumn = (j: number, logAcc: number): void => {
    if (j === c - 1) {
      // last column is forced by the remaining row sums
      let l = logAcc;
      for (let i = 0; i < r; i++) l -= lfact[rowRem[i]];
      const prob = Math.exp(l);
      if (prob <= pObs) p += prob;
      if (++count > maxTables) throw new Error(`fisherTest: more than ${maxTables} tables to enumerate; use the chi-square test`);
      return;
    }
    fillCell(j, 0, colSum[j], logAcc);
  };
  const fillCell = (j: number, i: number, colRem: number, logAcc: number): void => {
    if (i === r - 1) {
      if (colRem > rowRem[i]) return;
      rowRem[i] -= colRem;
      fillColumn(j + 1, logAcc - lfact[colRem]);
      rowRem[i] += colRem;
      return;
    }
    // capacity of the rows below i
    let below = 0;
    for (let q = i + 1; q < r; q++) below += rowRem[q];
    const lo = Math.max(0, colRem - below);
    const hi = Math.min(rowRem[i], colRem);
    for (let v = lo; v <= hi; v++) {
      rowRem[i] -= v;
      fillCell(j, i + 1, colRem - v, logAcc - lfact[v]);
      rowRem[i] += v;
    }
  };
  fillColumn(0, logConst);
  return { p: Math.min(p, 1), tables: count };
}
