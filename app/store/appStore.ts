/**
 * The workstation's shared state: studies and series in the list, import errors, the
 * selection, and long-running jobs (progress bars). Services (app/import, app/viewer) write
 * it; components read it with `useStore(appStore, s => s.x)`.
 */
import type { SeriesItem } from '../../workers/io/dicom/types.ts';
import { createStore } from './createStore.ts';

/** One imported study as the list shows it (one import batch x one StudyInstanceUID). */
export interface StudyEntry {
  /** unique in the app; also the folder name of the persisted copy */
  key: string;
  studyInstanceUID: string;
  patientName: string;
  patientId: string;
  description: string;
  date: string;
  /** whether a copy is in the origin-private file system */
  persisted: boolean;
  /** the synthetic demo study */
  demo: boolean;
}

export interface ThumbnailImage {
  width: number;
  height: number;
  rgba: Uint8ClampedArray;
}

/** One entry of the series list: a static series or a whole DCE study. */
export interface SeriesEntry {
  /** unique in the app: `${studyKey}/${item.id}` */
  key: string;
  studyKey: string;
  /** the worker-side import holding the files */
  importId: string;
  item: SeriesItem;
  /**
   * The phases as the user arranged them: display phase p is item.phases[phaseOrder[p]].
   * Excluded phases are left out; display numbering stays 0 (pre-contrast) .. N.
   */
  phaseOrder: number[];
  excluded: number[];
  /** item.phases indices whose volumes are decoded and cached */
  loadedPhases: number[];
  thumbnail?: ThumbnailImage;
  /** a problem loading this series (decoding, geometry), named for the user */
  error?: string;
}

export interface ImportErrorEntry {
  id: number;
  file: string;
  message: string;
}

export interface Job {
  id: number;
  label: string;
  done: number;
  total: number;
  cancel?: () => void;
}

export interface AppState {
  studies: StudyEntry[];
  series: SeriesEntry[];
  errors: ImportErrorEntry[];
  selectedSeriesKey: string | null;
  jobs: Job[];
  /** a one-line status, e.g. "Generating the demo study..." */
  status: string;
}

export const appStore = createStore<AppState>({
  studies: [],
  series: [],
  errors: [],
  selectedSeriesKey: null,
  jobs: [],
  status: '',
});

let nextId = 1;

/** Adds problems to the list; a message already listed is not listed again (a series' problem can reach it through two items). */
export function addErrors(list: { file: string; message: string }[]): void {
  if (list.length === 0) return;
  appStore.set((s) => {
    const seen = new Set(s.errors.map((e) => e.message));
    const fresh = list.filter((e) => !seen.has(e.message) && (seen.add(e.message), true));
    return fresh.length ? { errors: [...s.errors, ...fresh.map((e) => ({ id: nextId++, ...e }))] } : {};
  });
}

export function dismissError(id: number): void {
  appStore.set((s) => ({ errors: s.errors.filter((e) => e.id !== id) }));
}

export function updateSeries(key: string, patch: Partial<SeriesEntry> | ((e: SeriesEntry) => Partial<SeriesEntry>)): void {
  appStore.set((s) => ({
    series: s.series.map((e) => (e.key === key ? { ...e, ...(typeof patch === 'function' ? patch(e) : patch) } : e)),
  }));
}

export function getSeries(key: string | null): SeriesEntry | undefined {
  return key ? appStore.get().series.find((e) => e.key === key) : undefined;
}

/** Starts a job shown with a progress bar; returns its handle. */
export function startJob(label: string, total: number, cancel?: () => void) {
  const id = nextId++;
  appStore.set((s) => ({ jobs: [...s.jobs, { id, label, done: 0, total, cancel }] }));
  return {
    id,
    progress(done: number, newTotal = total) {
      appStore.set((s) => ({ jobs: s.jobs.map((j) => (j.id === id ? { ...j, done, total: newTotal } : j)) }));
    },
    finish() {
      appStore.set((s) => ({ jobs: s.jobs.filter((j) => j.id !== id) }));
    },
  };
}
