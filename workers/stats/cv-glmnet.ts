/**
 * k-fold cross-validation of the LASSO logistic path on the binomial deviance, as
 * cv.glmnet(x, y, family = "binomial", type.measure = "deviance", foldid, grouped = TRUE):
 *  1. the full-data path fixes the lambda sequence;
 *  2. each fold is fitted on the other folds' rows with its own path (lambda = NULL), or on the
 *     full-data lambdas when `sharedLambda` (cv.glmnet(lambda = fit$lambda));
 *  3. the held-out rows are predicted at the full-data lambdas by glmnet:::lambda.interp
 *     (linear interpolation of the coefficients along the fold's path, clamped at its ends);
 *  4. deviance per patient -2 [y log p + (1 - y) log(1 - p)], p clamped to [1e-5, 1 - 1e-5];
 *  5. grouped: fold means, then cvm = their mean weighted by fold size and
 *     cvsd = sqrt(weighted mean of (fold mean - cvm)^2 / (nfolds - 1)); cv.glmnet falls back to
 *     ungrouped (per patient) when there are fewer than 3 patients per fold;
 *  6. lambda.min = the largest lambda with the minimal cvm, lambda.1se = the largest lambda
 *     with cvm <= cvm[min] + cvsd[min] (glmnet:::getOptcv.glmnet).
 */
import { glmnet, type GlmnetFit, type GlmnetOptions, lambdaInterp } from './glmnet.ts';

export interface CvGlmnetOptions extends GlmnetOptions {
  /** fold of each row, 1..K (cv.glmnet's foldid) */
  foldid: ArrayLike<number>;
  /** fit every fold on the full-data lambdas instead of its own path */
  sharedLambda?: boolean;
}

export interface CvGlmnetResult {
  lambda: Float64Array;
  cvm: Float64Array;
  cvsd: Float64Array;
  cvup: Float64Array;
  cvlo: Float64Array;
  nzero: Int32Array;
  lambdaMin: number;
  lambda1se: number;
  /** 0-based positions of lambda.min and lambda.1se in `lambda` */
  indexMin: number;
  index1se: number;
  /** the full-data path */
  fit: GlmnetFit;
  foldFits: GlmnetFit[];
  /** out-of-fold linear predictors, fitPreval[i][k] for row i at lambda[k] (cv.glmnet keep = TRUE) */
  fitPreval: Float64Array[];
  nfolds: number;
  grouped: boolean;
}

const PROB_MIN = 1e-5;
const PROB_MAX = 1 - PROB_MIN;

export function cvGlmnet(rows: readonly ArrayLike<number>[], y: ArrayLike<number>, opts: CvGlmnetOptions): CvGlmnetResult {
  const n = rows.length;
  const foldid = opts.foldid;
  if (foldid.length !== n) throw new Error(`cvGlmnet: ${foldid.length} fold ids for ${n} rows`);
  let nfolds = 0;
  for (let i = 0; i < n; i++) nfolds = Math.max(nfolds, foldid[i]);
  if (nfolds < 3) throw new Error('cvGlmnet: nfolds must be at least 3');
  let fit = glmnet(rows, y, opts);
  // shared lambdas as an R user gets them: cv.glmnet(x, y, lambda = glmnet(x, y)$lambda), which
  // refits the full data on that sequence too (in full, without early stopping)
  if (opts.sharedLambda && !opts.lambda) fit = glmnet(rows, y, { ...opts, lambda: fit.lambda });
  const lambda = fit.lambda;
  const K = lambda.length;
  const foldOpts: GlmnetOptions = { ...opts, lambda: opts.sharedLambda ? lambda : opts.lambda ?? null };

  const fitPreval: Float64Array[] = rows.map(() => new Float64Array(K));
  const foldFits: GlmnetFit[] = [];
  const p = n ? rows[0].length : 0;
  const beta = new Float64Array(p); // coef(fold fit, s = lambda[k]), reused
  for (let f = 1; f <= nfolds; f++) {
    const trainRows: ArrayLike<number>[] = [];
    const trainY: number[] = [];
    const held: number[] = [];
    for (let i = 0; i < n; i++) {
      if (foldid[i] === f) held.push(i);
      else {
        trainRows.push(rows[i]);
        trainY.push(y[i]);
      }
    }
    const ff = glmnet(trainRows, trainY, foldOpts);
    foldFits.push(ff);
    for (let k = 0; k < K; k++) {
      // coefAt(ff, lambda[k]) without an allocation per lambda
      const { left, right, frac } = lambdaInterp(ff.lambda, lambda[k]);
      const bl = ff.beta[left];
      const br = ff.beta[right];
      for (let j = 0; j < p; j++) beta[j] = bl[j] * frac + br[j] * (1 - frac);
      const a0 = ff.a0[left] * frac + ff.a0[right] * (1 - frac);
      for (const i of held) {
        const row = rows[i];
        let eta = a0;
        for (let j = 0; j < p; j++) eta += beta[j] * row[j];
        fitPreval[i][k] = eta;
      }
    }
  }

  // deviance of each patient at each lambda
  const cvraw = rows.map(() => new Float64Array(K));
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < K; k++) {
      let pr = 1 / (1 + Math.exp(-fitPreval[i][k]));
      pr = Math.min(Math.max(pr, PROB_MIN), PROB_MAX);
      cvraw[i][k] = -2 * (y[i] === 1 ? Math.log(pr) : Math.log(1 - pr));
    }
  }

  const grouped = n / nfolds >= 3;
  const cvm = new Float64Array(K);
  const cvsd = new Float64Array(K);
  if (grouped) {
    const size = new Float64Array(nfolds);
    for (let i = 0; i < n; i++) size[foldid[i] - 1]++;
    let total = 0;
    for (const s of size) total += s;
    for (let k = 0; k < K; k++) {
      const foldMean = new Float64Array(nfolds);
      for (let i = 0; i < n; i++) foldMean[foldid[i] - 1] += cvraw[i][k];
      for (let f = 0; f < nfolds; f++) foldMean[f] /= size[f];
      let m = 0;
      for (let f = 0; f < nfolds; f++) m += foldMean[f] * size[f];
      m /= total;
      let s2 = 0;
      for (let f = 0; f < nfolds; f++) s2 += (foldMean[f] - m) ** 2 * size[f];
      cvm[k] = m;
      cvsd[k] = Math.sqrt(s2 / total / (nfolds - 1));
    }
  } else {
    for (let k = 0; k < K; k++) {
      let m = 0;
      for (let i = 0; i < n; i++) m += cvraw[i][k];
      m /= n;
      let s2 = 0;
      for (let i = 0; i < n; i++) s2 += (cvraw[i][k] - m) ** 2;
      cvm[k] = m;
      cvsd[k] = Math.sqrt(s2 / n / (n - 1));
    }
  }
  const cvup = cvm.map((m, k) => m + cvsd[k]);
  const cvlo = cvm.map((m, k) => m - cvsd[k]);

  // getOptcv.glmnet
  let cvmin = Infinity;
  for (let k = 0; k < K; k++) cvmin = Math.min(cvmin, cvm[k]);
  let indexMin = -1;
  for (let k = 0; k < K; k++) if (cvm[k] <= cvmin && (indexMin < 0 || lambda[k] > lambda[indexMin])) indexMin = k;
  const semin = cvm[indexMin] + cvsd[indexMin];
  let index1se = -1;
  for (let k = 0; k < K; k++) if (cvm[k] <= semin && (index1se < 0 || lambda[k] > lambda[index1se])) index1se = k;

  return {
    lambda,
    cvm,
    cvsd,
    cvup,
    cvlo,
    nzero: fit.df,
    lambdaMin: lambda[indexMin],
    lambda1se: lambda[index1se],
    indexMin,
    index1se,
    fit,
    foldFits,
    fitPreval,
    nfolds,
    grouped,
  };
}
