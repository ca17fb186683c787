/**
 * Pearson's chi-square test of independence on an r x c contingency table, as R's
 * chisq.test(table, correct): expected counts E = row sum x column sum / n, statistic
 * sum (|O - E| - Y)^2 / E with df = (r - 1)(c - 1). Yates's correction Y applies to 2 x 2 tables
 * only, and R caps it: Y = min(0.5, min |O - E|) (so a table with O = E gives 0, not a negative).
 */
import { pchisq } from './special.ts';

export interface ChisqTestResult {
  statistic: number;
  df: number;
  p: number;
  expected: number[][];
  yatesApplied: boolean;
  /** the smallest expected count (R warns when it is below 5) */
  minExpected: number;
}

export function chisqTest(table: readonly (readonly number[])[], opts: { correct?: boolean } = {}): ChisqTestResult {
  const r = table.length;
  const c = table[0].length;
  const rowSum = table.map((row) => row.reduce((a, b) => a + b, 0));
  const colSum = new Array<number>(c).fill(0);
  let n = 0;
  for (const row of table) {
    for (let j = 0; j < c; j++) colSum[j] += row[j];
  }
  for (const s of rowSum) n += s;
  const expected = rowSum.map((rs) => colSum.map((cs) => (rs * cs) / n));
  const yatesApplied = (opts.correct ?? true) && r === 2 && c === 2;
  let yates = 0;
  if (yatesApplied) {
    yates = 0.5;
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) yates = Math.min(yates, Math.abs(table[i][j] - expected[i][j]));
  }
  let statistic = 0;
  let minExpected = Infinity;
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < c; j++) {
      const e = expected[i][j];
      statistic += (Math.abs(table[i][j] - e) - yates) ** 2 / e;
      minExpected = Math.min(minExpected, e);
    }
  }
  const df = (r - 1) * (c - 1);
  return { statistic, df, p: pchisq(statistic, df, false), expected, yatesApplied, minExpected };
}
