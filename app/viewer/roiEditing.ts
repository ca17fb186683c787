/**
 * ROI editing on the viewports (Cornerstone is touched here, in app/viewer only).
 *
 * Tools, all in the viewer's tool group, chosen as the left-button tool:
 *   RoiBrush      Cornerstone's BrushTool: circle (its FILL_INSIDE_CIRCLE, as it is) or
 *                 sphere (./sphereBrush.ts: a true sphere in mm)
 *   RoiEraser     the same BrushTool class, erasing (ERASE_INSIDE_CIRCLE / our sphere)
 *   RoiThreshold  BrushTool with a threshold range: typed, or picked from the voxels
 *                 around the click (Cornerstone's dynamic threshold)
 *   RoiRectScissors, RoiCircleScissors, RoiSphereScissors  Cornerstone's scissors, as they are
 *   RoiFreehand   Cornerstone's PlanarFreehandROITool to draw a closed contour; when it is
 *                 closed, the contour is handed to `onFreehandContour` listeners (the lesion
 *                 service fills it into the label map, workers/roi/fill-polygon.ts) and the
 *                 annotation is removed.
 * The brush radius is in mm (BrushTool's brushSize is a radius in world units); `[` and
 * `]` shrink and grow it. Undo / redo (Ctrl+Z, Ctrl+Y) go through Cornerstone's
 * DefaultHistoryMemo, where the brushes and scissors record their edits; our own edits
 * (interpolation, freehand fill, imports, clearing, deleting) push diff memos there too,
 * one step each even when it spans both readers. The history is the shown label map's:
 * it is cleared when another reader or series is shown (`keepHistoryFor`).
 */
import { cache, eventTarget, utilities as csUtils, type Types } from '@cornerstonejs/core';
import * as csTools from '@cornerstonejs/tools';
import { onKeyCommand } from '../components/keyboard.ts';
import { SPHERE_STRATEGIES } from './sphereBrush.ts';
import { beginStroke, endStroke, installStrokeRendering } from './strokeRendering.ts';
import { renderNow, setLeftTool, VIEWER_IDS } from './viewerService.ts';
import { VIEWPORT_NAMES, viewerStore, type ViewportName } from './viewerStore.ts';

export type RoiToolName =
  | 'RoiBrush'
  | 'RoiEraser'
  | 'RoiThreshold'
  | 'RoiRectScissors'
  | 'RoiCircleScissors'
  | 'RoiSphereScissors'
  | 'RoiFreehand';

export type BrushShape = 'circle' | 'sphere';

const History = csUtils.HistoryMemo.DefaultHistoryMemo;
const LABELMAP = csTools.Enums.SegmentationRepresentations.Labelmap;

const BRUSHES: RoiToolName[] = ['RoiBrush', 'RoiEraser', 'RoiThreshold'];

function group() {
  return csTools.ToolGroupManager.getToolGroup(VIEWER_IDS.toolGroupId);
}

function strategyFor(tool: RoiToolName, shape: BrushShape): string {
  if (tool === 'RoiEraser') return shape === 'sphere' ? 'ERASE_INSIDE_TRUE_SPHERE' : 'ERASE_INSIDE_CIRCLE';
  if (tool === 'RoiThreshold') return shape === 'sphere' ? 'THRESHOLD_INSIDE_TRUE_SPHERE' : 'THRESHOLD_INSIDE_CIRCLE';
  return shape === 'sphere' ? 'FILL_INSIDE_TRUE_SPHERE' : 'FILL_INSIDE_CIRCLE';
}

let installed = false;
let brush = { shape: 'sphere' as BrushShape, radiusMm: 5 };
let threshold = { range: [0, 1] as [number, number], fromClick: true, dynamicRadius: 2 };
const settingsListeners = new Set<() => void>();

/** Adds the ROI tools to the viewer's tool group (once the viewports exist). */
export function installRoiTools(): boolean {
  if (installed) return true;
  const g = group();
  if (!g) return false;
  installed = true;
  for (const T of [
    csTools.BrushTool,
    csTools.RectangleScissorsTool,
    csTools.CircleScissorsTool,
    csTools.SphereScissorsTool,
    csTools.PlanarFreehandROITool,
  ]) {
    if (!csTools.state.tools[(T as unknown as { toolName: string }).toolName]) csTools.addTool(T);
  }
  const brushClass = csTools.BrushTool.toolName;
  for (const name of BRUSHES) {
    g.addToolInstance(name, brushClass, {
      strategies: SPHERE_STRATEGIES, // merged with BrushTool's own strategies
      activeStrategy: strategyFor(name, brush.shape),
      defaultStrategy: strategyFor(name, brush.shape),
      brushSize: brush.radiusMm,
      ...(name === 'RoiThreshold'
        ? { threshold: { range: threshold.fromClick ? null : threshold.range, isDynamic: threshold.fromClick, dynamicRadius: threshold.dynamicRadius } }
        : {}),
    });
    g.setToolPassive(name);
  }
  g.addToolInstance('RoiRectScissors', csTools.RectangleScissorsTool.toolName);
  g.addToolInstance('RoiCircleScissors', csTools.CircleScissorsTool.toolName);
  g.addToolInstance('RoiSphereScissors', csTools.SphereScissorsTool.toolName);
  g.addToolInstance('RoiFreehand', csTools.PlanarFreehandROITool.toolName, { calculateStats: false, allowOpenContours: false });
  for (const name of ['RoiRectScissors', 'RoiCircleScissors', 'RoiSphereScissors', 'RoiFreehand']) g.setToolPassive(name);

  installStrokeRendering(VIEWPORT_NAMES.map((n) => VIEWER_IDS.viewportId(n)));
  window.addEventListener('pointerdown', onPointerDown, true);
  window.addEventListener('pointerup', onPointerUp, true);
  window.addEventListener('pointercancel', onPointerUp, true);
  window.addEventListener('blur', onPointerUp); // a button released outside the window
  eventTarget.addEventListener(csTools.Enums.Events.ANNOTATION_COMPLETED, onAnnotationCompleted as EventListener);
  eventTarget.addEventListener(csTools.Enums.Events.SEGMENTATION_DATA_MODIFIED, () => notifyHistory());
  onKeyCommand('undo', undo);
  onKeyCommand('redo', redo);
  window.addEventListener('keydown', onBracket);
  return true;
}

// ---- strokes in progress ------------------------------------------------------------
// While the left button is down on a viewport with an ROI tool, other work (statistics,
// surfaces, autosave, the other two views: ./strokeRendering.ts) waits for the stroke to
// end, so painting keeps every frame.

let drawing = false;
const drawEndListeners = new Set<() => void>();

function onPointerDown(e: PointerEvent): void {
  if (e.button !== 0 || !String(viewerStore.get().tool).startsWith('Roi')) return;
  const target = e.target as Element | null;
  if (!target?.closest?.('.viewport-grid')) return;
  drawing = true;
  const name = VIEWPORT_NAMES.find((n) => target.closest(`[data-testid="viewport-${n}"]`));
  if (name) beginStroke(VIEWER_IDS.viewportId(name));
}

function onPointerUp(): void {
  if (!drawing) return;
  drawing = false;
  endStroke();
  for (const l of drawEndListeners) l();
}

/** Whether an ROI stroke is in progress (left button down on a viewport). */
export function isDrawing(): boolean {
  return drawing;
}

export function onDrawingEnd(listener: () => void): () => void {
  drawEndListeners.add(listener);
  return () => drawEndListeners.delete(listener);
}

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
}

function onBracket(e: KeyboardEvent): void {
  if (isTyping(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.key !== '[' && e.key !== ']') return;
  e.preventDefault();
  setBrushRadius(stepRadius(brush.radiusMm, e.key === ']' ? 1 : -1));
}

/** `[` / `]`: 0.5 mm steps up to 5 mm, then 1 mm steps; from 0.5 to 50 mm. */
export function stepRadius(r: number, direction: 1 | -1): number {
  const step = (direction > 0 ? r >= 5 : r > 5) ? 1 : 0.5;
  return Math.min(50, Math.max(0.5, Math.round((r + direction * step) * 2) / 2));
}

export function getBrushSettings() {
  return { ...brush, threshold: { ...threshold, range: [...threshold.range] as [number, number] } };
}

export function onBrushSettings(listener: () => void): () => void {
  settingsListeners.add(listener);
  return () => settingsListeners.delete(listener);
}

function settingsChanged(): void {
  for (const l of settingsListeners) l();
}

function configureBrushes(): void {
  const g = group();
  if (!g) return;
  for (const name of BRUSHES) {
    const strategy = strategyFor(name, brush.shape);
    g.setToolConfiguration(name, { activeStrategy: strategy, brushSize: brush.radiusMm });
    if (name === 'RoiThreshold') {
      // set directly: a deep merge would mix the old and new ranges
      const tool = g.getToolInstance(name) as { configuration: Record<string, unknown> };
      tool.configuration.threshold = {
        range: threshold.fromClick ? null : [...threshold.range],
        isDynamic: threshold.fromClick,
        dynamicRadius: threshold.dynamicRadius,
      };
    }
  }
  csTools.utilities.segmentation.invalidateBrushCursor?.(VIEWER_IDS.toolGroupId);
  renderNow();
}

export function setBrushShape(shape: BrushShape): void {
  brush = { ...brush, shape };
  configureBrushes();
  settingsChanged();
}

export function setBrushRadius(radiusMm: number): void {
  if (!(radiusMm > 0)) return;
  brush = { ...brush, radiusMm };
  configureBrushes();
  settingsChanged();
}

/** A typed range (fromClick false), or the range of the voxels around each click. */
export function setThreshold(range: [number, number], fromClick: boolean): void {
  threshold = { ...threshold, range: [Math.min(...range), Math.max(...range)] as [number, number], fromClick };
  configureBrushes();
  settingsChanged();
}

/** The range the threshold brush used last (picked from a click, or typed). */
export function currentThresholdRange(): [number, number] | null {
  const tool = group()?.getToolInstance('RoiThreshold') as { configuration?: { threshold?: { range?: number[] | null } } } | undefined;
  const r = tool?.configuration?.threshold?.range;
  return r && r.length === 2 && Number.isFinite(r[0]) ? [r[0], r[1]] : null;
}

export function selectRoiTool(name: RoiToolName): void {
  if (!installRoiTools()) return;
  setLeftTool(name);
}

// ---- label map access ----------------------------------------------------------------

function labelmapVolume(segmentationId: string): Types.IImageVolume | undefined {
  return cache.getVolume(segmentationId) as Types.IImageVolume | undefined;
}

/** The label map as one array (a copy), x fastest; null when the segmentation does not exist. */
export function readLabels(segmentationId: string): Uint8Array | null {
  const vol = labelmapVolume(segmentationId);
  if (!vol?.voxelManager) return null;
  const data = vol.voxelManager.getCompleteScalarDataArray!() as ArrayLike<number>;
  return data instanceof Uint8Array ? data : Uint8Array.from(data);
}

function slicesOf(indices: Uint32Array, plane: number): number[] {
  const s = new Set<number>();
  for (let n = 0; n < indices.length; n++) s.add(Math.floor(indices[n] / plane));
  return [...s];
}

function writeAt(segmentationId: string, indices: Uint32Array, values: Uint8Array): void {
  const vol = labelmapVolume(segmentationId);
  if (!vol?.voxelManager) return;
  const vm = vol.voxelManager;
  for (let n = 0; n < indices.length; n++) vm.setAtIndex(indices[n], values[n]);
  const [nx, ny] = vol.dimensions;
  csTools.segmentation.triggerSegmentationEvents.triggerSegmentationDataModified(segmentationId, slicesOf(indices, nx * ny));
}

/** One label map's voxels changed by an edit: `indices` go from `before` to `after`. */
export interface LabelEdit {
  segmentationId: string;
  indices: Uint32Array;
  before: Uint8Array;
  after: Uint8Array;
}

/** The voxels that differ between a label map and `next` (null when the segmentation does not exist). */
export function labelDiff(segmentationId: string, next: Uint8Array, label: string): LabelEdit | null {
  const current = readLabels(segmentationId);
  if (!current) return null;
  if (current.length !== next.length) throw new Error(`${label}: ${next.length} voxels for a label map of ${current.length}`);
  let n = 0;
  for (let i = 0; i < next.length; i++) if (current[i] !== next[i]) n++;
  const indices = new Uint32Array(n);
  const before = new Uint8Array(n);
  const after = new Uint8Array(n);
  for (let i = 0, m = 0; i < next.length; i++) {
    if (current[i] === next[i]) continue;
    indices[m] = i;
    before[m] = current[i];
    after[m++] = next[i];
  }
  return { segmentationId, indices, before, after };
}

/**
 * Writes the voxels that differ between the current labels and `next`, as one undoable
 * step named `label`. Returns the number of voxels changed.
 */
export function replaceLabels(segmentationId: string, next: Uint8Array, label: string): number {
  const edit = labelDiff(segmentationId, next, label);
  if (!edit) return 0;
  applyEdits([edit], label);
  return edit.indices.length;
}

/** Sets `indices` to `after` (their values were `before`), as one undoable step. */
export function applyEdit(segmentationId: string, indices: Uint32Array, before: Uint8Array, after: Uint8Array, label: string): void {
  applyEdits([{ segmentationId, indices, before, after }], label);
}

/**
 * Applies edits to one or more label maps as ONE undoable step. `restore`, when given, is
 * called after the voxels on undo (true) and redo (false): it puts back what else the step
 * changed (e.g. the lesion list of a deleted lesion). A step that changes no voxel is
 * recorded only when it has a `restore` (a lesion removed from the list with no voxel).
 */
export function applyEdits(edits: LabelEdit[], label: string, restore?: (isUndo: boolean) => void): void {
  const changed = edits.filter((e) => e.indices.length > 0);
  if (changed.length === 0 && !restore) return;
  for (const e of changed) writeAt(e.segmentationId, e.indices, e.after);
  History.push({
    id: csUtils.uuidv4(),
    operationType: 'labelmap',
    restoreMemo: (isUndo?: boolean) => {
      for (const e of changed) writeAt(e.segmentationId, e.indices, isUndo ? e.before : e.after);
      restore?.(!!isUndo);
    },
    label,
  } as Types.Memo);
  notifyHistory();
}

// ---- undo history: one per label map shown --------------------------------------------
// Cornerstone's tools record their edits in its one DefaultHistoryMemo, whichever label
// map they edit. Like Slicer's Segment Editor, which forgets its undo states when another
// segmentation is chosen, the history is cleared when another label map (reader or
// series) is shown: Ctrl+Z never changes a label map that is not on screen.
let historyOwner: string | null = null;

/** Clears the undo history unless it belongs to `segmentationId` (null: clear it). */
export function keepHistoryFor(segmentationId: string | null): void {
  if (segmentationId !== null && segmentationId === historyOwner) return;
  historyOwner = segmentationId;
  const size = History.size;
  History.size = size; // (the size setter empties the ring: HistoryMemo's one way to clear it)
  notifyHistory();
}

export function undo(): void {
  History.undo();
  notifyHistory();
  renderNow();
}

export function redo(): void {
  History.redo();
  notifyHistory();
  renderNow();
}

const historyListeners = new Set<(s: { canUndo: boolean; canRedo: boolean }) => void>();
function notifyHistory(): void {
  const s = { canUndo: History.canUndo, canRedo: History.canRedo };
  for (const l of historyListeners) l(s);
}
export function onHistory(listener: (s: { canUndo: boolean; canRedo: boolean }) => void): () => void {
  historyListeners.add(listener);
  listener({ canUndo: History.canUndo, canRedo: History.canRedo });
  return () => historyListeners.delete(listener);
}

// ---- segments: active, colour, visibility, style ------------------------------------

export function setActiveSegment(segmentationId: string, segmentIndex: number): void {
  csTools.segmentation.segmentIndex.setActiveSegmentIndex(segmentationId, segmentIndex);
  renderNow();
}

/**
 * Locks every segment of `segments` but `keep` (Cornerstone's brushes, eraser and scissors
 * leave locked segments' voxels alone), or unlocks them all when `keep` is null. The
 * eraser uses it to erase only the lesion being edited, as Slicer's eraser does.
 */
export function lockSegmentsBut(segmentationId: string, keep: number | null, segments: readonly number[]): void {
  const locking = csTools.segmentation.segmentLocking;
  const seg = csTools.segmentation.state.getSegmentation(segmentationId);
  if (!seg) return;
  const want = new Set(keep === null ? [] : segments.filter((s) => s > 0 && s !== keep));
  for (const s of locking.getLockedSegmentIndices(segmentationId)) if (!want.has(s)) locking.setSegmentIndexLocked(segmentationId, s, false);
  let created = false;
  for (const s of want) {
    if (!seg.segments[s]) {
      // a segment Cornerstone does not know yet: made the way it makes one when it becomes active
      csTools.segmentation.segmentIndex.setActiveSegmentIndex(segmentationId, s);
      created = true;
    }
    if (!locking.isSegmentIndexLocked(segmentationId, s)) locking.setSegmentIndexLocked(segmentationId, s, true);
  }
  if (created && keep !== null) csTools.segmentation.segmentIndex.setActiveSegmentIndex(segmentationId, keep);
}

function viewportIds(): string[] {
  return VIEWPORT_NAMES.map((n) => VIEWER_IDS.viewportId(n));
}

export function setSegmentColor(segmentationId: string, segmentIndex: number, rgb: [number, number, number]): void {
  for (const id of viewportIds()) {
    try {
      csTools.segmentation.config.color.setSegmentIndexColor(id, segmentationId, segmentIndex, [...rgb, 255] as Types.Color);
    } catch {
      // the representation is not on this viewport (yet)
    }
  }
  renderNow();
}

export function setSegmentVisible(segmentationId: string, segmentIndex: number, visible: boolean): void {
  for (const id of viewportIds()) {
    try {
      csTools.segmentation.config.visibility.setSegmentIndexVisibility(id, { segmentationId, type: LABELMAP }, segmentIndex, visible);
    } catch {
      // not shown on this viewport
    }
  }
  renderNow();
}

/** Fill opacity (0..1) and outline of every label map shown. */
export function setLabelmapStyle(style: { opacity: number; outline: boolean }): void {
  csTools.segmentation.config.style.setStyle(
    { type: LABELMAP },
    {
      renderFill: style.opacity > 0,
      fillAlpha: style.opacity,
      fillAlphaInactive: style.opacity * 0.6,
      renderOutline: style.outline,
      outlineWidth: 2,
      outlineOpacity: 1,
    } as csTools.Types.LabelmapStyle,
  );
  renderNow();
}

// ---- freehand contours -------------------------------------------------------------

type ContourListener = (points: number[], viewport: ViewportName | null) => void;
const contourListeners = new Set<ContourListener>();

export function onFreehandContour(listener: ContourListener): () => void {
  contourListeners.add(listener);
  return () => contourListeners.delete(listener);
}

function onAnnotationCompleted(e: CustomEvent): void {
  const annotation = e.detail?.annotation as
    | { annotationUID?: string; metadata?: { toolName?: string; viewportId?: string }; data?: { contour?: { polyline?: number[][] } } }
    | undefined;
  if (annotation?.metadata?.toolName !== 'RoiFreehand') return;
  const polyline = annotation.data?.contour?.polyline ?? [];
  if (annotation.annotationUID) csTools.annotation.state.removeAnnotation(annotation.annotationUID);
  const name = VIEWPORT_NAMES.find((n) => VIEWER_IDS.viewportId(n) === annotation.metadata?.viewportId) ?? null;
  const flat = polyline.flatMap((p) => [p[0], p[1], p[2]]);
  for (const l of contourListeners) l(flat, name);
  renderNow();
}

export function currentTool(): string {
  return viewerStore.get().tool;
}
