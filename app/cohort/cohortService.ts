/**
 * The cohort service: the cohort (patients, clinical data, split), every patient's features,
 * batch extraction on the worker pool, and the exports. Everything is kept in IndexedDB
 * (./db.ts) as it changes: features are written as each patient finishes, and an unfinished
 * extraction is resumed after a reload (`initCohort`).
 *
 * Images: a demo patient is regenerated from the seed in the demo-cohort worker (phase image
 * read back from its DICOM, masks from NRRD: as `her2 cohort` reads `her2 demo`'s folders); a
 * patient from an imported study uses the study's phase volume and its ROI from the viewer.
 * The same run measures each patient's TIC type (docs/tic.md) from its phases and reader 1's
 * lesion: a demo patient's in the demo-cohort worker, an imported study's in the TIC worker
 * on its phases cropped to the lesion (each phase decoded and dropped in turn); a patient with
 * features but no measured TIC gets only the TIC. No statistic or feature is computed here:
 * workers do that.
 */
import * as Comlink from 'comlink';
import {
  applyClinical,
  buildTrainingData,
  cohortClinicalCsv,
  emptyCohort,
  generateSplit,
  needsTic,
  withMeasuredTic,
  withPatientTicSource,
  withTicSource,
  type Cohort,
  type CohortPatient,
  type PatientFeatures,
  type TicSource,
  type TicSourceChoice,
  type TrainingData,
} from '../../workers/cohort/cohort.ts';
import { maskBox, measuredTicOf, type MeasuredTic, type PatientTic } from '../../workers/cohort/measured-tic.ts';
import type { TicWorkerApi } from '../../workers/dce/tic.worker.ts';
import { readClinical, type ColumnMapping } from '../../workers/cohort/clinical-mapping.ts';
import type { DemoCohortWorkerApi } from '../../workers/cohort/demo-cohort.worker.ts';
import { demoSpec } from '../../workers/cohort/demo-cohort.ts';
import { keyCsv, replaceIds, studyCodes } from '../../workers/cohort/deidentify.ts';
import { parseWorkspace, serializeWorkspace, type StoredFeatures, type Workspace } from '../../workers/cohort/workspace.ts';
import { formatFeaturesCsv } from '../../workers/io/features-csv.ts';
import { cropVolume, geometryOf, type Volume } from '../../workers/io/volume.ts';
import { labelMask, largestLabel } from '../../workers/roi/components.ts';
import { createBrowserExtractionPool } from '../../workers/radiomics/pool/browser.ts';
import type { CohortCase, CohortInput } from '../../workers/radiomics/pool/pool.ts';
import { parseParams, type ExtractionParams } from '../../workers/radiomics/settings.ts';
import { getPhaseTimes, readPhaseVolume } from '../import/studyService.ts';
import { autosaveKey, loadRois } from '../lesion/roiAutosave.ts';
import { roiWorker } from '../lesion/roiWorker.ts';
import { appStore, startJob } from '../store/appStore.ts';
import { createStore } from '../store/createStore.ts';
import { getRoiMask } from '../viewer/roi.ts';
import * as store from './db.ts';
import { download } from './download.ts';
import { listSavedRois, restoreSavedRois } from './roiBridge.ts';

/** The study's parameter file, served from public/params. */
export const PARAMS_NAME = 'her2-dce-paper.yaml';

export interface ExtractionProgress {
  running: boolean;
  done: number;
  total: number;
  /** ms since epoch when this run started */
  startedAt: number;
  /** seconds left, from this run's pace (null before the first patient) */
  etaSeconds: number | null;
  failures: { id: string; message: string }[];
  resumed: boolean;
  /** of the patients, how many need features (and maybe the TIC), and how many the TIC */
  forFeatures: number;
  forTic: number;
}

export interface CohortState {
  ready: boolean;
  cohort: Cohort | null;
  features: Record<string, PatientFeatures>;
  extraction: ExtractionProgress | null;
  /** the last problem, naming the file, row, patient or setting */
  error: string | null;
  notice: string | null;
  /** a clinical CSV waiting for its column mapping to be confirmed */
  pendingClinical: { text: string; source: string; header: string[]; mapping: ColumnMapping } | null;
  busy: string | null;
}

export const cohortStore = createStore<CohortState>({
  ready: false,
  cohort: null,
  features: {},
  extraction: null,
  error: null,
  notice: null,
  pendingClinical: null,
  busy: null,
});

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

let demoWorker: Comlink.Remote<DemoCohortWorkerApi> | null = null;
function demo(): Comlink.Remote<DemoCohortWorkerApi> {
  demoWorker ??= Comlink.wrap<DemoCohortWorkerApi>(
    new Worker(new URL('../../workers/cohort/demo-cohort.worker.ts', import.meta.url), { type: 'module', name: 'demo-cohort' }),
  );
  return demoWorker;
}

function featuresMap(rows: StoredFeatures[]): Record<string, PatientFeatures> {
  const out: Record<string, PatientFeatures> = {};
  for (const f of rows) (out[f.patientId] ??= {})[f.reader] = f.row;
  return out;
}

async function setCohort(cohort: Cohort | null): Promise<void> {
  await store.saveCohort(cohort);
  cohortStore.set({ cohort });
}

let cohortSaves: Promise<void> = Promise.resolve();

/**
 * Changes the cohort at once in the store and saves it after the saves already asked for
 * (each save writes the cohort as it is then), so that results arriving together (measured
 * TICs during extraction) and the user's edits do not overwrite one another.
 */
function updateCohort(change: (c: Cohort) => Cohort): Promise<void> {
  const c = cohortStore.get().cohort;
  if (!c) return cohortSaves;
  cohortStore.set({ cohort: change(c) });
  cohortSaves = cohortSaves.then(() => store.saveCohort(cohortStore.get().cohort)).catch((e) => report(e));
  return cohortSaves;
}

/** The cohort's TIC source for training: 'auto' (measured when there is one, else the clinical CSV's), 'measured' or 'clinical'. */
export function setTicSource(choice: TicSourceChoice): Promise<void> {
  return updateCohort((c) => withTicSource(c, choice));
}

/** One patient's TIC source, or null to follow the cohort's. */
export function setPatientTicSource(id: string, source: TicSource | null): Promise<void> {
  return updateCohort((c) => withPatientTicSource(c, id, source));
}

let initPromise: Promise<void> | null = null;

/** Loads the workspace from IndexedDB and resumes an interrupted extraction. */
export function initCohort(): Promise<void> {
  initPromise ??= (async () => {
    try {
      const [cohort, rows, job] = await Promise.all([store.loadCohort(), store.loadFeatures(), store.loadJob()]);
      cohortStore.set({ cohort, features: featuresMap(rows), ready: true });
      if (job && cohort) void extractCohort({ resumed: true });
    } catch (e) {
      cohortStore.set({ ready: true, error: `The saved workspace could not be read: ${message(e)}` });
    }
  })();
  return initPromise;
}

function report(e: unknown): void {
  cohortStore.set({ error: message(e), notice: null });
}

/** Opens the demo cohort: 'subset' (30 patients, about a minute to extract) or 'full' (118). */
export async function openDemoCohort(size: 'subset' | 'full' = 'subset'): Promise<void> {
  if (cohortStore.get().extraction?.running) return report(new Error('an extraction is running: cancel it first'));
  cohortStore.set({ busy: 'Opening the demo cohort...', error: null, notice: null });
  try {
    const { cohort } = await demo().cohort(demoSpec(size));
    await store.clearFeatures();
    cohortStore.set({ features: {}, extraction: null });
    await setCohort(cohort);
    cohortStore.set({ notice: `${cohort.patients.length} synthetic patients (seed ${cohort.demo!.seed}); images are regenerated from the seed when needed.` });
  } catch (e) {
    report(e);
  } finally {
    cohortStore.set({ busy: null });
  }
}

/** Adds the DCE studies open in the workstation as patients (id = DICOM PatientID). */
export async function addOpenStudies(): Promise<void> {
  const { studies, series } = appStore.get();
  const cohort = cohortStore.get().cohort ?? emptyCohort();
  const have = new Set(cohort.patients.map((p) => p.id));
  const added: CohortPatient[] = [];
  for (const st of studies) {
    const dce = series.find((s) => s.studyKey === st.key && s.item.kind === 'dce');
    if (!dce) continue;
    const id = st.patientId || st.key;
    if (have.has(id)) continue;
    have.add(id);
    // the ROIs on screen, or saved by the Lesion tab for this series
    const saved = (await loadRois(autosaveKey(dce.item.seriesInstanceUIDs)))?.readers.map((r) => r.reader) ?? [];
    added.push({
      id,
      source: { kind: 'study', studyInstanceUID: st.studyInstanceUID, seriesInstanceUID: dce.item.seriesInstanceUIDs[0] ?? null },
      roi: { reader1: !!getRoiMask(dce.key, 1) || saved.includes(1), reader2: !!getRoiMask(dce.key, 2) || saved.includes(2) },
      clinical: null,
      split: null,
    });
  }
  if (added.length === 0) return report(new Error('no open DCE study that is not already in the cohort'));
  await setCohort({ ...cohort, patients: [...cohort.patients, ...added] });
  cohortStore.set({ error: null, notice: `${added.length} patient(s) added from the open studies` });
}

/** Reads a clinical CSV; its guessed column mapping waits for confirmation. */
export async function chooseClinicalFile(file: File): Promise<void> {
  try {
    const text = await file.text();
    const imp = readClinical(text, file.name);
    cohortStore.set({ pendingClinical: { text, source: file.name, header: imp.header, mapping: imp.mapping }, error: null });
  } catch (e) {
    // no id column, unreadable cell...: show the mapping so the user can fix it
    const text = await file.text().catch(() => '');
    const header = text.split(/\r?\n/)[0]?.split(',').map((h) => h.trim().replace(/^"|"$/g, '')) ?? [];
    cohortStore.set({ pendingClinical: header.length ? { text, source: file.name, header, mapping: { id: null } } : null });
    report(e);
  }
}

export function setPendingMapping(mapping: ColumnMapping): void {
  const p = cohortStore.get().pendingClinical;
  if (p) cohortStore.set({ pendingClinical: { ...p, mapping } });
}

export function cancelClinical(): void {
  cohortStore.set({ pendingClinical: null });
}

/** Applies the pending clinical CSV with its mapping (errors name the row and column). */
export async function applyPendingClinical(): Promise<void> {
  const p = cohortStore.get().pendingClinical;
  if (!p) return;
  try {
    const imp = readClinical(p.text, p.source, p.mapping);
    // (through updateCohort when there is a cohort: TICs measured meanwhile are kept)
    if (cohortStore.get().cohort) await updateCohort((c) => applyClinical(c, imp));
    else await setCohort(applyClinical(emptyCohort(), imp));
    const n = imp.records.length;
    cohortStore.set({ pendingClinical: null, error: null, notice: `${p.source}: ${n} patient(s) read${imp.ki67Note ? `; ${imp.ki67Note}` : ''}` });
  } catch (e) {
    report(e);
  }
}

export async function makeSplit(seed: number, testFraction: number): Promise<void> {
  const c = cohortStore.get().cohort;
  if (!c) return;
  try {
    await setCohort(generateSplit(c, seed, testFraction));
    cohortStore.set({ error: null, notice: `split drawn (seed ${seed}, test fraction ${testFraction}, stratified by class)` });
  } catch (e) {
    report(e);
  }
}

export async function removeCohort(): Promise<void> {
  if (cohortStore.get().extraction?.running) return report(new Error('an extraction is running: cancel it first'));
  await store.clearFeatures();
  await store.saveJob(null);
  await setCohort(null);
  cohortStore.set({ features: {}, extraction: null, error: null, notice: null });
}

let paramsCache: Promise<ExtractionParams> | null = null;
export function studyParams(): Promise<ExtractionParams> {
  paramsCache ??= fetch(`${import.meta.env.BASE_URL}params/${PARAMS_NAME}`)
    .then((r) => {
      if (!r.ok) throw new Error(`params/${PARAMS_NAME}: HTTP ${r.status}`);
      return r.text();
    })
    .then((t) => parseParams(t, PARAMS_NAME));
  paramsCache.catch(() => (paramsCache = null));
  return paramsCache;
}

/** Whether a patient with images lacks a reader's features. */
function needsFeatures(p: CohortPatient, features: Record<string, PatientFeatures>): boolean {
  if (p.source.kind === 'none') return false;
  const f = features[p.id];
  return !f?.reader1 || (p.roi.reader2 && !f.reader2);
}

/** Patients that have images and lack a reader's features or the measured TIC. */
function pendingPatients(c: Cohort, features: Record<string, PatientFeatures>): CohortPatient[] {
  return c.patients.filter((p) => needsFeatures(p, features) || needsTic(p));
}

function copyVolume(v: Volume): Volume {
  return { ...v, data: v.data.slice() as Volume['data'] };
}

interface StudyCase {
  seriesKey: string;
  /** the extracted phase's image (a copy when the viewer shows it: the pool moves it to its worker) */
  image: Volume;
  /** reader 1's lesion (the largest) and reader 2's same lesion, on the image's grid */
  r1: Uint8Array;
  r2: Uint8Array | null;
}

/** An imported study's phase image and reader 1's and 2's masks of the patient's lesion. */
async function studyCase(c: Cohort, p: CohortPatient & { source: { kind: 'study' } }): Promise<StudyCase> {
  const uid = p.source.seriesInstanceUID;
  const entry = appStore.get().series.find((s) => s.item.kind === 'dce' && (uid ? s.item.seriesInstanceUIDs.includes(uid) : false));
  if (!entry) throw new Error('its study is not open in the workstation (import it, then extract)');
  const phase = await readPhaseVolume(entry.key, c.phase);
  const image = phase.shared ? copyVolume(phase.volume) : phase.volume;
  const labels = await studyLabelMaps(entry.key, entry.item.seriesInstanceUIDs, image);
  // the patient's largest lesion (the study's choice), the same lesion for reader 2
  const lesion = labels[1] ? largestLabel(labels[1]) : 0;
  const r1 = labels[1] && lesion ? labelMask(labels[1], lesion) : null;
  if (!r1) throw new Error('no ROI (reader 1): draw or import the lesion first');
  const r2 = labels[2] ? (labelMask(labels[2], lesion) ?? labelMask(labels[2], largestLabel(labels[2]))) : null;
  return { seriesKey: entry.key, image, r1, r2 };
}

let ticRemote: Comlink.Remote<TicWorkerApi> | null = null;
function ticWorker(): Comlink.Remote<TicWorkerApi> {
  ticRemote ??= Comlink.wrap<TicWorkerApi>(new Worker(new URL('../../workers/dce/tic.worker.ts', import.meta.url), { type: 'module', name: 'cohort-tic' }));
  return ticRemote;
}

/**
 * An imported study's measured TIC from reader 1's lesion: each phase is decoded (or taken from
 * the viewer), cropped to the lesion's box and dropped; the TIC worker computes the curve and
 * type on the crops (a mean over ROI voxels: the same numbers as on the whole volumes).
 */
async function studyTic(c: Cohort, s: StudyCase): Promise<MeasuredTic> {
  const entry = appStore.get().series.find((x) => x.key === s.seriesKey);
  if (!entry) throw new Error('its study is not open in the workstation');
  const mask: Volume = { ...geometryOf(s.image), data: s.r1 };
  const box = maskBox(mask);
  if (!box) throw new Error('no ROI (reader 1): draw or import the lesion first');
  const times = getPhaseTimes(s.seriesKey);
  const phases = [];
  for (let k = 0; k < entry.phaseOrder.length; k++) {
    const volume = k === c.phase ? s.image : (await readPhaseVolume(s.seriesKey, k)).volume;
    phases.push({ volume: cropVolume(volume, box.lo, box.hi), time: times[k], label: `phase ${k}` });
  }
  const result = await ticWorker().tic({ phases, mask: cropVolume(mask, box.lo, box.hi), contrastBolusStartTime: entry.item.contrastBolusStartTime });
  return measuredTicOf(result);
}

/** Measures a patient's TIC and stores it (or why it failed) with the patient; returns the failure, if any. */
async function measureTic(p: CohortPatient, measure: () => Promise<MeasuredTic>): Promise<string | null> {
  let tic: PatientTic;
  try {
    tic = await measure();
  } catch (e) {
    tic = { error: message(e) };
  }
  await updateCohort((c) => withMeasuredTic(c, p.id, tic));
  return 'error' in tic ? `TIC: ${tic.error}` : null;
}

/**
 * One patient's image and masks for the pool (a copy: the pool moves the arrays to its worker);
 * with `tic`, its TIC is measured first (a failure is passed to `onTicFailure`, the features go on).
 */
async function loadCase(c: Cohort, p: CohortPatient, tic: boolean, onTicFailure: (m: string) => void): Promise<CohortInput> {
  if (p.source.kind === 'demo') {
    const { index } = p.source;
    if (tic) {
      const failure = await measureTic(p, () => demo().tic(c.demo!, index));
      if (failure) onTicFailure(failure);
    }
    return demo().extractionInput(c.demo!, index, c.phase);
  }
  if (p.source.kind === 'study') {
    const s = await studyCase(c, { ...p, source: p.source });
    if (tic) {
      const failure = await measureTic(p, () => studyTic(c, s));
      if (failure) onTicFailure(failure);
    }
    const geometry = geometryOf(s.image);
    const masks: { name: string; mask: Volume }[] = [{ name: 'reader1', mask: { ...geometry, data: s.r1 } }];
    if (s.r2) masks.push({ name: 'reader2', mask: { ...geometry, data: s.r2 } });
    return { image: s.image, masks };
  }
  throw new Error('no images');
}

/** The TIC alone, for a patient whose features exist. */
function measureTicOnly(c: Cohort, p: CohortPatient): Promise<string | null> {
  const src = p.source;
  if (src.kind === 'demo') return measureTic(p, () => demo().tic(c.demo!, src.index));
  if (src.kind === 'study') return measureTic(p, async () => studyTic(c, await studyCase(c, { ...p, source: src })));
  return Promise.resolve(null);
}

/**
 * Each reader's label map of an imported study: the one in the viewer when the study has
 * been shown since the page loaded, else the one the Lesion tab autosaved for the series
 * (so a cohort of imported studies is extracted without opening each one).
 */
async function studyLabelMaps(seriesKey: string, seriesInstanceUIDs: readonly string[], image: Volume): Promise<Partial<Record<1 | 2, Uint8Array>>> {
  const out: Partial<Record<1 | 2, Uint8Array>> = {};
  for (const reader of [1, 2] as const) {
    const shown = getRoiMask(seriesKey, reader);
    if (shown) out[reader] = shown.data;
  }
  if (out[1]) return out;
  const saved = await loadRois(autosaveKey(seriesInstanceUIDs));
  if (!saved) return out;
  if (saved.size.join('x') !== image.size.join('x')) {
    throw new Error(`its saved ROIs were drawn on a ${saved.size.join('x')} grid, not the study's ${image.size.join('x')}`);
  }
  for (const { reader, packed } of saved.readers) out[reader] ??= await roiWorker().unpack(packed, image.data.length);
  return out;
}

let abort: AbortController | null = null;

/**
 * Extracts every patient that lacks features, a patient per worker, saving each patient's
 * features as it finishes, and measures the TIC of every patient that lacks it (with its
 * extraction, or alone when its features exist). A reload during the run resumes it (the job
 * stays in IndexedDB until the run ends or is cancelled).
 */
export async function extractCohort(opts: { resumed?: boolean } = {}): Promise<void> {
  const s = cohortStore.get();
  const cohort = s.cohort;
  if (!cohort || s.extraction?.running) return;
  const todo = pendingPatients(cohort, s.features);
  if (todo.length === 0) {
    await store.saveJob(null);
    cohortStore.set({ notice: 'every patient with images has its features and measured TIC', error: null });
    return;
  }
  const forFeatures = todo.filter((p) => needsFeatures(p, s.features));
  const ticOnly = todo.filter((p) => !needsFeatures(p, s.features));
  let params: ExtractionParams | null = null;
  if (forFeatures.length) {
    try {
      params = await studyParams();
    } catch (e) {
      return report(e);
    }
  }
  await store.saveJob({ params: PARAMS_NAME, phase: cohort.phase, startedAt: new Date().toISOString() });
  abort = new AbortController();
  const signal = abort.signal;
  const startedAt = Date.now();
  const progress: ExtractionProgress = {
    running: true,
    done: 0,
    total: todo.length,
    startedAt,
    etaSeconds: null,
    failures: [],
    resumed: !!opts.resumed,
    forFeatures: forFeatures.length,
    forTic: todo.filter(needsTic).length,
  };
  cohortStore.set({ extraction: progress, error: null, notice: opts.resumed ? `Resuming the extraction: ${todo.length} patient(s) left` : null });
  const job = startJob(`Extracting the cohort's features and TIC (${todo.length} patients)`, todo.length, () => abort?.abort());
  const fail = (id: string, m: string) => {
    const ex = cohortStore.get().extraction!;
    cohortStore.set({ extraction: { ...ex, failures: [...ex.failures, { id, message: m }] } });
  };
  let done = 0;
  const tick = () => {
    done++;
    const elapsed = (Date.now() - startedAt) / 1000;
    cohortStore.set({ extraction: { ...cohortStore.get().extraction!, done, total: todo.length, etaSeconds: (elapsed / done) * (todo.length - done) } });
    job.progress(done, todo.length);
  };
  const ticFirst = new Set(forFeatures.filter(needsTic).map((p) => p.id));
  let cancelled = false;
  const pool = forFeatures.length ? createBrowserExtractionPool(Math.max(1, Math.min(navigator.hardwareConcurrency || 2, 4))) : null;
  try {
    const cases: CohortCase[] = forFeatures.map((p) => ({ id: p.id, load: () => loadCase(cohort, p, ticFirst.has(p.id), (m) => fail(p.id, m)) }));
    if (pool) {
      await pool.extractCohort(cases, params!, {
        signal,
        onCaseDone: (r) => {
          if (r.error) fail(r.id, r.error);
          const rows: StoredFeatures[] = [];
          for (const m of r.masks) {
            if (m.error) fail(r.id, `${m.name === 'reader1' ? 'reader 1' : 'reader 2'}: ${m.error}`);
            if (m.result && (m.name === 'reader1' || m.name === 'reader2')) {
              rows.push({ patientId: r.id, reader: m.name, params: PARAMS_NAME, phase: cohort.phase, row: { id: r.id, diagnostics: m.result.diagnostics, features: m.result.features } });
            }
          }
          void Promise.all(rows.map((f) => store.putFeatures(f))).catch((e) => report(e));
          const features = { ...cohortStore.get().features };
          for (const f of rows) features[f.patientId] = { ...features[f.patientId], [f.reader]: f.row };
          cohortStore.set({ features });
          tick();
        },
      });
    }
    // patients whose features exist: the TIC alone, one after the other
    for (const p of ticOnly) {
      if (signal.aborted) throw new DOMException('cancelled', 'AbortError');
      const failure = await measureTicOnly(cohort, p);
      if (failure) fail(p.id, failure);
      tick();
    }
  } catch (e) {
    if (signal.aborted) cancelled = true;
    else report(e);
  } finally {
    pool?.close();
    job.finish();
    abort = null;
    await cohortSaves;
    await store.saveJob(null);
    const ex = cohortStore.get().extraction!;
    cohortStore.set({ extraction: { ...ex, running: false } });
    if (cancelled) cohortStore.set({ notice: `Extraction cancelled: ${ex.done} of ${ex.total} patients done (kept)` });
    else if (ex.failures.length) cohortStore.set({ error: `${ex.failures.length} problem(s): ${ex.failures.map((f) => `patient '${f.id}': ${f.message}`).join('; ')}` });
  }
}

export function cancelExtraction(): void {
  abort?.abort();
}

/** The data a model is trained on (throws a CohortError naming the patient when it cannot be). */
export function trainingData(): TrainingData {
  const { cohort, features } = cohortStore.get();
  if (!cohort) throw new Error('no cohort: open the demo cohort or import clinical data first');
  return buildTrainingData(cohort, new Map(Object.entries(features)));
}

function stamp(): string {
  return new Date().toISOString().slice(0, 10);
}

function deidentifiedCodes(ids: string[]): Map<string, string> {
  const seed = crypto.getRandomValues(new Uint32Array(1))[0];
  return studyCodes(ids, seed);
}

/**
 * Exports the cohort's features (reader 1, or reader 2 for the subset) in the features CSV
 * format, and optionally de-identified (with the key as a separate file).
 */
export function exportFeatures(reader: 'reader1' | 'reader2', deidentify: boolean): void {
  const { cohort, features } = cohortStore.get();
  if (!cohort) return;
  const rows = cohort.patients.map((p) => features[p.id]?.[reader]).filter((r) => !!r);
  if (rows.length === 0) return report(new Error(`no ${reader === 'reader1' ? 'reader 1' : 'reader 2'} features to export yet`));
  const csv = formatFeaturesCsv(rows);
  const name = `features${reader === 'reader2' ? '-reader2' : ''}-${stamp()}`;
  if (!deidentify) return download(`${name}.csv`, csv, 'text/csv');
  const codes = deidentifiedCodes(cohort.patients.map((p) => p.id));
  download(`${name}-deidentified.csv`, replaceIds(csv, codes, `${name}.csv`), 'text/csv');
  download(`${name}-KEY-keep-separately.csv`, keyCsv(codes), 'text/csv');
}

/** Exports the clinical CSV (the modelling engine's format, labels as derived). */
export function exportClinical(deidentify: boolean): void {
  const { cohort } = cohortStore.get();
  if (!cohort) return;
  const csv = cohortClinicalCsv(cohort);
  if (!deidentify) return download(`clinical-${stamp()}.csv`, csv, 'text/csv');
  const codes = deidentifiedCodes(cohort.patients.map((p) => p.id));
  download(`clinical-${stamp()}-deidentified.csv`, replaceIds(csv, codes, 'clinical.csv'), 'text/csv');
  download(`clinical-${stamp()}-KEY-keep-separately.csv`, keyCsv(codes), 'text/csv');
}

/** De-identified export of everything at once: features (both readers) and clinical data under one key. */
export function exportAllDeidentified(): void {
  const { cohort, features } = cohortStore.get();
  if (!cohort) return;
  const codes = deidentifiedCodes(cohort.patients.map((p) => p.id));
  for (const reader of ['reader1', 'reader2'] as const) {
    const rows = cohort.patients.map((p) => features[p.id]?.[reader]).filter((r) => !!r);
    if (rows.length) download(`features${reader === 'reader2' ? '-reader2' : ''}-deidentified.csv`, replaceIds(formatFeaturesCsv(rows), codes, 'features.csv'), 'text/csv');
  }
  download('clinical-deidentified.csv', replaceIds(cohortClinicalCsv(cohort), codes, 'clinical.csv'), 'text/csv');
  download('KEY-keep-separately.csv', keyCsv(codes), 'text/csv');
}

/** Everything in the workspace, as the workspace file holds it. */
export async function currentWorkspace(): Promise<Workspace> {
  await cohortSaves;
  const [cohort, features, models, activeModelId] = await Promise.all([store.loadCohort(), store.loadFeatures(), store.loadModels(), store.loadActiveModelId()]);
  const order = new Map((cohort?.patients ?? []).map((p, i) => [p.id, i]));
  features.sort((a, b) => (order.get(a.patientId) ?? 1e9) - (order.get(b.patientId) ?? 1e9) || a.patientId.localeCompare(b.patientId) || a.reader.localeCompare(b.reader));
  const rois = await listSavedRois().catch(() => []);
  return { cohort, features, models, activeModelId, rois };
}

export async function exportWorkspace(): Promise<void> {
  try {
    const bytes = serializeWorkspace(await currentWorkspace());
    download(`her2-workspace-${stamp()}.zip`, bytes, 'application/zip');
  } catch (e) {
    report(e);
  }
}

/** Replaces the workspace with a workspace file's (listeners such as the model service reload). */
export async function importWorkspace(file: File): Promise<Workspace | null> {
  if (cohortStore.get().extraction?.running) {
    report(new Error('an extraction is running: cancel it first'));
    return null;
  }
  try {
    const ws = parseWorkspace(new Uint8Array(await file.arrayBuffer()), file.name);
    await store.replaceAll(ws.cohort, ws.features, ws.models, ws.activeModelId);
    await restoreSavedRois(ws.rois);
    await store.saveJob(null);
    cohortStore.set({ cohort: ws.cohort, features: featuresMap(ws.features), extraction: null, error: null, notice: `${file.name}: workspace restored` });
    for (const l of workspaceListeners) l(ws);
    return ws;
  } catch (e) {
    report(e);
    return null;
  }
}

const workspaceListeners = new Set<(ws: Workspace) => void>();
export function onWorkspaceReplaced(l: (ws: Workspace) => void): () => void {
  workspaceListeners.add(l);
  return () => workspaceListeners.delete(l);
}

/** The cohort patient whose DICOM PatientID this is, if any. */
export function cohortPatient(patientId: string): CohortPatient | undefined {
  return cohortStore.get().cohort?.patients.find((p) => p.id === patientId);
}

/** Opens a cohort patient in the viewer (a demo patient is regenerated and imported like any study). */
export async function openPatient(id: string): Promise<void> {
  const { cohort } = cohortStore.get();
  const p = cohort?.patients.find((x) => x.id === id);
  if (!cohort || !p) return;
  const { studies, series } = appStore.get();
  const open = studies.find((st) => st.patientId === id && series.some((s) => s.studyKey === st.key && s.item.kind === 'dce'));
  const { selectSeries } = await import('../viewer/studyView.ts');
  if (open) {
    const dce = series.find((s) => s.studyKey === open.key && s.item.kind === 'dce')!;
    await selectSeries(dce.key);
    return;
  }
  if (p.source.kind !== 'demo') return report(new Error(`patient '${id}': its study is not open; import its DICOM files`));
  cohortStore.set({ busy: `Opening ${id}...` });
  try {
    const bundle = await demo().studyBundle(cohort.demo!, p.source.index);
    const { importFiles } = await import('../import/studyService.ts');
    const { ROI_EXTRA } = await import('../import/persistence.ts');
    const files = bundle.files.map((f) => ({ name: f.name, blob: new File([f.bytes], f.name.slice(f.name.lastIndexOf('/') + 1), { type: 'application/dicom' }) }));
    await importFiles(files, { demo: true, extras: [{ name: ROI_EXTRA, data: bundle.maskNrrd }] });
  } catch (e) {
    report(e);
  } finally {
    cohortStore.set({ busy: null });
  }
}
