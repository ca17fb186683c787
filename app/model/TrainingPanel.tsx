/**
 * The Training tab: trains the study's pipeline on the cohort in the model worker and shows
 * what the study's tables and figures show, read from the active MODEL.json: the feature
 * counts after each step, the LASSO CV curve and coefficient paths (Figure 4), the selected
 * features (Table 4), the clinical characteristics by class (Table 1), the multivariate
 * models (Table 2), the performance of each model on each set (Table 3), the rad-score by
 * class (Figure 5) and the DeLong comparisons.
 */
import { useEffect, useMemo, useState } from 'react';
import type { ModelJson } from '../../workers/stats/model-json.ts';
import { initCohort } from '../cohort/cohortService.ts';
import { useStore } from '../store/createStore.ts';
import { f3, fp, lassoCvFigure, lassoPathFigure, levelLabel, MODEL_TITLES, radscoreViolinFigure } from './figures.ts';
import { changedSettings, FitSettings, type FitOverrides } from './FitSettings.tsx';
import { ModelPicker } from './ModelPicker.tsx';
import { exportActiveModel, exportTrainingData, initModels, modelStore, trainModel } from './modelService.ts';
import { PlotlyChart } from './PlotlyChart.tsx';
import '../cohort/cohort.css';

const VAR_TITLES: Record<string, string> = { age: 'Age (years)', diameter: 'Maximum diameter (mm)', stage: 'Clinical stage', aln: 'ALN metastatic', er: 'ER', pr: 'PR', ki67: 'Ki-67 high', tic: 'DCE-MRI TIC', radscore: 'Rad-score' };
const vt = (v: string) => VAR_TITLES[v] ?? v;

function Steps({ m }: { m: ModelJson }) {
  const s = m.steps;
  return (
    <div className="cohort-box" data-testid="training-steps" data-features-in={s.features_in.length} data-after-icc={s.after_icc.length} data-after-mwu={s.after_mwu.length} data-selected={s.selected.length}>
      <div className="cohort-box-title">Feature selection</div>
      {s.features_in.length} features in{s.dropped.length ? `, ${s.dropped.length} dropped (constant or missing on the training set)` : ''} → ICC {m.icc.type} &gt; {m.icc.threshold}:{' '}
      {m.icc.skipped ? `skipped (${m.icc.reason})` : `${s.after_icc.length} (${m.icc.n_patients} patients with two readers)`} → Mann-Whitney p &lt; {m.config.mwu_alpha}: {s.after_mwu.length} → LASSO ({m.lasso.nfolds}-fold CV, lambda.{m.lasso.lambda_rule} = {m.lasso.lambda_used.toPrecision(4)}, log {Math.log(m.lasso.lambda_used).toFixed(3)}): <b>{s.selected.length}</b>
    </div>
  );
}

function SelectedFeatures({ m }: { m: ModelJson }) {
  return (
    <table className="stats-table" data-testid="table-selected-features">
      <caption>Selected features (Table 4): LASSO coefficients on z-scores; rad-score intercept {m.radscore.intercept.toPrecision(6)}</caption>
      <thead>
        <tr>
          <th>#</th>
          <th>feature</th>
          <th className="num">coefficient</th>
        </tr>
      </thead>
      <tbody>
        {m.steps.selected.map((n, i) => (
          <tr key={n} data-feature={n} data-value={String(m.radscore.coefficients[n])}>
            <td>{i + 1}</td>
            <td>{n}</td>
            <td className="num">{m.radscore.coefficients[n].toFixed(8)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ClinicalTable({ m }: { m: ModelJson }) {
  const rows = Object.entries(m.clinical_univariate);
  if (rows.length === 0) return null;
  const c = m.provenance.cohort;
  return (
    <table className="stats-table" data-testid="table-clinical">
      <caption>Clinical characteristics by class, training set (Table 1)</caption>
      <thead>
        <tr>
          <th>variable</th>
          <th className="num">HER2-low (n={c.n_train_her2_low})</th>
          <th className="num">HER2-zero (n={c.n_train_her2_zero})</th>
          <th>test</th>
          <th className="num">p</th>
        </tr>
      </thead>
      <tbody>
        {rows.flatMap(([v, u]) => {
          if (u.kind === 'continuous') {
            return [
              <tr key={v}>
                <td>{vt(v)}</td>
                <td className="num">
                  {f3(u.mean_her2_low)} ± {f3(u.sd_her2_low)}
                </td>
                <td className="num">
                  {f3(u.mean_her2_zero)} ± {f3(u.sd_her2_zero)}
                </td>
                <td>{u.test}</td>
                <td className="num">{fp(u.p)}</td>
              </tr>,
            ];
          }
          return (u.levels ?? []).map((lvl, k) => (
            <tr key={`${v}-${lvl}`}>
              <td>
                {k === 0 ? `${vt(v)}: ` : ''}
                {levelLabel(v, lvl)}
              </td>
              <td className="num">{u.her2_low?.[k]}</td>
              <td className="num">{u.her2_zero?.[k]}</td>
              <td>{k === 0 ? u.test : ''}</td>
              <td className="num">{k === 0 ? fp(u.p) : ''}</td>
            </tr>
          ));
        })}
      </tbody>
    </table>
  );
}

function Multivariate({ m }: { m: ModelJson }) {
  const sel = m.nomogram_selection;
  const terms = (name: 'clinical' | 'nomogram') =>
    m.models[name].terms
      .filter((t) => t.variable !== null)
      .map((t) => (
        <tr key={`${name}-${t.name}`}>
          <td>{t.name}</td>
          <td className="num">
            {f3(t.or)} ({f3(t.or_low)}, {f3(t.or_high)})
          </td>
          <td className="num">{fp(t.p)}</td>
        </tr>
      ));
  return (
    <table className="stats-table" data-testid="table-multivariate">
      <caption>Multivariate logistic regression (Table 2): odds ratios (95% Wald CI)</caption>
      <thead>
        <tr>
          <th>term</th>
          <th className="num">OR (95% CI)</th>
          <th className="num">p</th>
        </tr>
      </thead>
      <tbody>
        <tr>
          <td colSpan={3}>
            <b>Clinical model</b> {m.models.clinical.formula}
          </td>
        </tr>
        {terms('clinical')}
        {sel && (
          <>
            <tr>
              <td colSpan={3}>
                <b>With the rad-score</b> {sel.formula}: joint Wald test per variable (kept: {sel.kept.length ? sel.kept.join(', ') : 'none'})
              </td>
            </tr>
            {sel.wald.map((w) => (
              <tr key={`w-${w.variable}`}>
                <td>{vt(w.variable)}</td>
                <td className="num">
                  chi2 {f3(w.statistic)}, df {w.df}
                </td>
                <td className="num">{fp(w.p)}</td>
              </tr>
            ))}
          </>
        )}
        <tr>
          <td colSpan={3}>
            <b>Nomogram</b> {m.models.nomogram.formula}
          </td>
        </tr>
        {terms('nomogram')}
      </tbody>
    </table>
  );
}

function Metrics({ m }: { m: ModelJson }) {
  return (
    <table className="stats-table" data-testid="table-metrics">
      <caption>Performance (Table 3): cut-off = training Youden; test also at its own Youden cut-off (optimistic)</caption>
      <thead>
        <tr>
          <th>model</th>
          <th>set</th>
          <th className="num">AUC (95% CI)</th>
          <th className="num">acc.</th>
          <th className="num">sens.</th>
          <th className="num">spec.</th>
        </tr>
      </thead>
      <tbody>
        {(['radiomics', 'clinical', 'nomogram'] as const).flatMap((name) => {
          const t = m.models[name].metrics.train;
          const s = m.models[name].metrics.test;
          return [
            <tr key={`${name}-train`} data-model={name} data-split="train" data-auc={String(t.auc)}>
              <td>{MODEL_TITLES[name]}</td>
              <td>train</td>
              <td className="num">
                {f3(t.auc)} ({f3(t.auc_ci[0])}-{f3(t.auc_ci[1])})
              </td>
              <td className="num">{f3(t.accuracy)}</td>
              <td className="num">{f3(t.sensitivity)}</td>
              <td className="num">{f3(t.specificity)}</td>
            </tr>,
            <tr key={`${name}-test`} data-model={name} data-split="test" data-auc={String(s.auc)}>
              <td />
              <td>test</td>
              <td className="num">
                {f3(s.auc)} ({f3(s.auc_ci[0])}-{f3(s.auc_ci[1])})
              </td>
              <td className="num">
                {f3(s.accuracy)} <span className="hint">({f3(s.own_youden.accuracy)})</span>
              </td>
              <td className="num">
                {f3(s.sensitivity)} <span className="hint">({f3(s.own_youden.sensitivity)})</span>
              </td>
              <td className="num">
                {f3(s.specificity)} <span className="hint">({f3(s.own_youden.specificity)})</span>
              </td>
            </tr>,
          ];
        })}
      </tbody>
    </table>
  );
}

function Delong({ m }: { m: ModelJson }) {
  return (
    <table className="stats-table" data-testid="table-delong">
      <caption>DeLong tests of correlated ROC curves</caption>
      <thead>
        <tr>
          <th>comparison</th>
          <th className="num">train z, p</th>
          <th className="num">test z, p</th>
        </tr>
      </thead>
      <tbody>
        {Object.entries(m.delong).map(([pair, d]) => (
          <tr key={pair}>
            <td>{pair}</td>
            <td className="num">
              {f3(d.train.z)}, {fp(d.train.p)}
            </td>
            <td className="num">
              {f3(d.test.z)}, {fp(d.test.p)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ModelReport({ m }: { m: ModelJson }) {
  const figs = useMemo(() => ({ cv: lassoCvFigure(m), path: lassoPathFigure(m), violin: radscoreViolinFigure(m) }), [m]);
  return (
    <>
      <Steps m={m} />
      <div className="plots">
        <PlotlyChart figure={figs.cv} testId="plot-lasso-cv" filename="lasso-cv" />
        <PlotlyChart figure={figs.path} testId="plot-lasso-path" filename="lasso-paths" />
        <PlotlyChart figure={figs.violin} testId="plot-radscore-violin" filename="radscore-violin" />
      </div>
      <SelectedFeatures m={m} />
      <ClinicalTable m={m} />
      <Multivariate m={m} />
      <Metrics m={m} />
      <Delong m={m} />
      {m.warnings.length > 0 && (
        <div className="cohort-box">
          <div className="cohort-box-title">Warnings</div>
          {m.warnings.map((w) => (
            <div key={w} className="hint">
              {w}
            </div>
          ))}
        </div>
      )}
    </>
  );
}

export default function TrainingPanel() {
  useEffect(() => {
    void initCohort();
    void initModels();
  }, []);
  const { active, training, error, lastTraining, activeId, models } = useStore(modelStore, (s) => s);
  const [wide, setWide] = useState(false);
  const [settings, setSettings] = useState<FitOverrides>({});
  const rule = settings.lasso_lambda ?? 'min';
  const activeModel = models.find((x) => x.id === activeId);
  const train = () => void trainModel(changedSettings(settings));
  return (
    <div className={`model-panel${wide ? ' wide' : ''}`}>
      <button className="small wide-toggle" onClick={() => setWide(!wide)}>
        {wide ? 'Back to the panel' : 'Wide view'}
      </button>
      <div className="cohort-actions">
        <button onClick={train} disabled={!!training?.running} data-testid="train-model">
          Train on the cohort
        </button>
        <label>
          lambda{' '}
          <select value={rule} onChange={(e) => setSettings({ ...settings, lasso_lambda: e.target.value as 'min' | '1se' })} data-testid="fit-lasso_lambda">
            <option value="min">lambda.min (the study)</option>
            <option value="1se">lambda.1se</option>
          </select>
        </label>
      </div>
      <p className="hint">The study&apos;s pipeline (by default ICC &gt; 0.75, Mann-Whitney p &lt; 0.05, z-scores, LASSO 10-fold CV, logistic models), run in a worker; the same code as `her2 fit`, whose FIT.yaml the settings below read and write.</p>
      <FitSettings value={settings} onChange={setSettings} />
      {training?.running && (
        <div className="cohort-progress" data-testid="training-progress">
          <progress max={1} value={training.fraction} /> <span>{training.step}</span>
        </div>
      )}
      {error && (
        <p className="error" data-testid="training-error">
          {error}
        </p>
      )}
      <ModelPicker />
      {active && activeModel && (
        <div className="cohort-actions">
          <button className="small" onClick={exportActiveModel} data-testid="export-model">
            Export MODEL.json
          </button>
          {lastTraining?.modelId === activeId && (
            <>
              <button className="small" onClick={() => exportTrainingData('features')} data-testid="export-training-features">
                training features CSV
              </button>
              {lastTraining.reader2Csv && (
                <button className="small" onClick={() => exportTrainingData('reader2')} data-testid="export-training-reader2">
                  reader 2 CSV
                </button>
              )}
              <button className="small" onClick={() => exportTrainingData('clinical')} data-testid="export-training-clinical">
                clinical CSV
              </button>
            </>
          )}
        </div>
      )}
      {active ? <ModelReport m={active} /> : <p className="placeholder">No model yet: open or build a cohort, extract, then train.</p>}
    </div>
  );
}
