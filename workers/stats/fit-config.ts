/**
 * The settings of `her2 fit` (FIT.yaml): every threshold of the study's pipeline, with the
 * study's choices as defaults. Keys are snake_case as in the YAML file; an unknown key or a
 * value of the wrong type is an error that names the key.
 */
import type { IccType } from './icc.ts';

export type ContinuousTest = 'student' | 'welch';
export type CategoricalTest = 'chisq' | 'chisq_yates' | 'fisher';

export interface FitConfig {
  /** reliability filter: ICC(2,1) two-way random absolute agreement (the study), or ICC(3,1) / ICC(1,1) */
  icc_type: IccType;
  /** keep features with ICC > this (strict) */
  icc_threshold: number;
  /** keep features with Mann-Whitney p < this on the training set */
  mwu_alpha: number;
  /** exact Mann-Whitney p: false = normal approximation (wilcox.test(exact = FALSE)), 'auto' = R's default */
  mwu_exact: boolean | 'auto';
  /** continuity correction of the normal approximation */
  mwu_correct: boolean;
  /** which cross-validated lambda gives the rad-score */
  lasso_lambda: 'min' | '1se';
  /** number of cross-validation folds (when no folds file is given) */
  cv_folds: number;
  /** seed of the stratified split (when the clinical CSV has no split) and of the fold assignment */
  seed: number;
  /** test share of the seeded stratified split */
  test_fraction: number;
  /** glmnet's standardize: false on the z-scored features (the study's rad-score is on z-scores) */
  lasso_standardize: boolean;
  /** glmnet's convergence threshold */
  lasso_thresh: number;
  lasso_nlambda: number;
  /** null: glmnet's rule (1e-4 when patients > features, else 0.01) */
  lasso_lambda_min_ratio: number | null;
  lasso_maxit: number;
  /** 'own': each fold fits its own lambda path (cv.glmnet's default); 'shared': every fold uses the full-data lambdas */
  lasso_cv_lambdas: 'own' | 'shared';
  /** clinical variables to consider; null = the study's (age, diameter, stage, aln, tic, er, pr, ki67) that the CSV has */
  clinical_variables: string[] | null;
  /** variables treated as factors (treatment contrasts against the first level) */
  categorical: string[];
  univariate_tests: { continuous: ContinuousTest; categorical: CategoricalTest };
  /** univariate p below which a clinical variable enters the clinical model */
  univariate_alpha: number;
  /** p (joint Wald for a factor) below which a clinical variable stays in the nomogram */
  multivariate_alpha: number;
  /** when given, the clinical model uses exactly these variables (no selection) */
  clinical_terms: string[] | null;
  /** when given, the nomogram uses exactly these terms ('radscore' for the rad-score) */
  nomogram_terms: string[] | null;
  /** risk groups of the Hosmer-Lemeshow test and calibration curve */
  hl_groups: number;
}

export const STUDY_CLINICAL_VARIABLES = ['age', 'diameter', 'stage', 'aln', 'tic', 'er', 'pr', 'ki67'] as const;
/** columns that define the label: never predictors */
export const LABEL_COLUMNS = ['label', 'ihc', 'ish', 'her2'] as const;

export const DEFAULT_FIT_CONFIG: FitConfig = {
  icc_type: 'ICC(2,1)',
  icc_threshold: 0.75,
  mwu_alpha: 0.05,
  mwu_exact: false,
  mwu_correct: true,
  lasso_lambda: 'min',
  cv_folds: 10,
  seed: 20240401,
  test_fraction: 0.3,
  lasso_standardize: false,
  lasso_thresh: 1e-14,
  lasso_nlambda: 100,
  lasso_lambda_min_ratio: null,
  lasso_maxit: 1e7,
  lasso_cv_lambdas: 'own',
  clinical_variables: null,
  categorical: ['tic', 'stage'],
  univariate_tests: { continuous: 'student', categorical: 'chisq' },
  univariate_alpha: 0.05,
  multivariate_alpha: 0.05,
  clinical_terms: null,
  nomogram_terms: null,
  hl_groups: 10,
};

export class FitConfigError extends Error {}

type Check = (v: unknown) => string | null;
const num = (lo: number, hi: number, open = false): Check => (v) =>
  typeof v === 'number' && Number.isFinite(v) && (open ? v > lo && v < hi : v >= lo && v <= hi) ? null : `a number in ${open ? '(' : '['}${lo}, ${hi}${open ? ')' : ']'}`;
const int = (lo: number, hi: number): Check => (v) => (typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi ? null : `an integer in [${lo}, ${hi}]`);
const oneOf = (...opts: unknown[]): Check => (v) => (opts.includes(v) ? null : `one of ${opts.map((o) => JSON.stringify(o)).join(', ')}`);
const bool: Check = (v) => (typeof v === 'boolean' ? null : 'true or false');
const names = (nullable: boolean): Check => (v) =>
  (nullable && v === null) || (Array.isArray(v) && v.every((s) => typeof s === 'string' && s.trim() !== '')) ? null : `a list of names${nullable ? ' (or null)' : ''}`;

const CHECKS: Record<keyof FitConfig, Check> = {
  icc_type: oneOf('ICC(2,1)', 'ICC(3,1)', 'ICC(1,1)'),
  icc_threshold: num(-1, 1),
  mwu_alpha: num(0, 1, true),
  mwu_exact: oneOf(true, false, 'auto'),
  mwu_correct: bool,
  lasso_lambda: oneOf('min', '1se'),
  cv_folds: int(3, 1000),
  seed: int(0, 2 ** 32 - 1),
  test_fraction: num(0, 1, true),
  lasso_standardize: bool,
  lasso_thresh: num(0, 1, true),
  lasso_nlambda: int(3, 10000),
  lasso_lambda_min_ratio: (v) => (v === null ? null : num(0, 1, true)(v)),
  lasso_maxit: int(1, 1e9),
  lasso_cv_lambdas: oneOf('own', 'shared'),
  clinical_variables: names(true),
  categorical: names(false),
  univariate_tests: (v) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return '{continuous: student|welch, categorical: chisq|chisq_yates|fisher}';
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) if (k !== 'continuous' && k !== 'categorical') return `an object without '${k}' (keys: continuous, categorical)`;
    if (o.continuous !== undefined && !['student', 'welch'].includes(o.continuous as string)) return 'continuous: student or welch';
    if (o.categorical !== undefined && !['chisq', 'chisq_yates', 'fisher'].includes(o.categorical as string)) return 'categorical: chisq, chisq_yates or fisher';
    return null;
  },
  univariate_alpha: num(0, 1, true),
  multivariate_alpha: num(0, 1, true),
  clinical_terms: names(true),
  nomogram_terms: names(true),
  hl_groups: int(3, 100),
};

/**
 * Defaults overlaid with the given settings (a parsed FIT.yaml, or the app's form). `source`
 * names the origin in error messages.
 */
export function resolveFitConfig(raw: unknown, source = 'FIT.yaml'): FitConfig {
  if (raw === null || raw === undefined) return structuredClone(DEFAULT_FIT_CONFIG);
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new FitConfigError(`${source}: expected a mapping of settings`);
  const out: FitConfig = structuredClone(DEFAULT_FIT_CONFIG);
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (!(key in CHECKS)) throw new FitConfigError(`${source}: unknown setting '${key}' (known: ${Object.keys(CHECKS).join(', ')})`);
    const problem = CHECKS[key as keyof FitConfig](value);
    if (problem) throw new FitConfigError(`${source}: setting '${key}' must be ${problem}, not ${JSON.stringify(value)}`);
    if (key === 'univariate_tests') out.univariate_tests = { ...out.univariate_tests, ...(value as object) };
    else if (Array.isArray(value)) (out as unknown as Record<string, unknown>)[key] = value.map((s: string) => s.trim().toLowerCase());
    else (out as unknown as Record<string, unknown>)[key] = value;
  }
  return out;
}
