/**
 * The Cohort tab: the patients and their status (images, ROIs, features, TIC, clinical data,
 * label, split), the clinical CSV import with its column mapping, the split, batch extraction
 * with progress, ETA, cancel and resume, the features table and the exports.
 */
import { useEffect, useMemo, useState } from 'react';
import { patientStatus, type PatientStatus, type ResolvedTic, type TicSource, type TicSourceChoice } from '../../workers/cohort/cohort.ts';
import { CLINICAL_FIELDS, type ColumnMapping } from '../../workers/cohort/clinical-mapping.ts';
import { useStore } from '../store/createStore.ts';
import {
  addOpenStudies,
  applyPendingClinical,
  cancelClinical,
  cancelExtraction,
  chooseClinicalFile,
  cohortStore,
  exportAllDeidentified,
  exportClinical,
  exportFeatures,
  exportWorkspace,
  extractCohort,
  importWorkspace,
  initCohort,
  makeSplit,
  openDemoCohort,
  openPatient,
  removeCohort,
  setPatientTicSource,
  setTicSource,
} from './cohortService.ts';
import './cohort.css';

function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

const yes = (b: boolean) => (b ? '✓' : '–');

function MappingEditor() {
  const pending = useStore(cohortStore, (s) => s.pendingClinical);
  if (!pending) return null;
  const set = (key: string, col: string) => {
    const mapping: ColumnMapping = { ...pending.mapping, [key]: col || null };
    cohortStore.set({ pendingClinical: { ...pending, mapping } });
  };
  return (
    <div className="cohort-box" data-testid="clinical-mapping">
      <div className="cohort-box-title">Columns of {pending.source}</div>
      <table className="mapping">
        <tbody>
          {CLINICAL_FIELDS.map((f) => (
            <tr key={f.key}>
              <td>{f.title}</td>
              <td>
                <select value={pending.mapping[f.key] ?? ''} onChange={(e) => set(f.key, e.target.value)} data-testid={`map-${f.key}`}>
                  <option value="">(none)</option>
                  {pending.header.map((h) => (
                    <option key={h} value={h}>
                      {h}
                    </option>
                  ))}
                </select>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="hint">The label is derived from IHC and ISH when mapped (IHC 0: HER2-zero; 1+, or 2+ with negative ISH: HER2-low; 3+ or positive ISH: HER2-positive, excluded); otherwise the label column is used.</p>
      <button onClick={() => void applyPendingClinical()} data-testid="apply-clinical">
        Apply
      </button>{' '}
      <button onClick={cancelClinical}>Cancel</button>
    </div>
  );
}

function Extraction() {
  const ex = useStore(cohortStore, (s) => s.extraction);
  if (!ex) return null;
  return (
    <div
      className="cohort-progress"
      data-testid="cohort-progress"
      data-done={ex.done}
      data-total={ex.total}
      data-running={ex.running ? '1' : '0'}
      data-for-features={ex.forFeatures}
      data-for-tic={ex.forTic}
    >
      <progress max={Math.max(1, ex.total)} value={ex.done} />
      <span title={`${ex.forFeatures} patient(s) to extract, ${ex.forTic} TIC(s) to measure`}>
        {ex.done}/{ex.total} patients{ex.forFeatures === 0 ? ' (TIC only)' : ''}{ex.resumed ? ' (resumed)' : ''}
        {ex.running && ex.etaSeconds !== null ? ` · ETA ${clock(ex.etaSeconds)}` : ''}
        {!ex.running ? ' · finished' : ''}
      </span>
      {ex.running && (
        <button className="small" onClick={cancelExtraction} data-testid="cancel-cohort-extraction">
          Cancel
        </button>
      )}
    </div>
  );
}

const ROMAN = ['', 'I', 'II', 'III'];
const roman = (t: number | null) => (t === null ? '–' : (ROMAN[t] ?? String(t)));

function ticTitle(t: ResolvedTic): string {
  const parts: string[] = [];
  if (t.measured) parts.push(`measured: type ${roman(t.measured.type)} (change ${(100 * t.measured.change).toFixed(1)} %)`);
  else parts.push(t.measuredError ? `not measured: ${t.measuredError}` : 'not measured yet (Extract features measures it)');
  parts.push(t.clinical !== null ? `clinical CSV: type ${roman(t.clinical)}` : 'clinical CSV: none');
  if (t.mismatch) parts.push('the two differ');
  parts.push(t.source ? `training uses the ${t.source === 'measured' ? 'measured type' : "clinical CSV's"}${t.overridden ? " (this patient's choice)" : ''}` : 'training has no TIC for this patient');
  if (t.missing) parts.push(`training refuses: ${t.missing}`);
  if (t.measured?.warnings.length) parts.push(`warnings: ${t.measured.warnings.join('; ')}`);
  return parts.join('\n');
}

/** The measured type beside the clinical CSV's, the one training uses in bold, a mark when they differ. */
function TicCell({ id, t }: { id: string; t: ResolvedTic }) {
  const measured = t.measured ? t.measured.type : null;
  return (
    <td
      data-testid="cohort-tic"
      data-tic-measured={measured ?? ''}
      data-tic-change={t.measured ? String(t.measured.change) : ''}
      data-tic-clinical={t.clinical ?? ''}
      data-tic-used={t.source ? t.value : ''}
      data-tic-source={t.source ?? ''}
      data-tic-mismatch={t.mismatch ? '1' : '0'}
      title={ticTitle(t)}
      className="tic-cell"
    >
      {measured !== null ? <span className={t.source === 'measured' ? 'tic-used' : ''}>{roman(measured)}</span> : t.measuredError ? <span className="tic-error">!</span> : null}
      {t.clinical !== null && (
        <span className={t.source === 'clinical' ? 'tic-used' : 'tic-other'}>
          {measured !== null || t.measuredError ? ' (CSV ' : 'CSV '}
          {roman(t.clinical)}
          {measured !== null || t.measuredError ? ')' : ''}
        </span>
      )}
      {measured === null && t.clinical === null && !t.measuredError && '–'}
      {t.mismatch && (
        <span className="tic-mismatch" data-testid="tic-mismatch">
          {' '}
          ≠
        </span>
      )}
      {t.missing && <span className="tic-error"> ?</span>}
      {measured !== null && t.clinical !== null && (
        <select
          className="tic-override"
          value={t.overridden ? t.choice : ''}
          onChange={(e) => void setPatientTicSource(id, (e.target.value || null) as TicSource | null)}
          data-testid="tic-override"
          title="this patient's TIC source for training"
        >
          <option value="">cohort&apos;s</option>
          <option value="measured">measured</option>
          <option value="clinical">CSV</option>
        </select>
      )}
    </td>
  );
}

function PatientRow({ s, onOpen }: { s: PatientStatus; onOpen: () => void }) {
  const excluded = s.label.label === null;
  return (
    <tr
      data-testid="cohort-patient"
      data-id={s.id}
      data-features={s.featuresReader1 ? '1' : '0'}
      data-features-reader2={s.featuresReader2 ? '1' : '0'}
      data-label={s.label.label ?? ''}
      data-split={s.split ?? ''}
      className={excluded ? 'excluded' : ''}
    >
      <td>{s.id}</td>
      <td title={s.images === 'demo' ? 'regenerated from the seed' : s.images === 'study' ? 'imported study' : 'no images'}>{s.images === 'none' ? '–' : s.images === 'demo' ? 'demo' : '✓'}</td>
      <td>
        {yes(s.roiReader1)}/{yes(s.roiReader2)}
      </td>
      <td>
        {yes(s.featuresReader1)}/{s.roiReader2 ? yes(s.featuresReader2) : ' '}
      </td>
      <TicCell id={s.id} t={s.ticInfo} />
      <td>{yes(s.clinical)}</td>
      <td title={s.label.reason ?? ''}>{excluded ? <span className="reason">{s.label.class}: {s.label.reason}</span> : s.label.class}</td>
      <td>{s.split ?? '–'}</td>
      <td>
        {s.images !== 'none' && (
          <button className="small" onClick={onOpen} data-testid="open-patient">
            Open
          </button>
        )}
      </td>
    </tr>
  );
}

function FeaturesTable({ ids }: { ids: string[] }) {
  const features = useStore(cohortStore, (s) => s.features);
  const [filter, setFilter] = useState('');
  const names = useMemo(() => {
    const first = ids.map((id) => features[id]?.reader1).find((r) => r);
    return first ? Object.keys(first.features) : [];
  }, [ids, features]);
  const shown = useMemo(() => names.filter((n) => n.toLowerCase().includes(filter.toLowerCase())).slice(0, 12), [names, filter]);
  if (names.length === 0) return <p className="hint">No features yet.</p>;
  const matching = names.filter((n) => n.toLowerCase().includes(filter.toLowerCase())).length;
  return (
    <div>
      <input placeholder="filter features (e.g. glcm, wavelet-HHL)" value={filter} onChange={(e) => setFilter(e.target.value)} data-testid="cohort-feature-filter" className="filter" />
      <span className="hint">
        {' '}
        {matching} of {names.length} features{matching > shown.length ? `, first ${shown.length} shown` : ''}
      </span>
      <div className="table-scroll">
        <table className="features-table" data-testid="cohort-features-table">
          <thead>
            <tr>
              <th>id</th>
              {shown.map((n) => (
                <th key={n} title={n}>
                  {n}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {ids.map((id) => (
              <tr key={id}>
                <td>{id}</td>
                {shown.map((n) => {
                  const v = features[id]?.reader1?.features[n];
                  return (
                    <td key={n} title={v === undefined ? '' : String(v)}>
                      {v === undefined ? '' : Number(v.toPrecision(5))}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

export default function CohortPanel() {
  useEffect(() => void initCohort(), []);
  const { ready, cohort, features, error, notice, busy, extraction } = useStore(cohortStore, (s) => s);
  const [size, setSize] = useState<'subset' | 'full'>('subset');
  const [seed, setSeed] = useState(20240401);
  const [fraction, setFraction] = useState(0.3);
  const [deid, setDeid] = useState(false);
  const status = useMemo(() => (cohort ? cohort.patients.map((p) => patientStatus(cohort, p, features[p.id])) : []), [cohort, features]);
  const running = !!extraction?.running;
  const counts = {
    low: status.filter((s) => s.label.label === 1).length,
    zero: status.filter((s) => s.label.label === 0).length,
    excluded: status.filter((s) => s.label.label === null).length,
    train: status.filter((s) => s.label.label !== null && s.split === 'train').length,
    test: status.filter((s) => s.label.label !== null && s.split === 'test').length,
    features: status.filter((s) => s.featuresReader1).length,
    reader2: status.filter((s) => s.featuresReader2).length,
    ticMeasured: status.filter((s) => s.ticInfo.measured).length,
    ticMismatch: status.filter((s) => s.ticInfo.mismatch).length,
  };
  const openDemo = () => {
    if (cohort && cohort.patients.length && !window.confirm('Replace the current cohort and its features with the demo cohort?')) return;
    void openDemoCohort(size);
  };
  return (
    <div className="cohort-panel">
      {!ready && <p className="placeholder">Reading the workspace...</p>}
      <div className="cohort-actions">
        <button onClick={openDemo} disabled={running || !!busy} data-testid="open-demo-cohort">
          Open the demo cohort
        </button>
        <select value={size} onChange={(e) => setSize(e.target.value as 'subset' | 'full')} data-testid="demo-cohort-size" title="demo cohort size">
          <option value="subset">30 patients (quick)</option>
          <option value="full">118 patients (the study&apos;s size)</option>
        </select>
        <span className="demo-label">synthetic demo data - not for clinical use</span>
      </div>
      <div className="cohort-actions">
        <label className="button">
          Clinical CSV...
          <input
            type="file"
            accept=".csv,text/csv"
            data-testid="clinical-input"
            style={{ display: 'none' }}
            onChange={(e) => {
              const f = e.target.files?.[0];
              e.target.value = '';
              if (f) void chooseClinicalFile(f);
            }}
          />
        </label>
        <button onClick={() => void addOpenStudies()} disabled={running} data-testid="add-open-studies" title="add the DCE studies open in the workstation (id = DICOM PatientID)">
          Add open studies
        </button>
        {cohort && (
          <button onClick={() => window.confirm('Remove the cohort and its features from this browser?') && void removeCohort()} disabled={running}>
            Remove cohort
          </button>
        )}
      </div>
      <MappingEditor />
      {busy && <p className="notice">{busy}</p>}
      {error && (
        <p className="error" data-testid="cohort-error">
          {error}
        </p>
      )}
      {notice && (
        <p className="notice" data-testid="cohort-notice">
          {notice}
        </p>
      )}
      {cohort && (
        <>
          <div className="cohort-summary" data-testid="cohort-summary">
            <b>{cohort.name}</b>
            <br />
            {cohort.patients.length} patients: {counts.low} HER2-low, {counts.zero} HER2-zero, {counts.excluded} excluded · train {counts.train} / test {counts.test} · features {counts.features}
            {counts.reader2 ? ` (+${counts.reader2} reader 2)` : ''} · phase {cohort.phase}
            {cohort.clinical?.ki67Note ? <div className="hint">{cohort.clinical.ki67Note}</div> : null}
          </div>
          <div className="cohort-actions">
            <span>Split: {cohort.split.kind === 'given' ? 'from the clinical CSV' : cohort.split.kind === 'generated' ? `seeded (${cohort.split.seed}, test ${cohort.split.testFraction})` : 'none'}</span>
            <label>
              seed <input type="number" value={seed} onChange={(e) => setSeed(Number(e.target.value))} style={{ width: 90 }} />
            </label>
            <label>
              test <input type="number" step="0.05" min="0.05" max="0.95" value={fraction} onChange={(e) => setFraction(Number(e.target.value))} style={{ width: 60 }} />
            </label>
            <button className="small" onClick={() => void makeSplit(seed, fraction)} disabled={running} data-testid="generate-split">
              Draw split
            </button>
          </div>
          <div className="cohort-actions">
            <button onClick={() => void extractCohort()} disabled={running} data-testid="extract-cohort">
              Extract features ({cohort.phase === 2 ? 'phase 2' : `phase ${cohort.phase}`}, the study&apos;s params) and TIC
            </button>
          </div>
          <div className="cohort-actions">
            <label title="where the TIC type used for training and in the exported clinical CSV comes from (a patient's own choice overrides it)">
              TIC for training:{' '}
              <select value={cohort.ticSource ?? 'auto'} onChange={(e) => void setTicSource(e.target.value as TicSourceChoice)} data-testid="tic-source">
                <option value="auto">measured when available, else the clinical CSV&apos;s</option>
                <option value="measured">measured from the images</option>
                <option value="clinical">the clinical CSV&apos;s</option>
              </select>
            </label>
            <span className="hint" data-testid="tic-summary">
              measured {counts.ticMeasured}/{cohort.patients.length}
              {counts.ticMismatch ? ` · ${counts.ticMismatch} differ from the CSV (≠)` : ''}
            </span>
          </div>
          <Extraction />
          <div className="table-scroll">
            <table className="cohort-table">
              <thead>
                <tr>
                  <th>id</th>
                  <th title="images: demo (regenerated from the seed) or an imported DICOM study">DICOM</th>
                  <th title="ROI reader 1 / reader 2">ROI</th>
                  <th title="features reader 1 / reader 2">feat.</th>
                  <th title="TIC type measured from the images (clinical CSV's in brackets; bold: the one training uses; ≠: they differ)">TIC</th>
                  <th title="clinical data">clin.</th>
                  <th>label</th>
                  <th>split</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {status.map((s) => (
                  <PatientRow key={s.id} s={s} onOpen={() => void openPatient(s.id)} />
                ))}
              </tbody>
            </table>
          </div>
          <details>
            <summary>Features table</summary>
            <FeaturesTable ids={cohort.patients.map((p) => p.id)} />
          </details>
          <div className="cohort-box">
            <div className="cohort-box-title">Export</div>
            <label>
              <input type="checkbox" checked={deid} onChange={(e) => setDeid(e.target.checked)} data-testid="deidentify" /> de-identified (ids replaced by study codes; the key is a separate file)
            </label>
            <div className="cohort-actions">
              <button className="small" onClick={() => exportFeatures('reader1', deid)} data-testid="export-features">
                Features CSV
              </button>
              <button className="small" onClick={() => exportFeatures('reader2', deid)} data-testid="export-features-reader2">
                Reader 2 CSV
              </button>
              <button className="small" onClick={() => exportClinical(deid)} data-testid="export-clinical">
                Clinical CSV
              </button>
              {deid && (
                <button className="small" onClick={exportAllDeidentified} data-testid="export-all-deidentified">
                  All, one key
                </button>
              )}
            </div>
          </div>
        </>
      )}
      <div className="cohort-box">
        <div className="cohort-box-title">Workspace (cohort, features, ROIs, models)</div>
        <div className="cohort-actions">
          <button className="small" onClick={() => void exportWorkspace()} data-testid="export-workspace">
            Export workspace
          </button>
          <label className="button small">
            Import workspace...
            <input
              type="file"
              accept=".zip"
              data-testid="workspace-input"
              style={{ display: 'none' }}
              onChange={(e) => {
                const f = e.target.files?.[0];
                e.target.value = '';
                if (f) void importWorkspace(f);
              }}
            />
          </label>
        </div>
      </div>
    </div>
  );
}
