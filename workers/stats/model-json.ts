/**
 * MODEL.json, the trained model as `her2 fit` writes it and the app imports it; documented key
 * by key in docs/model-json.md. Indices copied from R (lasso.index_min / index_1se) are 1-based
 * like R's; per-cohort arrays follow the clinical CSV's patient order within the cohort.
 */
import type { ExtractionRecord } from './extraction-record.ts';
import type { FitConfig } from './fit-config.ts';
import type { IccType } from './icc.ts';
import type { NomogramScales } from './nomogram.ts';

export const MODEL_SCHEMA = 'her2-model/1';
export const ENGINE_NAME = 'her2-workstation workers/stats';
export const ENGINE_VERSION = '1.0.0';

export type ModelName = 'radiomics' | 'clinical' | 'nomogram';
export const MODEL_NAMES: readonly ModelName[] = ['radiomics', 'clinical', 'nomogram'];
export type DelongPair = 'nomogram-vs-clinical' | 'nomogram-vs-radiomics' | 'radiomics-vs-clinical';
export const DELONG_PAIRS: readonly [DelongPair, ModelName, ModelName][] = [
  ['nomogram-vs-clinical', 'nomogram', 'clinical'],
  ['nomogram-vs-radiomics', 'nomogram', 'radiomics'],
  ['radiomics-vs-clinical', 'radiomics', 'clinical'],
];

export interface ModelTerm {
  /** R's coefficient name: "(Intercept)", "radscore", "tic2", a feature name... */
  name: string;
  /** the variable behind it (null for the intercept) */
  variable: string | null;
  /** the factor level an indicator stands for (null otherwise) */
  level: number | null;
  coef: number;
  /** Wald statistics; null for the radiomics model (LASSO coefficients have none) */
  se: number | null;
  z: number | null;
  p: number | null;
  or: number;
  or_low: number | null;
  or_high: number | null;
}

export interface CutoffMetrics {
  /** positive (HER2-low) when the probability >= cutoff */
  cutoff: number;
  /** radiomics model only: the same cut-off on the rad-score scale (pROC on the rad-score) */
  cutoff_radscore?: number;
  sensitivity: number;
  specificity: number;
  accuracy: number;
  ppv: number;
  npv: number;
  tp: number;
  tn: number;
  fp: number;
  fn: number;
}

export interface SplitMetrics extends CutoffMetrics {
  n: number;
  n_her2_low: number;
  n_her2_zero: number;
  auc: number;
  /** DeLong variance of the AUC */
  auc_var: number;
  /** DeLong 95% CI, truncated to [0, 1] */
  auc_ci: [number, number];
  /** Hosmer-Lemeshow (g risk groups, empty groups skipped, df = non-empty groups - 2) */
  hl: { statistic: number; df: number; p: number | null; groups: number; empty_groups: number };
  /** one point per non-empty risk group */
  calibration: { predicted: number; observed: number; n: number }[];
  calibration_slope: number;
  calibration_intercept: number;
  calibration_in_the_large: number;
  brier: number;
  dca: { threshold: number; net_benefit: number; treat_all: number }[];
  /** pROC's curve: thresholds ascending (the first, -Inf, and last, +Inf, written null) */
  roc: { threshold: (number | null)[]; sensitivity: number[]; specificity: number[] };
}

export interface TrainMetrics extends SplitMetrics {
  /** number of thresholds tied for the best Youden index (the lowest is used) */
  cutoff_ties: number;
}

export interface TestMetrics extends SplitMetrics {
  /** the test set's own Youden-optimal cut-off (optimistic; the training cut-off above is the honest one) */
  own_youden: CutoffMetrics & { cutoff_ties: number };
}

export interface ModelBlock {
  /** R formula of the model, e.g. "y ~ radscore + tic" */
  formula: string;
  /** variables in the model (clinical variables, 'radscore', or the LASSO features) */
  variables: string[];
  terms: ModelTerm[];
  /** joint Wald test of each variable's coefficients (a factor's levels together), as SPSS reports */
  wald: { variable: string; df: number; statistic: number; p: number }[] | null;
  deviance: number | null;
  aic: number | null;
  converged: boolean;
  metrics: { train: TrainMetrics; test: TestMetrics };
}

export interface VariableEncoding {
  kind: 'numeric' | 'factor';
  /** factor levels seen in training, reference first */
  levels?: number[];
}

export interface ClinicalUnivariate {
  kind: 'continuous' | 'categorical';
  /** 'student' | 'welch' | 'chisq' | 'chisq_yates' | 'fisher' */
  test: string;
  /** t, chi-square, or null for Fisher's test */
  statistic: number | null;
  df: number | null;
  p: number | null;
  n: number;
  /** patients without a value, left out of the test */
  n_missing: number;
  /** continuous: means by class */
  mean_her2_low?: number;
  mean_her2_zero?: number;
  sd_her2_low?: number;
  sd_her2_zero?: number;
  /** categorical: counts by level */
  levels?: number[];
  her2_zero?: number[];
  her2_low?: number[];
  note?: string;
}

export interface ModelJson {
  schema: typeof MODEL_SCHEMA;
  provenance: {
    engine: string;
    engine_version: string;
    date: string;
    /** SHA-256 of the resolved settings (canonical JSON) */
    params_hash: string;
    /** SHA-256 of the data the model was fitted on (canonical: ids and values, not file bytes) */
    data_hashes: { features: string; clinical: string; reader2: string | null; folds: string | null };
    cohort: { n_train: number; n_test: number; n_train_her2_low: number; n_train_her2_zero: number; n_test_her2_low: number; n_test_her2_zero: number };
    split: 'given' | 'seeded';
    folds: 'given' | 'seeded';
    /**
     * The training and test patients' ids, in the clinical CSV's order (absent in a MODEL.json
     * written before it existed: optional when reading).
     */
    split_ids?: { train: string[]; test: string[] };
    /**
     * What the features were extracted with, from the features CSV's diagnostics columns
     * (./extraction-record.ts); null when the CSV states none and no phase was given; absent in
     * an older MODEL.json. Scoring refuses a patient whose features were extracted otherwise.
     */
    extraction?: ExtractionRecord | null;
    /** true: the training patients come from the synthetic demo generator (absent in an older MODEL.json) */
    synthetic?: boolean;
  };
  config: FitConfig;
  label: { positive: 'HER2-low'; negative: 'HER2-zero'; coding: '1 = HER2-low, 0 = HER2-zero' };
  steps: {
    features_in: string[];
    /** constant or missing on the training set, dropped before selection */
    dropped: { name: string; reason: string }[];
    after_icc: string[];
    after_mwu: string[];
    selected: string[];
  };
  icc: {
    type: IccType;
    threshold: number;
    skipped: boolean;
    reason: string | null;
    n_patients: number;
    /** feature -> ICC of the chosen type */
    values: Record<string, number>;
  };
  mwu: Record<string, { U: number; p: number; auc: number }>;
  lasso: {
    features: string[];
    lambda: number[];
    cvm: number[];
    cvsd: number[];
    nzero: number[];
    lambda_min: number;
    lambda_1se: number;
    /** 1-based, as R */
    index_min: number;
    index_1se: number;
    lambda_rule: 'min' | '1se';
    lambda_used: number;
    /** at lambda_used, every LASSO input (zeros kept), on the z-score scale */
    coefficients: Record<string, number>;
    intercept: number;
    nfolds: number;
    /** training patient id -> fold (1..nfolds): cv.glmnet's foldid (absent in an older MODEL.json) */
    foldid?: Record<string, number>;
    cv_lambdas: 'own' | 'shared';
    path: { a0: number[]; beta: Record<string, number[]>; dev_ratio: number[] };
    nulldev: number;
  };
  radscore: {
    /** radscore = intercept + sum coefficients[f] * (x_f - center[f]) / scale[f], over the selected features */
    intercept: number;
    coefficients: Record<string, number>;
    center: Record<string, number>;
    scale: Record<string, number>;
    /** the same score on raw feature units: intercept_raw + sum coefficients_raw[f] * x_f */
    intercept_raw: number;
    coefficients_raw: Record<string, number>;
    /** rad-scores by class, sorted (the violin plots) */
    distribution: { train: { her2_low: number[]; her2_zero: number[] }; test: { her2_low: number[]; her2_zero: number[] } };
  };
  clinical_univariate: Record<string, ClinicalUnivariate>;
  /** encoding of every clinical variable a model uses */
  variables: Record<string, VariableEncoding>;
  models: Record<ModelName, ModelBlock>;
  delong: Record<DelongPair, { train: { z: number; p: number; auc_diff: number; ci: [number, number] }; test: { z: number; p: number; auc_diff: number; ci: [number, number] } }>;
  nomogram_scales: NomogramScales;
  /**
   * The model that chose the nomogram's clinical variables: rad-score + the clinical model's
   * variables, with each variable's joint Wald test (the study's Table 2); null when
   * nomogram_terms fixed them.
   */
  nomogram_selection: { formula: string; wald: { variable: string; df: number; statistic: number; p: number }[]; kept: string[] } | null;
  warnings: string[];
}
