/**
 * LASSO (elastic-net) logistic regression path as glmnet computes it for family = "binomial"
 * (Friedman, Hastie & Tibshirani 2010, J Stat Softw 33(1); glmnet 4.1's lognet, two-class):
 *
 *   minimize  -(1/n) sum_i loglik_i(a0, beta) + lambda [alpha |beta|_1 + (1 - alpha)/2 |beta|_2^2]
 *
 * with the intercept unpenalized. Each lambda is solved by an outer IRLS loop (the quadratic
 * approximation of the binomial log-likelihood at the current fit) around cyclic coordinate
 * descent on the strong-rule set, with glmnet's KKT check before a lambda is accepted. The
 * columns are centred internally (and scaled by their population SD when standardize = TRUE),
 * and the coefficients are returned on the original scale.
 *
 * Path rules (glmnet and glmnet.control defaults): lambda_max = max_j |x_j'(y - ybar)| / n /
 * max(alpha, 1e-3); lambda_k = lambda_max * ratio^(k/(nlambda-1)) with ratio = lambda.min.ratio
 * (1e-4 when nobs > nvars, else 0.01), computed as glmnet does by repeated multiplication; the
 * first point is the intercept-only model (glmnet solves it at lambda = "big", then reports
 * lambda_1 = exp(2 log lambda_2 - log lambda_3)); from the 5th lambda on (mnlam) the path stops
 * when the deviance ratio rises by less than fdev = 1e-5 (absolute) or exceeds 0.999. A
 * user-supplied lambda sequence is fitted in full, without early stopping.
 *
 * Convergence: a pass ends the coordinate descent when max_j xv_j (delta beta_j)^2 < thresh *
 * null deviance (per observation), as glmnet; thresh defaults to 1e-14 here (glmnet's 1e-7
 * leaves coefficients ~1e-4 from the optimum).
 *
 * Speed: the passes, the weighted columns of each IRLS step and the active set's weighted Gram
 * matrix run in glmnet-kernels.ts (WebAssembly SIMD, or the same operations in JavaScript);
 * long active-set phases use covariance updates (O(nin) per coordinate instead of O(n)). Every
 * floating-point operation and its order is fixed, so the iterates, pass counts and results
 * are the same bits whichever kernels run.
 */

import { glmnetKernels } from './glmnet-kernels.ts';

export class GlmnetError extends Error {}

export interface GlmnetOptions {
  /** elastic-net mixing, 1 = LASSO (default) */
  alpha?: number;
  nlambda?: number;
  /** default 1e-4 when nobs > nvars, else 0.01 */
  lambdaMinRatio?: number;
  /** user-supplied lambda sequence (decreasing); fitted in full */
  lambda?: ArrayLike<number> | null;
  /** glmnet's standardize (default true, as glmnet; the study's pipeline uses false on z-scores) */
  standardize?: boolean;
  /** convergence threshold (default 1e-14) */
  thresh?: number;
  /** maximum number of coordinate-descent passes over the whole path (default 1e7) */
  maxit?: number;
  /** penalty factors (rescaled to sum to nvars, as glmnet does) */
  penaltyFactor?: ArrayLike<number>;
  /**
   * the implementation of the inner loops (glmnet-kernels.ts): WebAssembly SIMD where available
   * ('auto', the default) or JavaScript; both give bit-identical results
   */
  kernels?: 'auto' | 'wasm' | 'js';
}

/** glmnet.control() defaults. */
export const GLMNET_CONTROL = {
  fdev: 1e-5,
  eps: 1e-6,
  big: 9.9e35,
  mnlam: 5,
  devmax: 0.999,
  pmin: 1e-9,
} as const;

export interface GlmnetFit {
  /** the lambda of each point of the path (K) */
  lambda: Float64Array;
  a0: Float64Array;
  /** beta[k] = the p coefficients at lambda[k], original scale */
  beta: Float64Array[];
  /** number of non-zero coefficients at each lambda */
  df: Int32Array;
  devRatio: Float64Array;
  /** null deviance: -2 loglik of the intercept-only model */
  nulldev: number;
  /** coordinate-descent passes used */
  npasses: number;
  /** set when the path was cut short (maxit reached, or all probabilities saturated) */
  warning: string | null;
  nobs: number;
  nvars: number;
}

/** A column-major copy of n rows of p values. */
export function columnMajor(rows: readonly ArrayLike<number>[], p: number): Float64Array {
  const n = rows.length;
  const X = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    for (let j = 0; j < p; j++) X[j * n + i] = r[j];
  }
  return X;
}

/**
 * Fits the path on x (column-major, n x p) and y (0/1). Constant columns are excluded from the
 * fit (their coefficients stay 0), as glmnet's chkvars does.
 */
export function glmnetColumnMajor(x: Float64Array, n: number, p: number, yIn: ArrayLike<number>, opts: GlmnetOptions = {}): GlmnetFit {
  const y = Float64Array.from(yIn);
  const alpha = opts.alpha ?? 1;
  const standardize = opts.standardize ?? true;
  const thresh = opts.thresh ?? 1e-14;
  const maxit = opts.maxit ?? 1e7;
  const userLambda = opts.lambda ? Float64Array.from(opts.lambda).sort().reverse() : null;
  const nlam = userLambda ? userLambda.length : (opts.nlambda ?? 100);
  const flmin = userLambda ? 1 : (opts.lambdaMinRatio ?? (n < p ? 0.01 : 1e-4));
  const { fdev, eps, big, mnlam, devmax, pmin } = GLMNET_CONTROL;
  if (x.length !== n * p) throw new GlmnetError(`glmnet: x has ${x.length} values, expected ${n} x ${p}`);
  if (y.length !== n) throw new GlmnetError(`glmnet: ${y.length} responses for ${n} rows`);
  for (let i = 0; i < n; i++) if (y[i] !== 0 && y[i] !== 1) throw new GlmnetError(`glmnet: response ${i + 1} is ${y[i]}, not 0 or 1`);

  // penalty factors, rescaled to sum to nvars
  const vp = new Float64Array(p).fill(1);
  if (opts.penaltyFactor) {
    let s = 0;
    for (let j = 0; j < p; j++) s += opts.penaltyFactor[j];
    for (let j = 0; j < p; j++) vp[j] = (opts.penaltyFactor[j] * p) / s;
  }
  // observation weights: 1/n each (glmnet normalizes the weights to sum to 1)
  const w = 1 / n;

  // chkvars: a column with every value equal to the first is excluded
  const ju = new Uint8Array(p);
  for (let j = 0; j < p; j++) {
    const c = j * n;
    for (let i = 1; i < n; i++) {
      if (x[c + i] !== x[c]) {
        ju[j] = 1;
        break;
      }
    }
  }

  // The arrays of the inner loops live on the kernels' heap (glmnet-kernels.ts), addressed by
  // byte offset (o*); H and I are its f64 and i32 views, with element indices (x* = o* / 8, i32
  // arrays o* / 4). All of it is rebuilt by each fit.
  const { kernels: K, heap } = glmnetKernels(opts.kernels ?? 'auto');
  heap.reset();
  const xaStride = p + (p & 1);
  const oX = heap.alloc(n * p); // the centred (and scaled) columns
  const oVX = heap.alloc(n * p); // v x_j of the current IRLS step, for the strong set
  const oXA = heap.alloc(n * xaStride); // the active columns, row-major (XA[i * xaStride + a])
  const oR = heap.alloc(n); // weighted working residual
  const oV = heap.alloc(n); // IRLS weights
  const oEta = heap.alloc(n); // linear predictor
  const oB = heap.alloc(p); // coefficients on the internal (centred/scaled) scale
  const oXv = heap.alloc(p); // sum_i v x_j^2
  const oVp = heap.alloc(p);
  // covariance updates over the active set (see the WLS loop), in active order
  const oGradA = heap.alloc(p);
  const oColV = heap.alloc(p);
  const oBA = heap.alloc(p);
  const oXvA = heap.alloc(p);
  const oPenA = heap.alloc(p);
  const oDenA = heap.alloc(p);
  const oStrong = heap.alloc(p); // i32: the strong set in column order
  const oActive = heap.alloc(p); // i32: the ever-active set in order of entry
  const oIsActive = heap.alloc(p); // i32 flags
  const oSlots = heap.alloc(4); // f64 rsum, b0 (covPasses); i32 nin at byte 16
  const oNin = oSlots + 16;
  let gramCap = Math.min(p, 32) || 1;
  let oGram = heap.alloc(gramCap * gramCap);
  let H = heap.f64;
  let I = heap.i32;
  const xi = oX >> 3;
  const bi = oB >> 3;
  const ri = oR >> 3;
  const vi = oV >> 3;
  const xvi = oXv >> 3;
  const ai = oActive >> 2;

  // lstandard1: centre (and scale) each included column, on the heap copy
  H.set(x, xi);
  const xm = new Float64Array(p);
  const xs = new Float64Array(p).fill(1);
  for (let j = 0; j < p; j++) {
    if (!ju[j]) continue;
    const c = xi + j * n;
    let m = 0;
    for (let i = 0; i < n; i++) m += w * H[c + i];
    xm[j] = m;
    for (let i = 0; i < n; i++) H[c + i] -= m;
    if (standardize) {
      let s = 0;
      for (let i = 0; i < n; i++) s += w * H[c + i] * H[c + i];
      xs[j] = Math.sqrt(s);
      for (let i = 0; i < n; i++) H[c + i] /= xs[j];
    }
  }
  H.set(vp, oVp >> 3);

  let q0 = 0;
  for (let i = 0; i < n; i++) q0 += w * y[i];
  if (q0 <= pmin) throw new GlmnetError('glmnet: every response is 0');
  if (q0 >= 1 - pmin) throw new GlmnetError('glmnet: every response is 1');
  const bz = Math.log(q0 / (1 - q0));
  const vmin = (1 + pmin) * pmin * (1 - pmin);
  const fmax = Math.log(1 / pmin - 1);
  const fmin = -fmax;

  let b0 = bz;
  const bs = new Float64Array(p);
  const ga = new Float64Array(p);
  const strong = new Uint8Array(p);
  let ns = 0;
  let nin = 0;
  let gramSize = 0;
  let xaSize = 0;
  const bSync = new Float64Array(p);
  const q = new Float64Array(n).fill(q0);
  let xmz = q0 * (1 - q0);
  for (let i = 0; i < n; i++) {
    H[vi + i] = xmz * w;
    H[ri + i] = w * (y[i] - q0);
  }
  const dev1 = -(bz * q0 + Math.log(1 - q0));
  const dev0 = dev1; // + sum w y log y + (1-y) log(1-y) = 0 for 0/1 responses
  const shr = thresh * dev0;
  for (let j = 0; j < p; j++) {
    if (!ju[j]) continue;
    ga[j] = Math.abs(K.dot(oR, oX + j * n * 8, n));
  }

  const alf = flmin < 1 ? Math.pow(Math.max(eps, flmin), 1 / (nlam - 1)) : 1;
  const mnl = Math.min(mnlam, nlam);
  const lambdas: number[] = [];
  const a0s: number[] = [];
  const betas: Float64Array[] = [];
  const devs: number[] = [];
  let nlp = 0;
  let warning: string | null = null;
  let lmdaCurr = 0;

  pathLoop: for (let m = 0; m < nlam; m++) {
    let alm0 = lmdaCurr;
    let alm: number;
    if (flmin >= 1) alm = userLambda![m];
    else if (m > 1) alm = lmdaCurr * alf;
    else if (m === 0) alm = big;
    else {
      alm0 = 0;
      for (let j = 0; j < p; j++) if (ju[j] && vp[j] > 0) alm0 = Math.max(alm0, ga[j] / vp[j]);
      alm0 /= Math.max(alpha, 1e-3);
      alm = alm0 * alf;
    }
    lmdaCurr = alm;
    const ab = alm * alpha; // l1 penalty
    const dem = alm * (1 - alpha); // l2 penalty
    // sequential strong rule
    const tlam = alpha * (2 * alm - alm0);
    for (let j = 0; j < p; j++) if (!strong[j] && ju[j] && ga[j] > tlam * vp[j]) strong[j] = 1;
    ns = 0;
    for (let j = 0; j < p; j++) if (strong[j]) I[(oStrong >> 2) + ns++] = j;

    // IRLS around coordinate descent
    while (true) {
      if (nlp > maxit) {
        warning = `glmnet: convergence for the ${m + 1}th lambda not reached after ${maxit} passes; the path stops at the previous lambda`;
        break pathLoop;
      }
      bs.set(H.subarray(bi, bi + p));
      const bs0 = b0;
      // weighted columns v x_j and their weighted sums of squares, for the strong set
      K.weigh(oStrong, ns, oX, oVX, oV, oXv, n);
      // Weighted least squares by coordinate descent (glmnet's order): a full pass over the
      // strong set, then passes over the active set until they converge, repeated until a full
      // pass converges. Full passes and the first pass over the active set update the residual
      // r explicitly (O(n) per coordinate); the following passes use covariance updates (the
      // gradients x_a'r of the active set kept current through its weighted Gram matrix,
      // O(nin) per coordinate after an O(n nin^2) Gram matrix), which give the same iterates:
      // most active phases take tens of passes.
      gramSize = 0;
      while (true) {
        // full pass
        nlp++;
        I[oNin >> 2] = nin;
        let dlx = K.pass(oStrong, ns, oX, oVX, oR, oB, oXv, oVp, ab, dem, oIsActive, oActive, oNin, n);
        nin = I[oNin >> 2];
        const d0 = K.sum(oR, n) / xmz;
        if (d0 !== 0) {
          b0 += d0;
          dlx = Math.max(dlx, xmz * d0 * d0);
          K.axpy(oR, d0, oV, n);
        }
        if (dlx < shr || nlp > maxit) break;

        // a pass over the active set on the explicit residual
        nlp++;
        dlx = K.pass(oActive, nin, oX, oVX, oR, oB, oXv, oVp, ab, dem, -1, oActive, oNin, n);
        const e0 = K.sum(oR, n) / xmz;
        if (e0 !== 0) {
          b0 += e0;
          dlx = Math.max(dlx, xmz * e0 * e0);
          K.axpy(oR, e0, oV, n);
        }
        if (!(dlx < shr || nlp > maxit)) {
          // then covariance passes until they converge
          if (nin > gramCap) {
            while (gramCap < nin) gramCap *= 2;
            oGram = heap.alloc(gramCap * gramCap);
            gramSize = 0;
            H = heap.f64;
            I = heap.i32;
          }
          for (; xaSize < nin; xaSize++) {
            const c = xi + I[ai + xaSize] * n;
            for (let i = 0; i < n; i++) H[(oXA >> 3) + i * xaStride + xaSize] = H[c + i];
          }
          K.gramRows(gramSize, nin, oActive, oX, oVX, oXA, xaStride, oGram, gramCap, oColV, n);
          gramSize = nin;
          const rsum = K.sum(oR, n);
          K.gradients(oActive, nin, oR, oX, oGradA, n);
          for (let a = 0; a < nin; a++) {
            const k = I[ai + a];
            bSync[a] = H[bi + k];
            H[(oBA >> 3) + a] = H[bi + k];
            H[(oXvA >> 3) + a] = H[xvi + k];
            H[(oPenA >> 3) + a] = vp[k] * ab;
            H[(oDenA >> 3) + a] = H[xvi + k] + vp[k] * dem;
          }
          const b0Sync = b0;
          H[oSlots >> 3] = rsum;
          H[(oSlots >> 3) + 1] = b0;
          nlp = K.covPasses(nin, oGram, gramCap, oGradA, oColV, oBA, oXvA, oPenA, oDenA, xmz, shr, nlp, maxit, oSlots);
          b0 = H[(oSlots >> 3) + 1];
          // the coefficients back by column, and the explicit residual up to date for the next full pass
          for (let a = 0; a < nin; a++) {
            const k = I[ai + a];
            const bk = H[(oBA >> 3) + a];
            H[bi + k] = bk;
            const d = bk - bSync[a];
            if (d !== 0) K.axpy(oR, d, oVX + k * n * 8, n);
          }
          const dd0 = b0 - b0Sync;
          if (dd0 !== 0) K.axpy(oR, dd0, oV, n);
        }
        if (nlp > maxit) break;
      }
      // new quadratic approximation at the current fit
      xmz = 0;
      K.linearPredictor(oActive, nin, oB, oX, oEta, b0, n);
      for (let i = 0; i < n; i++) {
        const fi = H[(oEta >> 3) + i];
        q[i] = fi < fmin ? 0 : fi > fmax ? 1 : 1 / (1 + Math.exp(-fi));
        const v = w * q[i] * (1 - q[i]);
        H[vi + i] = v;
        xmz += v;
        H[ri + i] = w * (y[i] - q[i]);
      }
      if (xmz <= vmin) break;
      let converged = xmz * (b0 - bs0) * (b0 - bs0) < shr;
      for (let t = 0; converged && t < nin; t++) {
        const k = I[ai + t];
        const d = H[bi + k] - bs[k];
        if (H[xvi + k] * d * d >= shr) converged = false;
      }
      if (converged) {
        // KKT check on the variables outside the strong set
        let kktPassed = true;
        for (let j = 0; j < p; j++) {
          if (strong[j] || !ju[j]) continue;
          ga[j] = Math.abs(K.dot(oR, oX + j * n * 8, n));
          if (ga[j] > ab * vp[j]) {
            strong[j] = 1;
            kktPassed = false;
          }
        }
        if (kktPassed) break;
        ns = 0;
        for (let j = 0; j < p; j++) if (strong[j]) I[(oStrong >> 2) + ns++] = j;
      }
    }

    // record the point
    let devi = 0;
    for (let i = 0; i < n; i++) {
      const pi = Math.min(Math.max(pmin, q[i]), 1 - pmin);
      devi -= w * (y[i] * Math.log(pi) + (1 - y[i]) * Math.log(1 - pi));
    }
    const dev = (dev1 - devi) / dev0;
    lambdas.push(alm);
    a0s.push(b0);
    betas.push(H.slice(bi, bi + p));
    devs.push(dev);
    const lmu = m + 1;
    if (lmu < mnl || flmin >= 1) continue;
    const prev = m === 0 ? 0 : devs[m - 1];
    if (dev - prev < fdev || dev > devmax) break;
    if (xmz <= vmin) break;
  }

  return finishPath({ lambdas, a0s, betas, devs, xm, xs, computedPath: !userLambda, n, p, dev0, npasses: nlp, warning });
}

/**
 * The path as glmnet reports it: lambda_1 = exp(2 log lambda_2 - log lambda_3) on a computed
 * path, coefficients back on the original scale. (A function of its own: V8 optimizes the
 * solver loop above while it runs, and code after the loop would deoptimize it on every call.)
 */
function finishPath(s: {
  lambdas: number[];
  a0s: number[];
  betas: Float64Array[];
  devs: number[];
  xm: Float64Array;
  xs: Float64Array;
  computedPath: boolean;
  n: number;
  p: number;
  dev0: number;
  npasses: number;
  warning: string | null;
}): GlmnetFit {
  const { betas, xm, xs, p } = s;
  const K = s.lambdas.length;
  const lambda = Float64Array.from(s.lambdas);
  if (s.computedPath && K > 2) lambda[0] = Math.exp(2 * Math.log(lambda[1]) - Math.log(lambda[2]));
  const a0 = new Float64Array(K);
  const beta: Float64Array[] = [];
  const df = new Int32Array(K);
  for (let k = 0; k < K; k++) {
    const out = betas[k]; // the solver's copy, rescaled in place
    let shift = 0;
    let nz = 0;
    for (let j = 0; j < p; j++) {
      out[j] /= xs[j];
      shift += out[j] * xm[j];
      if (out[j] !== 0) nz++;
    }
    beta.push(out);
    a0[k] = s.a0s[k] - shift;
    df[k] = nz;
  }
  return {
    lambda,
    a0,
    beta,
    df,
    devRatio: Float64Array.from(s.devs),
    nulldev: 2 * s.n * s.dev0,
    npasses: s.npasses,
    warning: s.warning,
    nobs: s.n,
    nvars: p,
  };
}

/** glmnet(x, y, family = "binomial", ...) on rows of p values. */
export function glmnet(rows: readonly ArrayLike<number>[], y: ArrayLike<number>, opts: GlmnetOptions = {}): GlmnetFit {
  const p = rows.length ? rows[0].length : 0;
  return glmnetColumnMajor(columnMajor(rows, p), rows.length, p, y, opts);
}

/**
 * glmnet:::lambda.interp: where s falls on the path, as the two neighbouring path points and
 * the weight of the left one. The coordinate is (lambda_1 - s) / (lambda_1 - lambda_K);
 * s outside the path is clamped to its first or last point.
 */
export function lambdaInterp(lambda: ArrayLike<number>, s: number): { left: number; right: number; frac: number } {
  const k = lambda.length;
  if (k === 1) return { left: 0, right: 0, frac: 1 };
  const l1 = lambda[0];
  const span = l1 - lambda[k - 1];
  let sfrac = (l1 - s) / span;
  // normalized path coordinates, increasing from 0 to 1
  const norm = (i: number) => (l1 - lambda[i]) / span;
  const lo = norm(0);
  const hi = norm(k - 1);
  if (sfrac < lo) sfrac = lo;
  if (sfrac > hi) sfrac = hi;
  // approx(norm, 1:k, sfrac): the interval containing sfrac
  let left: number;
  let right: number;
  let i = 0;
  while (i < k - 1 && norm(i + 1) < sfrac) i++;
  if (norm(i) === sfrac) {
    left = right = i;
  } else if (i + 1 < k && norm(i + 1) === sfrac) {
    left = right = i + 1;
  } else {
    left = i;
    right = i + 1;
  }
  let frac = 1;
  if (left !== right) {
    const dl = norm(left) - norm(right);
    frac = Math.abs(dl) < 2.220446049250313e-16 ? 1 : (sfrac - norm(right)) / dl;
  }
  return { left, right, frac };
}

/** coef(fit, s): intercept and coefficients at lambda = s (interpolated along the path). */
export function coefAt(fit: GlmnetFit, s: number): { a0: number; beta: Float64Array } {
  const { left, right, frac } = lambdaInterp(fit.lambda, s);
  const bl = fit.beta[left];
  const br = fit.beta[right];
  const beta = new Float64Array(bl.length);
  for (let j = 0; j < bl.length; j++) beta[j] = bl[j] * frac + br[j] * (1 - frac);
  return { a0: fit.a0[left] * frac + fit.a0[right] * (1 - frac), beta };
}
