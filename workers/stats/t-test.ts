/**
 * Two-sample t tests as R's t.test(x, y, var.equal): Student's pooled-variance test
 * (df = n_x + n_y - 2) or Welch's test with the Welch-Satterthwaite df, two-sided, with the
 * confidence interval of mean(x) - mean(y).
 */
import { pt, qt } from './special.ts';

export interface TTestResult {
  t: number;
  df: number;
  p: number;
  meanX: number;
  meanY: number;
  ciLower: number;
  ciUpper: number;
  method: 'student' | 'welch';
}

export function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s / x.length;
}

/** Sample variance (n - 1 denominator), two-pass. */
export function variance(x: ArrayLike<number>, m = mean(x)): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i] - m) ** 2;
  return s / (x.length - 1);
}

export function tTest(x: ArrayLike<number>, y: ArrayLike<number>, opts: { varEqual?: boolean; confLevel?: number } = {}): TTestResult {
  const nx = x.length;
  const ny = y.length;
  if (nx < 2 || ny < 2) throw new Error('tTest: each group needs at least 2 values');
  const mx = mean(x);
  const my = mean(y);
  const vx = variance(x, mx);
  const vy = variance(y, my);
  let df: number;
  let stderr: number;
  if (opts.varEqual) {
    df = nx + ny - 2;
    let v = 0;
    if (nx > 1) v += (nx - 1) * vx;
    if (ny > 1) v += (ny - 1) * vy;
    v /= df;
    stderr = Math.sqrt(v * (1 / nx + 1 / ny));
  } else {
    const sx = vx / nx;
    const sy = vy / ny;
    stderr = Math.sqrt(sx + sy);
    df = (stderr ** 4) / (sx ** 2 / (nx - 1) + sy ** 2 / (ny - 1));
  }
  const t = (mx - my) / stderr;
  const p = 2 * pt(-Math.abs(t), df);
  const q = qt(1 - (1 - (opts.confLevel ?? 0.95)) / 2, df);
  return {
    t,
    df,
    p,
    meanX: mx,
    meanY: my,
    ciLower: (t - q) * stderr,
    ciUpper: (t + q) * stderr,
    method: opts.varEqual ? 'student' : 'welch',
  };
}
