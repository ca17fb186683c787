/**
 * The Nomogram tab: the current patient's HER2-low probability from the active model, the
 * model's cut-off and the class it implies, the rad-score and TIC behind it; the nomogram with
 * the patient marked; the ROC, calibration and decision curves of the model; the model's
 * provenance; a one-page printable report. A value the model needs and the patient lacks is
 * asked for (clinical variables) or named (features): scoring refuses rather than guess.
 */
import { useEffect, useMemo, useState } from 'react';
import { parseFeaturesCsv } from '../../workers/io/features-csv.ts';
import { IMAGE_TYPES_COLUMN, readExtractionDiagnostics, SETTINGS_COLUMN } from '../../workers/stats/extraction-record.ts';
import type { ModelJson } from '../../workers/stats/model-json.ts';
import { modelInputs, type PatientScore } from '../../workers/stats/model-worker-api.ts';
import { initCohort } from '../cohort/cohortService.ts';
import { extractFeatures, extractionStore, PAPER_PARAMS, paperParamsText } from '../features/extractionService.ts';
import { appStore } from '../store/appStore.ts';
import { useStore } from '../store/createStore.ts';
import { computeTicFor, patientInputStore, setTypedClinical, useCurrentPatient, type CurrentPatient } from './currentPatient.ts';
import { calibrationFigure, dcaFigure, f3, nomogramFigure, rocFigure } from './figures.ts';
import { ModelPicker } from './ModelPicker.tsx';
import { DEMO_MODEL_ID, initModels, modelStore, modelWorker } from './modelService.ts';
import { publishPatientFeatures } from './patientFeatures.ts';
import { PatientReport } from './PatientReport.tsx';
import { PlotlyChart } from './PlotlyChart.tsx';
import '../cohort/cohort.css';

const TITLES: Record<string, string> = { tic: 'TIC type', er: 'ER', pr: 'PR', aln: 'Axillary nodes', ki67: 'Ki-67', stage: 'Clinical stage', age: 'Age (years)', diameter: 'Maximum diameter (mm)' };
const OPTIONS: Record<string, [number, string][]> = {
  tic: [
    [1, 'I (persistent)'],
    [2, 'II (plateau)'],
    [3, 'III (washout)'],
  ],
  stage: [
    [1, 'I'],
    [2, 'II'],
    [3, 'III'],
  ],
  er: [
    [1, 'positive'],
    [0, 'negative'],
  ],
  pr: [
    [1, 'positive'],
    [0, 'negative'],
  ],
  aln: [
    [1, 'metastatic'],
    [0, 'none'],
  ],
  ki67: [
    [1, 'high (> 14%)'],
    [0, 'low'],
  ],
};

function ClinicalForm({ patient, needed }: { patient: CurrentPatient; needed: string[] }) {
  const [draft, setDraft] = useState<Record<string, string>>({});
  const tic = useStore(patientInputStore, (s) => s.tic[patient.seriesKey]);
  // The radiologist should not have to type the TIC: with none given, it is measured from
  // the ROI and used (shown as such; a value typed here overrides it).
  useEffect(() => {
    if (needed.includes('tic') && !Number.isFinite(patient.clinical.tic) && !tic) void computeTicFor(patient.seriesKey);
  }, [needed, patient.clinical.tic, patient.seriesKey, tic]);
  const save = () => {
    const values: Record<string, number> = {};
    for (const v of needed) {
      const t = draft[v] ?? (Number.isFinite(patient.clinical[v]) ? String(patient.clinical[v]) : '');
      if (t.trim() !== '' && Number.isFinite(Number(t))) values[v] = Number(t);
    }
    void setTypedClinical(patient.studyInstanceUID, values);
  };
  return (
    <div className="cohort-box clinical-form" data-testid="clinical-form">
      <div className="cohort-box-title">Clinical values the model needs</div>
      {needed.map((v) => (
        <label key={v}>
          <span>{TITLES[v] ?? v}</span>
          {OPTIONS[v] ? (
            <select value={draft[v] ?? (Number.isFinite(patient.clinical[v]) ? String(patient.clinical[v]) : '')} onChange={(e) => setDraft({ ...draft, [v]: e.target.value })} data-testid={`clinical-value-${v}`}>
              <option value="">(not given)</option>
              {OPTIONS[v].map(([val, text]) => (
                <option key={val} value={val}>
                  {text}
                </option>
              ))}
            </select>
          ) : (
            <input type="number" value={draft[v] ?? (Number.isFinite(patient.clinical[v]) ? String(patient.clinical[v]) : '')} onChange={(e) => setDraft({ ...draft, [v]: e.target.value })} data-testid={`clinical-value-${v}`} />
          )}
        </label>
      ))}
      <div className="cohort-actions">
        <button className="small" onClick={save} data-testid="save-clinical-values">
          Use these values
        </button>
        {needed.includes('tic') && (
          <button className="small" onClick={() => void computeTicFor(patient.seriesKey)} disabled={tic?.running} title="the TIC worker on this study's phases and reader 1's ROI">
            TIC from the ROI
          </button>
        )}
      </div>
      {tic?.error && <p className="error">TIC: {tic.error}</p>}
      {tic?.running && <p className="hint">Measuring the TIC from the ROI...</p>}
      {tic?.result && (
        <p className="hint" data-testid="nomogram-tic-measured" data-type={tic.result.type}>
          TIC from the ROI: type {['', 'I', 'II', 'III'][tic.result.type]} ({tic.result.typeName}, change {(tic.result.change * 100).toFixed(1)} %)
          {patient.ticSource === 'measured' ? ', used' : patient.ticSource === 'typed' ? '; the typed value is used' : ''}
        </p>
      )}
    </div>
  );
}

function FeaturesLoader({ patient }: { patient: CurrentPatient }) {
  const [error, setError] = useState<string | null>(null);
  return (
    <label className="button small" title="a features CSV (docs/features-csv.md) whose row id is this patient's, or with one row">
      Load this patient&apos;s features (CSV)...
      <input
        type="file"
        accept=".csv"
        data-testid="patient-features-input"
        style={{ display: 'none' }}
        onChange={async (e) => {
          const f = e.target.files?.[0];
          e.target.value = '';
          if (!f) return;
          try {
            const text = await f.text();
            const t = parseFeaturesCsv(text, f.name);
            const i = t.ids.length === 1 ? 0 : t.ids.indexOf(patient.patientId);
            if (i < 0) throw new Error(`${f.name}: no row for patient '${patient.patientId}' (ids: ${t.ids.slice(0, 5).join(', ')}${t.ids.length > 5 ? ', ...' : ''})`);
            // the extraction settings the row states, checked against the model's when scoring
            const d = readExtractionDiagnostics(text).get(t.ids[i]);
            const diagnostics: Record<string, string> = {};
            if (d?.settings) diagnostics[SETTINGS_COLUMN] = d.settings;
            if (d?.imageTypes) diagnostics[IMAGE_TYPES_COLUMN] = d.imageTypes;
            publishPatientFeatures(patient.seriesKey, { id: t.ids[i], diagnostics, features: Object.fromEntries(t.names.map((n, j) => [n, t.rows[i][j]])) }, f.name);
            setError(null);
          } catch (err) {
            setError((err as Error).message);
          }
        }}
      />
      {error && <span className="error"> {error}</span>}
    </label>
  );
}

/** The Features tab's extraction with the study's defaults (phase 2, reader 1, the largest lesion, the study's params). */
function ExtractNow({ patient }: { patient: CurrentPatient }) {
  const running = useStore(extractionStore, (s) => s.running);
  const error = useStore(extractionStore, (s) => s.error);
  const go = async () => {
    const paramsText = await paperParamsText();
    const phases = appStore.get().series.find((e) => e.key === patient.seriesKey)?.phaseOrder.length ?? 1;
    await extractFeatures({ seriesKey: patient.seriesKey, phase: Math.min(2, Math.max(0, phases - 1)), reader: 1, lesion: 1, paramsText, paramsName: PAPER_PARAMS });
  };
  return (
    <>
      <button className="small" onClick={() => void go().catch(() => undefined)} disabled={running} data-testid="nomogram-extract">
        {running ? 'Extracting...' : 'Extract features (phase 2, reader 1, the study\'s params)'}
      </button>
      {error && !running && <span className="error">{error}</span>}
    </>
  );
}

const TIC_SOURCE: Record<string, string> = {
  measured: ' (measured from the ROI)',
  typed: ' (typed)',
  'cohort-measured': " (cohort's measured)",
  'cohort-csv': ' (clinical CSV)',
};

function ScoreView({ model, patient, score }: { model: ModelJson; patient: CurrentPatient; score: PatientScore }) {
  const cutoff = model.models.nomogram.metrics.train.cutoff;
  const p = score.probability_nomogram;
  const tic = patient.clinical.tic;
  return (
    <div className="cohort-box" data-testid="nomogram-result">
      <div>HER2-low probability (nomogram)</div>
      <div className={`probability ${score.class_nomogram ? 'low' : 'zero'}`} data-testid="nomogram-probability" data-value={String(p)}>
        {(p * 100).toFixed(1)} %
      </div>
      <div data-testid="nomogram-class" data-class={score.class_nomogram}>
        {score.class_nomogram ? 'HER2-low' : 'HER2-zero'} at the model&apos;s cut-off {f3(cutoff)} (training Youden)
      </div>
      <div className="hint">
        Rad-score <span data-testid="nomogram-radscore" data-value={String(score.radscore)}>{score.radscore.toFixed(4)}</span>
        {Number.isFinite(tic) ? ` · TIC type ${['', 'I', 'II', 'III'][tic] ?? tic}${TIC_SOURCE[patient.ticSource ?? ''] ?? ''}` : ''} · total points {score.total_points.toFixed(1)} · radiomics model {f3(score.probability_radiomics)} · clinical model {f3(score.probability_clinical)}
      </div>
    </div>
  );
}

export default function NomogramPanel() {
  useEffect(() => {
    void initCohort();
    void initModels();
  }, []);
  const { active, activeId, error: modelError } = useStore(modelStore, (s) => s);
  const patient = useCurrentPatient();
  const [wide, setWide] = useState(false);
  const [score, setScore] = useState<{ key: string; score: PatientScore | null; error: string | null } | null>(null);

  const needs = useMemo(() => (active ? modelInputs(active) : null), [active]);
  const missingFeatures = needs && patient ? needs.features.filter((f) => !Number.isFinite(patient.features?.values[f])) : [];
  const missingClinical = needs && patient ? needs.clinical.filter((v) => !Number.isFinite(patient.clinical[v])) : [];
  const featureValues = needs && patient?.features ? Object.fromEntries(needs.features.map((f) => [f, patient.features!.values[f]])) : null;
  const clinicalValues = needs && patient ? Object.fromEntries(needs.clinical.map((v) => [v, patient.clinical[v]])) : null;
  const ready = !!(active && patient && featureValues && missingFeatures.length === 0 && missingClinical.length === 0);
  const extraction = patient?.features?.extraction ?? null;
  const key = ready ? JSON.stringify([activeId, patient!.seriesKey, featureValues, clinicalValues, extraction]) : '';

  useEffect(() => {
    if (!ready || !active || !patient) return;
    let cancelled = false;
    modelWorker()
      .score(active, featureValues!, clinicalValues!, `patient '${patient.patientId}'`, extraction)
      .then((s) => !cancelled && setScore({ key, score: s, error: null }))
      .catch((e: Error) => !cancelled && setScore({ key, score: null, error: e.message }));
    return () => {
      cancelled = true;
    };
    // the key holds every input
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  const current = score && score.key === key ? score : null;
  const nomogramPatient = current?.score && patient
    ? { values: { ...patient.clinical, radscore: current.score.radscore }, points: current.score.points, totalPoints: current.score.total_points, probability: current.score.probability_nomogram }
    : null;
  const figs = useMemo(() => (active ? { roc: rocFigure(active), cal: calibrationFigure(active), dca: dcaFigure(active) } : null), [active]);
  const nomo = useMemo(() => (active ? nomogramFigure(active, nomogramPatient, wide ? 2.5 : 6) : null), [active, wide, nomogramPatient?.totalPoints, nomogramPatient?.probability]); // eslint-disable-line react-hooks/exhaustive-deps

  return (
    <div className={`model-panel${wide ? ' wide' : ''}`}>
      <button className="small wide-toggle" onClick={() => setWide(!wide)}>
        {wide ? 'Back to the panel' : 'Wide view'}
      </button>
      <ModelPicker withImport />
      {modelError && (
        <p className="error" data-testid="model-error">
          {modelError}
        </p>
      )}
      {activeId === DEMO_MODEL_ID && <p className="research-label">The embedded demo model was trained on synthetic demo data - not for clinical use.</p>}
      {activeId !== DEMO_MODEL_ID && active?.provenance.synthetic && (
        <p className="research-label" data-testid="model-synthetic">
          This model was trained on synthetic data (the demo generator) - not for clinical use.
        </p>
      )}
      {!patient && <p className="placeholder">Open a study (or a cohort patient from the Cohort tab) to score it.</p>}
      {patient && (
        <div className="cohort-box" data-testid="nomogram-patient" data-patient-id={patient.patientId}>
          <b>{patient.patientName || patient.patientId}</b> ({patient.patientId}) · {patient.studyDate} · {patient.description}
          {patient.demo && <span className="demo-label"> · synthetic demo data - not for clinical use</span>}
          <div className="hint">
            {patient.cohortPatient ? `cohort patient${patient.cohortPatient.split ? ` (${patient.cohortPatient.split} set)` : ''}; ` : ''}features: {patient.features ? patient.features.source : 'none'}; clinical values: {patient.clinicalSource === 'cohort' ? 'clinical CSV' : 'typed here'}
          </div>
        </div>
      )}
      {patient && active && missingFeatures.length > 0 && (
        <div className="cohort-box">
          <p className="error" data-testid="nomogram-missing">
            {patient.features
              ? `Patient '${patient.patientId}' lacks ${missingFeatures.length} feature(s) the model needs: ${missingFeatures.slice(0, 4).join(', ')}${missingFeatures.length > 4 ? ', ...' : ''}. Extract them with the model's parameters.`
              : `Patient '${patient.patientId}' has no features yet: draw or import the ROI, then "Extract features" (Features tab), or extract the cohort.`}
          </p>
          <div className="cohort-actions">
            <ExtractNow patient={patient} />
            <FeaturesLoader patient={patient} />
          </div>
        </div>
      )}
      {patient && active && needs && needs.clinical.length > 0 && (missingClinical.length > 0 || patient.clinicalSource === 'typed') && <ClinicalForm patient={patient} needed={needs.clinical} />}
      {patient && active && missingClinical.length > 0 && (
        <p className="error" data-testid="nomogram-missing-clinical">
          Not scored: the model needs {missingClinical.map((v) => TITLES[v] ?? v).join(', ')} for patient {`'${patient.patientId}'`}.
        </p>
      )}
      {current?.error && (
        <p className="error" data-testid="nomogram-error">
          {current.error}
        </p>
      )}
      {active && patient && current?.score && current.score.warnings.length > 0 && (
        <p className="hint" data-testid="nomogram-warning">
          {current.score.warnings.join(' ')}
        </p>
      )}
      {active && patient && current?.score && <ScoreView model={active} patient={patient} score={current.score} />}
      {active && patient && current?.score && <PatientReport model={active} patient={patient} score={current.score} />}
      {nomo && <PlotlyChart figure={nomo} testId="nomogram-chart" filename="nomogram" />}
      {figs && (
        <div className="plots">
          <PlotlyChart figure={figs.roc} testId="plot-roc" filename="roc" />
          <PlotlyChart figure={figs.cal} testId="plot-calibration" filename="calibration" />
          <PlotlyChart figure={figs.dca} testId="plot-dca" filename="decision-curves" />
        </div>
      )}
    </div>
  );
}
