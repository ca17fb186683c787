/**
 * The active model: a list to choose from, MODEL.json import (in the nomogram panel: the
 * stable `model-input` hook), and the model's provenance, stated with "for research use".
 */
import type { ModelJson } from '../../workers/stats/model-json.ts';
import { useStore } from '../store/createStore.ts';
import { f3 } from './figures.ts';
import { DEMO_MODEL_ID, DEMO_MODEL_LABEL, importModel, modelStore, removeModel, setActiveModel } from './modelService.ts';

function extractionText(x: ModelJson['provenance']['extraction']): string {
  if (!x) return 'Extraction settings: not recorded (patients\' features are not checked against them).';
  const s = x.settings;
  const key = s ? ['binWidth', 'resampledPixelSpacing', 'normalize'].filter((k) => k in s).map((k) => `${k} ${JSON.stringify(s[k])}`) : [];
  const types = x.image_types ? Object.keys(x.image_types).join(', ') : null;
  return (
    `Extraction: ${x.settings_hash ? `settings hash ${x.settings_hash.slice(0, 12)}` : 'settings not recorded'}` +
    `${key.length ? ` (${key.join(', ')}${types ? `; ${types}` : ''})` : ''}; DCE phase ${x.phase ?? 'not recorded'}.`
  );
}

export function Provenance({ m, demo }: { m: ModelJson; demo: boolean }) {
  const p = m.provenance;
  const c = p.cohort;
  const auc = (name: 'radiomics' | 'clinical' | 'nomogram') => `${f3(m.models[name].metrics.train.auc)} / ${f3(m.models[name].metrics.test.auc)}`;
  return (
    <div className="provenance" data-testid="model-provenance">
      {demo && <div className="research-label">Demo model: {DEMO_MODEL_LABEL}</div>}
      {p.synthetic && (
        <div className="research-label" data-testid="provenance-synthetic">
          Trained on synthetic data (the demo generator) - not for clinical use.
        </div>
      )}
      <div>
        Trained {p.date.slice(0, 10)} on {c.n_train + c.n_test} patients ({c.n_train} training: {c.n_train_her2_low} HER2-low, {c.n_train_her2_zero} HER2-zero; {c.n_test} test), split {p.split}.
      </div>
      <div>
        AUC train / test: nomogram {auc('nomogram')}, radiomics {auc('radiomics')}, clinical {auc('clinical')}.
      </div>
      <div>
        {m.steps.selected.length} features; nomogram {m.models.nomogram.formula}. Engine {p.engine} {p.engine_version}; params hash {p.params_hash.slice(0, 12)}; features data {p.data_hashes.features.slice(0, 12)}.
      </div>
      <div data-testid="provenance-extraction">{extractionText(p.extraction)}</div>
      <div className="research-label">For research use only: not a medical device, not for clinical decisions.</div>
    </div>
  );
}

export function ModelPicker({ withImport = false }: { withImport?: boolean }) {
  const { models, activeId, active } = useStore(modelStore, (s) => s);
  return (
    <div className="cohort-box">
      <div className="cohort-actions">
        <span>Model</span>
        <select value={activeId ?? ''} onChange={(e) => void setActiveModel(e.target.value)} data-testid={withImport ? 'model-select' : 'training-model-select'} style={{ maxWidth: 240 }}>
          {models.length === 0 && <option value="">(none)</option>}
          {models.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name}
            </option>
          ))}
        </select>
        {withImport && (
          <label className="button small">
            Open MODEL.json...
            <input
              type="file"
              accept=".json,application/json"
              data-testid="model-input"
              style={{ display: 'none' }}
              onChange={(e) => {
                const f = e.target.files?.[0];
                e.target.value = '';
                if (f) void importModel(f);
              }}
            />
          </label>
        )}
        {activeId && activeId !== DEMO_MODEL_ID && (
          <button className="small" onClick={() => window.confirm('Remove this model from the workspace?') && void removeModel(activeId)}>
            Remove
          </button>
        )}
      </div>
      {active && <Provenance m={active} demo={activeId === DEMO_MODEL_ID} />}
    </div>
  );
}
