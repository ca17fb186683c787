/**
 * The steps of the study's pipeline as plain functions on plain data; workers/stats/fit.ts
 * chains them, and the tests feed each one the reference's inputs for that step.
 */
import { brierScore, calibrationInTheLarge, calibrationSlope, hoslemTest } from './calibration.ts';
import { chisqTest } from './chisq-test.ts';
import { decisionCurve } from './dca.ts';
import { delongCi, delongPlacements, delongVar } from './delong.ts';
import { fisherTest } from './fisher-test.ts';
import type { CategoricalTest, ContinuousTest } from './fit-config.ts';
import { icc, iccOfType, type IccType } from './icc.ts';
import { mannWhitneyTest, type MannWhitneyOptions } from './mann-whitney.ts';
import type { ClinicalUnivariate, CutoffMetrics, SplitMetrics, TestMetrics, TrainMetrics } from './model-json.ts';
import { coordsAt, roc, youdenCutoff, type Roc, type RocCoords } from './roc.ts';
import { mean, tTest, variance } from './t-test.ts';

// ---------------------------------------------------------------------------------------------
// Feature selection
// ---------------------------------------------------------------------------------------------

/**
 * ICC of each feature between reader 1 and reader 2 on the reader-2 patients; kept when
 * ICC > threshold (strict). reader1[j][i] / reader2[j][i]: feature j, patient i. A feature with
 * a missing value gets ICC NaN and is not kept.
 */
export function iccFilter(
  names: readonly string[],
  reader1: readonly ArrayLike<number>[],
  reader2: readonly ArrayLike<number>[],
  type: IccType,
  threshold: number,
): { values: number[]; kept: string[] } {
  const values = names.map((_, j) => {
    const a = reader1[j];
    const b = reader2[j];
    for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]) || !Number.isFinite(b[i])) return NaN;
    return iccOfType(icc([a, b]), type);
  });
  return { values, kept: names.filter((_, j) => values[j] > threshold) };
}

/**
 * Mann-Whitney U of each feature between HER2-low (sample 1) and HER2-zero on the training set;
 * kept when p < alpha. columns[j][i]: feature j, training patient i.
 */
export function mannWhitneyFilter(
  names: readonly string[],
  columns: readonly ArrayLike<number>[],
  y: ArrayLike<number>,
  alpha: number,
  opts: MannWhitneyOptions,
): { results: { U: number; p: number; auc: number }[]; kept: string[] } {
  const results = columns.map((col) => {
    const x1: number[] = [];
    const x0: number[] = [];
    for (let i = 0; i < y.length; i++) (y[i] === 1 ? x1 : x0).push(col[i]);
    const r = mannWhitneyTest(x1, x0, opts);
    return { U: r.W, p: r.p, auc: r.auc };
  });
  return { results, kept: names.filter((_, j) => results[j].p < alpha) };
}

// ---------------------------------------------------------------------------------------------
// Univariate clinical tests
// ---------------------------------------------------------------------------------------------

/**
 * The test of one clinical variable between the classes on the training set: a t test for a
 * continuous variable, a chi-square (or Fisher) test of the 2 x levels table (rows HER2-zero,
 * HER2-low) for a categorical one. Patients without a value are left out and counted.
 */
export function clinicalUnivariateTest(
  values: ArrayLike<number>,
  y: ArrayLike<number>,
  kind: 'continuous' | 'categorical',
  tests: { continuous: ContinuousTest; categorical: CategoricalTest },
): ClinicalUnivariate {
  const v1: number[] = [];
  const v0: number[] = [];
  let missing = 0;
  for (let i = 0; i < y.length; i++) {
    if (Number.isNaN(values[i])) missing++;
    else (y[i] === 1 ? v1 : v0).push(values[i]);
  }
  const n = v1.length + v0.length;
  if (kind === 'continuous') {
    const test = tests.continuous;
    const base: ClinicalUnivariate = {
      kind,
      test,
      statistic: null,
      df: null,
      p: null,
      n,
      n_missing: missing,
      mean_her2_low: v1.length ? mean(v1) : NaN,
      mean_her2_zero: v0.length ? mean(v0) : NaN,
      sd_her2_low: v1.length > 1 ? Math.sqrt(variance(v1)) : NaN,
      sd_her2_zero: v0.length > 1 ? Math.sqrt(variance(v0)) : NaN,
    };
    if (v1.length < 2 || v0.length < 2) return { ...base, note: 'fewer than 2 patients with a value in a class' };
    const r = tTest(v1, v0, { varEqual: test === 'student' });
    if (!Number.isFinite(r.t)) return { ...base, note: 'no variation within the classes' };
    return { ...base, statistic: r.t, df: r.df, p: r.p };
  }
  const test = tests.categorical;
  const levels = [...new Set([...v1, ...v0])].sort((a, b) => a - b);
  const her2Zero = levels.map((l) => v0.filter((v) => v === l).length);
  const her2Low = levels.map((l) => v1.filter((v) => v === l).length);
  const base: ClinicalUnivariate = { kind, test, statistic: null, df: null, p: null, n, n_missing: missing, levels, her2_zero: her2Zero, her2_low: her2Low };
  if (levels.length < 2) return { ...base, note: 'a single level on the training set' };
  if (v1.length === 0 || v0.length === 0) return { ...base, note: 'a class without values' };
  const table = [her2Zero, her2Low];
  if (test === 'fisher') return { ...base, p: fisherTest(table).p };
  const r = chisqTest(table, { correct: test === 'chisq_yates' });
  return { ...base, statistic: r.statistic, df: r.df, p: r.p, ...(r.minExpected < 5 ? { note: `an expected count is ${r.minExpected.toPrecision(3)} (< 5): the chi-square approximation may be poor` } : {}) };
}

// ---------------------------------------------------------------------------------------------
// Model evaluation
// ---------------------------------------------------------------------------------------------

function cutoffMetrics(c: RocCoords, radscoreCut?: number): CutoffMetrics {
  return {
    cutoff: c.threshold,
    ...(radscoreCut !== undefined ? { cutoff_radscore: radscoreCut } : {}),
    sensitivity: c.sensitivity,
    specificity: c.specificity,
    accuracy: c.accuracy,
    ppv: c.ppv,
    npv: c.npv,
    tp: c.tp,
    tn: c.tn,
    fp: c.fp,
    fn: c.fn,
  };
}

function splitMetrics(y: ArrayLike<number>, p: ArrayLike<number>, r: Roc, at: RocCoords, hlGroups: number, radscoreCut?: number): SplitMetrics {
  let n1 = 0;
  for (let i = 0; i < y.length; i++) n1 += y[i];
  const placements = delongPlacements(r);
  const hl = hoslemTest(y, p, hlGroups);
  const slope = calibrationSlope(y, p);
  const calibration: SplitMetrics['calibration'] = [];
  hl.bins.n.forEach((nb, b) => {
    if (nb > 0) calibration.push({ predicted: hl.bins.meanPredicted[b]!, observed: hl.bins.observedRate[b]!, n: nb });
  });
  return {
    n: y.length,
    n_her2_low: n1,
    n_her2_zero: y.length - n1,
    auc: r.auc,
    auc_var: delongVar(r, placements),
    auc_ci: delongCi(r, 0.95, placements),
    ...cutoffMetrics(at, radscoreCut),
    hl: { statistic: hl.chisq, df: hl.df, p: Number.isFinite(hl.p) ? hl.p : null, groups: hl.nGroups, empty_groups: hl.nEmptyBins },
    calibration,
    calibration_slope: slope.slope,
    calibration_intercept: slope.intercept,
    calibration_in_the_large: calibrationInTheLarge(y, p),
    brier: brierScore(y, p),
    dca: decisionCurve(y, p).map((d) => ({ threshold: d.threshold, net_benefit: d.netBenefit, treat_all: d.treatAll })),
    roc: {
      threshold: Array.from(r.thresholds, (t) => (Number.isFinite(t) ? t : null)),
      sensitivity: Array.from(r.sensitivities),
      specificity: Array.from(r.specificities),
    },
  };
}

/**
 * Every metric of one model on the training and the test set: ROC/AUC with DeLong CI, the
 * Youden cut-off found on the training set (the lowest of pROC's ties) and applied unchanged to
 * the test set, the test set's own Youden cut-off (own_youden), Hosmer-Lemeshow and the
 * calibration curve, calibration slope/intercept, Brier score and the decision curve. For the
 * radiomics model, `radscore` gives the rad-scores: its cut-offs are then also reported on the
 * rad-score scale (pROC on the rad-score, as the study's Figure 6 cut-off).
 */
export function evaluateModel(
  train: { y: ArrayLike<number>; p: ArrayLike<number>; radscore?: ArrayLike<number> },
  test: { y: ArrayLike<number>; p: ArrayLike<number>; radscore?: ArrayLike<number> },
  hlGroups = 10,
): { train: TrainMetrics; test: TestMetrics } {
  const rTrain = roc(train.y, train.p);
  const best = youdenCutoff(rTrain);
  const rsTrain = train.radscore ? roc(train.y, train.radscore) : null;
  const rsBest = rsTrain ? youdenCutoff(rsTrain) : null;
  const trainMetrics: TrainMetrics = { ...splitMetrics(train.y, train.p, rTrain, best, hlGroups, rsBest?.threshold), cutoff_ties: best.ties };

  const rTest = roc(test.y, test.p);
  const atTrainCut = coordsAt(rTest, best.threshold);
  const own = youdenCutoff(rTest);
  const rsTest = test.radscore ? roc(test.y, test.radscore) : null;
  const rsOwn = rsTest ? youdenCutoff(rsTest) : null;
  const testMetrics: TestMetrics = {
    ...splitMetrics(test.y, test.p, rTest, atTrainCut, hlGroups, rsBest?.threshold),
    own_youden: { ...cutoffMetrics(own, rsOwn?.threshold), cutoff_ties: own.ties },
  };
  return { train: trainMetrics, test: testMetrics };
}
