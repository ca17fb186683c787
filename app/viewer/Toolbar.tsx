import { useStore } from '../store/createStore.ts';
import { setViewKind, showPhase, startCine, stopCine } from './studyView.ts';
import { getDisplayedVolume, resetCameras, robustRange, setLeftTool, setReferenceLines, setVoi } from './viewerService.ts';
import { viewerStore, type LeftTool, type ViewKind } from './viewerStore.ts';

const TOOLS: { id: LeftTool; label: string; title: string }[] = [
  { id: 'WindowLevel', label: 'W/L', title: 'Window/level: drag (left button)' },
  { id: 'Pan', label: 'Pan', title: 'Pan: drag (also the middle button)' },
  { id: 'Zoom', label: 'Zoom', title: 'Zoom: drag (also the right button)' },
  { id: 'Crosshairs', label: 'Crosshairs', title: 'Reference lines you can drag to move the other views' },
  { id: 'Length', label: 'Caliper', title: 'Length caliper (mm): click and drag' },
];

/** Display-range presets, from the displayed volume's own values (MR has no fixed units). */
const PRESETS: { id: string; label: string; range: (d: ArrayLike<number>) => { lower: number; upper: number } }[] = [
  { id: 'auto', label: 'Auto (0.5-99.5%)', range: (d) => robustRange(d) },
  { id: 'full', label: 'Full range', range: (d) => robustRange(d, 0, 1) },
  { id: 'contrast', label: 'High contrast (5-95%)', range: (d) => robustRange(d, 0.05, 0.95) },
  { id: 'bright', label: 'Bright structures (50-99.9%)', range: (d) => robustRange(d, 0.5, 0.999) },
];

const VIEWS: { id: ViewKind; label: string; title: string }[] = [
  { id: 'phase', label: 'Phase', title: 'The selected phase' },
  { id: 'subtraction', label: 'Subtraction', title: 'Selected phase minus the pre-contrast phase (computed in a worker)' },
  { id: 'mip', label: 'MIP', title: 'Maximum intensity projection of the subtraction' },
];

export function Toolbar() {
  const tool = useStore(viewerStore, (s) => s.tool);
  const referenceLines = useStore(viewerStore, (s) => s.referenceLines);
  const phase = useStore(viewerStore, (s) => s.phase);
  const phaseCount = useStore(viewerStore, (s) => s.phaseCount);
  const view = useStore(viewerStore, (s) => s.view);
  const cine = useStore(viewerStore, (s) => s.cine);
  const fps = useStore(viewerStore, (s) => s.cineFps);
  const voi = useStore(viewerStore, (s) => s.voi);
  const dynamic = phaseCount > 1;

  return (
    <div className="toolbar" role="toolbar" aria-label="Viewer tools">
      <div className="group">
        {TOOLS.map((t) => (
          <button
            key={t.id}
            title={t.title}
            data-testid={`tool-${t.id}`}
            className={tool === t.id ? 'active' : ''}
            aria-pressed={tool === t.id}
            onClick={() => setLeftTool(t.id)}
          >
            {t.label}
          </button>
        ))}
        <label title="Show the reference lines of the other views">
          <input
            type="checkbox"
            checked={referenceLines}
            data-testid="reference-lines"
            onChange={(e) => setReferenceLines(e.target.checked)}
          />
          Reference lines
        </label>
        <button onClick={resetCameras} title="Reset zoom, pan and slices">
          Reset
        </button>
      </div>
      <div className="group">
        <select
          aria-label="Window presets"
          data-testid="voi-preset"
          value=""
          onChange={(e) => {
            const preset = PRESETS.find((p) => p.id === e.target.value);
            const reg = getDisplayedVolume('axial');
            if (preset && reg) setVoi(preset.range(reg.data));
          }}
        >
          <option value="" disabled>
            Window preset
          </option>
          {PRESETS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label}
            </option>
          ))}
        </select>
        {voi && (
          <span className="voi" data-testid="voi" title="Window width / level">
            W {(voi.upper - voi.lower).toPrecision(4)} L {((voi.upper + voi.lower) / 2).toPrecision(4)}
          </span>
        )}
      </div>
      {dynamic && (
        <div className="group">
          {VIEWS.map((v) => (
            <button
              key={v.id}
              title={v.title}
              data-testid={`view-${v.id}`}
              className={view === v.id ? 'active' : ''}
              aria-pressed={view === v.id}
              onClick={() => void setViewKind(v.id)}
            >
              {v.label}
            </button>
          ))}
        </div>
      )}
      {dynamic && (
        <div className="group phase-slider">
          <label>
            Phase {phase}
            <input
              type="range"
              min={view === 'phase' ? 0 : 1}
              max={phaseCount - 1}
              step={1}
              value={phase}
              data-testid="phase-slider"
              aria-label="Phase"
              onChange={(e) => void showPhase(Number(e.target.value))}
            />
            of {phaseCount - 1}
          </label>
          <button data-testid="cine" onClick={() => (cine ? stopCine() : startCine())} aria-pressed={cine}>
            {cine ? 'Stop' : 'Cine'}
          </button>
          <label title="Cine speed">
            <input
              type="number"
              min={1}
              max={30}
              value={fps}
              className="fps"
              onChange={(e) => viewerStore.set({ cineFps: Math.max(1, Math.min(30, Number(e.target.value) || 1)) })}
            />
            fps
          </label>
        </div>
      )}
    </div>
  );
}
