import { afterAll, describe, expect, it } from 'vitest';
import { chisqTest } from './chisq-test.ts';
import { fisherTest } from './fisher-test.ts';
import { mannWhitneyTest, wilcoxDistribution } from './mann-whitney.ts';
import { tTest } from './t-test.ts';
import { expectClose, labels, printMaxErrors, referenceA, TOL } from './reference-a.testutil.ts';

const ref = referenceA();
const P = ref.inputs.patients;

describe('Mann-Whitney U against wilcox.test(exact = FALSE) on the training cohort', () => {
  const trainIdx = ref.inputs.train_ids.map((id: string) => P.id.indexOf(id));
  const y = labels(ref).train;
  it('gives W, p (with and without continuity correction), z and sigma for all 60 features', () => {
    ref.inputs.feature_names.forEach((_: string, j: number) => {
      const x = trainIdx.map((i: number) => ref.inputs.features_reader1[i][j]);
      const x1 = x.filter((_: number, k: number) => y[k] === 1);
      const x0 = x.filter((_: number, k: number) => y[k] === 0);
      const e = ref.expected.mann_whitney.per_feature[j];
      const r = mannWhitneyTest(x1, x0, { exact: false, correct: true });
      expect(r.W).toBe(e.W);
      expect(r.tieGroups).toBe(e.n_ties_groups);
      expectClose('mann_whitney.p', r.p, e.p, TOL.pValue);
      expectClose('mann_whitney.z', r.z, e.z, TOL.closedForm);
      expectClose('mann_whitney.sigma', r.sigma, e.sigma_tie_corrected, TOL.closedForm);
      expectClose('mann_whitney.auc', r.auc, e.auc, TOL.closedForm);
      expectClose('mann_whitney.p_no_continuity', mannWhitneyTest(x1, x0, { exact: false, correct: false }).p, e.p_no_continuity, TOL.pValue);
    });
  });

  it('uses the exact null distribution for small samples without ties, as R does by default', () => {
    // P(W = w) for m = 2, n = 2 is 1,1,2,1,1 / 6 (the 6 rank subsets of {1..4})
    expect(Array.from(wilcoxDistribution(2, 2), (v) => v * 6).map(Math.round)).toEqual([1, 1, 2, 1, 1]);
    const r = mannWhitneyTest([1.1, 2.3, 3.5], [4.2, 5.9, 6.1, 7.7]);
    expect(r.method).toBe('exact');
    expect(r.W).toBe(0);
    // P(W <= 0) = 1 / C(7, 3) = 1/35, two-sided p = 2/35
    expect(Math.abs(r.p - 2 / 35)).toBeLessThan(1e-15);
  });
});

describe('univariate clinical tests against t.test, chisq.test and fisher.test', () => {
  for (const cohort of ['all', 'train', 'test'] as const) {
    const idx = P.id.map((_: string, i: number) => i).filter((i: number) => cohort === 'all' || P.split[i] === cohort);
    const e = ref.expected.clinical_tests[cohort];
    it(`${cohort}: Student and Welch t tests of age`, () => {
      const a1 = idx.filter((i: number) => P.her2_low[i] === 1).map((i: number) => P.age[i]);
      const a0 = idx.filter((i: number) => P.her2_low[i] === 0).map((i: number) => P.age[i]);
      for (const [kind, varEqual] of [['welch', false], ['student', true]] as const) {
        const r = tTest(a1, a0, { varEqual });
        const x = e.age[kind];
        expectClose('clinical_tests.t', r.t, x.t, TOL.closedForm);
        expectClose('clinical_tests.t_df', r.df, x.df, TOL.closedForm);
        expectClose('clinical_tests.t_p', r.p, x.p, TOL.pValue);
        expectClose('clinical_tests.t_means', [r.meanX, r.meanY], [x.mean_pos, x.mean_neg], TOL.closedForm);
        expectClose('clinical_tests.t_ci', [r.ciLower, r.ciUpper], [x.ci_lower, x.ci_upper], TOL.closedForm);
      }
    });
    it(`${cohort}: chi-square with and without Yates, and Fisher's exact test`, () => {
      for (const v of ['tic', 'er', 'pr', 'ki67_high']) {
        const x = e[v];
        const col = v === 'tic' ? 'tic_type' : v;
        // the table as the pipeline would build it: rows HER2 0, 1; columns the levels present
        const levels: number[] = x.column_levels;
        const table = [0, 1].map((cls) => levels.map((lv) => idx.filter((i: number) => P.her2_low[i] === cls && P[col][i] === lv).length));
        expect(table).toEqual(x.table_rows_her2_0_1);
        const rc = chisqTest(table, { correct: true });
        expect(rc.yatesApplied).toBe(x.chisq_yates_applied);
        expect(rc.df).toBe(x.chisq_df);
        expectClose('clinical_tests.chisq', rc.statistic, x.chisq, TOL.closedForm);
        expectClose('clinical_tests.chisq_p', rc.p, x.chisq_p, TOL.pValue);
        expectClose('clinical_tests.expected', rc.expected, x.expected, TOL.closedForm);
        if (x.chisq_no_correction !== undefined) {
          const rn = chisqTest(table, { correct: false });
          expectClose('clinical_tests.chisq_no_correction', rn.statistic, x.chisq_no_correction, TOL.closedForm);
          expectClose('clinical_tests.chisq_no_correction_p', rn.p, x.chisq_no_correction_p, TOL.pValue);
        }
        expectClose('clinical_tests.fisher_p', fisherTest(table).p, x.fisher_p, TOL.fisher);
      }
    });
  }
});

afterAll(() => printMaxErrors('Hypothesis tests vs R'));
