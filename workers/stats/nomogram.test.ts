/**
 * The nomogram's scales against rms::nomogram (rms 6.5-0) on reference A's nomogram model,
 * y ~ radscore + tic: fixtures/rms-nomogram-reference-A.json, written by
 * scripts/stats-reference/rms-nomogram.R. lrm's own coefficients are given to
 * nomogramScales, so this checks the drawing: axes, points, the points-per-lp scale and the
 * probability axis.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nomogramPoints, nomogramScales } from './nomogram.ts';
import { plogis } from './special.ts';

interface RmsNomogram {
  coefficients: { intercept: number; radscore: number; tic2: number; tic3: number };
  radscore_train: number[];
  points_per_lp: number;
  radscore: { x: number[]; points: number[] };
  tic: { levels: number[]; points: number[] };
  total_points: number[];
  probability: { x: number[]; probability: number[] };
  lp_axis: { x: number[]; lp: number[] };
}

const ref = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'rms-nomogram-reference-A.json'), 'utf8')) as RmsNomogram;
const b = ref.coefficients;
const scales = nomogramScales(b.intercept, [
  { name: 'radscore', kind: 'continuous', coef: b.radscore, values: ref.radscore_train },
  { name: 'tic', kind: 'factor', levels: [1, 2, 3], levelCoefs: [0, b.tic2, b.tic3] },
]);
// points are 0..~120: rms and we evaluate the same formula in a different order
const POINTS_TOL = 1e-12;

describe('nomogram scales = rms::nomogram(fit, fun = plogis) on reference A', () => {
  it('points per unit of linear predictor (rms sc)', () => {
    expect(Math.abs(scales.points_per_lp - ref.points_per_lp) / ref.points_per_lp).toBeLessThan(1e-15);
  });

  it("the rad-score axis: R's pretty range of the training values, and each tick's points", () => {
    const p = scales.predictors.find((x) => x.name === 'radscore')!;
    if (p.kind !== 'continuous') throw new Error('radscore is continuous');
    expect(p.axis.map((a) => a.value)).toEqual(ref.radscore.x);
    p.axis.forEach((a, i) => expect(Math.abs(a.points - ref.radscore.points[i])).toBeLessThan(POINTS_TOL));
  });

  it("the TIC axis: each level's points", () => {
    const p = scales.predictors.find((x) => x.name === 'tic')!;
    if (p.kind !== 'factor') throw new Error('tic is a factor');
    expect(p.levels.map((l) => l.level)).toEqual(ref.tic.levels);
    p.levels.forEach((l, i) => expect(Math.abs(l.points - ref.tic.points[i])).toBeLessThan(POINTS_TOL));
  });

  it('the probability axis: the same probabilities at the same total points', () => {
    // R's seq() leaves binary noise in its labels (0.30000000000000004); ours are rounded to 15 digits
    expect(scales.probability_ticks).toHaveLength(ref.probability.probability.length);
    scales.probability_ticks.forEach((t, i) => expect(Math.abs(t.probability - ref.probability.probability[i])).toBeLessThan(1e-15));
    // rms places a probability by linear interpolation of (fun(lp), lp) on 1000 lp values
    // (nomogram: approx(fu, xseq, fun.at)); we invert plogis exactly, so the positions agree
    // to that interpolation's error (measured 3.9e-5 points), and ours give the probability
    // back to the last digits.
    let worst = 0;
    scales.probability_ticks.forEach((t, i) => {
      worst = Math.max(worst, Math.abs(t.total_points - ref.probability.x[i]));
      expect(Math.abs(plogis(scales.lp_at_zero_points + t.total_points / scales.points_per_lp) - t.probability)).toBeLessThan(1e-15);
    });
    expect(worst).toBeLessThan(1e-4);
  });

  it("the linear predictor axis: rms's lp ticks sit where our total points give that lp", () => {
    ref.lp_axis.lp.forEach((lp, i) => {
      const total = (lp - scales.lp_at_zero_points) * scales.points_per_lp;
      expect(Math.abs(total - ref.lp_axis.x[i])).toBeLessThan(POINTS_TOL);
    });
  });

  it("the total-points axis covers the model's range as rms's does", () => {
    // rms labels pretty(0..max total points); the largest label is the first at or above the maximum
    const last = ref.total_points[ref.total_points.length - 1];
    const step = ref.total_points[1] - ref.total_points[0];
    expect(scales.total_points.max).toBeLessThanOrEqual(last);
    expect(scales.total_points.max).toBeGreaterThan(last - step);
  });

  it("a patient's total points give lrm's probability", () => {
    for (const [i, r] of ref.radscore_train.entries()) {
      const tic = 1 + (i % 3);
      const lp = b.intercept + b.radscore * r + (tic === 2 ? b.tic2 : tic === 3 ? b.tic3 : 0);
      const total = nomogramPoints(scales, (name) => (name === 'radscore' ? r : tic));
      expect(Math.abs(plogis(scales.lp_at_zero_points + total / scales.points_per_lp) - plogis(lp))).toBeLessThan(1e-14);
    }
  });
});
