/**
 * The Features tab: "Extract features" for the lesion on screen (phase, reader, lesion and
 * parameters chosen here; the study's parameters and phase 2 by default), with a progress
 * bar and cancel while the worker pool runs, then a searchable table of every feature
 * (PyRadiomics names, full-precision values) and the row as a features CSV.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { formatFeaturesCsv } from '../../workers/io/features-csv.ts';
import { download } from '../lesion/LesionPanel.tsx';
import { lesionStore } from '../lesion/lesionStore.ts';
import { getSeries } from '../store/appStore.ts';
import { useStore } from '../store/createStore.ts';
import { cancelExtraction, extractFeatures, extractionStore, PAPER_PARAMS, paperParamsText } from './extractionService.ts';
import '../lesion/lesion.css';

function ResultTable() {
  const result = useStore(extractionStore, (s) => s.result);
  const elapsed = useStore(extractionStore, (s) => s.elapsedMs);
  const [query, setQuery] = useState('');
  const rows = useMemo(() => Object.entries(result?.row.features ?? {}), [result]);
  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    return q ? rows.filter(([name]) => name.toLowerCase().includes(q)) : rows;
  }, [rows, query]);
  if (!result) return null;
  return (
    <>
      <div className="row">
        <input className="search" type="search" placeholder="Search features (e.g. glcm, wavelet-HHH, Entropy)" aria-label="Search features" data-testid="feature-search" value={query} onChange={(e) => setQuery(e.target.value)} />
        <button
          data-testid="export-features-csv"
          onClick={() => download(`${result.row.id.replace(/[^A-Za-z0-9._-]+/g, '_')}-features.csv`, formatFeaturesCsv([result.row]), 'text/csv')}
        >
          CSV
        </button>
      </div>
      <p className="muted small" data-testid="extraction-summary" data-ms={elapsed ?? ''} data-count={rows.length}>
        {rows.length} features · phase {result.phase} · reader {result.reader} · lesion {result.lesion} · {result.params}
        {elapsed !== null && ` · ${(elapsed / 1000).toFixed(1)} s`}
        {query && ` · ${shown.length} shown`}
      </p>
      {result.warnings.map((w) => (
        <p key={w} className="muted small">
          {w}
        </p>
      ))}
      <div className="table-wrap">
        <table>
          <tbody>
            {shown.map(([name, value]) => (
              <tr key={name} data-testid="feature-row" data-feature={name} data-value={String(value)}>
                <td className="name">{name}</td>
                <td className="value">{String(value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

export default function FeaturesPanel() {
  const seriesKey = useStore(lesionStore, (s) => s.seriesKey);
  const lesions = useStore(lesionStore, (s) => s.lesions);
  const largest = useStore(lesionStore, (s) => s.largest);
  const activeReader = useStore(lesionStore, (s) => s.reader);
  const running = useStore(extractionStore, (s) => s.running);
  const done = useStore(extractionStore, (s) => s.done);
  const total = useStore(extractionStore, (s) => s.total);
  const stage = useStore(extractionStore, (s) => s.stage);
  const error = useStore(extractionStore, (s) => s.error);
  const entry = seriesKey ? getSeries(seriesKey) : undefined;
  const phaseCount = entry?.phaseOrder.length ?? 0;
  const [phase, setPhase] = useState<number | null>(null);
  const [reader, setReader] = useState<1 | 2 | null>(null);
  const [lesion, setLesion] = useState<number | null>(null);
  const [params, setParams] = useState<{ name: string; text: string } | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  // Defaults follow the study: phase 2 (or the last), the reader on screen, the largest lesion.
  const usePhase = phase !== null && phase < phaseCount ? phase : Math.min(2, Math.max(0, phaseCount - 1));
  const useReader = reader ?? activeReader;
  const useLesion = lesion !== null && lesions.some((l) => l.index === lesion) ? lesion : (largest ?? lesions[0]?.index ?? 1);
  useEffect(() => setPhase(null), [seriesKey]);

  const start = async () => {
    if (!seriesKey) return;
    const startedAt = performance.now();
    const p = params ?? { name: PAPER_PARAMS, text: await paperParamsText() };
    await extractFeatures({ seriesKey, phase: usePhase, reader: useReader, lesion: useLesion, paramsText: p.text, paramsName: p.name, startedAt });
  };

  return (
    <div className="features-panel" data-testid="features-panel">
      {!seriesKey && <p className="placeholder">Open a study and delineate its lesion to extract its features.</p>}
      <div className="row">
        <label>
          Phase
          <select aria-label="Phase" data-testid="extract-phase" value={usePhase} onChange={(e) => setPhase(Number(e.target.value))}>
            {Array.from({ length: phaseCount }, (_, k) => (
              <option key={k} value={k}>
                {k}
                {k === 0 && phaseCount > 1 ? ' (pre-contrast)' : ''}
              </option>
            ))}
          </select>
        </label>
        <label>
          Reader
          <select aria-label="Reader" data-testid="extract-reader" value={useReader} onChange={(e) => setReader(Number(e.target.value) as 1 | 2)}>
            <option value={1}>1</option>
            <option value={2}>2</option>
          </select>
        </label>
        <label>
          Lesion
          <select aria-label="Lesion" data-testid="extract-lesion" value={useLesion} onChange={(e) => setLesion(Number(e.target.value))}>
            {lesions.map((l) => (
              <option key={l.index} value={l.index}>
                {l.name}
                {l.index === largest ? ' (largest)' : ''}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="row">
        <span className="muted">Parameters: {params?.name ?? `${PAPER_PARAMS} (the study's)`}</span>
        <button onClick={() => fileInput.current?.click()} title="A PyRadiomics parameter file (YAML)">
          Choose...
        </button>
        {params && <button onClick={() => setParams(null)}>{"Study's"}</button>}
        <input
          ref={fileInput}
          type="file"
          accept=".yaml,.yml,.json"
          hidden
          data-testid="params-input"
          onChange={async (e) => {
            const f = e.target.files?.[0];
            e.target.value = '';
            if (f) setParams({ name: f.name, text: await f.text() });
          }}
        />
      </div>
      <div className="row">
        <button className="primary" data-testid="extract-features" disabled={!seriesKey || running} onClick={() => void start()}>
          Extract features
        </button>
        {running && (
          <button data-testid="extract-cancel" onClick={cancelExtraction}>
            Cancel
          </button>
        )}
      </div>
      {running && (
        <div data-testid="extract-progress">
          <progress max={total} value={done} />
          <span className="muted small">
            {done}/{total} tasks {stage && `· ${stage}`}
          </span>
        </div>
      )}
      {error && (
        <p className="roi-messages error" role="alert" data-testid="extract-error">
          {error}
        </p>
      )}
      <ResultTable />
    </div>
  );
}
