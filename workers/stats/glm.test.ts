import { afterAll, describe, expect, it } from 'vitest';
import { designColumns, designRow, designTerms, type VariableSpec } from './design.ts';
import { glmLogistic, oddsRatios, waldTest } from './glm.ts';
import { expectClose, labels, printMaxErrors, referenceA, TOL } from './reference-a.testutil.ts';

const ref = referenceA();
const P = ref.inputs.patients;
const y = labels(ref).train;
const trainIdx: number[] = ref.inputs.train_ids.map((id: string) => P.id.indexOf(id));
const radscore: number[] = ref.expected.radscore.train;

const value = (k: number, variable: string): number | undefined =>
  variable === 'radscore' ? radscore[k] : variable === 'tic' ? P.tic_type[trainIdx[k]] : P[variable][trainIdx[k]];

function fitModel(vars: VariableSpec[]) {
  const rows = trainIdx.map((_, k) => designRow(vars, (v) => value(k, v), `patient ${k}`));
  const terms = designTerms(vars);
  return { fit: glmLogistic(designColumns(rows, terms.length), y, { names: terms.map((t) => t.name) }), terms };
}

const MODELS: Record<string, VariableSpec[]> = {
  clinical: [{ name: 'tic', kind: 'factor', levels: [1, 2, 3] }, { name: 'er', kind: 'numeric' }, { name: 'pr', kind: 'numeric' }],
  nomogram: [{ name: 'radscore', kind: 'numeric' }, { name: 'tic', kind: 'factor', levels: [1, 2, 3] }],
};

describe('logistic regression against glm (converged: the references\' tight blocks)', () => {
  for (const [model, vars] of Object.entries(MODELS)) {
    it(`${model}: ${ref.expected.logistic[model].formula}`, () => {
      const e = ref.expected.logistic[model];
      const { fit } = fitModel(vars);
      expect(fit.names).toEqual(e.terms);
      expect(fit.converged).toBe(true);
      expect(fit.warnings).toEqual([]);
      expectClose(`logistic.${model}.tight.estimate`, fit.coefficients, e.tight.estimate, TOL.glmTight);
      expectClose(`logistic.${model}.tight.std_error`, fit.se, e.tight.std_error, TOL.glmTight);
      expectClose(`logistic.${model}.tight.z`, fit.z, e.tight.z, TOL.glmTight);
      expectClose(`logistic.${model}.tight.p`, fit.p, e.tight.p, TOL.glmTight);
      expectClose(`logistic.${model}.tight.deviance`, fit.deviance, e.tight.deviance, TOL.glmTight);
      expectClose(`logistic.${model}.null_deviance`, fit.nullDeviance, e.null_deviance, TOL.closedForm);
      // odds ratios and Wald limits of the default-epsilon fit differ from ours by its ~1e-6 SE error
      const or = oddsRatios(fit);
      expectClose(`logistic.${model}.odds_ratio_wald`, [or.or, or.lower, or.upper], [e.odds_ratio, e.or_wald_ci_lower, e.or_wald_ci_upper], { rel: 1e-4 });
    });
  }

  it('gives the joint Wald test of a factor (SPSS-style, df = levels - 1)', () => {
    const { fit } = fitModel(MODELS.nomogram);
    const w = waldTest(fit, [2, 3]);
    // b' V^-1 b for (tic2, tic3) of the converged fit, by the explicit 2 x 2 inverse
    const [a, b] = [fit.coefficients[2], fit.coefficients[3]];
    const V = fit.vcov;
    const det = V[2][2] * V[3][3] - V[2][3] * V[3][2];
    const stat = (a * a * V[3][3] - 2 * a * b * V[2][3] + b * b * V[2][2]) / det;
    expect(w.df).toBe(2);
    expect(Math.abs(w.statistic - stat) / stat).toBeLessThan(1e-12);
    // a single coefficient's Wald test is its z test
    const w1 = waldTest(fit, [1]);
    expect(Math.abs(w1.p - fit.p[1]) / fit.p[1]).toBeLessThan(1e-10);
  });

  it('names the predictor when separation makes a coefficient diverge', () => {
    const x = [0, 0, 0, 0, 1, 1, 1, 1, 0.3, 0.7];
    const z = [1, 0, 1, 0, 1, 0, 1, 0, 1, 0];
    const yy = [0, 0, 0, 0, 1, 1, 1, 1, 0, 1];
    const fit = glmLogistic([z, x], yy, { names: ['noise', 'marker'], label: 'test model' });
    expect(fit.warnings.length).toBe(1);
    expect(fit.warnings[0]).toMatch(/test model: .*separation.*'marker'/);
  });

  it('refuses a constant predictor, naming it', () => {
    expect(() => glmLogistic([[1, 1, 1, 1]], [0, 1, 0, 1], { names: ['er'], label: 'clinical model' })).toThrow(/clinical model: 'er' is constant or collinear/);
  });
});

afterAll(() => printMaxErrors('glm vs R'));
