/**
 * The Training tab's settings: the pipeline's thresholds and choices (the settings of
 * `her2 fit --config FIT.yaml`, docs/model-json.md), edited here, loaded from a FIT.yaml or
 * saved as one, so the same model can be fitted on the command line. Only the settings
 * that differ from the study's defaults are kept; validation is the fit's own
 * (workers/stats/fit-config.ts `resolveFitConfig`), with its messages.
 */
import yaml from 'js-yaml';
import { useState } from 'react';
import { DEFAULT_FIT_CONFIG, resolveFitConfig, type FitConfig } from '../../workers/stats/fit-config.ts';
import { download } from '../cohort/download.ts';

export type FitOverrides = Partial<FitConfig>;

type NumberKey = 'icc_threshold' | 'mwu_alpha' | 'cv_folds' | 'seed' | 'test_fraction' | 'univariate_alpha' | 'multivariate_alpha';

const NUMBERS: { key: NumberKey; label: string; title: string; step: string }[] = [
  { key: 'icc_threshold', label: 'ICC >', title: 'keep features whose inter-reader ICC exceeds this', step: '0.05' },
  { key: 'mwu_alpha', label: 'Mann-Whitney p <', title: 'keep features with p below this on the training set', step: '0.01' },
  { key: 'cv_folds', label: 'CV folds', title: "LASSO cross-validation folds (cv.glmnet's nfolds)", step: '1' },
  { key: 'seed', label: 'seed', title: 'seed of the drawn split (when the cohort has none) and of the fold assignment', step: '1' },
  { key: 'test_fraction', label: 'test share', title: 'test share of a drawn split (when the cohort has none)', step: '0.05' },
  { key: 'univariate_alpha', label: 'clinical univariate p <', title: 'a clinical variable enters the clinical model below this p', step: '0.01' },
  { key: 'multivariate_alpha', label: 'nomogram p <', title: 'a clinical variable stays in the nomogram below this (joint Wald) p', step: '0.01' },
];

/** The overrides without the settings equal to the defaults (null when none is left). */
export function changedSettings(o: FitOverrides): FitOverrides | null {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined) continue;
    if (JSON.stringify(v) !== JSON.stringify(DEFAULT_FIT_CONFIG[k as keyof FitConfig])) out[k] = v;
  }
  return Object.keys(out).length ? (out as FitOverrides) : null;
}

export function FitSettings({ value, onChange }: { value: FitOverrides; onChange: (v: FitOverrides) => void }) {
  const [error, setError] = useState<string | null>(null);
  const resolved = (() => {
    try {
      return resolveFitConfig(changedSettings(value), 'the settings');
    } catch {
      return { ...DEFAULT_FIT_CONFIG, ...value } as FitConfig;
    }
  })();
  const set = (patch: FitOverrides) => {
    const next = { ...value, ...patch };
    try {
      resolveFitConfig(changedSettings(next), 'the settings');
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
    onChange(next);
  };
  const changed = changedSettings(value);
  return (
    <details className="cohort-box fit-settings" data-testid="fit-settings">
      <summary>
        Settings {changed ? `(${Object.keys(changed).length} changed from the study's)` : "(the study's)"}
      </summary>
      <div className="cohort-actions">
        <label title="the reliability filter's ICC form">
          ICC{' '}
          <select value={resolved.icc_type} onChange={(e) => set({ icc_type: e.target.value as FitConfig['icc_type'] })} data-testid="fit-icc_type">
            <option value="ICC(2,1)">ICC(2,1) absolute agreement (the study)</option>
            <option value="ICC(3,1)">ICC(3,1) consistency</option>
            <option value="ICC(1,1)">ICC(1,1) one-way</option>
          </select>
        </label>
        {NUMBERS.map((n) => (
          <label key={n.key} title={n.title}>
            {n.label}{' '}
            <input
              type="number"
              step={n.step}
              style={{ width: 80 }}
              value={String(resolved[n.key])}
              onChange={(e) => e.target.value.trim() !== '' && set({ [n.key]: Number(e.target.value) })}
              data-testid={`fit-${n.key}`}
            />
          </label>
        ))}
        <label title="clinical univariate tests">
          continuous{' '}
          <select
            value={resolved.univariate_tests.continuous}
            onChange={(e) => set({ univariate_tests: { ...resolved.univariate_tests, continuous: e.target.value as FitConfig['univariate_tests']['continuous'] } })}
            data-testid="fit-continuous-test"
          >
            <option value="student">Student t (the study)</option>
            <option value="welch">Welch t</option>
          </select>
        </label>
        <label>
          categorical{' '}
          <select
            value={resolved.univariate_tests.categorical}
            onChange={(e) => set({ univariate_tests: { ...resolved.univariate_tests, categorical: e.target.value as FitConfig['univariate_tests']['categorical'] } })}
            data-testid="fit-categorical-test"
          >
            <option value="chisq">chi-square (the study)</option>
            <option value="chisq_yates">chi-square with Yates</option>
            <option value="fisher">Fisher</option>
          </select>
        </label>
      </div>
      <div className="cohort-actions">
        <label className="button small" title="settings from a FIT.yaml (the file her2 fit --config reads)">
          Load FIT.yaml...
          <input
            type="file"
            accept=".yaml,.yml"
            style={{ display: 'none' }}
            data-testid="fit-config-input"
            onChange={async (e) => {
              const f = e.target.files?.[0];
              e.target.value = '';
              if (!f) return;
              try {
                const raw = yaml.load(await f.text()) ?? {};
                resolveFitConfig(raw, f.name);
                setError(null);
                onChange(raw as FitOverrides);
              } catch (err) {
                setError(`${f.name}: ${(err as Error).message.replace(`${f.name}: `, '')}`);
              }
            }}
          />
        </label>
        <button className="small" onClick={() => download('FIT.yaml', yaml.dump(changed ?? {}), 'text/yaml')} data-testid="fit-config-export" title="these settings as a FIT.yaml for her2 fit --config">
          Save FIT.yaml
        </button>
        <button className="small" onClick={() => (setError(null), onChange({}))} disabled={!changed} data-testid="fit-config-reset">
          The study&apos;s settings
        </button>
      </div>
      {error && (
        <p className="error" data-testid="fit-config-error">
          {error}
        </p>
      )}
    </details>
  );
}
