/**
 * The lesion service: lesions and readers of the study on screen, their label maps, live
 * statistics, interpolation, freehand fill, mask import / export and the autosave. The
 * computing runs in workers/roi (in a worker); this module moves arrays and keeps
 * lesionStore up to date. Cornerstone is touched only through app/viewer.
 */
import * as Comlink from 'comlink';
import type { Geometry, Volume } from '../../workers/io/volume.ts';
import { geometryOf } from '../../workers/io/volume.ts';
import { fillPolygon } from '../../workers/roi/fill-polygon.ts';
import { labelsPresent, type Axis } from '../../workers/roi/interpolate.ts';
import type { MaskImport } from '../../workers/roi/mask-import.ts';
import { largestLesion } from '../../workers/roi/components.ts';
import { MAX_LESION, planImport, segmentsToExport } from './lesionNumbers.ts';
import { phaseStatistics } from '../../workers/roi/stats.ts';
import { loadPhase, onBeforeSeriesRelease, phaseVolumeId, sourceFileBytes } from '../import/studyService.ts';
import { appStore, getSeries } from '../store/appStore.ts';
import { getRoiMask, hasRoi, onRoiChange, roiSegmentationId, setRoiMask, setShownRoiVoxels, showRoi, type Reader } from '../viewer/roi.ts';
import {
  applyEdit,
  applyEdits,
  installRoiTools,
  isDrawing,
  keepHistoryFor,
  labelDiff,
  lockSegmentsBut,
  onDrawingEnd,
  onFreehandContour,
  onHistory,
  readLabels,
  replaceLabels,
  setActiveSegment,
  setLabelmapStyle,
  setSegmentColor,
  setSegmentVisible,
  type LabelEdit,
} from '../viewer/roiEditing.ts';
import { getVolume } from '../viewer/viewerService.ts';
import { viewerStore } from '../viewer/viewerStore.ts';
import { autosaveKey, loadRois, savedStyle, saveRois } from './roiAutosave.ts';
import { addRoiMessage, defaultLesion, lesionStore, type LesionInfo } from './lesionStore.ts';
import { give, roiWorker } from './roiWorker.ts';

// ---- the series on screen ------------------------------------------------------------

/** The reference volume of a series' ROIs: its display phase 0 (all phases share the grid). */
export function referenceVolumeId(seriesKey: string): string | null {
  const entry = getSeries(seriesKey);
  if (!entry || entry.phaseOrder.length === 0) return null;
  return phaseVolumeId(seriesKey, entry.phaseOrder[0]);
}

/** The grid of the ROIs of a series (loading phase 0 if needed). */
export async function roiGeometry(seriesKey: string): Promise<Geometry> {
  const reg = await loadPhase(seriesKey, 0);
  return geometryOf(reg.volume);
}

function segId(seriesKey: string, reader: Reader): string {
  return roiSegmentationId(seriesKey, reader);
}

/** Creates an empty label map for a reader when there is none. */
async function ensureReader(seriesKey: string, reader: Reader): Promise<void> {
  if (hasRoi(seriesKey, reader)) return;
  const reg = await loadPhase(seriesKey, 0);
  if (hasRoi(seriesKey, reader)) return; // made meanwhile (e.g. the demo's mask)
  const empty: Volume<Uint8Array> = { ...geometryOf(reg.volume), data: new Uint8Array(reg.volume.data.length) };
  await setRoiMask(seriesKey, reg.volumeId, empty, reader, `Reader ${reader}`);
}

let attachSerial = 0;

/** Puts the current reader's ROI of the series on screen, with the lesions' colours. */
async function attach(seriesKey: string): Promise<void> {
  const serial = ++attachSerial;
  installRoiTools();
  const entry = getSeries(seriesKey);
  if (!entry) return;
  if (lesionStore.get().seriesKey !== seriesKey) {
    const saved = await loadRois(autosaveKey(entry.item.seriesInstanceUIDs));
    if (serial !== attachSerial) return;
    if (saved && !hasRoi(seriesKey, 1) && !hasRoi(seriesKey, 2)) await restoreSavedRois(seriesKey);
    if (serial !== attachSerial) return;
    dirty.add(1);
    dirty.add(2);
    activeVoxels = null;
    const style = savedStyle(saved);
    if (style) lesionStore.set(style);
    lesionStore.set({
      seriesKey,
      reader: 1,
      lesions: saved?.lesions?.length ? saved.lesions : [defaultLesion(1)],
      active: saved?.lesions?.[0]?.index ?? 1,
      counts: { 1: [], 2: [] },
      largest: null,
      stats: null,
      savedAt: saved?.savedAt ?? null,
    });
  }
  const { reader } = lesionStore.get();
  await ensureReader(seriesKey, reader);
  if (serial !== attachSerial || viewerStore.get().seriesKey !== seriesKey) return;
  await showRoi(seriesKey, reader);
  keepHistoryFor(segId(seriesKey, reader));
  applyAppearance();
  scheduleRefresh(0);
}

/** Colours, visibility, style and the active segment of the shown label map. */
function applyAppearance(): void {
  const { seriesKey, reader, lesions, active, opacity, outline } = lesionStore.get();
  if (!seriesKey || !hasRoi(seriesKey, reader)) return;
  const id = segId(seriesKey, reader);
  setLabelmapStyle({ opacity, outline });
  for (const l of lesions) {
    setSegmentColor(id, l.index, l.color);
    setSegmentVisible(id, l.index, l.visible);
  }
  setActiveSegment(id, active);
  applyEraserLocks();
}

/**
 * The eraser erases the lesion being edited only (as Slicer's does): while it is the
 * tool, every other lesion of the shown label map is locked (and every label present,
 * listed or not); with any other tool nothing is locked.
 */
function applyEraserLocks(): void {
  const { seriesKey, reader, lesions, active } = lesionStore.get();
  if (!seriesKey || !hasRoi(seriesKey, reader)) return;
  const erasing = viewerStore.get().tool === 'RoiEraser';
  const present = readerCounts[reader].flatMap((n, v) => (v > 0 && n > 0 ? [v] : []));
  const segments = [...new Set([...lesions.map((l) => l.index), ...present])];
  lockSegmentsBut(segId(seriesKey, reader), erasing ? active : null, segments);
}

// ---- lesions and readers --------------------------------------------------------------

export async function setReader(reader: Reader): Promise<void> {
  const { seriesKey } = lesionStore.get();
  // the other reader's undo steps must not reach a label map no longer on screen
  keepHistoryFor(seriesKey ? segId(seriesKey, reader) : null);
  lesionStore.set({ reader });
  if (seriesKey) await attach(seriesKey);
}

export function setActiveLesion(index: number): void {
  lesionStore.set({ active: index });
  applyAppearance();
  scheduleRefresh(0);
}

export function addLesion(): number {
  const { lesions } = lesionStore.get();
  const index = Math.max(0, ...lesions.map((l) => l.index)) + 1;
  lesionStore.set({ lesions: [...lesions, defaultLesion(index)], active: index });
  applyAppearance();
  scheduleRefresh(0);
  return index;
}

export function updateLesion(index: number, patch: Partial<Omit<LesionInfo, 'index'>>): void {
  lesionStore.set((s) => ({ lesions: s.lesions.map((l) => (l.index === index ? { ...l, ...patch } : l)) }));
  markEdited();
  applyAppearance();
  scheduleSave();
}

/** Opacity and outline of the label maps, saved with the series' ROIs. */
export function setRoiStyle(style: { opacity?: number; outline?: boolean }): void {
  lesionStore.set(style);
  markEdited();
  applyAppearance();
  scheduleSave();
}

/** Removes a lesion's voxels from the current reader (undoable). */
export function clearLesion(index: number): void {
  const { seriesKey, reader } = lesionStore.get();
  if (!seriesKey) return;
  const id = segId(seriesKey, reader);
  const labels = readLabels(id);
  if (!labels) return;
  for (let i = 0; i < labels.length; i++) if (labels[i] === index) labels[i] = 0;
  replaceLabels(id, labels, `Clear lesion ${index}`);
}

/**
 * Puts a lesion list back (undo / redo of a step that changed it), keeping the lesion
 * being edited when it is still listed.
 */
function restoreLesionList(seriesKey: string, lesions: LesionInfo[], active: number): void {
  if (lesionStore.get().seriesKey !== seriesKey) return;
  const current = lesionStore.get().active;
  lesionStore.set({ lesions, active: lesions.some((l) => l.index === current) ? current : active });
  markEdited();
  applyAppearance();
  scheduleRefresh(0);
  scheduleSave();
}

/** Removes a lesion from the list and its voxels from both readers: one undoable step, list included. */
export function deleteLesion(index: number): void {
  const { seriesKey, lesions, active } = lesionStore.get();
  if (!seriesKey || lesions.length <= 1) return;
  const edits: LabelEdit[] = [];
  for (const r of [1, 2] as Reader[]) {
    const id = segId(seriesKey, r);
    const labels = hasRoi(seriesKey, r) ? readLabels(id) : null;
    if (!labels) continue;
    for (let i = 0; i < labels.length; i++) if (labels[i] === index) labels[i] = 0;
    const edit = labelDiff(id, labels, `Delete lesion ${index}`);
    if (edit) edits.push(edit);
  }
  const rest = lesions.filter((l) => l.index !== index);
  const nextActive = active === index ? rest[0].index : active;
  lesionStore.set({ lesions: rest, active: nextActive });
  applyEdits(edits, `Delete lesion ${index}`, (isUndo) =>
    restoreLesionList(seriesKey, isUndo ? lesions : rest, isUndo ? index : nextActive),
  );
  markEdited();
  applyAppearance();
  scheduleSave();
}

// ---- statistics ---------------------------------------------------------------------

let refreshTimer: ReturnType<typeof setTimeout> | null = null;
let refreshing = false;
let refreshAgain = false;
let afterStroke = false;
/** readers whose label maps changed since they were last counted */
const dirty = new Set<Reader>([1, 2]);
/** the last counts per reader (index = label value) */
const readerCounts: Record<Reader, number[]> = { 1: [], 2: [] };

/** The active lesion's voxels (x fastest) and bounding box, as of the last refresh. */
export interface ActiveLesionVoxels {
  seriesKey: string;
  reader: Reader;
  lesion: number;
  revision: number;
  indices: Uint32Array;
  /** [i0, j0, k0] and [i1, j1, k1], inclusive; null when the lesion is empty */
  box: { lo: number[]; hi: number[] } | null;
}
let activeVoxels: ActiveLesionVoxels | null = null;

export function activeLesionVoxels(): ActiveLesionVoxels | null {
  return activeVoxels;
}

export function scheduleRefresh(delay = 150): void {
  if (isDrawing()) {
    afterStroke = true; // counted when the stroke ends
    return;
  }
  if (refreshTimer) clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => {
    refreshTimer = null;
    void refresh();
  }, delay);
}

function boxOf(indices: Uint32Array, size: readonly number[]): ActiveLesionVoxels['box'] {
  if (indices.length === 0) return null;
  const [nx, ny] = size;
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-1, -1, -1];
  for (let n = 0; n < indices.length; n++) {
    const v = indices[n];
    const k = Math.floor(v / (nx * ny));
    const r = v - k * nx * ny;
    const j = Math.floor(r / nx);
    const i = r - j * nx;
    if (i < lo[0]) lo[0] = i;
    if (i > hi[0]) hi[0] = i;
    if (j < lo[1]) lo[1] = j;
    if (j > hi[1]) hi[1] = j;
    if (k < lo[2]) lo[2] = k;
    if (k > hi[2]) hi[2] = k;
  }
  return { lo, hi };
}

/**
 * Counts per lesion (in the worker, for the readers that changed), the largest lesion,
 * and the current lesion's statistics over the decoded phases (from its voxel list).
 */
async function refresh(): Promise<void> {
  if (refreshing) {
    refreshAgain = true;
    return;
  }
  refreshing = true;
  try {
    const { seriesKey, active, reader } = lesionStore.get();
    if (!seriesKey) return;
    const entry = getSeries(seriesKey);
    const refId = referenceVolumeId(seriesKey);
    const ref = refId ? getVolume(refId) : undefined;
    if (!entry || !ref) return;
    let indices: Uint32Array | null = null;
    const current = activeVoxels;
    const needIndices = dirty.has(reader) || !current || current.seriesKey !== seriesKey || current.reader !== reader || current.lesion !== active;
    if (needIndices) dirty.add(reader);
    for (const r of [1, 2] as Reader[]) {
      if (!dirty.has(r)) continue;
      dirty.delete(r);
      const labels = hasRoi(seriesKey, r) ? readLabels(segId(seriesKey, r)) : null;
      if (!labels) {
        readerCounts[r] = [];
        continue;
      }
      const summary = await roiWorker().summarize(give(labels), r === reader ? active : 0);
      readerCounts[r] = summary.counts;
      if (r === reader) indices = summary.indices;
    }
    if (lesionStore.get().seriesKey !== seriesKey) return;
    indices ??= current?.indices ?? new Uint32Array(0);
    const counts: Record<Reader, number[]> = { 1: readerCounts[1], 2: readerCounts[2] };
    const { lesions } = lesionStore.get();
    const byLesion = (r: Reader) => lesions.map((l) => counts[r][l.index] ?? 0);
    let largestAt = largestLesion(byLesion(1));
    if (largestAt < 0) largestAt = largestLesion(byLesion(2));
    const [sx, sy, sz] = ref.volume.spacing;
    const phaseNumbers: number[] = [];
    const phases = entry.phaseOrder.map((raw, p) => {
      const v = getVolume(phaseVolumeId(seriesKey, raw));
      if (v) phaseNumbers.push(p);
      return v ? v.volume.data : null;
    });
    const idx = indices;
    const phaseStats = phases
      .filter((d): d is NonNullable<typeof d> => d !== null)
      .map((data) => phaseStatistics(data, idx));
    const revision = lesionStore.get().revision + 1;
    activeVoxels = { seriesKey, reader, lesion: active, revision, indices: idx, box: boxOf(idx, ref.volume.size) };
    lesionStore.set({
      counts,
      largest: largestAt >= 0 ? lesions[largestAt].index : null,
      stats: {
        label: active,
        voxelCount: counts[reader][active] ?? 0,
        volumeMl: ((counts[reader][active] ?? 0) * sx * sy * sz) / 1000,
        phases: phaseStats,
        phaseNumbers,
      },
      revision,
    });
    setShownRoiVoxels(seriesKey, reader, counts[reader].reduce((a, b, v) => a + (v > 0 ? b : 0), 0));
    scheduleSave();
  } finally {
    refreshing = false;
    if (refreshAgain) {
      refreshAgain = false;
      scheduleRefresh(0);
    }
  }
}

// ---- interpolation and freehand fill -----------------------------------------------

/** Fills the slices between the drawn slices of the active lesion (along `axis`, k by default). */
export async function interpolateActiveLesion(axis: Axis = 2): Promise<number> {
  const { seriesKey, reader, active } = lesionStore.get();
  if (!seriesKey) return 0;
  const id = segId(seriesKey, reader);
  const labels = readLabels(id);
  if (!labels) return 0;
  const geometry = await roiGeometry(seriesKey);
  lesionStore.set({ busy: 'Interpolating between slices...' });
  try {
    const { labels: filled, result } = await roiWorker().interpolate(give(labels), geometry, active, axis);
    if (result.keySlices.length < 2) {
      addRoiMessage('info', `Interpolation: lesion ${active} is drawn on ${result.keySlices.length} slice(s); draw it on at least two slices first.`);
      return 0;
    }
    replaceLabels(id, filled, `Interpolate lesion ${active}`);
    addRoiMessage(
      'info',
      `Interpolation filled ${result.addedVoxels} voxels on ${result.filledSlices.length} slice(s) between the ${result.keySlices.length} drawn slices.`,
    );
    return result.addedVoxels;
  } catch (e) {
    addRoiMessage('error', `Interpolation failed: ${(e as Error).message}`);
    return 0;
  } finally {
    lesionStore.set({ busy: null });
  }
}

function onContour(points: number[]): void {
  const { seriesKey, reader, active } = lesionStore.get();
  if (!seriesKey) return;
  const refId = referenceVolumeId(seriesKey);
  const ref = refId ? getVolume(refId) : undefined;
  const id = segId(seriesKey, reader);
  const labels = readLabels(id);
  if (!ref || !labels) return;
  const fill = fillPolygon(labels, ref.volume, points, active);
  if (!fill || fill.added === 0) return;
  const after = new Uint8Array(fill.indices.length).fill(active);
  applyEdit(id, fill.indices, fill.previous, after, `Freehand fill of lesion ${active}`);
}

// ---- import / export ---------------------------------------------------------------

/**
 * Puts imported segments into the current reader, as one undoable step (lesion list
 * included), numbered by ./lesionNumbers.ts: into a reader with no voxel each segment
 * keeps its label value; into one with voxels a single segment replaces the lesion being
 * edited, several become new lesions. Returns what was done, for the user.
 */
function addImported(seriesKey: string, imported: MaskImport): string {
  const { reader, lesions, active } = lesionStore.get();
  const id = segId(seriesKey, reader);
  const labels = readLabels(id);
  if (!labels) return '';
  const present = labelsPresent(labels);
  const plan = planImport(
    imported.segments.map((s) => s.value),
    present.length === 0,
    active,
    [...lesions.map((l) => l.index), ...present],
  );
  if (plan.numbers.includes(null)) addRoiMessage('warning', `${imported.source}: more than ${MAX_LESION} lesions; the rest were left out`);
  if (plan.mode === 'active') for (let i = 0; i < labels.length; i++) if (labels[i] === active) labels[i] = 0;
  const list = [...lesions];
  let first: number | null = null;
  imported.segments.forEach((seg, n) => {
    const k = plan.numbers[n];
    if (k === null) return;
    first ??= k;
    if (!list.some((l) => l.index === k)) {
      const base = defaultLesion(k);
      list.push({ ...base, name: seg.name || base.name, color: seg.color ?? base.color });
    }
    const mask = seg.mask;
    for (let i = 0; i < labels.length; i++) if (mask[i]) labels[i] = k;
  });
  list.sort((a, b) => a.index - b.index);
  const before = { lesions, active };
  const after = { lesions: list, active: first ?? active };
  lesionStore.set(after);
  const edit = labelDiff(id, labels, `Import ${imported.source}`);
  applyEdits(edit ? [edit] : [], `Import ${imported.source}`, (isUndo) => {
    const s = isUndo ? before : after;
    restoreLesionList(seriesKey, s.lesions, s.active);
  });
  applyAppearance();
  const numbers = plan.numbers.filter((k): k is number => k !== null);
  if (plan.mode === 'active') return `replaced lesion ${active} of Reader ${reader}`;
  return `${plan.mode === 'keep' ? 'as' : 'added as'} lesion${numbers.length === 1 ? '' : 's'} ${numbers.join(', ')} of Reader ${reader}`;
}

/** Imports mask files (NRRD, NIfTI, DICOM SEG, RTSTRUCT) onto the study on screen. */
export async function importMaskFiles(files: File[]): Promise<void> {
  const seriesKey = lesionStore.get().seriesKey ?? viewerStore.get().seriesKey;
  if (!seriesKey) {
    addRoiMessage('error', 'Open a study before importing a mask.');
    return;
  }
  const entry = getSeries(seriesKey)!;
  const geometry = await roiGeometry(seriesKey);
  await ensureReader(seriesKey, lesionStore.get().reader);
  for (const file of files) {
    lesionStore.set({ busy: `Importing ${file.name}...` });
    try {
      const bytes = await file.arrayBuffer();
      const phase0 = entry.item.phases[entry.phaseOrder[0]];
      const result = await roiWorker().importMask(Comlink.transfer(bytes, [bytes]), file.name, geometry, {
        frameOfReferenceUID: entry.item.frameOfReferenceUID || undefined,
        sliceSopInstanceUIDs: phase0.frames.map((f) => f.sopInstanceUID),
        target: { studyInstanceUID: entry.item.studyInstanceUID || undefined, patientId: entry.item.patientId || undefined },
      });
      for (const w of result.warnings) addRoiMessage('warning', w);
      const done = addImported(seriesKey, result);
      const counts = result.segments.map((s) => `${s.name}: ${s.voxelCount} voxels`).join(', ');
      addRoiMessage('info', `${file.name}: ${result.placement === 'exact' ? 'placed on the image grid' : 'resampled onto the image grid'} (${counts}), ${done}.`);
    } catch (e) {
      addRoiMessage('error', (e as Error).message);
    } finally {
      lesionStore.set({ busy: null });
    }
  }
  scheduleRefresh(0);
}

/** One source file's bytes, read again from the file the import holds. */
async function sourceFile(importId: string, name: string): Promise<{ name: string; bytes: ArrayBuffer }> {
  const bytes = await sourceFileBytes(importId, name);
  return { name, bytes };
}

/** Rasterises an RTSTRUCT attached to the series (every ROI becomes a lesion), or loads an attached SEG. */
export async function rasteriseRtStruct(source: string): Promise<void> {
  const seriesKey = lesionStore.get().seriesKey;
  if (!seriesKey) return;
  const entry = getSeries(seriesKey)!;
  try {
    const file = await sourceFile(entry.importId, source);
    await importMaskFiles([new File([file.bytes], source.slice(source.lastIndexOf('/') + 1) || source)]);
  } catch (e) {
    addRoiMessage('error', `${source}: ${(e as Error).message}`);
  }
}

export type ExportFormat = 'seg' | 'nrrd' | 'nifti';

/** The current reader's label map as a file (SEG referencing `phase`'s images). */
export async function exportRois(format: ExportFormat, phase = 0): Promise<{ name: string; bytes: Uint8Array } | null> {
  const { seriesKey, reader, lesions } = lesionStore.get();
  if (!seriesKey) return null;
  const entry = getSeries(seriesKey)!;
  const labels = readLabels(segId(seriesKey, reader));
  if (!labels) return null;
  const geometry = await roiGeometry(seriesKey);
  const base = `${(entry.item.patientId || 'study').replace(/[^A-Za-z0-9._-]+/g, '_')}-reader${reader}`;
  lesionStore.set({ busy: `Exporting ${format.toUpperCase()}...` });
  try {
    if (format === 'nrrd') return { name: `${base}.nrrd`, bytes: await roiWorker().exportNrrd(give(labels), geometry) };
    if (format === 'nifti') return { name: `${base}.nii.gz`, bytes: await roiWorker().exportNifti(give(labels), geometry) };
    const rawPhase = entry.phaseOrder[Math.min(phase, entry.phaseOrder.length - 1)];
    const phaseInfo = entry.item.phases[rawPhase];
    const header = await sourceFile(entry.importId, phaseInfo.frames[0].source);
    // the labels in the label map now (not as of the last statistics: a lesion painted
    // just before Export is in), each named by its lesion row, or "Lesion k" without one
    const segments = segmentsToExport(labelsPresent(labels), lesions).map((l) => ({ ...l, description: `Reader ${reader}` }));
    const bytes = await roiWorker().exportSeg(give(labels), geometry, header, phaseInfo, segments, {
      seriesDescription: `Lesion ROI reader ${reader} (HER2 workstation)`,
      contentCreatorName: `Reader^${reader}`,
    });
    return { name: `${base}-seg.dcm`, bytes };
  } catch (e) {
    addRoiMessage('error', `Export ${format.toUpperCase()}: ${(e as Error).message}`);
    return null;
  } finally {
    lesionStore.set({ busy: null });
  }
}

// ---- autosave ---------------------------------------------------------------------

interface SaveTarget {
  seriesKey: string;
  lesions: LesionInfo[];
}

function currentSaveTarget(): SaveTarget | null {
  const { seriesKey, lesions } = lesionStore.get();
  return seriesKey ? { seriesKey, lesions } : null;
}

/** Each series' lesion list as last shown, to save an edit that lands after a switch of series. */
const lesionsBySeries = new Map<string, LesionInfo[]>();

let saveTimer: ReturnType<typeof setTimeout> | null = null;
let editSerial = 0;

/** An edit happened: the autosave is behind until the next save. */
function markEdited(): void {
  editSerial++;
  if (!lesionStore.get().unsaved) lesionStore.set({ unsaved: true });
}

/**
 * Saves 800 ms after the last edit. The series and its lesion list are taken now: the user
 * may have switched to another series by the time the save runs.
 */
function scheduleSave(target: SaveTarget | null = currentSaveTarget()): void {
  if (!target) return;
  const { seriesKey, lesions } = target;
  if (saveTimer && pendingSave && pendingSave.seriesKey !== seriesKey) void saveNow(pendingSave); // the other series' edits first
  if (saveTimer) clearTimeout(saveTimer);
  pendingSave = { seriesKey, lesions };
  saveTimer = setTimeout(function fire() {
    if (isDrawing()) {
      saveTimer = setTimeout(fire, 800); // not in the middle of a stroke
      return;
    }
    saveTimer = null;
    const target = pendingSave;
    pendingSave = null;
    if (target) void saveNow(target);
  }, 800);
}

let pendingSave: SaveTarget | null = null;

/** Saves every reader's label map of a series (by default the one on screen). */
export async function saveNow(target: SaveTarget | null = currentSaveTarget()): Promise<void> {
  if (!target) return;
  const { seriesKey, lesions } = target;
  const entry = getSeries(seriesKey);
  if (!entry) return;
  const serialAtStart = editSerial;
  // Both readers' label maps are read now, before anything is awaited (the series may be
  // released meanwhile: ../import/studyService.ts); their own grid gives the size.
  const masks: { reader: Reader; data: Uint8Array }[] = [];
  let size: Geometry['size'] | null = null;
  for (const r of [1, 2] as Reader[]) {
    const mask = hasRoi(seriesKey, r) ? getRoiMask(seriesKey, r) : null;
    if (!mask) continue;
    size = mask.size;
    masks.push({ reader: r, data: mask.data });
  }
  const readers: { reader: Reader; packed: Uint8Array }[] = [];
  for (const m of masks) readers.push({ reader: m.reader, packed: await roiWorker().pack(give(m.data)) });
  if (!size || readers.length === 0) return;
  const savedAt = Date.now();
  try {
    const { opacity, outline } = lesionStore.get();
    await saveRois({ key: autosaveKey(entry.item.seriesInstanceUIDs), size, lesions, readers, savedAt, style: { opacity, outline } });
    if (lesionStore.get().seriesKey === seriesKey) lesionStore.set({ savedAt, unsaved: editSerial !== serialAtStart });
  } catch (e) {
    addRoiMessage('error', `The ROIs could not be saved in this browser: ${(e as Error).message}`);
  }
}

/** Whether ROIs were autosaved for a series. */
export async function hasSavedRois(seriesKey: string): Promise<boolean> {
  const entry = getSeries(seriesKey);
  return !!entry && !!(await loadRois(autosaveKey(entry.item.seriesInstanceUIDs)));
}

/**
 * Puts a series' autosaved ROIs back (after a reload). Returns false when nothing was
 * saved for it (the caller may then load, e.g., the demo's ground-truth mask).
 */
export async function restoreSavedRois(seriesKey: string): Promise<boolean> {
  const entry = getSeries(seriesKey);
  if (!entry) return false;
  const saved = await loadRois(autosaveKey(entry.item.seriesInstanceUIDs));
  if (!saved) return false;
  const reg = await loadPhase(seriesKey, 0);
  const n = reg.volume.data.length;
  if (saved.size.join('x') !== reg.volume.size.join('x')) {
    addRoiMessage('warning', `The ROIs saved for this series were made on a ${saved.size.join('x')} grid, not ${reg.volume.size.join('x')}: not restored.`);
    return false;
  }
  for (const { reader, packed } of saved.readers) {
    const labels = await roiWorker().unpack(packed, n);
    await setRoiMask(seriesKey, reg.volumeId, { ...geometryOf(reg.volume), data: labels }, reader, `Reader ${reader}`);
  }
  if (lesionStore.get().seriesKey === seriesKey) {
    lesionStore.set({ lesions: saved.lesions, savedAt: saved.savedAt, ...savedStyle(saved) });
    applyAppearance();
  }
  return true;
}

// ---- wiring -----------------------------------------------------------------------

let started = false;

/** Follows the series on screen and the edits (called once at start-up). */
export function startLesionService(): void {
  if (started) return;
  started = true;
  let lastKey: string | null = null;
  let lastRender = -1;
  let lastTool = viewerStore.get().tool;
  viewerStore.subscribe(() => {
    const { seriesKey, renderCount, attached, tool } = viewerStore.get();
    if (attached) installRoiTools();
    if (tool !== lastTool) {
      lastTool = tool;
      applyEraserLocks();
    }
    if (seriesKey !== lastKey) {
      lastKey = seriesKey;
      keepHistoryFor(null); // another series: the last one's undo steps are forgotten
      if (!seriesKey) lesionStore.set({ seriesKey: null, stats: null, counts: { 1: [], 2: [] }, largest: null });
    }
    if (seriesKey && renderCount !== lastRender && referenceVolumeId(seriesKey) && getVolume(referenceVolumeId(seriesKey)!)) {
      lastRender = renderCount;
      if (lesionStore.get().seriesKey !== seriesKey || !hasRoi(seriesKey, lesionStore.get().reader)) void attach(seriesKey);
    }
  });
  lesionStore.subscribe(() => {
    const { seriesKey, lesions } = lesionStore.get();
    if (seriesKey) lesionsBySeries.set(seriesKey, lesions);
  });
  // a series about to be released from memory: its pending edits are saved first
  onBeforeSeriesRelease((key) => {
    if (pendingSave?.seriesKey !== key) return;
    const target = pendingSave;
    pendingSave = null;
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = null;
    void saveNow(target);
  });
  onRoiChange((key, reader) => {
    if (key === lesionStore.get().seriesKey) {
      dirty.add(reader);
      markEdited();
      applyAppearance();
      scheduleRefresh();
      // saved from here, not only after the statistics: if the user switches series before
      // they are refreshed, the refresh gives up, and the edit must still be saved for its series
      scheduleSave();
    } else if (lesionsBySeries.has(key)) {
      // an edit that reached us after the user switched to another series (edits are told
      // 100 ms late): saved for its own series, with that series' lesions
      scheduleSave({ seriesKey: key, lesions: lesionsBySeries.get(key)! });
    }
  });
  // Phases decoded in the background: the statistics gain their columns.
  let loaded = '';
  appStore.subscribe(() => {
    const key = lesionStore.get().seriesKey;
    const e = key ? getSeries(key) : undefined;
    const now = e ? e.loadedPhases.join(',') : '';
    if (now !== loaded) {
      loaded = now;
      if (key) scheduleRefresh(50);
    }
  });
  onHistory((h) => lesionStore.set(h));
  onDrawingEnd(() => {
    if (afterStroke) {
      afterStroke = false;
      scheduleRefresh(50);
    }
  });
  onFreehandContour((points) => onContour(points));
}
