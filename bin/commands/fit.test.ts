/**
 * End to end: `her2 fit` and `her2 predict` on reference A, written as the CSV files a user
 * would give (features, reader 2, clinical, folds, FIT.yaml with the reference's fixed models),
 * then MODEL.json compared with the R values of ../shared/fixtures/stats/reference-A.json.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { formatCsv, parseCsv } from '../../workers/io/csv.ts';
import { pyDict } from '../../workers/radiomics/diagnostics.ts';
import { configurationEntries, parseParams } from '../../workers/radiomics/settings.ts';
import type { ModelJson } from '../../workers/stats/model-json.ts';
import { expectClose, labels, printMaxErrors, referenceA, TOL, type Json } from '../../workers/stats/reference-a.testutil.ts';
import { main } from '../her2.ts';

const ref = referenceA();
const I = ref.inputs;
const E = ref.expected;
const P = I.patients;
const y = labels(ref);
let dir = '';
const file = (name: string) => join(dir, name);

function csv(header: string[], rows: (string | number)[][]): string {
  return [header.join(','), ...rows.map((r) => r.join(','))].join('\n') + '\n';
}

/** Runs the CLI in-process; returns the exit code and what it printed. */
async function her2(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a) => void err.push(a.join(' ')));
  try {
    const code = await main(argv);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

const FIT_ARGS = () => [
  'fit',
  '--features', file('features.csv'),
  '--clinical', file('clinical.csv'),
  '--reader2', file('reader2.csv'),
  '--folds', file('folds.csv'),
  '--config', file('fit.yaml'),
  '--out', file('MODEL.json'),
];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'her2-fit-'));
  const names: string[] = I.feature_names;
  writeFileSync(file('features.csv'), csv(['id', ...names], P.id.map((id: string, i: number) => [id, ...I.features_reader1[i]])));
  writeFileSync(file('reader2.csv'), csv(['id', ...names], I.reader2.patient_ids.map((id: string, k: number) => [id, ...I.reader2.features[k]])));
  writeFileSync(
    file('clinical.csv'),
    csv(['id', 'label', 'split', 'age', 'tic', 'er', 'pr', 'ki67'], P.id.map((id: string, i: number) => [id, P.her2_low[i], P.split[i], P.age[i], P.tic_type[i], P.er[i], P.pr[i], P.ki67_high[i]])),
  );
  writeFileSync(file('folds.csv'), csv(['id', 'fold'], I.train_ids.map((id: string, k: number) => [id, I.foldid_train[k]])));
  writeFileSync(file('fit.yaml'), 'clinical_terms: [tic, er, pr]\nnomogram_terms: [radscore, tic]\ncategorical: [tic]\n');
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  printMaxErrors('her2 fit end to end vs reference A');
});

describe('her2 fit on reference A', () => {
  let model: ModelJson;
  beforeAll(async () => {
    const r = await her2(...FIT_ARGS());
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    model = JSON.parse(readFileSync(file('MODEL.json'), 'utf8'));
  });

  it('selects the reference features at every step', () => {
    expect(model.schema).toBe('her2-model/1');
    expect(model.steps.features_in).toEqual(I.feature_names);
    expect(model.steps.dropped).toEqual([]);
    expect(model.steps.after_icc).toEqual(E.icc.kept_icc2_1);
    expect(model.steps.after_mwu).toEqual(E.mann_whitney.selected_primary);
    expect(model.steps.selected).toEqual(E.lasso.primary.selected_lambda_min);
    expect(model.icc.skipped).toBe(false);
    expect(model.icc.n_patients).toBe(16);
    expectClose('fit.icc', E.icc.kept_icc2_1.map((n: string) => model.icc.values[n]), E.icc.per_feature.filter((f: Json) => E.icc.kept_icc2_1.includes(f.feature)).map((f: Json) => f.icc2_1), TOL.closedForm);
    for (const f of E.mann_whitney.per_feature) {
      if (!(f.feature in model.mwu)) continue;
      expect(model.mwu[f.feature].U).toBe(f.W);
      expectClose('fit.mwu_p', model.mwu[f.feature].p, f.p, TOL.pValue);
    }
  });

  it('reproduces cv.glmnet (lambda, cvm, cvsd, lambda.min/1se, coefficients)', () => {
    const e = E.lasso.primary;
    expectClose('fit.lasso.lambda', model.lasso.lambda, e.lambda, TOL.lambda);
    expectClose('fit.lasso.cvm_cvsd', [model.lasso.cvm, model.lasso.cvsd], [e.cvm, e.cvsd], TOL.lassoCv);
    expect([model.lasso.index_min, model.lasso.index_1se]).toEqual([e.index_min, e.index_1se]);
    expect(model.lasso.nzero).toEqual(e.nzero);
    expectClose('fit.lasso.lambda_min_1se', [model.lasso.lambda_min, model.lasso.lambda_1se], [e.lambda_min, e.lambda_1se], TOL.lambda);
    const feats: string[] = E.zscore.features;
    expect(model.lasso.features).toEqual(feats);
    expectClose('fit.lasso.coefficients', [model.lasso.intercept, ...feats.map((f) => model.lasso.coefficients[f])],
      [e.coef_lambda_min['(Intercept)'], ...feats.map((f) => e.coef_lambda_min[f])], TOL.lassoCoef);
    expect(model.lasso.nfolds).toBe(10);
    expect(model.provenance.folds).toBe('given');
  });

  it('gives the rad-score of the reference (coefficients, z-score parameters, raw-unit form)', () => {
    const rs = E.radscore;
    expect(Object.keys(model.radscore.coefficients)).toEqual(rs.features);
    expectClose('fit.radscore.coefficients', [model.radscore.intercept, ...rs.features.map((f: string) => model.radscore.coefficients[f])], [rs.intercept_z, ...rs.coef_z], TOL.lassoCoef);
    const zi = (f: string) => E.zscore.features.indexOf(f);
    expectClose('fit.radscore.center_scale', rs.features.map((f: string) => [model.radscore.center[f], model.radscore.scale[f]]),
      rs.features.map((f: string) => [E.zscore.mean[zi(f)], E.zscore.sd[zi(f)]]), TOL.closedForm);
    // raw-unit coefficients beta / sd: the LASSO tolerance scaled by 1 / sd
    rs.features.forEach((f: string, k: number) =>
      expectClose('fit.radscore.coefficients_raw', model.radscore.coefficients_raw[f], rs.coef_raw[k], { abs: TOL.lassoCoef.abs / E.zscore.sd[zi(f)] }));
  });

  it('fits the clinical model and the nomogram as glm (converged)', () => {
    for (const m of ['clinical', 'nomogram'] as const) {
      const e = E.logistic[m];
      const terms = model.models[m].terms;
      expect(terms.map((t) => t.name)).toEqual(e.terms);
      expectClose(`fit.${m}.estimate`, terms.map((t) => t.coef), e.tight.estimate, TOL.glmTight);
      expectClose(`fit.${m}.se_z_p`, [terms.map((t) => t.se), terms.map((t) => t.z), terms.map((t) => t.p)], [e.tight.std_error, e.tight.z, e.tight.p], TOL.glmTight);
      expect(model.models[m].formula).toBe(e.formula);
    }
    expect(model.variables.tic).toEqual({ kind: 'factor', levels: [1, 2, 3] });
  });

  // Our probabilities come from converged fits, the reference's from glm's default epsilon
  // (1e-8): they differ by ~1e-10, which the cut-offs (midpoints of probabilities), the HL
  // statistic and the calibration fit carry, well within the closed-form tolerance.
  it('reports the reference metrics for every model on both sets', () => {
    const near = TOL.closedForm;
    for (const m of ['radiomics', 'clinical', 'nomogram'] as const) {
      for (const c of ['train', 'test'] as const) {
        const mm = model.models[m].metrics[c];
        const e = E.roc[m][c];
        expectClose('fit.metrics.auc', [mm.auc, mm.auc_var, ...mm.auc_ci], [e.auc, e.auc_var_delong, e.ci_lower, e.ci_upper], TOL.closedForm);
        const at = c === 'train' ? e.youden_best : e.train_cutoff_applied;
        expect([mm.tp, mm.tn, mm.fp, mm.fn]).toEqual([at.tp[0], at.tn[0], at.fp[0], at.fn[0]]);
        expectClose('fit.metrics.sens_spec_acc', [mm.sensitivity, mm.specificity, mm.accuracy], [at.sensitivity[0], at.specificity[0], at.accuracy[0]], TOL.closedForm);
        expectClose('fit.metrics.cutoff', mm.cutoff, at.threshold[0], TOL.closedForm);
        if (m === 'radiomics') expectClose('fit.metrics.cutoff_radscore', mm.cutoff_radscore, e.radscore_scale[c === 'train' ? 'youden_best' : 'train_cutoff_applied'].threshold[0], TOL.closedForm);
        const hl = E.calibration[m][c].hosmer_lemeshow;
        expect([mm.hl.groups, mm.hl.df, mm.hl.empty_groups]).toEqual([hl.n_groups, hl.df, hl.n_empty_bins]);
        expect(mm.calibration.map((pt) => pt.n)).toEqual(hl.bins.n.filter((n: number) => n > 0));
        expectClose('fit.metrics.hl', [mm.hl.statistic, mm.hl.p], [hl.chisq, hl.p], near);
        expectClose('fit.metrics.brier_calibration', [mm.brier, mm.calibration_slope], [E.calibration[m][c].brier, E.calibration[m][c].calibration_slope_glm], near);
        // glm(y ~ qlogis(p))'s intercept and glm(y ~ 1, offset = qlogis(p)) (README: 1e-9)
        // glm(y ~ qlogis(p))'s intercept and glm(y ~ 1, offset = qlogis(p)), README: 1e-9.
        // A logistic model with an intercept, evaluated on its own training set, has both
        // exactly 0 (its score equations); the reference's values there (nomogram -4.4e-11 and
        // -1.3e-11, clinical 5.6e-14) are the residue of its glm fit's default epsilon (1e-8)
        // in its probabilities, which ours (converged) do not carry: there the README's 1e-9
        // is read as absolute, and ours must be 0 to rounding.
        const glmTrain = m !== 'radiomics' && c === 'train';
        const calTol = glmTrain ? { abs: 1e-9 } : TOL.calibrationGlm;
        expectClose('fit.metrics.calibration_intercept_in_the_large', [mm.calibration_intercept, mm.calibration_in_the_large],
          [E.calibration[m][c].calibration_slope_glm_intercept, E.calibration[m][c].calibration_in_the_large_glm], calTol);
        if (glmTrain) expectClose('fit.metrics.calibration_identity_train', [mm.calibration_intercept, mm.calibration_in_the_large], [0, 0], TOL.closedForm);
        // the calibration curve: mean predicted and observed rate of each non-empty risk group
        const nonEmpty = hl.bins.n.map((n: number, b: number) => (n > 0 ? b : -1)).filter((b: number) => b >= 0);
        expectClose('fit.metrics.calibration_curve', mm.calibration.map((pt) => [pt.predicted, pt.observed]),
          nonEmpty.map((b: number) => [hl.bins.mean_predicted[b], hl.bins.observed_rate[b]]), near);
        expectClose('fit.metrics.dca', mm.dca.map((d) => d.net_benefit), E.dca[c][m], near);
      }
      // the test set's own Youden cut-off (pROC coords "best" on the test set)
      const own = E.roc[m].test.youden_best;
      const oy = model.models[m].metrics.test.own_youden;
      expectClose('fit.metrics.own_youden', [oy.cutoff, oy.sensitivity, oy.specificity, oy.accuracy, oy.ppv, oy.npv],
        [own.threshold[0], own.sensitivity[0], own.specificity[0], own.accuracy[0], own.ppv[0], own.npv[0]], TOL.closedForm);
      expect([oy.tp, oy.tn, oy.fp, oy.fn]).toEqual([own.tp[0], own.tn[0], own.fp[0], own.fn[0]]);
      expect(oy.cutoff_ties).toBe(E.roc[m].test.n_best_ties);
    }
  });

  it('reports the DeLong tests between every pair of models', () => {
    for (const t of E.delong_tests) {
      const d = model.delong[`${t.model1}-vs-${t.model2}` as keyof ModelJson['delong']][t.cohort as 'train' | 'test'];
      expectClose('fit.delong.z', d.z, t.z, TOL.closedForm);
      expectClose('fit.delong.p', d.p, t.p, TOL.pValue);
    }
  });

  it("writes the split and cv.glmnet's foldid, so that R can rerun the cross-validation", () => {
    expect(model.provenance.split_ids).toEqual({ train: I.train_ids, test: I.test_ids });
    expect(model.lasso.foldid).toEqual(Object.fromEntries(I.train_ids.map((id: string, k: number) => [id, I.foldid_train[k]])));
    // no diagnostics columns in these CSVs: nothing to record
    expect(model.provenance.extraction).toBe(null);
    expect(model.provenance.synthetic).toBe(false);
  });

  it('her2 predict scores every patient as fit did', async () => {
    const r = await her2('predict', '--model', file('MODEL.json'), '--features', file('features.csv'), '--clinical', file('clinical.csv'), '--out', file('PRED.csv'));
    expect(r.code).toBe(0);
    const table = parseCsv(readFileSync(file('PRED.csv'), 'utf8'));
    expect(table[0]).toEqual(['id', 'radscore', 'probability_radiomics', 'probability_clinical', 'probability_nomogram', 'class_nomogram']);
    const byId = new Map(table.slice(1).map((row) => [row[0], row.slice(1).map(Number)]));
    expect(byId.size).toBe(P.id.length);
    for (const c of ['train', 'test'] as const) {
      const ids: string[] = c === 'train' ? I.train_ids : I.test_ids;
      const got = ids.map((id) => byId.get(id)!);
      expectClose('predict.radscore', got.map((g) => g[0]), E.radscore[c], TOL.radscoreEndToEnd);
      for (const [k, m] of [[1, 'radiomics'], [2, 'clinical'], [3, 'nomogram']] as const) {
        expectClose(`predict.probability_${m}`, got.map((g) => g[k]), E.predicted_probability[m][c], { abs: 1e-6 });
      }
      // the class at the nomogram's training cut-off
      const cut = model.models.nomogram.metrics.train.cutoff;
      expect(got.map((g) => g[4])).toEqual(got.map((g) => (g[3] >= cut ? 1 : 0)));
      // the training cut-off applied by predict gives the metrics fit reported
      const tp = got.filter((g, i) => g[4] === 1 && y[c][i] === 1).length;
      expect(tp).toBe(model.models.nomogram.metrics[c].tp);
    }
  });
});

describe('bad input is refused with a message naming the row, column or setting', () => {
  const fitWith = async (changes: Record<string, string>, extra: string[] = []) => {
    const names = ['features.csv', 'clinical.csv', 'reader2.csv', 'folds.csv', 'fit.yaml'];
    const paths: Record<string, string> = {};
    for (const n of names) {
      paths[n] = n in changes ? file(`bad-${n}`) : file(n);
      if (n in changes) writeFileSync(paths[n], changes[n]);
    }
    const args = ['fit', '--features', paths['features.csv'], '--clinical', paths['clinical.csv'], '--out', file('bad-MODEL.json'), ...extra];
    return her2(...args);
  };
  const clinicalText = () => readFileSync(file('clinical.csv'), 'utf8');

  it('an unknown patient id', async () => {
    const r = await fitWith({ 'clinical.csv': clinicalText() + 'Z999,1,train,50,2,1,1,0\n' });
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/row 120: patient 'Z999' has no row in .*features\.csv/);
  });

  it('a class missing from a split', async () => {
    const lines = clinicalText().split('\n');
    const edited = lines.map((l, i) => (i > 0 && l.includes(',0,test,') ? l.replace(',0,test,', ',0,train,') : l)).join('\n');
    const r = await fitWith({ 'clinical.csv': edited });
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/the test set has no HER2-zero patient/);
  });

  it('a non-numeric cell', async () => {
    const r = await fitWith({ 'clinical.csv': clinicalText().replace(/^(A001,1,train,)62,/m, '$1sixty-two,') });
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/row 2 \(id 'A001'\), column 'age': 'sixty-two' is not a number/);
  });

  it('fewer than 10 patients of a class for 10-fold CV', async () => {
    // keep 9 HER2-zero training patients
    let kept = 0;
    const lines = clinicalText().split('\n').filter((l, i) => i === 0 || l === '' || !l.includes(',0,train,') || ++kept <= 9);
    const features = readFileSync(file('features.csv'), 'utf8').split('\n');
    const ids = new Set(lines.slice(1).map((l) => l.split(',')[0]));
    const r = await fitWith({ 'clinical.csv': lines.join('\n'), 'features.csv': features.filter((l, i) => i === 0 || l === '' || ids.has(l.split(',')[0])).join('\n') });
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/fewer than 10 HER2-zero patients \(9\) in the training set for 10-fold cross-validation \(setting cv_folds = 10\)/);
  });

  it('more folds than training patients, naming the configured cv_folds', async () => {
    // 6 HER2-low and 3 HER2-zero training patients (and the test set as it is)
    const kept = { 1: 0, 0: 0 } as Record<string, number>;
    const lines = clinicalText().split('\n').filter((l, i) => {
      if (i === 0 || l === '' || !l.includes(',train,')) return true;
      const cls = l.split(',')[1];
      return ++kept[cls] <= (cls === '1' ? 6 : 3);
    });
    const ids = new Set(lines.slice(1).map((l) => l.split(',')[0]));
    const features = readFileSync(file('features.csv'), 'utf8').split('\n');
    const r = await fitWith({ 'clinical.csv': lines.join('\n'), 'features.csv': features.filter((l, i) => i === 0 || l === '' || ids.has(l.split(',')[0])).join('\n') });
    expect(r.code).not.toBe(0);
    expect(r.err).toBe('her2 fit: 10-fold cross-validation needs at least 10 training patients, not 9 (setting cv_folds = 10)');
  });

  it('an unknown or ill-typed setting', async () => {
    let r = await fitWith({ 'fit.yaml': 'icc_treshold: 0.8\n' }, ['--config', file('bad-fit.yaml')]);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/unknown setting 'icc_treshold'/);
    r = await fitWith({ 'fit.yaml': 'lasso_lambda: smallest\n' }, ['--config', file('bad-fit.yaml')]);
    expect(r.err).toMatch(/setting 'lasso_lambda' must be one of "min", "1se"/);
    r = await fitWith({ 'fit.yaml': 'clinical_terms: [ihc]\n' }, ['--config', file('bad-fit.yaml')]);
    expect(r.err).toMatch(/setting clinical_terms: 'ihc' defines the label/);
  });

  it('predict refuses a patient without a feature the model needs, naming it', async () => {
    const feats = readFileSync(file('features.csv'), 'utf8').split('\n');
    const header = feats[0].split(',');
    const drop = header.indexOf(E.radscore.features[0]);
    writeFileSync(file('bad-features.csv'), feats.map((l) => l.split(',').filter((_, j) => j !== drop).join(',')).join('\n'));
    const r = await her2('predict', '--model', file('MODEL.json'), '--features', file('bad-features.csv'), '--clinical', file('clinical.csv'), '--out', file('bad-PRED.csv'));
    expect(r.code).not.toBe(0);
    expect(r.err).toContain(`patient 'A001': no value for feature '${E.radscore.features[0]}'`);
  });
});

describe('the extraction settings: recorded by fit from the features CSV, checked by predict', () => {
  // the diagnostics the engine writes with the study's parameter file (her2 cohort, the app)
  const params = parseParams(readFileSync('public/params/her2-dce-paper.yaml', 'utf8'), 'her2-dce-paper.yaml');
  const settingsCell = pyDict(configurationEntries(params));
  const typesCell = pyDict(params.imageTypes.map((t) => [t.name, Object.fromEntries(t.given)]));
  /** features.csv with the two diagnostics columns; `edit(id, cell)` may change a patient's settings cell */
  const withDiagnostics = (name: string, edit: (id: string, cell: string) => string = (_, c) => c, from = 'features.csv') => {
    const t = parseCsv(readFileSync(file(from), 'utf8')).filter((r) => r.length > 1);
    const out = t.map((r, i) => (i === 0 ? [r[0], 'diagnostics_Configuration_Settings', 'diagnostics_Configuration_EnabledImageTypes', ...r.slice(1)] : [r[0], edit(r[0], settingsCell), typesCell, ...r.slice(1)]));
    writeFileSync(file(name), formatCsv(out));
    return file(name);
  };
  const predictWith = (modelPath: string, features: string, ...extra: string[]) =>
    her2('predict', '--model', modelPath, '--features', features, '--clinical', file('clinical.csv'), '--out', file('x-PRED.csv'), ...extra);
  let model: ModelJson;
  let features = '';

  beforeAll(async () => {
    features = withDiagnostics('diag-features.csv');
    const reader2 = withDiagnostics('diag-reader2.csv', undefined, 'reader2.csv');
    const r = await her2('fit', '--features', features, '--reader2', reader2, '--clinical', file('clinical.csv'), '--folds', file('folds.csv'), '--config', file('fit.yaml'), '--phase', '2', '--synthetic', '--out', file('diag-MODEL.json'));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    model = JSON.parse(readFileSync(file('diag-MODEL.json'), 'utf8'));
  });

  it('records the settings, image types and phase, and that the data are synthetic; the model is the same', () => {
    const x = model.provenance.extraction!;
    expect(x.settings).toMatchObject({ binWidth: 5, resampledPixelSpacing: [3, 3, 3], normalize: true, normalizeScale: 100, interpolator: 'sitkBSpline' });
    expect(x.image_types).toEqual({ Original: {}, LoG: { sigma: [3, 5] }, Wavelet: {} });
    expect(x.phase).toBe(2);
    expect(x.settings_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(model.provenance.synthetic).toBe(true);
    // the same model as without the diagnostics columns, but for its provenance
    const plain = JSON.parse(readFileSync(file('MODEL.json'), 'utf8')) as ModelJson;
    expect({ ...model, provenance: null }).toEqual({ ...plain, provenance: null });
    expect(model.provenance.data_hashes).toEqual(plain.provenance.data_hashes);
  });

  it('predict scores features extracted the same way, and refuses another bin width, naming it', async () => {
    expect((await predictWith(file('diag-MODEL.json'), features, '--phase', '2')).code).toBe(0);
    const other = withDiagnostics('diag-bw25.csv', (id, c) => (id === 'A002' ? c.replace("'binWidth': 5", "'binWidth': 25") : c));
    const r = await predictWith(file('diag-MODEL.json'), other);
    expect(r.code).not.toBe(0);
    expect(r.err).toBe(`her2 predict: ${other}: patient 'A002': the model was trained on features with binWidth 5; this patient's were extracted with binWidth 25`);
  });

  it('predict refuses another phase, and features that state no settings', async () => {
    let r = await predictWith(file('diag-MODEL.json'), features, '--phase', '1');
    expect(r.err).toBe(`her2 predict: ${features}: patient 'A001': the model was trained on features with DCE phase 2; this patient's were extracted with DCE phase 1`);
    r = await predictWith(file('diag-MODEL.json'), file('features.csv'));
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/patient 'A001': the features carry no extraction settings \(diagnostics_Configuration_Settings\)/);
  });

  it('an older MODEL.json (no extraction record, split ids, foldid, synthetic) still scores, with a warning', async () => {
    const old = JSON.parse(readFileSync(file('diag-MODEL.json'), 'utf8'));
    for (const k of ['extraction', 'split_ids', 'synthetic']) delete old.provenance[k];
    delete old.lasso.foldid;
    writeFileSync(file('old-MODEL.json'), JSON.stringify(old));
    const r = await predictWith(file('old-MODEL.json'), features);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^warning: the model records no extraction settings/);
    expect(readFileSync(file('x-PRED.csv'), 'utf8').split('\n')[1]).toBe(readFileSync(file('PRED.csv'), 'utf8').split('\n')[1]);
  });

  it('fit refuses a training set extracted with two settings, naming the patients and the setting', async () => {
    const mixed = withDiagnostics('diag-mixed.csv', (id, c) => (id === 'A003' ? c.replace("'voxelArrayShift': 300", "'voxelArrayShift': 0") : c));
    const r = await her2('fit', '--features', mixed, '--clinical', file('clinical.csv'), '--out', file('x-MODEL.json'));
    expect(r.code).not.toBe(0);
    expect(r.err).toBe(`her2 fit: ${mixed}: patient 'A001' was extracted with voxelArrayShift 300, patient 'A003' with voxelArrayShift 0: a model needs features extracted with one set of settings`);
  });

  it('with the drawn folds, lasso.foldid given back as a folds file gives the same cross-validation', async () => {
    expect((await her2('fit', '--features', features, '--clinical', file('clinical.csv'), '--out', file('seeded-MODEL.json'))).code).toBe(0);
    const seeded = JSON.parse(readFileSync(file('seeded-MODEL.json'), 'utf8')) as ModelJson;
    expect(seeded.provenance.folds).toBe('seeded');
    const ids = seeded.provenance.split_ids!.train;
    expect(Object.keys(seeded.lasso.foldid!).sort()).toEqual(ids.slice().sort());
    writeFileSync(file('seeded-folds.csv'), csv(['id', 'fold'], ids.map((id) => [id, seeded.lasso.foldid![id]])));
    expect((await her2('fit', '--features', features, '--clinical', file('clinical.csv'), '--folds', file('seeded-folds.csv'), '--out', file('refit-MODEL.json'))).code).toBe(0);
    const refit = JSON.parse(readFileSync(file('refit-MODEL.json'), 'utf8')) as ModelJson;
    expect(refit.lasso.cvm).toEqual(seeded.lasso.cvm);
    expect(refit.lasso.foldid).toEqual(seeded.lasso.foldid);
  });
});
