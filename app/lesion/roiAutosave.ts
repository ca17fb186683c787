/**
 * Autosave of the ROIs in IndexedDB (idb), keyed by the series' SeriesInstanceUID(s): the
 * study itself is kept by the shell in the origin-private file system, so after a reload
 * the same files come back with the same UIDs and their ROIs are found again.
 *
 * One record per series item: the lesions (names, colours), the label maps' opacity and
 * outline, and each reader's label map, deflated (label maps are mostly zeros: a few kB instead of megabytes).
 */
import { openDB, type IDBPDatabase } from 'idb';
import type { Vec3 } from '../../workers/io/volume.ts';
import type { LesionInfo } from './lesionStore.ts';

export interface SavedRois {
  /** seriesKeyOf(...) */
  key: string;
  size: Vec3;
  lesions: LesionInfo[];
  /** deflated label maps by reader */
  readers: { reader: 1 | 2; packed: Uint8Array }[];
  savedAt: number;
  /** how the label maps are drawn (records saved before it was kept have none) */
  style?: RoiStyle;
}

/** Fill opacity (0..1) and outline of the label maps. */
export interface RoiStyle {
  opacity: number;
  outline: boolean;
}

/** A saved style when it is a valid one, else null (older records, or damaged ones). */
export function savedStyle(record: Pick<SavedRois, 'style'> | undefined): RoiStyle | null {
  const s = record?.style;
  if (!s || typeof s.outline !== 'boolean' || !(s.opacity >= 0 && s.opacity <= 1)) return null;
  return { opacity: s.opacity, outline: s.outline };
}

const DB = 'her2-rois';
const STORE = 'rois';

let db: Promise<IDBPDatabase> | null = null;
function open(): Promise<IDBPDatabase> {
  db ??= openDB(DB, 1, {
    upgrade(d) {
      d.createObjectStore(STORE, { keyPath: 'key' });
    },
  });
  return db;
}

/** The autosave key of a series item: its SeriesInstanceUID(s), sorted. */
export function autosaveKey(seriesInstanceUIDs: readonly string[]): string {
  return [...seriesInstanceUIDs].sort().join('+');
}

export async function saveRois(record: SavedRois): Promise<void> {
  await (await open()).put(STORE, record);
}

export async function loadRois(key: string): Promise<SavedRois | undefined> {
  try {
    return (await (await open()).get(STORE, key)) as SavedRois | undefined;
  } catch {
    return undefined;
  }
}

export async function deleteRois(key: string): Promise<void> {
  await (await open()).delete(STORE, key);
}
