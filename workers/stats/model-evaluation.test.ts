import { afterAll, describe, expect, it } from 'vitest';
import { brierScore, calibrationInTheLarge, calibrationSlope, hoslemTest } from './calibration.ts';
import { dcaThresholds, decisionCurve } from './dca.ts';
import { delongCi, delongVar, rocTest } from './delong.ts';
import { coordsAt, coordsBest, roc, youdenCutoff } from './roc.ts';
import { expectClose, labels, printMaxErrors, referenceA, TOL } from './reference-a.testutil.ts';

// Every stage is fed the reference's own predicted probabilities (expected.predicted_probability).
const ref = referenceA();
const y = labels(ref);
const MODELS = ['radiomics', 'clinical', 'nomogram'] as const;
const COHORTS = ['train', 'test'] as const;
const prob = (m: string, c: 'train' | 'test'): number[] => ref.expected.predicted_probability[m][c];
const curveValue = (v: number | string) => (v === '-Infinity' ? -Infinity : v === 'Infinity' ? Infinity : (v as number));

function expectCoords(block: string, mine: ReturnType<typeof coordsAt>, e: Record<string, number[]>, k = 0) {
  expect([mine.tp, mine.tn, mine.fp, mine.fn]).toEqual([e.tp[k], e.tn[k], e.fp[k], e.fn[k]]);
  expectClose(block, [mine.threshold, mine.sensitivity, mine.specificity, mine.accuracy, mine.ppv, mine.npv, mine.youden],
    [e.threshold[k], e.sensitivity[k], e.specificity[k], e.accuracy[k], e.ppv[k], e.npv[k], e.youden[k]], TOL.closedForm);
}

describe('ROC, DeLong and Youden against pROC', () => {
  for (const m of MODELS) {
    for (const c of COHORTS) {
      it(`${m} / ${c}`, () => {
        const e = ref.expected.roc[m][c];
        const r = roc(y[c], prob(m, c));
        expectClose('roc.curve', Array.from(r.thresholds), e.curve.threshold.map(curveValue), TOL.closedForm);
        expectClose('roc.curve', Array.from(r.sensitivities), e.curve.sensitivity, TOL.closedForm);
        expectClose('roc.curve', Array.from(r.specificities), e.curve.specificity, TOL.closedForm);
        expectClose('roc.auc', r.auc, e.auc, TOL.closedForm);
        expectClose('roc.auc_var_delong', delongVar(r), e.auc_var_delong, TOL.closedForm);
        expectClose('roc.ci', delongCi(r), [e.ci_lower, e.ci_upper], TOL.closedForm);
        const best = coordsBest(r);
        expect(best.length).toBe(e.n_best_ties);
        best.forEach((b, k) => expectCoords('roc.youden_best', b, e.youden_best, k));
        expect(youdenCutoff(r).ties).toBe(e.n_best_ties);
        if (c === 'test') {
          const trainCut = youdenCutoff(roc(y.train, prob(m, 'train'))).threshold;
          expectCoords('roc.train_cutoff_applied', coordsAt(r, trainCut), e.train_cutoff_applied);
        }
        if (m === 'radiomics') {
          // the same curve on the rad-score (logit) scale: cut-offs are then rad-score values
          const rs = roc(y[c], ref.expected.radscore[c]);
          expectClose('roc.radscore_scale', rs.auc, e.radscore_scale.auc, TOL.closedForm);
          expectCoords('roc.radscore_scale', youdenCutoff(rs), e.radscore_scale.youden_best);
          if (c === 'test') {
            const trainCut = youdenCutoff(roc(y.train, ref.expected.radscore.train)).threshold;
            expectCoords('roc.radscore_scale', coordsAt(rs, trainCut), e.radscore_scale.train_cutoff_applied);
          }
        }
      });
    }
  }

  it('DeLong paired tests between every pair of models (roc.test)', () => {
    for (const t of ref.expected.delong_tests) {
      const c = t.cohort as 'train' | 'test';
      const r = rocTest(roc(y[c], prob(t.model1, c)), roc(y[c], prob(t.model2, c)));
      expectClose('delong_tests.auc', [r.auc1, r.auc2], [t.auc1, t.auc2], TOL.closedForm);
      expectClose('delong_tests.z', r.z, t.z, TOL.closedForm);
      expectClose('delong_tests.p', r.p, t.p, TOL.pValue);
      expectClose('delong_tests.ci_diff', [r.ciLower, r.ciUpper], [t.ci_diff_lower, t.ci_diff_upper], TOL.closedForm);
    }
  });
});

describe('calibration against the hoslem.test replica and glm', () => {
  for (const m of MODELS) {
    for (const c of COHORTS) {
      it(`${m} / ${c}`, () => {
        const e = ref.expected.calibration[m][c];
        const hl = hoslemTest(y[c], prob(m, c), 10);
        const x = e.hosmer_lemeshow;
        expect(hl.nGroups).toBe(x.n_groups);
        expect(hl.df).toBe(x.df);
        expect(hl.nEmptyBins).toBe(x.n_empty_bins);
        expect(Array.from(hl.groupOfPatient)).toEqual(x.group_of_patient);
        expectClose('calibration.hl_breaks', hl.breaks, x.breaks, TOL.closedForm);
        expectClose('calibration.hl_chisq', hl.chisq, x.chisq, TOL.closedForm);
        expectClose('calibration.hl_p', hl.p, x.p, TOL.pValue);
        expect(hl.bins.n).toEqual(x.bins.n);
        expect(hl.bins.observed1).toEqual(x.bins.observed_1);
        expect(hl.bins.observed0).toEqual(x.bins.observed_0);
        expectClose('calibration.hl_bins', [hl.bins.expected1, hl.bins.expected0, hl.bins.meanPredicted, hl.bins.observedRate],
          [x.bins.expected_1, x.bins.expected_0, x.bins.mean_predicted, x.bins.observed_rate], TOL.closedForm);
        expectClose('calibration.brier', brierScore(y[c], prob(m, c)), e.brier, TOL.closedForm);
        const s = calibrationSlope(y[c], prob(m, c));
        expectClose('calibration.slope_intercept', [s.slope, s.intercept], [e.calibration_slope_glm, e.calibration_slope_glm_intercept], TOL.calibrationGlm);
        expectClose('calibration.in_the_large', calibrationInTheLarge(y[c], prob(m, c)), e.calibration_in_the_large_glm, TOL.calibrationGlm);
      });
    }
  }
});

describe('decision curves against the formula values', () => {
  it('uses the thresholds 0.01..0.99', () => {
    expect(dcaThresholds()).toEqual(ref.expected.dca.thresholds);
  });
  for (const c of COHORTS) {
    it(c, () => {
      const e = ref.expected.dca[c];
      for (const m of MODELS) {
        const curve = decisionCurve(y[c], prob(m, c));
        expectClose('dca.net_benefit', curve.map((pt) => pt.netBenefit), e[m], TOL.closedForm);
        expectClose('dca.treat_all', curve.map((pt) => pt.treatAll), e.treat_all, TOL.closedForm);
      }
    });
  }
});

afterAll(() => printMaxErrors('Model evaluation vs pROC / replica / glm'));
