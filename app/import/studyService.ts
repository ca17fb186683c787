/**
 * The DICOM service: imports files (picker, folder, drop, persisted copies, the demo) through
 * the DICOM worker, keeps the series list, decodes phases on demand and persists studies.
 *
 * For other panels (Lesion/TIC, Features, Cohort):
 * - `getPhaseVolume(seriesKey, phase)` -> our Volume of display phase `phase` (0 = pre),
 *   as the user arranged the phases; `getPhaseVolumes(seriesKey)` -> all of them.
 * - `getPhaseTimes(seriesKey)` -> acquisition time per display phase (s since midnight).
 * - `appStore` holds the list (`series`, `studies`, `selectedSeriesKey`).
 */
import * as Comlink from 'comlink';
import type { ImportResult, SeriesItem } from '../../workers/io/dicom/types.ts';
import type { Volume } from '../../workers/io/volume.ts';
import type { PhaseResult } from '../../workers/io/dicom.worker.ts';
import type { FileScan } from '../../workers/io/dicom/scan.ts';
import {
  addErrors,
  appStore,
  getSeries,
  startJob,
  updateSeries,
  type SeriesEntry,
  type StudyEntry,
} from '../store/appStore.ts';
import { getVolume, registeredBytes, registerVolume, releaseVolumes, type RegisteredVolume } from '../viewer/viewerService.ts';
import { dicomWorkers, onDicomWorker } from './dicomWorker.ts';
import { withUniqueNames, type NamedBlob } from './fileSources.ts';
import * as persistence from './persistence.ts';

export interface ImportOptions {
  /** keep a copy in OPFS (default true; false when reopening a persisted copy) */
  persist?: boolean;
  demo?: boolean;
  /** reuse this study key (a persisted study being reopened) */
  studyKey?: string;
  /** extra files saved with the study (e.g. the demo's mask.nrrd) */
  extras?: { name: string; data: ArrayBuffer }[];
  /** select the first new series (default true) */
  select?: boolean;
}

let importCounter = 0;
function newKey(prefix: string): string {
  const rand = Math.random().toString(36).slice(2, 8);
  return `${prefix}${Date.now().toString(36)}${rand}${importCounter++}`;
}

/** Each open import's files by name (the workers read them when a phase is decoded). */
const importedFiles = new Map<string, Map<string, Blob>>();

/** The files of phase `rawPhase` of a series, for a worker to read. */
function phaseFiles(entry: SeriesEntry, rawPhase: number): NamedBlob[] {
  const files = importedFiles.get(entry.importId);
  const phase = entry.item.phases[rawPhase];
  if (!files || !phase) throw new Error(`${entry.item.seriesDescription || entry.key}: its files are no longer open`);
  const names = [...new Set(phase.frames.map((f) => f.source))];
  return names.map((name) => {
    const blob = files.get(name);
    if (!blob) throw new Error(`${name}: not part of this import`);
    return { name, blob };
  });
}

/** One source file's bytes (e.g. the image whose header a DICOM SEG export copies). */
export async function sourceFileBytes(importId: string, name: string): Promise<ArrayBuffer> {
  const blob = importedFiles.get(importId)?.get(name);
  if (!blob) throw new Error(`${name}: not part of an open import`);
  return blob.arrayBuffer();
}

/**
 * Every file's header, read by both workers (each takes a contiguous part of the files),
 * then grouped in the files' order; progress summed over the parts.
 */
async function scanFiles(files: NamedBlob[], onProgress: (done: number, total: number) => void): Promise<ImportResult> {
  const workers = dicomWorkers();
  const size = Math.ceil(files.length / workers.length);
  const done = new Array<number>(workers.length).fill(0);
  const scans: FileScan[][] = await Promise.all(
    workers.map((w, i) =>
      w.readHeaders(
        files.slice(i * size, (i + 1) * size),
        Comlink.proxy((d: number) => {
          done[i] = d;
          onProgress(done.reduce((a, b) => a + b, 0), files.length);
        }),
      ),
    ),
  );
  return workers[0].group(scans.flat());
}

/** Listeners told when a series entry is added (e.g. the viewer selects it). */
type ImportListener = (entries: SeriesEntry[], options: ImportOptions) => void;
const importListeners = new Set<ImportListener>();
export function onImported(l: ImportListener): () => void {
  importListeners.add(l);
  return () => importListeners.delete(l);
}

/**
 * Imports files: parse and group in the worker, list the series, report every problem
 * (naming the file), then persist each study. Never throws for bad files.
 */
export async function importFiles(chosen: NamedBlob[], options: ImportOptions = {}): Promise<SeriesEntry[]> {
  if (chosen.length === 0) return [];
  const files = withUniqueNames(chosen);
  const importId = newKey('imp');
  let cancelled = false;
  const job = startJob(`Reading ${files.length} file${files.length === 1 ? '' : 's'}`, files.length, () => {
    cancelled = true;
  });
  let result: ImportResult;
  try {
    result = await scanFiles(files, (done, total) => job.progress(done, total));
  } catch (e) {
    addErrors([{ file: files.length === 1 ? files[0].name : `${files.length} files`, message: String((e as Error).message ?? e) }]);
    return [];
  } finally {
    job.finish();
  }
  if (cancelled) return [];
  performance.mark('her2:files-scanned', { detail: { files: files.length, series: result.series.length } });
  addErrors(result.errors.map((e) => ({ file: e.file, message: e.message })));
  for (const item of result.series) {
    for (const w of item.warnings) addErrors([{ file: seriesName(item), message: w }]);
  }
  if (result.series.length === 0) return [];
  importedFiles.set(importId, new Map(files.map((f) => [f.name, f.blob])));

  // One study entry per StudyInstanceUID of this import.
  const byStudy = new Map<string, SeriesItem[]>();
  for (const item of result.series) {
    const list = byStudy.get(item.studyInstanceUID) ?? [];
    list.push(item);
    byStudy.set(item.studyInstanceUID, list);
  }
  const studies: StudyEntry[] = [];
  const entries: SeriesEntry[] = [];
  for (const [uid, items] of byStudy) {
    const first = items[0];
    const key = options.studyKey && byStudy.size === 1 ? options.studyKey : newKey('st');
    studies.push({
      key,
      studyInstanceUID: uid,
      patientName: first.patientName,
      patientId: first.patientId,
      description: first.studyDescription,
      date: first.studyDate,
      persisted: !!options.studyKey,
      demo: !!options.demo,
    });
    for (const item of items) {
      entries.push({
        key: `${key}/${item.id}`,
        studyKey: key,
        importId,
        item,
        phaseOrder: item.phases.map((_, i) => i),
        excluded: [],
        loadedPhases: [],
      });
    }
  }
  appStore.set((s) => ({ studies: [...s.studies, ...studies], series: [...s.series, ...entries] }));
  for (const l of importListeners) l(entries, options);

  if (options.persist !== false && persistence.persistenceAvailable()) {
    void persistStudies(studies, byStudy, files, options);
  }
  return entries;
}

function seriesName(item: SeriesItem): string {
  return `series ${item.seriesNumber} "${item.seriesDescription || item.id}"`;
}

/** Files that make up a series item: its frames' files and its annotations' files. */
function sourcesOf(items: SeriesItem[]): Set<string> {
  const names = new Set<string>();
  for (const item of items) {
    for (const p of item.phases) for (const f of p.frames) names.add(f.source);
    for (const a of item.annotations) names.add(a.source);
  }
  return names;
}

async function persistStudies(
  studies: StudyEntry[],
  byStudy: Map<string, SeriesItem[]>,
  files: NamedBlob[],
  options: ImportOptions,
): Promise<void> {
  // Let the first phase render first: saving competes for the disk and the CPU.
  await whenIdle();
  for (const study of studies) {
    if (forgotten.has(study.key)) continue;
    const names = sourcesOf(byStudy.get(study.studyInstanceUID) ?? []);
    const chosen = files.filter((f) => names.has(f.name));
    const job = startJob(`Saving study in the browser (${chosen.length} files)`, chosen.length);
    let resolveSave!: () => void;
    savesInProgress.set(study.key, new Promise<void>((r) => (resolveSave = r)));
    try {
      await persistence.saveStudy(
        {
          key: study.key,
          studyInstanceUID: study.studyInstanceUID,
          patientName: study.patientName,
          patientId: study.patientId,
          description: study.description,
          date: study.date,
          demo: study.demo,
        },
        chosen,
        options.extras ?? [],
        (done, total) => job.progress(done, total),
        () => forgotten.has(study.key),
      );
      appStore.set((s) => ({ studies: s.studies.map((x) => (x.key === study.key ? { ...x, persisted: true } : x)) }));
    } catch (e) {
      if (e instanceof persistence.SaveCancelled) continue;
      addErrors([{ file: study.description || study.studyInstanceUID, message: `could not be saved in the browser: ${(e as Error).message}` }]);
    } finally {
      job.finish();
      resolveSave();
      savesInProgress.delete(study.key);
    }
  }
}

/** Studies forgotten during this session (a save in progress stops for them). */
const forgotten = new Set<string>();
const savesInProgress = new Map<string, Promise<void>>();

let busyCount = 0;
const idleWaiters: (() => void)[] = [];
/**
 * Marks loading work in progress (decoding, showing a series and loading its phases):
 * saving a study to the browser's storage waits for it, not to compete for the disk and
 * the two cores.
 */
export function busy<T>(p: Promise<T>): Promise<T> {
  busyCount++;
  return p.finally(() => {
    busyCount--;
    if (busyCount === 0) while (idleWaiters.length) idleWaiters.shift()!();
  });
}
function whenIdle(): Promise<void> {
  return busyCount === 0 ? Promise.resolve() : new Promise((r) => idleWaiters.push(r));
}

/** Reopens every study saved in OPFS (no file dialog). Returns how many were found. */
export async function restorePersisted(): Promise<number> {
  const saved = await persistence.listStudies();
  for (const study of saved) {
    try {
      const files = await persistence.loadStudyFiles(study);
      const extras: { name: string; data: ArrayBuffer }[] = [];
      for (const name of study.extras) {
        const data = await persistence.readExtra(study.key, name);
        if (data) extras.push({ name, data });
      }
      await importFiles(files, {
        persist: false,
        demo: study.demo,
        studyKey: study.key,
        extras,
        select: !appStore.get().selectedSeriesKey,
      });
    } catch (e) {
      addErrors([{ file: study.description || study.key, message: `could not be reopened: ${(e as Error).message}` }]);
    }
  }
  return saved.length;
}

/** Removes a study from the list and from the browser's storage. */
export async function forgetStudy(studyKey: string): Promise<void> {
  const study = appStore.get().studies.find((s) => s.key === studyKey);
  const gone = appStore.get().series.filter((e) => e.studyKey === studyKey);
  appStore.set((s) => ({
    studies: s.studies.filter((x) => x.key !== studyKey),
    series: s.series.filter((e) => e.studyKey !== studyKey),
    selectedSeriesKey: gone.some((e) => e.key === s.selectedSeriesKey) ? null : s.selectedSeriesKey,
  }));
  for (const l of forgetListeners) l(studyKey, gone);
  for (const e of gone) releaseVolumes(`ph:${e.key}:`);
  const imports = new Set(gone.map((e) => e.importId));
  const stillUsed = new Set(appStore.get().series.map((e) => e.importId));
  for (const id of imports) if (!stillUsed.has(id)) importedFiles.delete(id);
  if (study?.demo) persistence.setDemoDismissed(true);
  forgotten.add(studyKey);
  await savesInProgress.get(studyKey);
  await persistence.forgetStudy(studyKey);
}

type ForgetListener = (studyKey: string, series: SeriesEntry[]) => void;
const forgetListeners = new Set<ForgetListener>();
export function onForgotten(l: ForgetListener): () => void {
  forgetListeners.add(l);
  return () => forgetListeners.delete(l);
}

// ---- memory ------------------------------------------------------------------------
// A study's decoded phases stay in memory while it is on screen and after, so switching
// back is instant; but a reader going through a cohort opens study after study (seven
// phases of 384 x 384 x 88 are about 180 MB, more with subtractions). Once the series not
// on screen hold more than the budget, the least recently shown are released; shown
// again, they are decoded again from the stored files. Their ROIs stay (label maps are
// kept apart from the image volumes).

const DEFAULT_IDLE_BUDGET_MB = 1024;

/** The budget for series not on screen, in bytes (`?memoryMB=N` in the address overrides it). */
function idleBudgetBytes(): number {
  const mb = Number(new URLSearchParams(globalThis.location?.search ?? '').get('memoryMB'));
  return (mb > 0 ? mb : DEFAULT_IDLE_BUDGET_MB) * 2 ** 20;
}

const shownAt = new Map<string, number>();
let shownSerial = 0;

const beforeRelease = new Set<(seriesKey: string) => void>();
/** `listener` is told (synchronously) before a series' volumes are released, e.g. to save its edits. */
export function onBeforeSeriesRelease(listener: (seriesKey: string) => void): () => void {
  beforeRelease.add(listener);
  return () => beforeRelease.delete(listener);
}

/** `current` is on screen: releases the other series' volumes, least recently shown first, beyond the budget. */
export function releaseIdleSeries(current: string): void {
  shownAt.set(current, ++shownSerial);
  const inFlight = [...loading.keys()];
  const idle = appStore
    .get()
    .series.filter((e) => e.key !== current && !inFlight.some((id) => id.startsWith(`ph:${e.key}:`)))
    .map((e) => ({ key: e.key, bytes: registeredBytes(`ph:${e.key}:`) + registeredBytes(`sub:${e.key}:`) }))
    .filter((x) => x.bytes > 0)
    .sort((a, b) => (shownAt.get(a.key) ?? 0) - (shownAt.get(b.key) ?? 0));
  let total = idle.reduce((sum, x) => sum + x.bytes, 0);
  const budget = idleBudgetBytes();
  for (const x of idle) {
    if (total <= budget) break;
    for (const l of beforeRelease) l(x.key);
    releaseVolumes(`ph:${x.key}:`);
    releaseVolumes(`sub:${x.key}:`);
    updateSeries(x.key, { loadedPhases: [] });
    total -= x.bytes;
  }
}

// ---- phases --------------------------------------------------------------------------

export function phaseVolumeId(seriesKey: string, rawPhase: number): string {
  return `ph:${seriesKey}:${rawPhase}`;
}

const loading = new Map<string, Promise<RegisteredVolume>>();

/** Decodes (once) phase `rawPhase` of the importer's numbering and registers it for display. */
export function loadRawPhase(seriesKey: string, rawPhase: number): Promise<RegisteredVolume> {
  const id = phaseVolumeId(seriesKey, rawPhase);
  const ready = getVolume(id);
  if (ready) return Promise.resolve(ready);
  let p = loading.get(id);
  if (p) return p;
  const entry = getSeries(seriesKey);
  if (!entry) return Promise.reject(new Error(`series ${seriesKey} is not open`));
  p = busy(
    (async () => {
      const withThumbnail = !entry.thumbnail;
      const files = phaseFiles(entry, rawPhase);
      const result: PhaseResult = await onDicomWorker((w) => w.decodePhase(entry.item, rawPhase, files, withThumbnail));
      performance.mark('her2:phase-decoded', { detail: { seriesKey, rawPhase } });
      const item = entry.item;
      const label = item.phases.length > 1 ? `phase ${displayIndexOf(entry, rawPhase)}` : item.seriesDescription || 'image';
      const reg = registerVolume(
        id,
        result.volume,
        {
          frameOfReferenceUID: item.frameOfReferenceUID || `her2-for-${seriesKey}`,
          modality: item.modality || 'MR',
          seriesInstanceUID: item.seriesInstanceUIDs[0],
        },
        label,
        result.sliceRanges,
      );
      performance.mark('her2:phase-registered', { detail: { seriesKey, rawPhase } });
      updateSeries(seriesKey, (e) => ({
        loadedPhases: e.loadedPhases.includes(rawPhase) ? e.loadedPhases : [...e.loadedPhases, rawPhase],
        ...(result.thumbnail && !e.thumbnail ? { thumbnail: result.thumbnail } : {}),
      }));
      return reg;
    })(),
  ).finally(() => loading.delete(id));
  loading.set(id, p);
  return p;
}

function displayIndexOf(entry: SeriesEntry, rawPhase: number): number {
  const i = entry.phaseOrder.indexOf(rawPhase);
  return i < 0 ? rawPhase : i;
}

/** Raw (importer) index of display phase `phase`. */
export function rawPhaseOf(seriesKey: string, phase: number): number {
  const entry = getSeries(seriesKey);
  if (!entry) throw new Error(`series ${seriesKey} is not open`);
  const raw = entry.phaseOrder[phase];
  if (raw === undefined) throw new Error(`${seriesKey} has no phase ${phase} (it has ${entry.phaseOrder.length})`);
  return raw;
}

/** Display phase `phase` (0 = pre-contrast) as registered for the viewer. */
export function loadPhase(seriesKey: string, phase: number): Promise<RegisteredVolume> {
  return loadRawPhase(seriesKey, rawPhaseOf(seriesKey, phase));
}

/** Our Volume of display phase `phase` (shared memory: read, do not modify). */
export async function getPhaseVolume(seriesKey: string, phase: number): Promise<Volume> {
  return (await loadPhase(seriesKey, phase)).volume;
}

/**
 * Display phase `phase` for a computation that does not show it (the cohort's batch
 * extraction): the viewer's volume when it has one (shared: read, do not modify), else
 * decoded for this use only and not kept, so a cohort of imported studies does not hold
 * every patient's phase in memory. `shared` says which.
 */
export async function readPhaseVolume(seriesKey: string, phase: number): Promise<{ volume: Volume; shared: boolean }> {
  const raw = rawPhaseOf(seriesKey, phase);
  const id = phaseVolumeId(seriesKey, raw);
  const ready = getVolume(id) ?? (await loading.get(id));
  if (ready) return { volume: ready.volume, shared: true };
  const entry = getSeries(seriesKey);
  if (!entry) throw new Error(`series ${seriesKey} is not open`);
  const result: PhaseResult = await busy(onDicomWorker((w) => w.decodePhase(entry.item, raw, phaseFiles(entry, raw), false)));
  return { volume: result.volume, shared: false };
}

/** All display phases, in the user's order (excluded phases left out). */
export async function getPhaseVolumes(seriesKey: string): Promise<Volume[]> {
  const entry = getSeries(seriesKey);
  if (!entry) throw new Error(`series ${seriesKey} is not open`);
  const out: Volume[] = [];
  for (let p = 0; p < entry.phaseOrder.length; p++) out.push(await getPhaseVolume(seriesKey, p));
  return out;
}

/** Acquisition time (s since midnight) of each display phase, when the files give it. */
export function getPhaseTimes(seriesKey: string): (number | undefined)[] {
  const entry = getSeries(seriesKey);
  if (!entry) return [];
  return entry.phaseOrder.map((raw) => entry.item.phases[raw].time);
}

/** Phases asked of the worker ahead of the one being registered (it decodes one at a time). */
const PHASES_IN_FLIGHT = 2;

/**
 * Decodes every phase of a series in the background, with a progress bar and cancel.
 * Two phases are asked at a time, so the worker decodes the next while this thread
 * registers the last; saving to the browser's storage waits until they are all in.
 */
export function loadAllPhases(seriesKey: string): Promise<void> {
  return busy(loadAllPhasesNow(seriesKey));
}

async function loadAllPhasesNow(seriesKey: string): Promise<void> {
  const entry = getSeries(seriesKey);
  if (!entry) return;
  const todo = entry.phaseOrder.filter((raw) => !entry.loadedPhases.includes(raw));
  if (todo.length === 0) return;
  let cancelled = false;
  const job = startJob(`Loading ${entry.phaseOrder.length} phases`, entry.phaseOrder.length, () => {
    cancelled = true;
  });
  const one = async (raw: number) => {
    try {
      await loadRawPhase(seriesKey, raw);
    } catch (e) {
      updateSeries(seriesKey, { error: `phase ${displayIndexOf(entry, raw)}: ${(e as Error).message}` });
    }
    job.progress(getSeries(seriesKey)?.loadedPhases.length ?? 0);
  };
  try {
    let next = 0;
    const lane = async () => {
      while (next < todo.length && !cancelled && getSeries(seriesKey)) await one(todo[next++]);
    };
    await Promise.all(Array.from({ length: Math.min(PHASES_IN_FLIGHT, todo.length) }, lane));
    if (!cancelled) performance.mark('her2:all-phases-loaded', { detail: { seriesKey, phases: entry.phaseOrder.length } });
  } finally {
    job.finish();
  }
}

/** Reorders and/or excludes phases; display numbering stays 0 (pre) .. N. */
export function arrangePhases(seriesKey: string, order: number[], excluded: number[]): void {
  updateSeries(seriesKey, { phaseOrder: order.filter((r) => !excluded.includes(r)), excluded });
}

/** The thumbnail of a series not yet displayed (decodes its first phase in the worker). */
const thumbnailsInFlight = new Set<string>();
export async function ensureThumbnail(seriesKey: string): Promise<void> {
  const entry = getSeries(seriesKey);
  if (!entry || entry.thumbnail || thumbnailsInFlight.has(seriesKey)) return;
  thumbnailsInFlight.add(seriesKey);
  try {
    const files = phaseFiles(entry, 0);
    const t = await busy(onDicomWorker((w) => w.thumbnail(entry.item, files)));
    updateSeries(seriesKey, { thumbnail: t });
  } catch (e) {
    updateSeries(seriesKey, { error: (e as Error).message });
  } finally {
    thumbnailsInFlight.delete(seriesKey);
  }
}
