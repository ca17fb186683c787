import { describe, expect, it } from 'vitest';
import type { ClinicalTable } from '../io/clinical-csv.ts';
import type { FeatureTable } from '../io/features-csv.ts';
import { fit, FitError, type FitInput } from './fit.ts';
import type { FitConfig } from './fit-config.ts';
import { nomogramPoints } from './nomogram.ts';
import { predict, PredictError } from './predict.ts';
import { expectClose, referenceA, TOL } from './reference-a.testutil.ts';
import { plogis } from './special.ts';
import { stratifiedFolds, stratifiedSplit } from './split.ts';

const ref = referenceA();
const I = ref.inputs;
const E = ref.expected;
const P = I.patients;

function tables(opts: { split?: boolean } = {}): FitInput {
  const features: FeatureTable = { ids: P.id.slice(), names: I.feature_names.slice(), rows: I.features_reader1.map((r: number[]) => Float64Array.from(r)) };
  const reader2: FeatureTable = { ids: I.reader2.patient_ids.slice(), names: I.feature_names.slice(), rows: I.reader2.features.map((r: number[]) => Float64Array.from(r)) };
  const n = P.id.length;
  const clinical: ClinicalTable = {
    source: 'clinical.csv',
    ids: P.id.slice(),
    label: P.her2_low.slice(),
    split: opts.split === false ? new Array(n).fill(null) : P.split.slice(),
    variables: ['age', 'tic', 'er', 'pr', 'ki67'],
    values: { age: Float64Array.from(P.age), tic: Float64Array.from(P.tic_type), er: Float64Array.from(P.er), pr: Float64Array.from(P.pr), ki67: Float64Array.from(P.ki67_high) },
    line: P.id.map((_: string, i: number) => i + 2),
  };
  const folds = { source: 'folds.csv', ids: I.train_ids.slice(), fold: I.foldid_train.slice(), line: I.train_ids.map((_: string, k: number) => k + 2) };
  return { features, clinical, reader2, folds, featuresSource: 'features.csv', reader2Source: 'reader2.csv' };
}

const FIXED: Partial<FitConfig> = { clinical_terms: ['tic', 'er', 'pr'], nomogram_terms: ['radscore', 'tic'], categorical: ['tic'] };
const DATE = '2024-04-01T00:00:00.000Z';

describe('the pipeline with its default selection rules (reference A)', () => {
  const result = fit(tables(), {}, { date: DATE });
  const m = result.model;

  it('tests the clinical variables as the study: Student t and Pearson chi-square without Yates', () => {
    const e = E.clinical_tests.train;
    expect(m.clinical_univariate.age.test).toBe('student');
    expectClose('fit.univariate', m.clinical_univariate.age.p, e.age.student.p, TOL.pValue);
    expect(m.clinical_univariate.tic.test).toBe('chisq');
    expectClose('fit.univariate', m.clinical_univariate.tic.p, e.tic.chisq_p, TOL.pValue);
    for (const [v, key] of [['er', 'er'], ['pr', 'pr'], ['ki67', 'ki67_high']]) {
      expectClose('fit.univariate', m.clinical_univariate[v].p, e[key].chisq_no_correction_p, TOL.pValue);
    }
  });

  it('builds the clinical model from the variables with p < 0.05 (TIC, ER, PR as in the study)', () => {
    expect(m.models.clinical.variables).toEqual(['tic', 'er', 'pr']);
    expectClose('fit.clinical', m.models.clinical.terms.map((t) => t.coef), E.logistic.clinical.tight.estimate, TOL.glmTight);
  });

  it('keeps in the nomogram the clinical variables whose joint Wald p stays < 0.05 beside the rad-score', () => {
    const sel = m.nomogram_selection!;
    expect(sel.formula).toBe('y ~ radscore + tic + er + pr');
    expect(sel.wald.find((w) => w.variable === 'tic')!.df).toBe(2);
    expect(sel.kept).toEqual(sel.wald.filter((w) => w.variable !== 'radscore' && w.p < 0.05).map((w) => w.variable));
    expect(m.models.nomogram.variables).toEqual(['radscore', ...sel.kept]);
  });

  it('is reproducible: the same inputs and settings give the same MODEL.json', () => {
    expect(JSON.stringify(fit(tables(), {}, { date: DATE }).model)).toBe(JSON.stringify(m));
  });
});

describe('predict', () => {
  const { model, patients } = fit(tables(), FIXED, { date: DATE });
  const stored = JSON.parse(JSON.stringify(model));
  const row = (id: string) => I.features_reader1[P.id.indexOf(id)] as number[];
  const featuresOf = (id: string) => Object.fromEntries(I.feature_names.map((n: string, j: number) => [n, row(id)[j]]));
  const clinicalOf = (id: string) => {
    const i = P.id.indexOf(id);
    return { age: P.age[i], tic: P.tic_type[i], er: P.er[i], pr: P.pr[i], ki67: P.ki67_high[i] };
  };

  it('gives every patient exactly what fit computed, from the MODEL.json as stored', () => {
    for (const c of ['train', 'test'] as const) {
      patients[c].ids.forEach((id, k) => {
        const p = predict(stored, featuresOf(id), clinicalOf(id), id);
        expect(p.radscore).toBe(patients[c].radscore[k]);
        expect(p.probability_radiomics).toBe(patients[c].probability.radiomics[k]);
        expect(p.probability_clinical).toBe(patients[c].probability.clinical[k]);
        expect(p.probability_nomogram).toBe(patients[c].probability.nomogram[k]);
        expect(p.class_nomogram).toBe(p.probability_nomogram >= model.models.nomogram.metrics.train.cutoff ? 1 : 0);
      });
    }
  });

  it('refuses a patient without a feature, a clinical value, or with an unseen level', () => {
    const id = 'A001';
    const feats = featuresOf(id);
    const missing = model.steps.selected[0];
    delete feats[missing];
    expect(() => predict(stored, feats, clinicalOf(id), "patient 'A001'")).toThrow(new PredictError(`patient 'A001': no value for feature '${missing}', which the rad-score needs`));
    expect(() => predict(stored, featuresOf(id), { ...clinicalOf(id), er: undefined }, 'p')).toThrow("p: no value for clinical variable 'er', which the clinical model needs");
    expect(() => predict(stored, featuresOf(id), { ...clinicalOf(id), tic: 4 }, 'p')).toThrow("p: 'tic' = 4 is not one of the levels the model was trained on (1, 2, 3)");
  });

  it('matches the nomogram drawn by its points scales', () => {
    const s = model.nomogram_scales;
    patients.train.ids.forEach((id, k) => {
      const total = nomogramPoints(s, (name) => (name === 'radscore' ? patients.train.radscore[k] : clinicalOf(id)[name as 'tic']));
      const prob = plogis(s.lp_at_zero_points + total / s.points_per_lp);
      expect(Math.abs(prob - patients.train.probability.nomogram[k])).toBeLessThan(1e-12);
    });
    // the predictor with the widest effect spans exactly max_points
    const spans = s.predictors.map((p) => (p.kind === 'continuous' ? p.axis : p.levels).map((a) => a.points));
    expect(Math.max(...spans.map((v) => Math.max(...v) - Math.min(...v)))).toBeCloseTo(100, 12);
  });
});

describe('pipeline options and refusals', () => {
  it('draws a seeded stratified split and folds when none is given, and records it', () => {
    const y = P.her2_low as number[];
    const test = stratifiedSplit(y, 0.3, 7);
    expect(test.filter((t, i) => t && y[i] === 1).length).toBe(Math.round(78 * 0.3));
    expect(test.filter((t, i) => t && y[i] === 0).length).toBe(Math.round(40 * 0.3));
    expect(stratifiedSplit(y, 0.3, 7)).toEqual(test);
    expect(stratifiedSplit(y, 0.3, 8)).not.toEqual(test);
    const folds = stratifiedFolds(y, 10, 7);
    const sizes = Array.from({ length: 10 }, (_, k) => folds.filter((f) => f === k + 1).length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    const input = tables({ split: false });
    input.folds = null;
    const m = fit(input, { ...FIXED, seed: 7 }, { date: DATE }).model;
    expect(m.provenance.split).toBe('seeded');
    expect(m.provenance.folds).toBe('seeded');
    expect(m.provenance.cohort.n_test).toBe(Math.round(78 * 0.3) + Math.round(40 * 0.3));
  });

  it('skips the ICC without reader-2 data, and drops constant or missing features, listing them', () => {
    const input = tables();
    input.reader2 = null;
    input.features.names.push('const_feature', 'gappy_feature');
    input.features.rows = input.features.rows.map((r, i) => Float64Array.from([...r, 3, i === 5 ? NaN : i]));
    // without the ICC, near-separating unstable features reach the LASSO and its folds need up
    // to 1e6 passes at thresh 1e-14 (as glmnet); a looser threshold keeps this behavioural test short
    const m = fit(input, { ...FIXED, lasso_thresh: 1e-9 }, { date: DATE }).model;
    expect(m.icc.skipped).toBe(true);
    expect(m.steps.after_icc).toEqual(I.feature_names);
    const trainMissing = P.split[5] === 'train' ? [{ name: 'gappy_feature', reason: `missing on the training set (patient '${P.id[5]}')` }] : [];
    expect(m.steps.dropped).toEqual([{ name: 'const_feature', reason: 'constant on the training set' }, ...trainMissing]);
  });

  it('names what is wrong', () => {
    const noReader2Patient = tables();
    noReader2Patient.reader2!.ids[0] = 'NOBODY';
    expect(() => fit(noReader2Patient, FIXED)).toThrow(new FitError("reader2.csv: row 2: patient 'NOBODY' has no row in features.csv"));
    const foldOfTest = tables();
    foldOfTest.folds!.ids[0] = I.test_ids[0];
    expect(() => fit(foldOfTest, FIXED)).toThrow(`folds.csv: row 2: '${I.test_ids[0]}' is not a training patient of clinical.csv`);
    const noLabel = tables();
    noLabel.clinical.label[3] = null;
    expect(() => fit(noLabel, FIXED)).toThrow("clinical.csv: row 5 (id 'A004'): no label");
    const missingClinical = tables();
    missingClinical.clinical.values.er[P.id.indexOf(I.train_ids[2])] = NaN;
    expect(() => fit(missingClinical, FIXED)).toThrow(`clinical.csv: row ${P.id.indexOf(I.train_ids[2]) + 2} (patient '${I.train_ids[2]}'): no value for 'er', which the clinical model needs`);
    expect(() => fit(tables(), { ...FIXED, nomogram_terms: ['radscore', 'stage'] })).toThrow("setting nomogram_terms: 'stage' is not a column of clinical.csv");
    expect(() => fit(tables(), { mwu_alpha: 1e-12 })).toThrow('no feature has Mann-Whitney p < 1e-12 on the training set (setting mwu_alpha)');
  });
});
