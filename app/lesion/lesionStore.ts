/**
 * State of the lesions and readers of the study on screen, for the ROI toolbar, the
 * Lesion tab and the 3D view. The lesion service (./lesionService.ts) writes it.
 *
 * Lesion k is segment k of each reader's label map (one Cornerstone segmentation per
 * reader, so Reader 1 and Reader 2 never share voxels); its name, colour and visibility
 * are shared by both readers.
 */
import type { RoiStatistics } from '../../workers/roi/stats.ts';
import { createStore } from '../store/createStore.ts';
import type { Reader } from '../viewer/roi.ts';

export interface LesionInfo {
  /** segment index in the label maps (1, 2, ...) */
  index: number;
  name: string;
  /** sRGB 0..255 */
  color: [number, number, number];
  visible: boolean;
}

export interface RoiMessage {
  id: number;
  kind: 'info' | 'warning' | 'error';
  text: string;
}

export interface LesionState {
  /** the series whose ROIs are on screen */
  seriesKey: string | null;
  reader: Reader;
  lesions: LesionInfo[];
  /** the lesion being edited (segment index) */
  active: number;
  /** voxels per lesion index for each reader (index 0 unused) */
  counts: Record<Reader, number[]>;
  /** the lesion with the most voxels (reader 1, else reader 2), marked automatically */
  largest: number | null;
  /** the current reader's current lesion over the loaded phases */
  stats: (RoiStatistics & { phaseNumbers: number[] }) | null;
  opacity: number;
  outline: boolean;
  messages: RoiMessage[];
  /** a long ROI operation in progress (interpolation, import, export) */
  busy: string | null;
  canUndo: boolean;
  canRedo: boolean;
  /** the last autosave, ms since epoch */
  savedAt: number | null;
  /** edits not yet autosaved */
  unsaved: boolean;
  /** increments when the label maps change (the 3D view and the TIC follow it) */
  revision: number;
}

/** Lesion colours, in order (sRGB). */
export const LESION_COLORS: [number, number, number][] = [
  [230, 60, 60],
  [60, 160, 255],
  [250, 200, 40],
  [80, 210, 120],
  [200, 100, 230],
  [255, 140, 60],
  [60, 220, 220],
  [240, 120, 180],
];

export function defaultLesion(index: number): LesionInfo {
  return { index, name: `Lesion ${index}`, color: LESION_COLORS[(index - 1) % LESION_COLORS.length], visible: true };
}

export const lesionStore = createStore<LesionState>({
  seriesKey: null,
  reader: 1,
  lesions: [defaultLesion(1)],
  active: 1,
  counts: { 1: [], 2: [] },
  largest: null,
  stats: null,
  opacity: 0.5,
  outline: true,
  messages: [],
  busy: null,
  canUndo: false,
  canRedo: false,
  savedAt: null,
  unsaved: false,
  revision: 0,
});

let nextMessage = 1;
export function addRoiMessage(kind: RoiMessage['kind'], text: string): void {
  lesionStore.set((s) => ({ messages: [...s.messages, { id: nextMessage++, kind, text }] }));
}
export function dismissRoiMessage(id: number): void {
  lesionStore.set((s) => ({ messages: s.messages.filter((m) => m.id !== id) }));
}
