import { afterAll, describe, expect, it } from 'vitest';
import { icc } from './icc.ts';
import { expectClose, printMaxErrors, referenceA, TOL } from './reference-a.testutil.ts';

const ref = referenceA();

describe('icc against psych::ICC (reference A, 16 patients x 60 features, two readers)', () => {
  const names: string[] = ref.inputs.feature_names;
  const r2 = ref.inputs.reader2;
  const results = names.map((_, j) => {
    const reader1 = r2.patient_index0.map((i: number) => ref.inputs.features_reader1[i][j]);
    const reader2 = r2.features.map((row: number[]) => row[j]);
    return icc([reader1, reader2]);
  });

  it('gives ICC(1,1), ICC(2,1) and ICC(3,1) of every feature', () => {
    names.forEach((_, j) => {
      const e = ref.expected.icc.per_feature[j];
      expectClose('icc.icc2_1', results[j].icc2_1.icc, e.icc2_1, TOL.closedForm);
      expectClose('icc.icc3_1', results[j].icc3_1.icc, e.icc3_1, TOL.closedForm);
      expectClose('icc.icc1_1', results[j].icc1_1.icc, e.icc1_1, TOL.closedForm);
      expectClose('icc.anova', [results[j].anova.msRows, results[j].anova.msRaters, results[j].anova.msError, results[j].anova.msWithin],
        [e.anova.MS_rows, e.anova.MS_raters, e.anova.MS_error, e.anova.MS_within], TOL.closedForm);
    });
  });

  it("gives psych's F tests and 95% confidence limits", () => {
    names.forEach((_, j) => {
      const e = ref.expected.icc.per_feature[j];
      for (const [mine, theirs] of [
        [results[j].icc1_1, e.psych_ICC1],
        [results[j].icc2_1, e.psych_ICC2],
        [results[j].icc3_1, e.psych_ICC3],
      ] as const) {
        expectClose('icc.psych_F', mine.F, theirs.F, TOL.closedForm);
        expect([mine.df1, mine.df2]).toEqual([theirs.df1, theirs.df2]);
        expectClose('icc.psych_p', mine.p, theirs.p, TOL.pValue);
        expectClose('icc.psych_ci', [mine.ciLower, mine.ciUpper], [theirs.ci_lower, theirs.ci_upper], { rel: 1e-8 });
      }
    });
  });

  afterAll(() => printMaxErrors('ICC vs psych'));
});
