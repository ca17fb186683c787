/**
 * The Lesion tab: readers, lesions (the largest marked), appearance, live statistics per
 * phase, the time-intensity curve, and the exchange of ROIs (import NRRD / NIfTI / SEG,
 * rasterise an attached RTSTRUCT, export SEG / NRRD / NIfTI).
 */
import { lazy, Suspense, useEffect, useRef } from 'react';
import { getSeries } from '../store/appStore.ts';
import { useStore } from '../store/createStore.ts';
import { viewerStore } from '../viewer/viewerStore.ts';
import {
  clearLesion,
  deleteLesion,
  exportRois,
  importMaskFiles,
  rasteriseRtStruct,
  setActiveLesion,
  setReader,
  setRoiStyle,
  updateLesion,
  type ExportFormat,
} from './lesionService.ts';
import { dismissRoiMessage, lesionStore } from './lesionStore.ts';
import { computeLesionTic, DEFAULT_TIC_OPTIONS, hotSpotOf, ruleOf, setTicOptions, ticStore, type TicOptions } from './ticService.ts';
import './lesion.css';

const TicChart = lazy(() => import('./TicChart.tsx').then((m) => ({ default: m.TicChart })));

function hex(rgb: [number, number, number]): string {
  return `#${rgb.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}
function rgb(hexColor: string): [number, number, number] {
  const n = parseInt(hexColor.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return '-';
  return Number.isInteger(x) ? String(x) : x.toPrecision(5);
}

export function download(name: string, bytes: Uint8Array | string, type = 'application/octet-stream'): void {
  const blob = new Blob([bytes as BlobPart], { type });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function Readers() {
  const reader = useStore(lesionStore, (s) => s.reader);
  const counts = useStore(lesionStore, (s) => s.counts);
  return (
    <div className="readers">
      {([1, 2] as const).map((r) => (
        <button key={r} className={reader === r ? 'active' : ''} aria-pressed={reader === r} data-testid={`panel-reader-${r}`} onClick={() => void setReader(r)}>
          Reader {r} <span className="muted">({counts[r].reduce((a, b, i) => a + (i > 0 ? b : 0), 0)} voxels)</span>
        </button>
      ))}
    </div>
  );
}

function Lesions() {
  const lesions = useStore(lesionStore, (s) => s.lesions);
  const active = useStore(lesionStore, (s) => s.active);
  const counts = useStore(lesionStore, (s) => s.counts);
  const largest = useStore(lesionStore, (s) => s.largest);
  return (
    <table className="lesions">
      <thead>
        <tr>
          <th />
          <th>Lesion</th>
          <th title="Reader 1 voxels">R1</th>
          <th title="Reader 2 voxels">R2</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {lesions.map((l) => (
          <tr key={l.index} className={l.index === active ? 'current' : ''} data-testid="lesion-row" data-lesion={l.index}>
            <td>
              <input type="radio" name="active-lesion" aria-label={`Edit ${l.name}`} checked={l.index === active} onChange={() => setActiveLesion(l.index)} />
            </td>
            <td>
              <input type="color" aria-label={`Colour of ${l.name}`} value={hex(l.color)} onChange={(e) => updateLesion(l.index, { color: rgb(e.target.value) })} />
              <input className="name" aria-label="Lesion name" value={l.name} onChange={(e) => updateLesion(l.index, { name: e.target.value })} />
              {largest === l.index && (
                <span className="badge largest" data-testid="lesion-largest" title="The largest lesion (most voxels): the one the study delineates">
                  largest
                </span>
              )}
            </td>
            <td>{counts[1][l.index] ?? 0}</td>
            <td>{counts[2][l.index] ?? 0}</td>
            <td className="actions">
              <label title="Show or hide this lesion">
                <input type="checkbox" checked={l.visible} onChange={(e) => updateLesion(l.index, { visible: e.target.checked })} />
                show
              </label>
              <button className="small" title="Erase this lesion's voxels in the current reader (undoable)" onClick={() => clearLesion(l.index)}>
                Clear
              </button>
              {lesions.length > 1 && (
                <button className="small" title="Remove the lesion from both readers" onClick={() => deleteLesion(l.index)}>
                  Delete
                </button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Appearance() {
  const opacity = useStore(lesionStore, (s) => s.opacity);
  const outline = useStore(lesionStore, (s) => s.outline);
  return (
    <div className="appearance">
      <label>
        Opacity
        <input type="range" min={0} max={1} step={0.05} value={opacity} data-testid="roi-opacity" onChange={(e) => setRoiStyle({ opacity: Number(e.target.value) })} />
      </label>
      <label>
        <input type="checkbox" checked={outline} data-testid="roi-outline" onChange={(e) => setRoiStyle({ outline: e.target.checked })} />
        Outline
      </label>
    </div>
  );
}

function Statistics() {
  const stats = useStore(lesionStore, (s) => s.stats);
  const active = useStore(lesionStore, (s) => s.active);
  const reader = useStore(lesionStore, (s) => s.reader);
  if (!stats) return <p className="muted">No ROI yet.</p>;
  return (
    <div className="roi-stats" data-testid="roi-stats" data-voxels={stats.voxelCount} data-ml={stats.volumeMl}>
      <p>
        Lesion {active}, reader {reader}: <b>{stats.voxelCount}</b> voxels, <b>{stats.volumeMl.toFixed(3)}</b> mL
      </p>
      {stats.phases.length > 0 && stats.voxelCount > 0 && (
        <table>
          <thead>
            <tr>
              <th>Phase</th>
              <th>Mean</th>
              <th>Min</th>
              <th>Max</th>
            </tr>
          </thead>
          <tbody>
            {stats.phases.map((p, i) => (
              <tr key={stats.phaseNumbers[i]} data-testid="roi-phase-stats" data-phase={stats.phaseNumbers[i]} data-mean={p.mean}>
                <td>{stats.phaseNumbers[i]}</td>
                <td>{fmt(p.mean)}</td>
                <td>{fmt(p.min)}</td>
                <td>{fmt(p.max)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** A number input that holds NaN while empty (the engine then names the bad setting). */
function NumberSetting(props: { label: string; title: string; testId: string; value: number; min?: number; step?: number; onChange: (v: number) => void }) {
  return (
    <label title={props.title}>
      {props.label}{' '}
      <input
        type="number"
        style={{ width: 56 }}
        min={props.min}
        step={props.step}
        value={Number.isNaN(props.value) ? '' : props.value}
        data-testid={props.testId}
        onChange={(e) => props.onChange(e.target.valueAsNumber)}
      />
    </label>
  );
}

const ROW = { display: 'flex', flexWrap: 'wrap', gap: 10, alignItems: 'center', margin: '4px 0' } as const;

function TicOptionsForm() {
  const o = useStore(ticStore, (s) => s.options);
  return (
    <div className="tic-options" data-testid="tic-options">
      <div style={ROW}>
        <label title="Read the type from the most-enhancing neighbourhood inside the ROI (highest initial % enhancement), as a radiologist places a small kinetic ROI">
          <input type="checkbox" checked={o.hotSpot} data-testid="tic-hotspot" onChange={(e) => setTicOptions({ hotSpot: e.target.checked })} /> Hot spot
        </label>
        <select
          value={o.hotSpotShape}
          disabled={!o.hotSpot}
          data-testid="tic-hotspot-shape"
          aria-label="Hot spot shape"
          onChange={(e) => setTicOptions({ hotSpotShape: e.target.value as TicOptions['hotSpotShape'] })}
        >
          <option value="cube">cube (voxels)</option>
          <option value="sphere">sphere (mm)</option>
        </select>
        {o.hotSpotShape === 'cube' ? (
          <NumberSetting label="n" title="Cube edge in voxels (odd): n x n x n" testId="tic-hotspot-size" value={o.hotSpotVoxels} min={1} step={2} onChange={(v) => setTicOptions({ hotSpotVoxels: v })} />
        ) : (
          <NumberSetting label="d" title="Sphere diameter in mm" testId="tic-hotspot-size" value={o.hotSpotMm} min={0} step={0.5} onChange={(v) => setTicOptions({ hotSpotMm: v })} />
        )}
        <label title="Plot the relative enhancement over the pre-contrast phase, 100 (S - S0) / S0">
          <input type="checkbox" checked={o.relative} data-testid="tic-relative" onChange={(e) => setTicOptions({ relative: e.target.checked })} /> % enhancement
        </label>
      </div>
      <details>
        <summary className="muted small">Rule: threshold {fmt(o.thresholdPercent)} %, initial window {fmt(o.windowSeconds)} s</summary>
        <div style={ROW}>
          <NumberSetting
            label="threshold %"
            title="Type I above +threshold, III below -threshold, II between (inclusive)"
            testId="tic-threshold"
            value={o.thresholdPercent}
            min={0}
            step={1}
            onChange={(v) => setTicOptions({ thresholdPercent: v })}
          />
          <NumberSetting
            label="initial window s"
            title="Post-contrast phases acquired up to this many seconds after t0 give S_init (their highest signal)"
            testId="tic-window"
            value={o.windowSeconds}
            min={0}
            step={10}
            onChange={(v) => setTicOptions({ windowSeconds: v })}
          />
          <NumberSetting
            label="untimed initial phases"
            title="When the phases have no acquisition time: how many post-contrast phases, from phase 1, give S_init"
            testId="tic-untimed"
            value={o.untimedInitialPhases}
            min={1}
            step={1}
            onChange={(v) => setTicOptions({ untimedInitialPhases: v })}
          />
          <button
            className="small"
            data-testid="tic-reset"
            title="The engine's defaults (docs/tic.md), as her2 tic uses"
            onClick={() =>
              setTicOptions({
                thresholdPercent: DEFAULT_TIC_OPTIONS.thresholdPercent,
                windowSeconds: DEFAULT_TIC_OPTIONS.windowSeconds,
                untimedInitialPhases: DEFAULT_TIC_OPTIONS.untimedInitialPhases,
              })
            }
          >
            Defaults
          </button>
        </div>
      </details>
    </div>
  );
}

function Tic() {
  const revision = useStore(lesionStore, (s) => s.revision);
  const seriesKey = useStore(lesionStore, (s) => s.seriesKey);
  const loaded = useStore(viewerStore, (s) => s.renderCount);
  const tic = useStore(ticStore, (s) => s);
  const { options } = tic;
  const computeKey = JSON.stringify([hotSpotOf(options), ruleOf(options)]);
  useEffect(() => {
    const t = setTimeout(() => void computeLesionTic(), 300);
    return () => clearTimeout(t);
  }, [revision, seriesKey, loaded, computeKey]);
  const r = tic.result;
  return (
    <>
      {seriesKey && <TicOptionsForm />}
      {tic.error ? (
        <p className="muted" data-testid="tic-message">
          {tic.error}
        </p>
      ) : !r ? (
        <p className="muted">{tic.running ? 'Computing the curve...' : ''}</p>
      ) : (
        <div data-testid="tic" data-type={r.type} data-change={r.change} data-curve={r.typedCurve} data-relative={options.relative}>
          <Suspense fallback={<p className="muted">Loading the plot...</p>}>
            <TicChart result={r} relative={options.relative} />
          </Suspense>
          {r.hotSpot && (
            <p className="muted small" data-testid="tic-hotspot-info" data-center={r.hotSpot.center.join(',')} data-voxels={r.hotSpot.voxels}>
              Hot spot ({r.hotSpot.spec.kind === 'cube' ? `${r.hotSpot.spec.voxels}x${r.hotSpot.spec.voxels}x${r.hotSpot.spec.voxels} voxels` : `${r.hotSpot.spec.diameterMm} mm sphere`}
              ): {r.hotSpot.voxels} voxels centred on voxel ({r.hotSpot.center.join(', ')}); the whole ROI ({r.roi.voxels} voxels) is the dotted line.
            </p>
          )}
          {r.warnings.map((w) => (
            <p key={w} className="muted small">
              {w}
            </p>
          ))}
        </div>
      )}
    </>
  );
}

function Exchange() {
  const seriesKey = useStore(lesionStore, (s) => s.seriesKey);
  const busy = useStore(lesionStore, (s) => s.busy);
  const input = useRef<HTMLInputElement>(null);
  const entry = seriesKey ? getSeries(seriesKey) : undefined;
  const attached = entry?.item.annotations ?? [];
  const doExport = async (format: ExportFormat) => {
    const phase = Math.min(2, (entry?.phaseOrder.length ?? 1) - 1);
    const file = await exportRois(format, phase);
    if (file) download(file.name, file.bytes, format === 'seg' ? 'application/dicom' : 'application/octet-stream');
  };
  return (
    <div className="exchange">
      <label className="button" title="A label map (NRRD, NIfTI) or DICOM SEG on this study; RTSTRUCT files too">
        Import mask...
        <input
          ref={input}
          type="file"
          multiple
          hidden
          accept=".nrrd,.nii,.gz,.dcm,application/dicom"
          data-testid="mask-input"
          onChange={(e) => {
            const files = [...(e.target.files ?? [])];
            e.target.value = '';
            void importMaskFiles(files);
          }}
        />
      </label>
      {attached.map((a) => (
        <button
          key={a.source}
          data-testid={a.kind === 'RTSTRUCT' ? 'rasterise-rtstruct' : 'load-attached-seg'}
          disabled={!!busy}
          title={a.kind === 'RTSTRUCT' ? `Fill ${a.roiNames.join(', ')} onto the image grid` : `Load the segments ${a.roiNames.join(', ')} of this SEG`}
          onClick={() => void rasteriseRtStruct(a.source)}
        >
          {a.kind === 'RTSTRUCT' ? 'Rasterise RTSTRUCT' : 'Load SEG'} {a.label || a.roiNames.join(', ')}
        </button>
      ))}
      <span className="muted">Export:</span>
      <button disabled={!seriesKey || !!busy} data-testid="export-seg" title="DICOM SEG (binary), referencing the images of phase 2 (or the last)" onClick={() => void doExport('seg')}>
        SEG
      </button>
      <button disabled={!seriesKey || !!busy} data-testid="export-nrrd" title="NRRD label map on the image grid (PyRadiomics, Slicer)" onClick={() => void doExport('nrrd')}>
        NRRD
      </button>
      <button disabled={!seriesKey || !!busy} data-testid="export-nifti" title="NIfTI label map on the image grid (.nii.gz)" onClick={() => void doExport('nifti')}>
        NIfTI
      </button>
    </div>
  );
}

function Messages() {
  const messages = useStore(lesionStore, (s) => s.messages);
  if (messages.length === 0) return null;
  return (
    <ul className="roi-messages">
      {messages.map((m) => (
        <li key={m.id} className={m.kind} data-testid="roi-message" data-kind={m.kind}>
          {m.text}
          <button className="link" aria-label="Dismiss" onClick={() => dismissRoiMessage(m.id)}>
            x
          </button>
        </li>
      ))}
    </ul>
  );
}

export default function LesionPanel() {
  const seriesKey = useStore(lesionStore, (s) => s.seriesKey);
  const savedAt = useStore(lesionStore, (s) => s.savedAt);
  return (
    <div className="lesion-panel" data-testid="lesion-panel">
      <Messages />
      {!seriesKey && <p className="placeholder">Open a study to delineate its lesions.</p>}
      <h3>Readers</h3>
      <Readers />
      <h3>Lesions</h3>
      <Lesions />
      <Appearance />
      <h3>Statistics</h3>
      <Statistics />
      <h3>Time-intensity curve</h3>
      <Tic />
      <h3>Exchange</h3>
      <Exchange />
      {savedAt && <p className="muted small" data-testid="roi-saved">Saved in this browser at {new Date(savedAt).toLocaleTimeString()}</p>}
    </div>
  );
}
