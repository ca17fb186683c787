/**
 * Mann-Whitney U test (Wilcoxon rank-sum) of x (sample 1) against y (sample 2), as R's
 * wilcox.test(x, y): W = sum of the ranks of x minus n_x (n_x + 1) / 2. The p-value is
 *  - exact (the null distribution of W) when `exact` is true, or when it is 'auto' (R's default)
 *    and n_x < 50, n_y < 50 and there are no ties;
 *  - otherwise the normal approximation with the tie-corrected variance
 *      sigma^2 = n_x n_y / 12 [(N + 1) - sum(t^3 - t) / (N (N - 1))]
 *    and, when `correct`, the continuity correction sign(z) * 0.5 (R: correct = TRUE).
 */
import { pnorm } from './special.ts';

export interface MannWhitneyOptions {
  /** true: exact p; false: normal approximation; 'auto': as R's default exact = NULL */
  exact?: boolean | 'auto';
  /** continuity correction of the normal approximation (R default TRUE) */
  correct?: boolean;
}

export interface MannWhitneyResult {
  /** R's W, scipy's U of sample 1 */
  W: number;
  p: number;
  method: 'exact' | 'normal';
  /** normal approximation only: the standardized statistic and its sigma */
  z: number | null;
  sigma: number | null;
  /** number of tie groups among the pooled values (groups of size > 1) */
  tieGroups: number;
  /** W / (n_x n_y) = the AUC of x over y */
  auc: number;
}

/** Average ranks (1-based) of the values, and the tie-size sum needed by the variance. */
export function averageRanks(values: ArrayLike<number>): { ranks: Float64Array; tieTerm: number; tieGroups: number } {
  const n = values.length;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => values[a] - values[b]);
  const ranks = new Float64Array(n);
  let tieTerm = 0;
  let tieGroups = 0;
  for (let i = 0; i < n; ) {
    let j = i + 1;
    while (j < n && values[order[j]] === values[order[i]]) j++;
    const t = j - i;
    const r = (i + 1 + j) / 2; // mean of ranks i+1..j
    for (let m = i; m < j; m++) ranks[order[m]] = r;
    if (t > 1) {
      tieTerm += t * t * t - t;
      tieGroups++;
    }
    i = j;
  }
  return { ranks, tieTerm, tieGroups };
}

/**
 * Null distribution of W for sample sizes (m, n): P(W = w), w = 0..m n, by the recursion
 * P_{m,n}(w) = m/(m+n) P_{m-1,n}(w - n) + n/(m+n) P_{m,n-1}(w) (only additions of positive
 * terms, so every probability keeps full relative precision).
 */
export function wilcoxDistribution(m: number, n: number): Float64Array {
  // prev[j] = distribution for (i - 1, j); cur[j] for (i, j)
  let prev: Float64Array[] = [];
  for (let j = 0; j <= n; j++) prev.push(Float64Array.of(1)); // i = 0: W = 0 surely
  for (let i = 1; i <= m; i++) {
    const cur: Float64Array[] = [Float64Array.of(1)]; // j = 0
    for (let j = 1; j <= n; j++) {
      const d = new Float64Array(i * j + 1);
      const a = i / (i + j);
      const b = j / (i + j);
      const fromPrev = prev[j]; // (i-1, j), support 0..(i-1) j, shifted by j
      for (let w = 0; w < fromPrev.length; w++) d[w + j] += a * fromPrev[w];
      const fromCur = cur[j - 1]; // (i, j-1), support 0..i (j-1)
      for (let w = 0; w < fromCur.length; w++) d[w] += b * fromCur[w];
      cur.push(d);
    }
    prev = cur;
  }
  return prev[n];
}

export function mannWhitneyTest(x: ArrayLike<number>, y: ArrayLike<number>, opts: MannWhitneyOptions = {}): MannWhitneyResult {
  const nx = x.length;
  const ny = y.length;
  if (nx === 0 || ny === 0) throw new Error('mannWhitneyTest: both samples need at least one value');
  const pooled = new Float64Array(nx + ny);
  for (let i = 0; i < nx; i++) pooled[i] = x[i];
  for (let i = 0; i < ny; i++) pooled[nx + i] = y[i];
  const { ranks, tieTerm, tieGroups } = averageRanks(pooled);
  let rankSum = 0;
  for (let i = 0; i < nx; i++) rankSum += ranks[i];
  const W = rankSum - (nx * (nx + 1)) / 2;
  const auc = W / (nx * ny);
  const exactOpt = opts.exact ?? 'auto';
  const exact = exactOpt === 'auto' ? nx < 50 && ny < 50 && tieGroups === 0 : exactOpt;
  if (exact && tieGroups === 0) {
    // R: p = 2 * (W > nx ny / 2 ? P(W' >= W) : P(W' <= W)), capped at 1
    const dist = wilcoxDistribution(nx, ny);
    let tail = 0;
    if (W > (nx * ny) / 2) for (let w = W; w < dist.length; w++) tail += dist[w];
    else for (let w = 0; w <= W; w++) tail += dist[w];
    return { W, p: Math.min(2 * tail, 1), method: 'exact', z: null, sigma: null, tieGroups, auc };
  }
  const N = nx + ny;
  const sigma = Math.sqrt(((nx * ny) / 12) * (N + 1 - tieTerm / (N * (N - 1))));
  let z = W - (nx * ny) / 2;
  const correction = opts.correct === false ? 0 : Math.sign(z) * 0.5;
  z = (z - correction) / sigma;
  const p = 2 * Math.min(pnorm(z), pnorm(z, false));
  return { W, p, method: 'normal', z, sigma, tieGroups, auc };
}
