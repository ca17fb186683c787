/**
 * Points scales of a logistic model's nomogram, as rms::nomogram(fit, fun = plogis) draws it
 * (maxscale = 100, nint = 10):
 *  - a continuous predictor's axis runs over pretty(range of its training values, 10) (R's
 *    pretty(); rms uses the datadist's full range with type.range = "full");
 *  - a factor's axis lists its levels;
 *  - each predictor's contribution b * x over its axis has a minimum m_j; its points are
 *    (b * x - m_j) * sc with sc = 100 / (the largest range of contribution among predictors);
 *  - total points T map back to the linear predictor lp = b0 + sum_j m_j + T / sc, and to the
 *    probability plogis(lp); the probability axis is labelled at pretty(probabilities, 10)
 *    strictly between 0 and 1 that fall within the total-points range.
 * A value off the axis still has points by the same formula (negative or above 100).
 */
import { plogis, qlogis } from './special.ts';

/**
 * R's pretty(x, n) for a range [lo, hi] (R_pretty with its defaults: min.n = n %/% 3,
 * shrink.sml = 0.75, high.u.bias = 1.5, u5.bias = 0.5 + 1.5 * 1.5, eps.correct = 0).
 */
export function pretty(lo: number, hi: number, n = 10): number[] {
  const minN = Math.floor(n / 3);
  const h = 1.5;
  const h5 = 0.5 + 1.5 * h;
  const roundingEps = 1e-10;
  const EPS = 2.220446049250313e-16;
  const dx = hi - lo;
  let cell: number;
  let small: boolean;
  if (dx === 0 && hi === 0) {
    cell = 1;
    small = true;
  } else {
    cell = Math.max(Math.abs(lo), Math.abs(hi));
    let U = 1 + (h5 >= 1.5 * h + 0.5 ? 1 / (1 + h) : 1.5 / (1 + h5));
    U *= Math.max(1, n) * EPS;
    small = dx < cell * U * 3;
  }
  if (small) {
    if (cell > 10) cell = 9 + cell / 10;
    cell *= 0.75;
    if (minN > 1) cell /= minN;
  } else {
    cell = dx;
    if (n > 1) cell /= n;
  }
  const base = Math.pow(10, Math.floor(Math.log10(cell)));
  let unit = base;
  let ns = 2 * base;
  if (ns - cell < h * (cell - unit)) {
    unit = ns;
    ns = 5 * base;
    if (ns - cell < h5 * (cell - unit)) {
      unit = ns;
      ns = 10 * base;
      if (ns - cell < h * (cell - unit)) unit = ns;
    }
  }
  let nsu = Math.floor(lo / unit + roundingEps);
  let nuu = Math.ceil(hi / unit - roundingEps);
  while (nsu * unit > lo + roundingEps * unit) nsu--;
  while (nuu * unit < hi - roundingEps * unit) nuu++;
  let k = Math.floor(0.5 + nuu - nsu);
  if (k < minN) {
    k = minN - k;
    if (nsu >= 0) {
      nuu += Math.floor(k / 2);
      nsu -= Math.floor(k / 2) + (k % 2);
    } else {
      nsu -= Math.floor(k / 2);
      nuu += Math.floor(k / 2) + (k % 2);
    }
    k = minN;
  }
  // seq.int(ns * unit, nu * unit, length.out = k + 1), with values tiny relative to the step set to 0
  const from = nsu * unit;
  const to = nuu * unit;
  const out: number[] = [];
  const delta = (to - from) / k;
  for (let i = 0; i <= k; i++) {
    let v = i === k ? to : from + i * delta;
    if (Math.abs(v) < 1e-14 * delta) v = 0;
    // tick labels: drop the binary noise of from + i * delta (0.30000000000000004 -> 0.3)
    out.push(Number(v.toPrecision(15)));
  }
  return out;
}

export interface NomogramPredictorInput {
  /** term name in the model ('radscore', 'tic', 'er') */
  name: string;
  kind: 'continuous' | 'factor';
  /** continuous: its coefficient */
  coef?: number;
  /** continuous: the training values (the axis spans their pretty range) */
  values?: ArrayLike<number>;
  /** factor: levels (reference first) and the coefficient of each (0 for the reference) */
  levels?: number[];
  levelCoefs?: number[];
}

export interface NomogramScales {
  /** points of the predictor with the widest effect */
  max_points: number;
  /** points per unit of linear predictor (rms's sc) */
  points_per_lp: number;
  /** linear predictor at 0 total points: intercept + sum of each predictor's minimal contribution */
  lp_at_zero_points: number;
  predictors: NomogramPredictor[];
  /** probability = plogis(lp_at_zero_points + total_points / points_per_lp) */
  total_points: { min: number; max: number };
  probability_ticks: { probability: number; total_points: number }[];
}

export type NomogramPredictor =
  | {
      name: string;
      kind: 'continuous';
      coef: number;
      /** signed: coef * points_per_lp */
      points_per_unit: number;
      /** the value that scores 0 points (the axis end where b x is smallest) */
      zero_points_at: number;
      axis: { value: number; points: number }[];
    }
  | { name: string; kind: 'factor'; levels: { level: number; coef: number; points: number }[] };

export function nomogramScales(intercept: number, predictors: readonly NomogramPredictorInput[], maxScale = 100): NomogramScales {
  // contribution of each axis value, its minimum and range
  const contrib = predictors.map((p) => {
    if (p.kind === 'continuous') {
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < (p.values?.length ?? 0); i++) {
        lo = Math.min(lo, p.values![i]);
        hi = Math.max(hi, p.values![i]);
      }
      const axis = pretty(lo, hi, 10);
      return { axis, xb: axis.map((v) => p.coef! * v) };
    }
    return { axis: p.levels!, xb: p.levelCoefs!.slice() };
  });
  const mins = contrib.map((c) => Math.min(...c.xb));
  const ranges = contrib.map((c, j) => Math.max(...c.xb) - mins[j]);
  const widest = Math.max(...ranges);
  const sc = widest > 0 ? maxScale / widest : 1;
  const lp0 = intercept + mins.reduce((a, b) => a + b, 0);
  const out: NomogramPredictor[] = predictors.map((p, j) => {
    const c = contrib[j];
    if (p.kind === 'continuous') {
      const b = p.coef!;
      return {
        name: p.name,
        kind: 'continuous',
        coef: b,
        points_per_unit: b * sc,
        zero_points_at: b >= 0 ? c.axis[0] : c.axis[c.axis.length - 1],
        axis: c.axis.map((v, i) => ({ value: v, points: (c.xb[i] - mins[j]) * sc })),
      };
    }
    return { name: p.name, kind: 'factor', levels: c.axis.map((l, i) => ({ level: l, coef: c.xb[i], points: (c.xb[i] - mins[j]) * sc })) };
  });
  const maxTotal = ranges.reduce((a, b) => a + b, 0) * sc;
  const pLo = plogis(lp0);
  const pHi = plogis(lp0 + maxTotal / sc);
  const ticks = pretty(pLo, pHi, 10)
    .filter((pr) => pr > 0 && pr < 1)
    .map((pr) => ({ probability: pr, total_points: (qlogis(pr) - lp0) * sc }))
    .filter((t) => t.total_points >= 0 && t.total_points <= maxTotal);
  return { max_points: maxScale, points_per_lp: sc, lp_at_zero_points: lp0, predictors: out, total_points: { min: 0, max: maxTotal }, probability_ticks: ticks };
}

/** Total points of one patient; lp = lp_at_zero_points + total / points_per_lp. */
export function nomogramPoints(scales: NomogramScales, value: (name: string) => number): number {
  let total = 0;
  for (const p of scales.predictors) {
    const v = value(p.name);
    if (p.kind === 'continuous') total += p.points_per_unit * (v - p.zero_points_at);
    else {
      const l = p.levels.find((x) => x.level === v);
      if (!l) throw new Error(`nomogram: '${p.name}' = ${v} is not one of its levels`);
      total += l.points;
    }
  }
  return total;
}
