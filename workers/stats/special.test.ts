import { describe, expect, it } from 'vitest';
import { betaInc, gammaInc, lgamma, pchisq, pf, pnorm, pt, qbeta, qf, qnorm, qt } from './special.ts';

// Closed forms that hold exactly in mathematics; the fixture-based tests of every statistical
// test check the same functions against R.
const rel = (a: number, e: number) => Math.abs(a - e) / Math.abs(e);

describe('special functions: closed forms', () => {
  it('lgamma of integers and half-integers', () => {
    let f = 1;
    // near its zeros at 1 and 2 lgamma has an absolute, not relative, accuracy of a few 1e-15
    expect(Math.abs(lgamma(1))).toBeLessThan(4e-15);
    expect(Math.abs(lgamma(2))).toBeLessThan(4e-15);
    for (let k = 2; k <= 30; k++) {
      f *= k;
      expect(rel(lgamma(k + 1), Math.log(f))).toBeLessThan(1e-14);
    }
    expect(rel(lgamma(0.5), 0.5 * Math.log(Math.PI))).toBeLessThan(1e-14);
    expect(rel(lgamma(1.5), Math.log(Math.sqrt(Math.PI) / 2))).toBeLessThan(2e-14);
  });

  it('chi-square with 2 df is exponential; with 1 df it is a squared normal', () => {
    for (const x of [1e-6, 0.3, 2, 9.6, 40, 200]) {
      expect(rel(pchisq(x, 2, false), Math.exp(-x / 2))).toBeLessThan(1e-13);
      expect(rel(pchisq(x, 1, false), 2 * pnorm(-Math.sqrt(x)))).toBeLessThan(1e-13);
    }
  });

  it('t with 1 df is Cauchy, with 2 df has a closed form', () => {
    for (const t of [-30, -3, -0.4, 0.2, 1, 12.7]) {
      expect(rel(pt(t, 1), 0.5 + Math.atan(t) / Math.PI)).toBeLessThan(1e-13);
      expect(rel(pt(t, 2), 0.5 + t / (2 * Math.sqrt(2 + t * t)))).toBeLessThan(1e-13);
    }
  });

  it('F(2, 2) is x / (1 + x); incomplete beta with b = 1 is x^a', () => {
    for (const x of [0.01, 0.5, 3, 80]) expect(rel(pf(x, 2, 2), x / (1 + x))).toBeLessThan(1e-13);
    for (const x of [0.001, 0.3, 0.9]) expect(rel(betaInc(x, 3.5, 1)[0], Math.pow(x, 3.5))).toBeLessThan(1e-13);
  });

  it('quantiles invert the distribution functions', () => {
    for (const p of [1e-10, 0.025, 0.3, 0.5, 0.9, 0.975]) {
      expect(rel(pnorm(qnorm(p)), p)).toBeLessThan(1e-14);
      expect(rel(pt(qt(p, 7.3), 7.3), p)).toBeLessThan(1e-13);
      expect(rel(pf(qf(p, 4, 15.5), 4, 15.5), p)).toBeLessThan(1e-13);
      expect(rel(betaInc(qbeta(p, 0.7, 12), 0.7, 12)[0], p)).toBeLessThan(1e-13);
    }
    expect(qnorm(0.5)).toBe(0);
  });

  it('the two tails of the incomplete gamma add to one', () => {
    for (const [a, x] of [[0.5, 0.2], [4, 3.9], [4, 20], [30, 25]]) {
      const [p, q] = gammaInc(a, x);
      expect(Math.abs(p + q - 1)).toBeLessThan(1e-15);
    }
  });
});
