/**
 * The ROIs in the workspace file: the Lesion panel's autosave records (app/lesion/roiAutosave.ts,
 * IndexedDB 'her2-rois', one record per series keyed by its SeriesInstanceUIDs) carried as
 * they are: the JSON part as `meta`, each reader's packed label map as a binary part.
 */
import { openDB } from 'idb';
import type { StoredRoi } from '../../workers/cohort/workspace.ts';
import { saveRois, type SavedRois } from '../lesion/roiAutosave.ts';

interface RoiMeta {
  size: SavedRois['size'];
  lesions: SavedRois['lesions'];
  savedAt: number;
  readers: (1 | 2)[];
}

/** Every saved ROI record, in key order. */
export async function listSavedRois(): Promise<StoredRoi[]> {
  const d = await openDB('her2-rois', 1, {
    upgrade(db) {
      db.createObjectStore('rois', { keyPath: 'key' });
    },
  });
  try {
    const all = (await d.getAll('rois')) as SavedRois[];
    return all
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map((r) => ({ key: r.key, meta: { size: r.size, lesions: r.lesions, savedAt: r.savedAt, readers: r.readers.map((x) => x.reader) } satisfies RoiMeta, data: r.readers.map((x) => x.packed) }));
  } finally {
    d.close();
  }
}

/** Writes a workspace file's ROI records back (a study opened later finds its ROIs). */
export async function restoreSavedRois(rois: readonly StoredRoi[]): Promise<void> {
  for (const r of rois) {
    const m = r.meta as RoiMeta;
    await saveRois({ key: r.key, size: m.size, lesions: m.lesions, savedAt: m.savedAt, readers: m.readers.map((reader, k) => ({ reader, packed: r.data[k] })) });
  }
}
