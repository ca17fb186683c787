/**
 * The ROI tools row under the viewer toolbar: brush / eraser / threshold brush (circle or
 * sphere, radius in mm; `[` and `]` resize), scissors, freehand contour, interpolation
 * between drawn slices, undo / redo, the reader (one click) and lesion being edited, and
 * the current ROI's voxel count.
 */
import { useEffect, useState } from 'react';
import { useStore } from '../store/createStore.ts';
import {
  currentThresholdRange,
  getBrushSettings,
  onBrushSettings,
  redo,
  selectRoiTool,
  setBrushRadius,
  setBrushShape,
  setThreshold,
  undo,
  type RoiToolName,
} from '../viewer/roiEditing.ts';
import { showPhase } from '../viewer/studyView.ts';
import { viewerStore } from '../viewer/viewerStore.ts';
import { addLesion, interpolateActiveLesion, setActiveLesion, setReader } from './lesionService.ts';
import { lesionStore } from './lesionStore.ts';
import './lesion.css';

const TOOLS: { id: RoiToolName; label: string; title: string }[] = [
  { id: 'RoiBrush', label: 'Brush', title: 'Paint the lesion (circle on the slice, or a sphere in 3D); [ and ] change the size' },
  { id: 'RoiEraser', label: 'Eraser', title: 'Erase the lesion (same shape and size as the brush)' },
  { id: 'RoiThreshold', label: 'Threshold', title: 'Paint only voxels within an intensity range (typed, or picked around each click)' },
  { id: 'RoiRectScissors', label: 'Rect', title: 'Rectangle scissors: fill a rectangle on the slice' },
  { id: 'RoiCircleScissors', label: 'Circle', title: 'Circle scissors: fill a disc on the slice' },
  { id: 'RoiSphereScissors', label: 'Sphere', title: 'Sphere scissors: fill a ball' },
  { id: 'RoiFreehand', label: 'Freehand', title: 'Draw a closed contour; it is filled into the lesion on that slice' },
];

/** Series already moved to phase 2 for drawing (once: the user may go back to another phase). */
const drawnOnPhase2 = new Set<string>();

/**
 * Chooses an ROI tool. The study delineates on phase 2: on a dynamic series still showing
 * the pre-contrast phase, the first ROI tool chosen shows phase 2.
 */
function chooseTool(id: RoiToolName): void {
  selectRoiTool(id);
  const { seriesKey, phaseCount, phase, view } = viewerStore.get();
  if (!seriesKey || drawnOnPhase2.has(seriesKey)) return;
  drawnOnPhase2.add(seriesKey);
  if (phaseCount > 2 && phase === 0 && view === 'phase') void showPhase(2);
}

function useBrushSettings() {
  const [s, setS] = useState(getBrushSettings());
  useEffect(() => onBrushSettings(() => setS(getBrushSettings())), []);
  return s;
}

export function RoiToolbar() {
  const tool = useStore(viewerStore, (s) => s.tool);
  const seriesKey = useStore(viewerStore, (s) => s.seriesKey);
  const reader = useStore(lesionStore, (s) => s.reader);
  const lesions = useStore(lesionStore, (s) => s.lesions);
  const active = useStore(lesionStore, (s) => s.active);
  const count = useStore(lesionStore, (s) => s.counts[s.reader][s.active] ?? 0);
  const busy = useStore(lesionStore, (s) => s.busy);
  const canUndo = useStore(lesionStore, (s) => s.canUndo);
  const canRedo = useStore(lesionStore, (s) => s.canRedo);
  const brush = useBrushSettings();
  const [axis, setAxis] = useState<0 | 1 | 2>(2);
  const [lastRange, setLastRange] = useState<[number, number] | null>(null);
  const disabled = !seriesKey;

  // After a threshold stroke, show the range that was picked.
  useEffect(() => {
    if (tool !== 'RoiThreshold') return;
    return lesionStore.subscribe(() => setLastRange(currentThresholdRange()));
  }, [tool]);

  return (
    <div className="toolbar roi-toolbar" role="toolbar" aria-label="ROI tools">
      <div className="group">
        {TOOLS.map((t) => (
          <button
            key={t.id}
            title={t.title}
            disabled={disabled}
            data-testid={`tool-${t.id}`}
            className={tool === t.id ? 'active' : ''}
            aria-pressed={tool === t.id}
            onClick={() => chooseTool(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div className="group" title="Brush shape and radius ([ and ] change it)">
        <select aria-label="Brush shape" data-testid="brush-shape" value={brush.shape} onChange={(e) => setBrushShape(e.target.value as 'circle' | 'sphere')}>
          <option value="circle">Circle</option>
          <option value="sphere">Sphere</option>
        </select>
        <label>
          r
          <input
            type="number"
            min={0.5}
            max={50}
            step={0.5}
            className="radius"
            data-testid="brush-radius"
            value={brush.radiusMm}
            onChange={(e) => setBrushRadius(Number(e.target.value))}
          />
          mm
        </label>
      </div>
      {tool === 'RoiThreshold' && (
        <div className="group" title="Threshold brush range">
          <label>
            <input
              type="checkbox"
              data-testid="threshold-from-click"
              checked={brush.threshold.fromClick}
              onChange={(e) => setThreshold(brush.threshold.range, e.target.checked)}
            />
            pick from click
          </label>
          {!brush.threshold.fromClick && (
            <>
              <input
                type="number"
                aria-label="Lower threshold"
                data-testid="threshold-lower"
                className="range"
                value={brush.threshold.range[0]}
                onChange={(e) => setThreshold([Number(e.target.value), brush.threshold.range[1]], false)}
              />
              <span>to</span>
              <input
                type="number"
                aria-label="Upper threshold"
                data-testid="threshold-upper"
                className="range"
                value={brush.threshold.range[1]}
                onChange={(e) => setThreshold([brush.threshold.range[0], Number(e.target.value)], false)}
              />
            </>
          )}
          {brush.threshold.fromClick && lastRange && (
            <span className="muted" data-testid="threshold-picked" data-lower={lastRange[0]} data-upper={lastRange[1]}>
              picked {lastRange[0].toPrecision(4)} to {lastRange[1].toPrecision(4)}
            </span>
          )}
        </div>
      )}
      <div className="group">
        <button
          disabled={disabled || !!busy}
          data-testid="interpolate"
          title="Fill the slices between the drawn slices of the lesion (shape-based interpolation)"
          onClick={() => void interpolateActiveLesion(axis)}
        >
          Fill between slices
        </button>
        <select aria-label="Interpolation axis" value={axis} onChange={(e) => setAxis(Number(e.target.value) as 0 | 1 | 2)}>
          <option value={2}>slices (k)</option>
          <option value={1}>rows (j)</option>
          <option value={0}>columns (i)</option>
        </select>
        <button disabled={!canUndo} data-testid="undo" title="Undo (Ctrl+Z)" onClick={undo}>
          Undo
        </button>
        <button disabled={!canRedo} data-testid="redo" title="Redo (Ctrl+Y)" onClick={redo}>
          Redo
        </button>
      </div>
      <div className="group">
        {([1, 2] as const).map((r) => (
          <button
            key={r}
            disabled={disabled}
            data-testid={`reader-${r}`}
            className={reader === r ? 'active' : ''}
            aria-pressed={reader === r}
            title={`Edit and show Reader ${r}'s ROI`}
            onClick={() => void setReader(r)}
          >
            Reader {r}
          </button>
        ))}
        <select
          aria-label="Lesion"
          data-testid="lesion-select"
          disabled={disabled}
          value={active}
          onChange={(e) => (e.target.value === 'new' ? addLesion() : setActiveLesion(Number(e.target.value)))}
        >
          {lesions.map((l) => (
            <option key={l.index} value={l.index}>
              {l.name}
            </option>
          ))}
          <option value="new">+ new lesion</option>
        </select>
        <span className="roi-count" title="Voxels of the current ROI (this reader, this lesion)">
          <span data-testid="roi-voxel-count">{count}</span> voxels
        </span>
        {busy && <span className="muted">{busy}</span>}
      </div>
    </div>
  );
}
