/**
 * A read-only window hook for end-to-end tests and the bench (`window.__her2roi`): the
 * label maps' nonzero voxels, the ROI grid and the lesion state. It changes nothing.
 */
import { getSeries } from '../store/appStore.ts';
import { hasRoi, roiSegmentationId, type Reader } from '../viewer/roi.ts';
import { readLabels } from '../viewer/roiEditing.ts';
import { getVolume } from '../viewer/viewerService.ts';
import { referenceVolumeId } from './lesionService.ts';
import { lesionStore } from './lesionStore.ts';

export interface RoiTestHooks {
  /** nonzero voxels of a reader's label map: index (x fastest) and label */
  labels(reader: Reader): { indices: number[]; values: number[] } | null;
  /** the ROI grid of the series on screen */
  geometry(): { size: number[]; spacing: number[]; origin: number[]; direction: number[] } | null;
  state(): { seriesKey: string | null; reader: Reader; active: number; largest: number | null; counts: Record<Reader, number[]>; savedAt: number | null; unsaved: boolean; lesions: string[]; phases: number };
}

export function installRoiTestHooks(): void {
  const hooks: RoiTestHooks = {
    labels(reader) {
      const key = lesionStore.get().seriesKey;
      if (!key || !hasRoi(key, reader)) return null;
      const labels = readLabels(roiSegmentationId(key, reader));
      if (!labels) return null;
      const indices: number[] = [];
      const values: number[] = [];
      for (let i = 0; i < labels.length; i++) {
        if (labels[i] === 0) continue;
        indices.push(i);
        values.push(labels[i]);
      }
      return { indices, values };
    },
    geometry() {
      const key = lesionStore.get().seriesKey;
      const id = key ? referenceVolumeId(key) : null;
      const reg = id ? getVolume(id) : undefined;
      if (!reg) return null;
      const v = reg.volume;
      return { size: [...v.size], spacing: [...v.spacing], origin: [...v.origin], direction: [...v.direction] };
    },
    state() {
      const s = lesionStore.get();
      const entry = s.seriesKey ? getSeries(s.seriesKey) : undefined;
      return {
        seriesKey: s.seriesKey,
        reader: s.reader,
        active: s.active,
        largest: s.largest,
        counts: s.counts,
        savedAt: s.savedAt,
        unsaved: s.unsaved,
        lesions: s.lesions.map((l) => l.name),
        phases: entry?.phaseOrder.length ?? 0,
      };
    },
  };
  (window as unknown as { __her2roi: RoiTestHooks }).__her2roi = hooks;
}
