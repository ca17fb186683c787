/**
 * Special functions behind every p-value of the engine, written for full double precision:
 * the normal CDF and quantile, log-gamma, the regularized incomplete gamma and beta functions,
 * and the t, chi-square and F distributions built on them. R's nmath is the yardstick: each
 * function returns what R's function of the same name returns, to ~1e-14 relative.
 */

/* eslint-disable no-loss-of-precision -- the published constants below carry more digits than a
   double holds; rounding each to the nearest double is intended */
const LOG_SQRT_2PI = 0.91893853320467274178032973640562; // log(sqrt(2*pi))
const SQRT_32 = 5.656854249492380195206754896838;
const ONE_OVER_SQRT_2PI = 0.398942280401432677939946059934;
const EPS = 2.220446049250313e-16;
const TINY = 1e-300;

// ---------------------------------------------------------------------------------------------
// Normal distribution
// ---------------------------------------------------------------------------------------------

// W. J. Cody, "Rational Chebyshev approximations for the error function", Math. Comp. 1969, and
// ALGORITHM 715 (SPECFUN, ACM TOMS 19, 1993): coefficients of the three rational approximations
// of the normal CDF (|x| <= 0.66291, <= sqrt(32), beyond). Mathematical constants, as published.
const CODY_A = [2.2352520354606839287, 161.02823106855587881, 1067.6894854603709582, 18154.981253343561249, 0.065682337918207449113];
const CODY_B = [47.20258190468824187, 976.09855173777669322, 10260.932208618978205, 45507.789335026729956];
const CODY_C = [
  0.39894151208813466764, 8.8831497943883759412, 93.506656132177855979, 597.27027639480026226, 2494.5375852903726711,
  6848.1904505362823326, 11602.651437647350124, 9842.7148383839780218, 1.0765576773720192317e-8,
];
const CODY_D = [
  22.266688044328115691, 235.38790178262499861, 1519.377599407554805, 6485.558298266760755, 18615.571640885098091,
  34900.952721145977266, 38912.003286093271411, 19685.429676859990727,
];
const CODY_P = [0.21589853405795699, 0.1274011611602473639, 0.022235277870649807, 0.001421619193227893466, 2.9112874951168792e-5, 0.02307344176494017303];
const CODY_Q = [1.28426009614491121, 0.468238212480865118, 0.0659881378689285515, 0.00378239633202758244, 7.29751555083966205e-5];

/**
 * exp(-x^2/2) * r, with x^2 split into a part exactly representable (x rounded down to 1/16)
 * and a small remainder, so that the exponential keeps full relative precision (Cody's trick).
 */
function gaussTail(x: number, r: number): number {
  const xsq = Math.trunc(x * 16) / 16;
  const del = (x - xsq) * (x + xsq);
  return Math.exp(-xsq * xsq * 0.5) * Math.exp(-del * 0.5) * r;
}

/** Both tails of the standard normal distribution: [P(Z <= x), P(Z > x)], each to full relative precision. */
export function pnormBoth(x: number): [number, number] {
  if (Number.isNaN(x)) return [NaN, NaN];
  const y = Math.abs(x);
  if (y <= 0.66291) {
    const xsq = y > EPS * 0.5 ? x * x : 0;
    let xnum = CODY_A[4] * xsq;
    let xden = xsq;
    for (let i = 0; i < 3; i++) {
      xnum = (xnum + CODY_A[i]) * xsq;
      xden = (xden + CODY_B[i]) * xsq;
    }
    const temp = (x * (xnum + CODY_A[3])) / (xden + CODY_B[3]);
    return [0.5 + temp, 0.5 - temp];
  }
  let small: number; // the tail beyond |x|
  if (y <= SQRT_32) {
    let xnum = CODY_C[8] * y;
    let xden = y;
    for (let i = 0; i < 7; i++) {
      xnum = (xnum + CODY_C[i]) * y;
      xden = (xden + CODY_D[i]) * y;
    }
    small = gaussTail(y, (xnum + CODY_C[7]) / (xden + CODY_D[7]));
  } else if (y < 50) {
    const xsq = 1 / (x * x);
    let xnum = CODY_P[5] * xsq;
    let xden = xsq;
    for (let i = 0; i < 4; i++) {
      xnum = (xnum + CODY_P[i]) * xsq;
      xden = (xden + CODY_Q[i]) * xsq;
    }
    const r = (xsq * (xnum + CODY_P[4])) / (xden + CODY_Q[4]);
    small = gaussTail(y, (ONE_OVER_SQRT_2PI - r) / y);
  } else small = 0;
  return x > 0 ? [1 - small, small] : [small, 1 - small];
}

/** R's pnorm(x, lower.tail): the standard normal CDF, or its upper tail. */
export function pnorm(x: number, lowerTail = true): number {
  const [lo, up] = pnormBoth(x);
  return lowerTail ? lo : up;
}

export function dnorm(x: number): number {
  return ONE_OVER_SQRT_2PI * Math.exp(-0.5 * x * x);
}

// M. J. Wichura, "Algorithm AS 241: The percentage points of the normal distribution",
// Applied Statistics 37 (1988) 477-484 (PPND16): coefficients, as published.
const AS241_A = [3.387132872796366608, 133.14166789178437745, 1971.5909503065514427, 13731.693765509461125, 45921.953931549871457, 67265.770927008700853, 33430.575583588128105, 2509.0809287301226727];
const AS241_B = [1, 42.313330701600911252, 687.1870074920579083, 5394.1960214247511077, 21213.794301586595867, 39307.89580009271061, 28729.085735721942674, 5226.495278852854561];
const AS241_C = [1.42343711074968357734, 4.6303378461565452959, 5.7694972214606914055, 3.64784832476320460504, 1.27045825245236838258, 0.24178072517745061177, 0.0227238449892691845833, 7.7454501427834140764e-4];
const AS241_D = [1, 2.05319162663775882187, 1.6763848301838038494, 0.68976733498510000455, 0.14810397642748007459, 0.0151986665636164571966, 5.475938084995344946e-4, 1.05075007164441684324e-9];
const AS241_E = [6.6579046435011037772, 5.4637849111641143699, 1.7848265399172913358, 0.29656057182850489123, 0.026532189526576123093, 0.0012426609473880784386, 2.71155556874348757815e-5, 2.01033439929228813265e-7];
const AS241_F = [1, 0.59983220655588793769, 0.13692988092273580531, 0.0148753612908506148525, 7.868691311456132591e-4, 1.8463183175100546818e-5, 1.4215117583164458887e-7, 2.04426310338993978564e-15];

/* eslint-enable no-loss-of-precision */

function horner(c: readonly number[], x: number): number {
  let v = c[c.length - 1];
  for (let i = c.length - 2; i >= 0; i--) v = v * x + c[i];
  return v;
}

/** R's qnorm(p): the standard normal quantile (Wichura's AS 241, relative accuracy ~1e-16). */
export function qnorm(p: number, lowerTail = true): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return NaN;
  // p_ = lower-tail probability; r = the smaller of the two tails, taken from the input when it is the smaller one
  const pLower = lowerTail ? p : 1 - p;
  const q = pLower - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * horner(AS241_A, r)) / horner(AS241_B, r);
  }
  let r: number;
  if (q < 0) r = lowerTail ? p : 1 - p;
  else r = lowerTail ? 1 - p : p;
  if (r <= 0) return q < 0 ? -Infinity : Infinity;
  r = Math.sqrt(-Math.log(r));
  let val: number;
  if (r <= 5) {
    r -= 1.6;
    val = horner(AS241_C, r) / horner(AS241_D, r);
  } else {
    r -= 5;
    val = horner(AS241_E, r) / horner(AS241_F, r);
  }
  return q < 0 ? -val : val;
}

// ---------------------------------------------------------------------------------------------
// Gamma and beta functions
// ---------------------------------------------------------------------------------------------

/**
 * The remainder of Stirling's formula, log Gamma(z) - [(z - 1/2) log z - z + log sqrt(2 pi)],
 * for z >= 10 (R calls it lgammacor): the Bernoulli series B_2k / (2k (2k-1) z^(2k-1)), k = 1..8,
 * truncation error below 1e-17.
 */
function stirlingRemainder(z: number): number {
  const r = 1 / z;
  const r2 = r * r;
  return (
    r *
    (1 / 12 +
      r2 * (-1 / 360 + r2 * (1 / 1260 + r2 * (-1 / 1680 + r2 * (1 / 1188 + r2 * (-691 / 360360 + r2 * (1 / 156 + r2 * (-3617 / 122400))))))))
  );
}

function lgammaStirling(z: number): number {
  return (z - 0.5) * Math.log(z) - z + LOG_SQRT_2PI + stirlingRemainder(z);
}

/** log |Gamma(x)|, as R's lgamma. Absolute error ~1e-15 near the zeros at 1 and 2, relative ~1e-16 elsewhere. */
export function lgamma(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x <= 0) {
    if (Number.isInteger(x)) return Infinity;
    // reflection: Gamma(x) Gamma(1-x) = pi / sin(pi x)
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  }
  if (x >= 10) return lgammaStirling(x);
  let prod = 1;
  let z = x;
  while (z < 10) {
    prod *= z;
    z += 1;
  }
  return lgammaStirling(z) - Math.log(prod);
}

/**
 * log B(a, b). When an argument is large, the Stirling terms of the three log-gammas are combined
 * analytically (as R's lbeta does) so that no large, nearly equal numbers are subtracted.
 */
export function lbeta(a: number, b: number): number {
  const p = Math.min(a, b);
  const q = Math.max(a, b);
  if (p >= 10) {
    const corr = stirlingRemainder(p) + stirlingRemainder(q) - stirlingRemainder(p + q);
    return -0.5 * Math.log(q) + LOG_SQRT_2PI + corr + (p - 0.5) * Math.log(p / (p + q)) + q * Math.log1p(-p / (p + q));
  }
  if (q >= 10) {
    const corr = stirlingRemainder(q) - stirlingRemainder(p + q);
    return lgamma(p) + corr + p - p * Math.log(p + q) + (q - 0.5) * Math.log1p(-p / (p + q));
  }
  return lgamma(p) + lgamma(q) - lgamma(p + q);
}

/** log of the binomial coefficient C(n, k). */
export function lchoose(n: number, k: number): number {
  return lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1);
}

/**
 * Regularized incomplete gamma functions [P(a, x), Q(a, x)] (lower, upper), computed by the
 * series for x < a + 1 and by the continued fraction (modified Lentz) otherwise, so that the
 * directly computed one is never the result of a cancellation.
 */
export function gammaInc(a: number, x: number): [number, number] {
  if (Number.isNaN(a) || Number.isNaN(x) || a <= 0) return [NaN, NaN];
  if (x <= 0) return [0, 1];
  if (x === Infinity) return [1, 0];
  const logPrefactor = a * Math.log(x) - x - lgamma(a);
  if (x < a + 1) {
    let ap = a;
    let del = 1 / a;
    let sum = del;
    for (let n = 0; n < 100000; n++) {
      ap += 1;
      del *= x / ap;
      sum += del;
      if (Math.abs(del) < Math.abs(sum) * EPS * 0.5) break;
    }
    const p = sum * Math.exp(logPrefactor);
    return [p, 1 - p];
  }
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 100000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS * 0.5) break;
  }
  const q = Math.exp(logPrefactor) * h;
  return [1 - q, q];
}

/** Continued fraction of the incomplete beta function (modified Lentz), valid for x < (a+1)/(a+b+2). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < 100000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS * 0.5) break;
  }
  return h;
}

/**
 * Regularized incomplete beta [I_x(a, b), 1 - I_x(a, b)]. `y` = 1 - x, passed separately when
 * the caller knows it more precisely than 1 - x (e.g. t^2/(df + t^2) for the t distribution).
 */
export function betaInc(x: number, a: number, b: number, y = 1 - x): [number, number] {
  if (Number.isNaN(x) || Number.isNaN(a) || Number.isNaN(b) || a <= 0 || b <= 0) return [NaN, NaN];
  if (x <= 0) return [0, 1];
  if (y <= 0) return [1, 0];
  const logFront = a * Math.log(x) + b * Math.log(y) - lbeta(a, b);
  if (x < (a + 1) / (a + b + 2)) {
    const v = (Math.exp(logFront) * betaContinuedFraction(a, b, x)) / a;
    return [v, 1 - v];
  }
  const w = (Math.exp(logFront) * betaContinuedFraction(b, a, y)) / b;
  return [1 - w, w];
}

// ---------------------------------------------------------------------------------------------
// Distributions
// ---------------------------------------------------------------------------------------------

/** R's pchisq(x, df, lower.tail). */
export function pchisq(x: number, df: number, lowerTail = true): number {
  if (Number.isNaN(x) || Number.isNaN(df) || df <= 0) return NaN;
  const [p, q] = gammaInc(df / 2, x / 2);
  return lowerTail ? p : q;
}

/** R's pt(t, df, lower.tail). df = Infinity gives the normal distribution. */
export function pt(t: number, df: number, lowerTail = true): number {
  if (Number.isNaN(t) || Number.isNaN(df) || df <= 0) return NaN;
  if (df === Infinity) return pnorm(t, lowerTail);
  if (t === Infinity) return lowerTail ? 1 : 0;
  if (t === -Infinity) return lowerTail ? 0 : 1;
  const t2 = t * t;
  // P(|T| > |t|) = I_{df/(df+t^2)}(df/2, 1/2)
  const x = df / (df + t2);
  const y = t2 / (df + t2);
  const [twoTail] = betaInc(x, df / 2, 0.5, y);
  const tail = 0.5 * twoTail; // P(T > |t|)
  const upperIsSmall = t > 0;
  if (lowerTail) return upperIsSmall ? 1 - tail : tail;
  return upperIsSmall ? tail : 1 - tail;
}

export function dt(t: number, df: number): number {
  return Math.exp(lgamma((df + 1) / 2) - lgamma(df / 2) - 0.5 * Math.log(df * Math.PI) - ((df + 1) / 2) * Math.log1p((t * t) / df));
}

/** R's pf(f, df1, df2, lower.tail). */
export function pf(f: number, df1: number, df2: number, lowerTail = true): number {
  if (Number.isNaN(f) || !(df1 > 0) || !(df2 > 0)) return NaN;
  if (f <= 0) return lowerTail ? 0 : 1;
  if (f === Infinity) return lowerTail ? 1 : 0;
  // P(F > f) = I_{df2/(df2 + df1 f)}(df2/2, df1/2)
  const den = df2 + df1 * f;
  const [upper, lower] = betaInc(df2 / den, df2 / 2, df1 / 2, (df1 * f) / den);
  return lowerTail ? lower : upper;
}

/**
 * Inverts a continuous increasing CDF on (lo, hi) by Newton steps safeguarded by bisection:
 * converges to the last bits of a double.
 */
function invertCdf(cdf: (x: number) => number, pdf: (x: number) => number, p: number, x0: number, lo: number, hi: number): number {
  let x = Math.min(Math.max(x0, lo), hi);
  for (let it = 0; it < 200; it++) {
    const f = cdf(x) - p;
    if (f === 0) return x;
    if (f > 0) hi = x;
    else lo = x;
    const d = pdf(x);
    let next = d > 0 && Number.isFinite(d) ? x - f / d : NaN;
    if (!(next > lo && next < hi)) {
      next = Number.isFinite(lo) && Number.isFinite(hi) ? 0.5 * (lo + hi) : f > 0 ? x - 2 * Math.abs(x) - 1 : x + 2 * Math.abs(x) + 1;
    }
    if (Math.abs(next - x) <= 4 * EPS * Math.abs(next)) return next;
    x = next;
  }
  return x;
}

/** R's qt(p, df). */
export function qt(p: number, df: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1 || !(df > 0)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (df === Infinity) return qnorm(p);
  if (p === 0.5) return 0;
  // solve for the upper tail probability u = min(p, 1 - p) on t > 0, so that a small tail keeps
  // its relative precision, then use the symmetry of t
  const u = p < 0.5 ? p : 1 - p;
  const z = qnorm(u, false);
  // Cornish-Fisher start (Abramowitz & Stegun 26.7.5)
  const x0 = z + (z * z * z + z) / 4 / df;
  const t = invertCdf(
    (x) => -pt(x, df, false),
    (x) => dt(x, df),
    -u,
    x0 > 0 ? x0 : z,
    0,
    Infinity,
  );
  return p < 0.5 ? -t : t;
}

/** R's qbeta(p, a, b). */
export function qbeta(p: number, a: number, b: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1 || !(a > 0) || !(b > 0)) return NaN;
  if (p === 0) return 0;
  if (p === 1) return 1;
  const lb = lbeta(a, b);
  const pdf = (x: number) => Math.exp((a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - lb);
  return invertCdf((x) => betaInc(x, a, b)[0], pdf, p, a / (a + b), 0, 1);
}

/** R's qf(p, df1, df2). */
export function qf(p: number, df1: number, df2: number): number {
  const x = qbeta(p, df1 / 2, df2 / 2);
  return (df2 * x) / (df1 * (1 - x));
}

/** plogis / qlogis, as R. */
export function plogis(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

export function qlogis(p: number): number {
  return Math.log(p / (1 - p));
}
