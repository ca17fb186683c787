/**
 * Logistic regression by iteratively reweighted least squares, as R's
 * glm(y ~ ..., family = binomial(link = "logit")) with glm.control(epsilon, maxit):
 * start from mu = (y + 0.5) / 2, solve each weighted least-squares step by a Householder QR,
 * stop when |dev - dev_old| / (|dev| + 0.1) < epsilon. Our default epsilon is 1e-15 (R's is
 * 1e-8): the fit is then converged to machine precision, which is what the references'
 * `tight` blocks hold. Standard errors come from (X'WX)^-1 at the converged fit, Wald z and
 * p = 2 pnorm(-|z|), odds ratios with Wald limits exp(b +- qnorm(0.975) se) (confint.default).
 *
 * Separation (fitted probabilities numerically 0 or 1, as R warns) and non-convergence are
 * reported as warnings that name the predictors whose coefficients diverge.
 */
import { pchisq, pnorm, qnorm } from './special.ts';

export class GlmError extends Error {}

export interface GlmOptions {
  /** names of the columns (for messages and the result) */
  names?: string[];
  /** add an intercept column first (default true) */
  intercept?: boolean;
  offset?: ArrayLike<number>;
  /** relative deviance change that stops the iterations (default 1e-15) */
  epsilon?: number;
  /** default 100 */
  maxit?: number;
  /** what the model is called in warnings, e.g. "clinical model" */
  label?: string;
}

export interface GlmFit {
  /** term names, "(Intercept)" first when there is one */
  names: string[];
  coefficients: number[];
  se: number[];
  z: number[];
  p: number[];
  /** variance-covariance matrix, row-major p x p */
  vcov: number[][];
  deviance: number;
  nullDeviance: number;
  aic: number;
  loglik: number;
  iterations: number;
  converged: boolean;
  fitted: Float64Array;
  linearPredictor: Float64Array;
  warnings: string[];
}

/** Odds ratio with its Wald confidence interval, as exp(confint.default(fit)). */
export function oddsRatios(fit: GlmFit, level = 0.95): { or: number[]; lower: number[]; upper: number[] } {
  const q = qnorm(1 - (1 - level) / 2);
  return {
    or: fit.coefficients.map((b) => Math.exp(b)),
    lower: fit.coefficients.map((b, i) => Math.exp(b - q * fit.se[i])),
    upper: fit.coefficients.map((b, i) => Math.exp(b + q * fit.se[i])),
  };
}

interface Qr {
  /** column-major n x p: the Householder vectors on and below the diagonal, R above it */
  qr: Float64Array;
  /** 2 / (v'v) of each reflector */
  beta: Float64Array;
  /** the diagonal of R */
  diag: Float64Array;
}

/**
 * Householder QR of a column-major n x p matrix A (overwritten). Throws, naming the column,
 * when a column is numerically dependent on the previous ones.
 */
function householderQr(A: Float64Array, n: number, p: number, names: string[], label: string): Qr {
  const beta = new Float64Array(p);
  const diag = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    const col = j * n;
    let norm0 = 0;
    for (let i = 0; i < n; i++) norm0 += A[col + i] * A[col + i];
    norm0 = Math.sqrt(norm0);
    let norm = 0;
    for (let i = j; i < n; i++) norm += A[col + i] * A[col + i];
    norm = Math.sqrt(norm);
    // R's dqrdc2 declares a column deficient when its residual norm falls below 1e-7 of its
    // original norm (tol = 1e-7 in glm.fit's call to lm.fit's Cdqrls)
    if (norm <= 1e-7 * norm0 || norm === 0) {
      throw new GlmError(`${label}: '${names[j]}' is constant or collinear with the other terms on the training set`);
    }
    const alpha = A[col + j] > 0 ? -norm : norm;
    const v0 = A[col + j] - alpha;
    A[col + j] = v0;
    // v = (v0, A[j+1..n-1]); H = I - 2 v v' / (v'v)
    let vtv = v0 * v0;
    for (let i = j + 1; i < n; i++) vtv += A[col + i] * A[col + i];
    beta[j] = 2 / vtv;
    for (let k = j + 1; k < p; k++) {
      const ck = k * n;
      let s = 0;
      for (let i = j; i < n; i++) s += A[col + i] * A[ck + i];
      s *= beta[j];
      for (let i = j; i < n; i++) A[ck + i] -= s * A[col + i];
    }
    diag[j] = alpha;
  }
  return { qr: A, beta, diag };
}

/** Solves the least-squares problem min ||A b - z|| for A factored by householderQr; also returns R (row-major). */
function qrSolve(f: Qr, n: number, p: number, z: Float64Array): { b: Float64Array; R: Float64Array } {
  const { qr: QR, beta, diag } = f;
  const y = Float64Array.from(z);
  for (let j = 0; j < p; j++) {
    const col = j * n;
    let s = 0;
    for (let i = j; i < n; i++) s += QR[col + i] * y[i];
    s *= beta[j];
    for (let i = j; i < n; i++) y[i] -= s * QR[col + i];
  }
  const R = new Float64Array(p * p); // row-major upper triangle
  for (let j = 0; j < p; j++) {
    R[j * p + j] = diag[j];
    for (let k = j + 1; k < p; k++) R[j * p + k] = QR[k * n + j];
  }
  const b = new Float64Array(p);
  for (let j = p - 1; j >= 0; j--) {
    let s = y[j];
    for (let k = j + 1; k < p; k++) s -= R[j * p + k] * b[k];
    b[j] = s / R[j * p + j];
  }
  return { b, R };
}

/** (R'R)^-1 for an upper-triangular row-major R. */
function inverseCrossprodR(R: Float64Array, p: number): number[][] {
  // Rinv upper triangular
  const Rinv = new Float64Array(p * p);
  for (let j = 0; j < p; j++) {
    Rinv[j * p + j] = 1 / R[j * p + j];
    for (let i = j - 1; i >= 0; i--) {
      let s = 0;
      for (let k = i + 1; k <= j; k++) s += R[i * p + k] * Rinv[k * p + j];
      Rinv[i * p + j] = -s / R[i * p + i];
    }
  }
  const V: number[][] = [];
  for (let i = 0; i < p; i++) {
    const row: number[] = [];
    for (let j = 0; j < p; j++) {
      let s = 0;
      for (let k = Math.max(i, j); k < p; k++) s += Rinv[i * p + k] * Rinv[j * p + k];
      row.push(s);
    }
    V.push(row);
  }
  return V;
}

function binomialDeviance(y: ArrayLike<number>, mu: Float64Array): number {
  let d = 0;
  for (let i = 0; i < mu.length; i++) d += y[i] > 0.5 ? -2 * Math.log(mu[i]) : -2 * Math.log1p(-mu[i]);
  return d;
}

const DBL_EPS = 2.220446049250313e-16;
const MU_EPS = 10 * DBL_EPS;

/** binomial()$linkinv: plogis with eta clamped to [-30, 30] as R's C_logit_linkinv does. */
function logitLinkinv(eta: number): number {
  const t = eta < -30 ? DBL_EPS : eta > 30 ? 1 / DBL_EPS : Math.exp(eta);
  return t / (1 + t);
} // R: binomial()$mu.eta / glm.fit's "numerically 0 or 1" threshold

/**
 * Fits y (0/1) on the given predictor columns. Throws GlmError when a column is constant or
 * collinear (R would give an NA coefficient); the message names it.
 */
export function glmLogistic(columns: readonly ArrayLike<number>[], y: ArrayLike<number>, opts: GlmOptions = {}): GlmFit {
  const n = y.length;
  const intercept = opts.intercept ?? true;
  const names = [...(intercept ? ['(Intercept)'] : []), ...(opts.names ?? columns.map((_, j) => `x${j + 1}`))];
  const p = columns.length + (intercept ? 1 : 0);
  const label = opts.label ?? 'logistic regression';
  const epsilon = opts.epsilon ?? 1e-15;
  const maxit = opts.maxit ?? 100;
  const offset = opts.offset;
  const X = new Float64Array(n * p);
  let c0 = 0;
  if (intercept) {
    X.fill(1, 0, n);
    c0 = 1;
  }
  columns.forEach((col, j) => {
    if (col.length !== n) throw new GlmError(`${label}: column '${names[j + c0]}' has ${col.length} values, not ${n}`);
    for (let i = 0; i < n; i++) X[(j + c0) * n + i] = col[i];
  });

  const mu = new Float64Array(n);
  const eta = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    mu[i] = (y[i] + 0.5) / 2;
    eta[i] = Math.log(mu[i] / (1 - mu[i]));
  }
  let devOld = binomialDeviance(y, mu);
  let b: Float64Array = new Float64Array(p);
  const A = new Float64Array(n * p);
  const z = new Float64Array(n);
  let converged = false;
  let iter = 0;
  let dev = devOld;
  for (iter = 1; iter <= maxit; iter++) {
    // working response and weights (logit link: mu.eta = variance = mu (1 - mu))
    for (let i = 0; i < n; i++) {
      const v = Math.max(mu[i] * (1 - mu[i]), 2.220446049250313e-16);
      const w = Math.sqrt(v);
      z[i] = (eta[i] - (offset ? offset[i] : 0) + (y[i] - mu[i]) / v) * w;
      for (let j = 0; j < p; j++) A[j * n + i] = X[j * n + i] * w;
    }
    ({ b } = qrSolve(householderQr(A, n, p, names, label), n, p, z));
    for (let i = 0; i < n; i++) {
      let e = offset ? offset[i] : 0;
      for (let j = 0; j < p; j++) e += X[j * n + i] * b[j];
      eta[i] = e;
      mu[i] = logitLinkinv(e);
    }
    dev = binomialDeviance(y, mu);
    if (Math.abs(dev - devOld) / (Math.abs(dev) + 0.1) < epsilon) {
      converged = true;
      break;
    }
    devOld = dev;
  }
  if (!converged) iter = maxit;

  // covariance at the final fit: (X' W X)^-1 with W from the converged mu
  for (let i = 0; i < n; i++) {
    const w = Math.sqrt(Math.max(mu[i] * (1 - mu[i]), 2.220446049250313e-16));
    for (let j = 0; j < p; j++) A[j * n + i] = X[j * n + i] * w;
  }
  const { R } = qrSolve(householderQr(A, n, p, names, label), n, p, z);
  const vcov = inverseCrossprodR(R, p);
  const coefficients = Array.from(b);
  const se = vcov.map((row, j) => Math.sqrt(row[j]));
  const zs = coefficients.map((c, j) => c / se[j]);
  const ps = zs.map((v) => 2 * pnorm(-Math.abs(v)));

  // null deviance: intercept-only model (with the offset, if any), as R reports it
  let nullDeviance: number;
  let ybar = 0;
  for (let i = 0; i < n; i++) ybar += y[i];
  ybar /= n;
  if (!offset) {
    const m0 = new Float64Array(n).fill(intercept ? ybar : 0.5);
    nullDeviance = binomialDeviance(y, m0);
  } else if (intercept && columns.length > 0) {
    nullDeviance = glmLogistic([], y, { offset, epsilon, maxit, label }).deviance;
  } else if (intercept) {
    nullDeviance = dev;
  } else {
    const m0 = new Float64Array(n);
    for (let i = 0; i < n; i++) m0[i] = 1 / (1 + Math.exp(-offset[i]));
    nullDeviance = binomialDeviance(y, m0);
  }

  const warnings: string[] = [];
  let extreme = false;
  for (let i = 0; i < n; i++) if (mu[i] < MU_EPS || mu[i] > 1 - MU_EPS) extreme = true;
  if (extreme || !converged) {
    const culprits = divergingTerms(columns, coefficients.slice(c0), names.slice(c0));
    const what = extreme ? 'fitted probabilities numerically 0 or 1 occurred (separation)' : `did not converge in ${maxit} iterations`;
    warnings.push(`${label}: ${what}; the coefficient of ${culprits.join(', ')} diverges`);
  }
  return {
    names,
    coefficients,
    se,
    z: zs,
    p: ps,
    vcov,
    deviance: dev,
    nullDeviance,
    aic: dev + 2 * p,
    loglik: -dev / 2,
    iterations: iter,
    converged,
    fitted: mu,
    linearPredictor: eta,
    warnings,
  };
}

/**
 * The predictors to blame for separation: those whose effect over their observed range exceeds
 * 30 logits (an odds ratio of 1e13, which no finite-sample fit produces unless the coefficient
 * runs away), or else the one with the largest such effect.
 */
function divergingTerms(columns: readonly ArrayLike<number>[], coef: number[], names: string[]): string[] {
  const effect = columns.map((c, j) => {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < c.length; i++) {
      lo = Math.min(lo, c[i]);
      hi = Math.max(hi, c[i]);
    }
    return Math.abs(coef[j]) * (hi - lo);
  });
  const big = names.filter((_, j) => effect[j] > 30);
  if (big.length) return big.map((s) => `'${s}'`);
  if (!names.length) return ['the intercept'];
  let best = 0;
  for (let j = 1; j < effect.length; j++) if (effect[j] > effect[best]) best = j;
  return [`'${names[best]}'`];
}

/**
 * Joint Wald test that the coefficients at `indices` are all zero: W = b' V^-1 b, chi-square
 * with length(indices) df (the per-variable test SPSS reports for a factor's dummies).
 */
export function waldTest(fit: GlmFit, indices: number[]): { statistic: number; df: number; p: number } {
  const k = indices.length;
  const V = indices.map((i) => indices.map((j) => fit.vcov[i][j]));
  const bsub = indices.map((i) => fit.coefficients[i]);
  // solve V x = b by Cholesky
  const L = V.map((r) => r.slice());
  for (let j = 0; j < k; j++) {
    let s = L[j][j];
    for (let m = 0; m < j; m++) s -= L[j][m] * L[j][m];
    L[j][j] = Math.sqrt(s);
    for (let i = j + 1; i < k; i++) {
      let t = L[i][j];
      for (let m = 0; m < j; m++) t -= L[i][m] * L[j][m];
      L[i][j] = t / L[j][j];
    }
  }
  const u = new Array<number>(k);
  for (let i = 0; i < k; i++) {
    let s = bsub[i];
    for (let m = 0; m < i; m++) s -= L[i][m] * u[m];
    u[i] = s / L[i][i];
  }
  let statistic = 0;
  for (const v of u) statistic += v * v;
  return { statistic, df: k, p: pchisq(statistic, k, false) };
}
