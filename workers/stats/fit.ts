/**
 * The study's modelling pipeline (Frontiers in Oncology 2024, doi 10.3389/fonc.2024.1385352),
 * every threshold a setting (fit-config.ts):
 *   split (given or seeded stratified) -> drop features constant/missing on the training set ->
 *   ICC > 0.75 between readers (skipped without reader-2 data) -> Mann-Whitney p < 0.05 on the
 *   training set -> z-score (training mean and SD) -> LASSO logistic regression, 10-fold CV,
 *   lambda.min -> rad-score = the LASSO linear predictor; radiomics model = plogis(rad-score) ->
 *   univariate clinical tests -> clinical model = logistic regression of the p < 0.05 variables ->
 *   nomogram = logistic regression of the rad-score and the clinical variables still significant
 *   (joint Wald test per variable) beside it -> metrics of every model on both sets, DeLong
 *   tests between them, nomogram points scales.
 * Input is parsed tables (features, clinical, optional reader 2 and folds); output MODEL.json.
 * Bad input throws FitError with a message naming the file, row, column, patient or setting.
 */
import type { ClinicalTable, FoldsTable } from '../io/clinical-csv.ts';
import type { FeatureTable } from '../io/features-csv.ts';
import { cvGlmnet } from './cv-glmnet.ts';
import { extractionRecordOf, ExtractionRecordError, type DiagnosticsCells } from './extraction-record.ts';
import { designColumns, designRow, designTerms, DesignError, type VariableSpec } from './design.ts';
import { rocTest } from './delong.ts';
import { LABEL_COLUMNS, resolveFitConfig, STUDY_CLINICAL_VARIABLES, type FitConfig } from './fit-config.ts';
import { glmLogistic, GlmError, oddsRatios, waldTest, type GlmFit } from './glm.ts';
import {
  DELONG_PAIRS,
  ENGINE_NAME,
  ENGINE_VERSION,
  MODEL_NAMES,
  MODEL_SCHEMA,
  type ClinicalUnivariate,
  type ModelBlock,
  type ModelJson,
  type ModelName,
  type ModelTerm,
  type VariableEncoding,
} from './model-json.ts';
import { nomogramScales, type NomogramPredictorInput } from './nomogram.ts';
import { clinicalUnivariateTest, evaluateModel, iccFilter, mannWhitneyFilter } from './pipeline-steps.ts';
import { roc } from './roc.ts';
import { sha256 } from './sha256.ts';
import { plogis } from './special.ts';
import { stratifiedFolds, stratifiedSplit } from './split.ts';
import { zscoreApply, zscoreFit } from './zscore.ts';

export class FitError extends Error {}

export interface FitInput {
  /** reader 1's features (docs/features-csv.md); `featuresSource` names the file in messages */
  features: FeatureTable;
  clinical: ClinicalTable;
  reader2?: FeatureTable | null;
  folds?: FoldsTable | null;
  featuresSource?: string;
  reader2Source?: string;
  /**
   * the features CSV's diagnostics cells by patient id (./extraction-record.ts
   * readExtractionDiagnostics): the extraction settings recorded in MODEL.json
   */
  featuresDiagnostics?: Map<string, DiagnosticsCells> | null;
  /** reader 2's, which must state the same settings */
  reader2Diagnostics?: Map<string, DiagnosticsCells> | null;
  /** the DCE phase the features come from, when the caller knows it (her2 fit --phase, the app's cohort) */
  phase?: number | null;
  /** the patients come from the synthetic demo generator (her2 fit --synthetic, the app's demo cohort) */
  synthetic?: boolean;
}

export interface FitOptions {
  /** provenance date (ISO 8601); default now */
  date?: string;
  /** called as each step starts, fraction in [0, 1] */
  onProgress?: (step: string, fraction: number) => void;
}

export interface CohortPredictions {
  ids: string[];
  label: number[];
  radscore: number[];
  probability: Record<ModelName, number[]>;
}

export interface FitResult {
  model: ModelJson;
  /** per-patient results (not written to MODEL.json) */
  patients: { train: CohortPredictions; test: CohortPredictions };
}

const RADSCORE = 'radscore';

function canonicalFeatures(t: FeatureTable): string {
  return JSON.stringify({ names: t.names, rows: t.ids.map((id, i) => [id, ...Array.from(t.rows[i], (v) => (Number.isFinite(v) ? v : null))]) });
}

function canonicalClinical(t: ClinicalTable): string {
  return JSON.stringify({
    ids: t.ids,
    label: t.label,
    split: t.split,
    values: Object.fromEntries(t.variables.map((v) => [v, Array.from(t.values[v], (x) => (Number.isFinite(x) ? x : null))])),
  });
}

/** Patients' indices into the clinical table, split into train and test, with labels. */
function resolveCohort(input: FitInput, config: FitConfig, featuresSource: string) {
  const { clinical, features } = input;
  const featureRow = new Map(features.ids.map((id, i) => [id, i]));
  const clinicalRow = new Map(clinical.ids.map((id, i) => [id, i]));
  clinical.ids.forEach((id, i) => {
    if (!featureRow.has(id)) throw new FitError(`${clinical.source}: row ${clinical.line[i]}: patient '${id}' has no row in ${featuresSource}`);
    if (clinical.label[i] === null) throw new FitError(`${clinical.source}: row ${clinical.line[i]} (id '${id}'): no label (1 = HER2-low, 0 = HER2-zero)`);
  });
  features.ids.forEach((id, i) => {
    if (!clinicalRow.has(id)) throw new FitError(`${featuresSource}: row ${i + 2}: patient '${id}' is not in ${clinical.source}`);
  });
  const y = clinical.label as (0 | 1)[];
  const given = clinical.split.filter((s) => s !== null).length;
  let isTest: boolean[];
  let splitSource: 'given' | 'seeded';
  if (given === 0) {
    isTest = stratifiedSplit(y, config.test_fraction, config.seed);
    splitSource = 'seeded';
  } else {
    const missing = clinical.split.findIndex((s) => s === null);
    if (missing >= 0) throw new FitError(`${clinical.source}: row ${clinical.line[missing]} (id '${clinical.ids[missing]}'): no split, while other rows have one (train or test)`);
    isTest = clinical.split.map((s) => s === 'test');
    splitSource = 'given';
  }
  const train: number[] = [];
  const test: number[] = [];
  isTest.forEach((t, i) => (t ? test : train).push(i));
  for (const [name, idx] of [['training', train], ['test', test]] as const) {
    const pos = idx.filter((i) => y[i] === 1).length;
    if (pos === 0) throw new FitError(`${clinical.source}: the ${name} set has no HER2-low patient (label 1)`);
    if (pos === idx.length) throw new FitError(`${clinical.source}: the ${name} set has no HER2-zero patient (label 0)`);
  }
  return { train, test, y, featureRow, splitSource };
}

function resolveFolds(input: FitInput, config: FitConfig, trainIds: string[], yTrain: number[], clinicalSource: string): { foldid: number[]; nfolds: number; source: 'given' | 'seeded' } {
  let foldid: number[];
  let source: 'given' | 'seeded';
  if (input.folds) {
    const f = input.folds;
    const byId = new Map<string, number>();
    const trainSet = new Set(trainIds);
    f.ids.forEach((id, k) => {
      if (!trainSet.has(id)) throw new FitError(`${f.source}: row ${f.line[k]}: '${id}' is not a training patient of ${clinicalSource}`);
      if (byId.has(id)) throw new FitError(`${f.source}: row ${f.line[k]}: '${id}' appears twice`);
      if (!Number.isInteger(f.fold[k]) || f.fold[k] < 1) throw new FitError(`${f.source}: row ${f.line[k]} (id '${id}'): fold '${f.fold[k]}' is not an integer >= 1`);
      byId.set(id, f.fold[k]);
    });
    foldid = trainIds.map((id) => {
      const v = byId.get(id);
      if (v === undefined) throw new FitError(`${f.source}: training patient '${id}' has no fold`);
      return v;
    });
    source = 'given';
  } else {
    foldid = stratifiedFolds(yTrain, config.cv_folds, config.seed);
    source = 'seeded';
  }
  const nfolds = input.folds ? Math.max(...foldid) : config.cv_folds;
  // a folds file sets its own K; the drawn folds are cv_folds, as configured (not the folds
  // that ended up with patients), so the messages name the setting the user wrote
  const setting = input.folds ? `${input.folds.source} has ${nfolds} folds` : `setting cv_folds = ${nfolds}`;
  const emptyFold = Array.from({ length: nfolds }, (_, k) => k + 1).find((k) => !foldid.includes(k));
  if (input.folds && emptyFold !== undefined) throw new FitError(`${input.folds.source}: fold ${emptyFold} has no patient (folds must be numbered 1..${nfolds})`);
  if (nfolds < 3) throw new FitError(`${input.folds?.source ?? 'setting cv_folds'}: cross-validation needs at least 3 folds, not ${nfolds}`);
  if (nfolds > trainIds.length) throw new FitError(`${nfolds}-fold cross-validation needs at least ${nfolds} training patients, not ${trainIds.length} (${setting})`);
  for (const [cls, name] of [[1, 'HER2-low'], [0, 'HER2-zero']] as const) {
    const count = yTrain.filter((v) => v === cls).length;
    if (count < nfolds) throw new FitError(`fewer than ${nfolds} ${name} patients (${count}) in the training set for ${nfolds}-fold cross-validation (${setting})`);
  }
  // (the drawn folds deal each class in turn, so with K <= each class's count none is empty)
  if (emptyFold !== undefined) throw new FitError(`setting cv_folds = ${nfolds}: fold ${emptyFold} has no patient`);
  return { foldid, nfolds, source };
}

function modelTermsFromGlm(fit: GlmFit, terms: { name: string; variable: string; level: number | null }[]): ModelTerm[] {
  const or = oddsRatios(fit);
  return fit.names.map((name, j) => ({
    name,
    variable: j === 0 ? null : terms[j - 1].variable,
    level: j === 0 ? null : terms[j - 1].level,
    coef: fit.coefficients[j],
    se: fit.se[j],
    z: fit.z[j],
    p: fit.p[j],
    or: or.or[j],
    or_low: or.lower[j],
    or_high: or.upper[j],
  }));
}

/** Joint Wald test per variable (the columns of a factor together). */
function waldByVariable(fit: GlmFit, variables: string[], terms: { variable: string }[]) {
  return variables.map((v) => {
    const idx = terms.map((t, j) => (t.variable === v ? j + 1 : -1)).filter((j) => j > 0);
    const w = waldTest(fit, idx);
    return { variable: v, df: w.df, statistic: w.statistic, p: w.p };
  });
}

export function fit(input: FitInput, rawConfig?: Partial<FitConfig> | null, options: FitOptions = {}): FitResult {
  const config = resolveFitConfig(rawConfig ?? {}, 'fit settings');
  const progress = options.onProgress ?? (() => {});
  const featuresSource = input.featuresSource ?? 'features CSV';
  const reader2Source = input.reader2Source ?? 'reader-2 CSV';
  const { features, clinical } = input;
  const warnings: string[] = [];

  progress('cohort', 0);
  const { train, test, y, featureRow, splitSource } = resolveCohort(input, config, featuresSource);
  const trainIds = train.map((i) => clinical.ids[i]);
  const testIds = test.map((i) => clinical.ids[i]);
  const yTrain = train.map((i) => y[i]);
  const yTest = test.map((i) => y[i]);
  const folds = resolveFolds(input, config, trainIds, yTrain, clinical.source);
  let extraction: ModelJson['provenance']['extraction'];
  try {
    extraction = extractionRecordOf(features.ids, input.featuresDiagnostics, input.phase ?? null, featuresSource);
    if (extraction && input.reader2 && input.reader2Diagnostics) {
      const r2 = extractionRecordOf(input.reader2.ids, input.reader2Diagnostics, input.phase ?? null, reader2Source);
      if (r2?.settings_hash !== extraction.settings_hash) {
        throw new FitError(`${reader2Source}: reader 2's features were extracted with other settings than ${featuresSource}'s (settings hash ${r2?.settings_hash?.slice(0, 12) ?? 'none'} vs ${extraction.settings_hash?.slice(0, 12) ?? 'none'})`);
      }
    }
  } catch (e) {
    if (e instanceof ExtractionRecordError) throw new FitError(e.message);
    throw e;
  }
  const featRows = (idx: number[]) => idx.map((i) => features.rows[featureRow.get(clinical.ids[i])!]);
  const trainRows = featRows(train);
  const testRows = featRows(test);

  // features constant or missing on the training set
  progress('features', 0.05);
  const dropped: { name: string; reason: string }[] = [];
  const usable: number[] = [];
  features.names.forEach((name, j) => {
    const bad = trainRows.findIndex((r) => !Number.isFinite(r[j]));
    if (bad >= 0) {
      dropped.push({ name, reason: `missing on the training set (patient '${trainIds[bad]}')` });
      return;
    }
    const first = trainRows[0][j];
    if (trainRows.every((r) => r[j] === first)) {
      dropped.push({ name, reason: 'constant on the training set' });
      return;
    }
    usable.push(j);
  });
  if (usable.length === 0) throw new FitError(`${featuresSource}: no feature varies on the training set`);

  // ICC between readers
  progress('icc', 0.1);
  let afterIcc = usable;
  const iccBlock: ModelJson['icc'] = { type: config.icc_type, threshold: config.icc_threshold, skipped: true, reason: 'no reader-2 data given', n_patients: 0, values: {} };
  if (input.reader2) {
    const r2 = input.reader2;
    if (r2.ids.length < 2) throw new FitError(`${reader2Source}: the ICC needs at least 2 patients, not ${r2.ids.length}`);
    r2.ids.forEach((id, k) => {
      if (!featureRow.has(id)) throw new FitError(`${reader2Source}: row ${k + 2}: patient '${id}' has no row in ${featuresSource}`);
    });
    const r2Col = new Map(r2.names.map((n, j) => [n, j]));
    const names = usable.map((j) => features.names[j]);
    const missingCol = names.find((n) => !r2Col.has(n));
    if (missingCol) throw new FitError(`${reader2Source}: no column '${missingCol}'`);
    const r1Cols = usable.map((j) => Float64Array.from(r2.ids, (id) => features.rows[featureRow.get(id)!][j]));
    const r2Cols = names.map((n) => Float64Array.from(r2.rows, (row) => row[r2Col.get(n)!]));
    const { values } = iccFilter(names, r1Cols, r2Cols, config.icc_type, config.icc_threshold);
    afterIcc = usable.filter((_, k) => values[k] > config.icc_threshold);
    Object.assign(iccBlock, { skipped: false, reason: null, n_patients: r2.ids.length, values: Object.fromEntries(names.map((n, k) => [n, values[k]])) });
    if (afterIcc.length === 0) throw new FitError(`no feature has ${config.icc_type} > ${config.icc_threshold} between the readers (setting icc_threshold)`);
  }

  // Mann-Whitney U on the training set
  progress('mann-whitney', 0.15);
  const mwuNames = afterIcc.map((j) => features.names[j]);
  const mwuCols = afterIcc.map((j) => Float64Array.from(trainRows, (r) => r[j]));
  const mwu = mannWhitneyFilter(mwuNames, mwuCols, yTrain, config.mwu_alpha, { exact: config.mwu_exact, correct: config.mwu_correct });
  const afterMwu = afterIcc.filter((_, k) => mwu.results[k].p < config.mwu_alpha);
  if (afterMwu.length === 0) throw new FitError(`no feature has Mann-Whitney p < ${config.mwu_alpha} on the training set (setting mwu_alpha)`);
  const lassoNames = afterMwu.map((j) => features.names[j]);

  // z-scores and LASSO
  progress('lasso', 0.2);
  const pick = (rows: Float64Array[]) => rows.map((r) => Float64Array.from(afterMwu, (j) => r[j]));
  const rawTrain = pick(trainRows);
  const zParams = zscoreFit(rawTrain, afterMwu.length);
  const zTrain = zscoreApply(rawTrain, zParams);
  const cv = cvGlmnet(zTrain, yTrain, {
    foldid: folds.foldid,
    standardize: config.lasso_standardize,
    thresh: config.lasso_thresh,
    nlambda: config.lasso_nlambda,
    lambdaMinRatio: config.lasso_lambda_min_ratio ?? undefined,
    maxit: config.lasso_maxit,
    sharedLambda: config.lasso_cv_lambdas === 'shared',
  });
  if (cv.fit.warning) warnings.push(cv.fit.warning);
  const kUsed = config.lasso_lambda === 'min' ? cv.indexMin : cv.index1se;
  const beta = cv.fit.beta[kUsed];
  const a0 = cv.fit.a0[kUsed];
  const selectedIdx = lassoNames.map((_, k) => k).filter((k) => beta[k] !== 0);
  if (selectedIdx.length === 0) throw new FitError(`the LASSO keeps no feature at lambda.${config.lasso_lambda} (setting lasso_lambda)`);
  const selected = selectedIdx.map((k) => lassoNames[k]);

  // rad-score
  progress('models', 0.7);
  const radscoreOf = (raw: ArrayLike<number>, who: string): number => {
    let s = a0;
    for (const k of selectedIdx) {
      const x = raw[afterMwu[k]];
      if (!Number.isFinite(x)) throw new FitError(`${featuresSource}: patient '${who}' has no value for '${lassoNames[k]}', a feature of the rad-score`);
      s += beta[k] * ((x - zParams.center[k]) / zParams.scale[k]);
    }
    return s;
  };
  const radTrain = trainRows.map((r, i) => radscoreOf(r, trainIds[i]));
  const radTest = testRows.map((r, i) => radscoreOf(r, testIds[i]));

  // clinical variables
  const present = new Set(clinical.variables);
  const candidates = config.clinical_variables ?? STUDY_CLINICAL_VARIABLES.filter((v) => present.has(v));
  for (const v of [...candidates, ...(config.clinical_terms ?? []), ...(config.nomogram_terms ?? []).filter((t) => t !== RADSCORE)]) {
    const setting = config.clinical_terms?.includes(v) ? 'clinical_terms' : config.nomogram_terms?.includes(v) ? 'nomogram_terms' : 'clinical_variables';
    if ((LABEL_COLUMNS as readonly string[]).includes(v)) throw new FitError(`setting ${setting}: '${v}' defines the label and cannot be a predictor`);
    if (v === RADSCORE && setting !== 'nomogram_terms') throw new FitError(`setting ${setting}: 'radscore' belongs in nomogram_terms only`);
    if (!present.has(v)) throw new FitError(`setting ${setting}: '${v}' is not a column of ${clinical.source}`);
  }
  const valuesOf = (v: string, idx: number[]) => Float64Array.from(idx, (i) => clinical.values[v][i]);
  const isBinary = (v: string) => train.every((i) => Number.isNaN(clinical.values[v][i]) || clinical.values[v][i] === 0 || clinical.values[v][i] === 1);
  const isFactor = (v: string) => config.categorical.includes(v);

  progress('clinical tests', 0.72);
  const univariate: Record<string, ClinicalUnivariate> = {};
  for (const v of candidates) {
    const kind = isFactor(v) || isBinary(v) ? 'categorical' : 'continuous';
    univariate[v] = clinicalUnivariateTest(valuesOf(v, train), yTrain, kind, config.univariate_tests);
  }

  const encodings: Record<string, VariableEncoding> = {};
  const specOf = (v: string): VariableSpec => {
    if (v === RADSCORE) return { name: v, kind: 'numeric' };
    if (!encodings[v]) {
      if (isFactor(v)) {
        const levels = [...new Set(train.map((i) => clinical.values[v][i]).filter((x) => !Number.isNaN(x)))].sort((a, b) => a - b);
        encodings[v] = { kind: 'factor', levels };
      } else encodings[v] = { kind: 'numeric' };
    }
    const e = encodings[v];
    return { name: v, kind: e.kind, levels: e.levels };
  };
  const valueFor = (idx: number[], rad: number[]) => (k: number, v: string) => (v === RADSCORE ? rad[k] : clinical.values[v][idx[k]]);

  const fitGlm = (label: string, vars: string[]) => {
    const specs = vars.map(specOf);
    const terms = designTerms(specs);
    const rowsFor = (idx: number[], rad: number[], ids: string[]) =>
      idx.map((_, k) => {
        try {
          return designRow(specs, (v) => valueFor(idx, rad)(k, v), `${clinical.source}: row ${clinical.line[idx[k]]} (patient '${ids[k]}')`);
        } catch (e) {
          if (e instanceof DesignError) throw new FitError(`${e.message}, which the ${label} needs`);
          throw e;
        }
      });
    const xTrain = rowsFor(train, radTrain, trainIds);
    const xTest = rowsFor(test, radTest, testIds);
    let g: GlmFit;
    try {
      g = glmLogistic(designColumns(xTrain, terms.length), yTrain, { names: terms.map((t) => t.name), label });
    } catch (e) {
      if (e instanceof GlmError) throw new FitError(e.message);
      throw e;
    }
    warnings.push(...g.warnings);
    const predict = (rows: Float64Array[]) =>
      rows.map((r) => {
        let eta = g.coefficients[0];
        for (let j = 0; j < r.length; j++) eta += g.coefficients[j + 1] * r[j];
        return plogis(eta);
      });
    return { glm: g, terms, pTrain: predict(xTrain), pTest: predict(xTest) };
  };
  const formula = (vars: string[]) => `y ~ ${vars.length ? vars.join(' + ') : '1'}`;

  // clinical model
  progress('clinical model', 0.75);
  const clinicalVars = config.clinical_terms ?? candidates.filter((v) => univariate[v].p !== null && univariate[v].p! < config.univariate_alpha);
  if (clinicalVars.length === 0) {
    const why = config.clinical_terms ? 'clinical_terms is empty' : `no clinical variable has univariate p < ${config.univariate_alpha}`;
    warnings.push(`clinical model: ${why}; the clinical model is the intercept alone (AUC 0.5)`);
  }
  const clin = fitGlm('clinical model', clinicalVars);

  // nomogram: rad-score + the clinical variables that stay significant beside it
  progress('nomogram', 0.8);
  let nomogramVars: string[];
  let selection: ModelJson['nomogram_selection'] = null;
  if (config.nomogram_terms) nomogramVars = config.nomogram_terms;
  else {
    const full = fitGlm('nomogram selection model', [RADSCORE, ...clinicalVars]);
    const wald = waldByVariable(full.glm, [RADSCORE, ...clinicalVars], full.terms);
    const kept = clinicalVars.filter((v) => wald.find((w) => w.variable === v)!.p < config.multivariate_alpha);
    selection = { formula: formula([RADSCORE, ...clinicalVars]), wald, kept };
    nomogramVars = [RADSCORE, ...kept];
  }
  const nomo = fitGlm('nomogram', nomogramVars);

  // metrics
  progress('metrics', 0.85);
  const pRadTrain = radTrain.map(plogis);
  const pRadTest = radTest.map(plogis);
  const prob: Record<ModelName, { train: number[]; test: number[] }> = {
    radiomics: { train: pRadTrain, test: pRadTest },
    clinical: { train: clin.pTrain, test: clin.pTest },
    nomogram: { train: nomo.pTrain, test: nomo.pTest },
  };
  const radiomicsBlock: ModelBlock = {
    formula: `y ~ plogis(radscore), radscore = LASSO linear predictor of ${selected.length} z-scored features`,
    variables: selected,
    terms: [
      { name: '(Intercept)', variable: null, level: null, coef: a0, se: null, z: null, p: null, or: Math.exp(a0), or_low: null, or_high: null },
      ...selectedIdx.map((k) => ({ name: lassoNames[k], variable: lassoNames[k], level: null, coef: beta[k], se: null, z: null, p: null, or: Math.exp(beta[k]), or_low: null, or_high: null })),
    ],
    wald: null,
    deviance: null,
    aic: null,
    converged: true,
    metrics: evaluateModel({ y: yTrain, p: pRadTrain, radscore: radTrain }, { y: yTest, p: pRadTest, radscore: radTest }, config.hl_groups),
  };
  const glmBlock = (vars: string[], m: ReturnType<typeof fitGlm>, which: ModelName): ModelBlock => ({
    formula: formula(vars),
    variables: vars,
    terms: modelTermsFromGlm(m.glm, m.terms),
    wald: waldByVariable(m.glm, vars, m.terms),
    deviance: m.glm.deviance,
    aic: m.glm.aic,
    converged: m.glm.converged,
    metrics: evaluateModel({ y: yTrain, p: prob[which].train }, { y: yTest, p: prob[which].test }, config.hl_groups),
  });
  const models: Record<ModelName, ModelBlock> = {
    radiomics: radiomicsBlock,
    clinical: glmBlock(clinicalVars, clin, 'clinical'),
    nomogram: glmBlock(nomogramVars, nomo, 'nomogram'),
  };

  progress('delong', 0.92);
  const delong = {} as ModelJson['delong'];
  for (const [pair, m1, m2] of DELONG_PAIRS) {
    const at = (c: 'train' | 'test') => {
      const yy = c === 'train' ? yTrain : yTest;
      const t = rocTest(roc(yy, prob[m1][c]), roc(yy, prob[m2][c]));
      return { z: t.z, p: t.p, auc_diff: t.auc1 - t.auc2, ci: [t.ciLower, t.ciUpper] as [number, number] };
    };
    delong[pair] = { train: at('train'), test: at('test') };
  }

  // nomogram scales (rms::nomogram)
  const coefOf = (name: string) => nomo.glm.coefficients[nomo.glm.names.indexOf(name)];
  const scalePredictors: NomogramPredictorInput[] = nomogramVars.map((v) => {
    const spec = specOf(v);
    if (spec.kind === 'factor') {
      const levels = spec.levels!;
      return { name: v, kind: 'factor', levels, levelCoefs: levels.map((l, i) => (i === 0 ? 0 : coefOf(`${v}${l}`))) };
    }
    return { name: v, kind: 'continuous', coef: coefOf(v), values: v === RADSCORE ? radTrain : valuesOf(v, train) };
  });
  const scales = nomogramScales(nomo.glm.coefficients[0], scalePredictors);

  progress('provenance', 0.97);
  const sorted = (a: number[]) => a.slice().sort((p, q) => p - q);
  const classes = (vals: number[], yy: number[]) => ({ her2_low: sorted(vals.filter((_, i) => yy[i] === 1)), her2_zero: sorted(vals.filter((_, i) => yy[i] === 0)) });
  const countPos = (yy: number[]) => yy.filter((v) => v === 1).length;
  const model: ModelJson = {
    schema: MODEL_SCHEMA,
    provenance: {
      engine: ENGINE_NAME,
      engine_version: ENGINE_VERSION,
      date: options.date ?? new Date().toISOString(),
      params_hash: sha256(JSON.stringify(config)),
      data_hashes: {
        features: sha256(canonicalFeatures(features)),
        clinical: sha256(canonicalClinical(clinical)),
        reader2: input.reader2 ? sha256(canonicalFeatures(input.reader2)) : null,
        folds: input.folds ? sha256(JSON.stringify({ ids: input.folds.ids, fold: input.folds.fold })) : null,
      },
      cohort: {
        n_train: train.length,
        n_test: test.length,
        n_train_her2_low: countPos(yTrain),
        n_train_her2_zero: train.length - countPos(yTrain),
        n_test_her2_low: countPos(yTest),
        n_test_her2_zero: test.length - countPos(yTest),
      },
      split: splitSource,
      folds: folds.source,
      split_ids: { train: trainIds, test: testIds },
      extraction,
      synthetic: input.synthetic ?? false,
    },
    config,
    label: { positive: 'HER2-low', negative: 'HER2-zero', coding: '1 = HER2-low, 0 = HER2-zero' },
    steps: {
      features_in: features.names.slice(),
      dropped,
      after_icc: afterIcc.map((j) => features.names[j]),
      after_mwu: lassoNames,
      selected,
    },
    icc: iccBlock,
    mwu: Object.fromEntries(mwuNames.map((n, k) => [n, mwu.results[k]])),
    lasso: {
      features: lassoNames,
      lambda: Array.from(cv.lambda),
      cvm: Array.from(cv.cvm),
      cvsd: Array.from(cv.cvsd),
      nzero: Array.from(cv.nzero),
      lambda_min: cv.lambdaMin,
      lambda_1se: cv.lambda1se,
      index_min: cv.indexMin + 1,
      index_1se: cv.index1se + 1,
      lambda_rule: config.lasso_lambda,
      lambda_used: cv.lambda[kUsed],
      coefficients: Object.fromEntries(lassoNames.map((n, k) => [n, beta[k]])),
      intercept: a0,
      nfolds: folds.nfolds,
      foldid: Object.fromEntries(trainIds.map((id, k) => [id, folds.foldid[k]])),
      cv_lambdas: config.lasso_cv_lambdas,
      path: {
        a0: Array.from(cv.fit.a0),
        beta: Object.fromEntries(lassoNames.map((n, k) => [n, cv.fit.beta.map((b) => b[k])])),
        dev_ratio: Array.from(cv.fit.devRatio),
      },
      nulldev: cv.fit.nulldev,
    },
    radscore: {
      intercept: a0,
      coefficients: Object.fromEntries(selectedIdx.map((k) => [lassoNames[k], beta[k]])),
      center: Object.fromEntries(selectedIdx.map((k) => [lassoNames[k], zParams.center[k]])),
      scale: Object.fromEntries(selectedIdx.map((k) => [lassoNames[k], zParams.scale[k]])),
      intercept_raw: a0 - selectedIdx.reduce((s, k) => s + (beta[k] * zParams.center[k]) / zParams.scale[k], 0),
      coefficients_raw: Object.fromEntries(selectedIdx.map((k) => [lassoNames[k], beta[k] / zParams.scale[k]])),
      distribution: { train: classes(radTrain, yTrain), test: classes(radTest, yTest) },
    },
    clinical_univariate: univariate,
    variables: encodings,
    models,
    delong,
    nomogram_scales: scales,
    nomogram_selection: selection,
    warnings,
  };
  progress('done', 1);
  const cohort = (ids: string[], yy: number[], rad: number[], c: 'train' | 'test'): CohortPredictions => ({
    ids,
    label: yy,
    radscore: rad,
    probability: Object.fromEntries(MODEL_NAMES.map((m) => [m, prob[m][c]])) as Record<ModelName, number[]>,
  });
  return { model, patients: { train: cohort(trainIds, yTrain, radTrain, 'train'), test: cohort(testIds, yTest, radTest, 'test') } };
}
