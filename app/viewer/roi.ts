/**
 * The lesion's ROI as a Cornerstone labelmap segmentation on the DCE study's grid (derived
 * from phase 0's volume), shown on the three viewports over whichever phase or subtraction
 * is displayed. One segmentation per (series, reader); segment 1 is the lesion.
 *
 * For other panels: `getRoiMask(seriesKey)` returns the current ROI as our Volume
 * (Uint8Array, 0/1..., on the series' grid); `onRoiChange` tells when it may have changed;
 * `roiSegmentationId(seriesKey, reader)` names the Cornerstone segmentation (issue 8's
 * tools edit it).
 *
 * Lesions (issue 8): lesion k is segment k, i.e. voxel value k, of each reader's label map.
 * `getRoiMask` gives the raw label map (values 0..n); `getLesionMask(seriesKey, reader,
 * lesion)` gives one lesion as 0/1 ('largest' = the lesion with most voxels, the one the
 * study delineates). Edits by the ROI tools are counted by the lesion service
 * (app/lesion), in a worker: this module does not scan the volume on every brush stroke.
 */
import { cache, eventTarget, volumeLoader, type Types } from '@cornerstonejs/core';
import * as csTools from '@cornerstonejs/tools';
import { geometryOf, sameGeometry, type Geometry, type Volume } from '../../workers/io/volume.ts';
import { labelMask, largestLabel } from '../../workers/roi/components.ts';
import { isDrawing, onDrawingEnd } from './roiEditing.ts';
import { getVolume, onRender, renderNow, VIEWER_IDS } from './viewerService.ts';
import { VIEWPORT_NAMES, viewerStore } from './viewerStore.ts';

export type Reader = 1 | 2;

interface RoiRecord {
  segmentationId: string;
  referenceVolumeId: string;
  /** the reference volume's grid (kept: the volume itself may be released while the series is not on screen) */
  geometry: Geometry;
  seriesKey: string;
  reader: Reader;
}

const rois = new Map<string, RoiRecord>();
const listeners = new Set<(seriesKey: string, reader: Reader) => void>();
let shownSegmentationId: string | null = null;

export function roiSegmentationId(seriesKey: string, reader: Reader = 1): string {
  return `roi:${seriesKey}:reader${reader}`;
}

/** Creates (or replaces) the ROI of a series from a mask on its grid, and shows it. */
export async function setRoiMask(
  seriesKey: string,
  referenceVolumeId: string,
  mask: Volume<Uint8Array>,
  reader: Reader = 1,
  label = 'Lesion',
): Promise<void> {
  const ref = getVolume(referenceVolumeId);
  if (!ref) throw new Error(`ROI for ${seriesKey}: the reference volume is not loaded`);
  if (!sameGeometry(ref.volume, mask, 1e-3)) {
    throw new Error(
      `ROI for ${seriesKey}: the mask's grid (${mask.size.join('x')}) is not the series' grid (${ref.volume.size.join('x')})`,
    );
  }
  const segmentationId = roiSegmentationId(seriesKey, reader);
  removeRoi(seriesKey, reader);
  const labelmap = volumeLoader.createAndCacheDerivedLabelmapVolume(referenceVolumeId, { volumeId: segmentationId });
  labelmap.voxelManager!.setCompleteScalarDataArray!(mask.data);
  csTools.segmentation.addSegmentations([
    {
      segmentationId,
      representation: {
        type: csTools.Enums.SegmentationRepresentations.Labelmap,
        data: { volumeId: segmentationId },
      },
      config: { label: `${label} (reader ${reader})`, segments: { 1: { label, active: true } } },
    },
  ]);
  rois.set(segmentationId, { segmentationId, referenceVolumeId, geometry: geometryOf(ref.volume), seriesKey, reader });
  if (viewerStore.get().seriesKey === seriesKey) await showRoi(seriesKey, reader);
  notify(seriesKey, reader);
}

/** Shows one ROI on the three viewports (hiding any other). */
export async function showRoi(seriesKey: string, reader: Reader = 1): Promise<void> {
  const segmentationId = roiSegmentationId(seriesKey, reader);
  if (!rois.has(segmentationId)) return;
  hideRoi();
  // Slice rendering: each viewport draws the label map's current slice as a 2D image, so a
  // brush stroke uploads that slice, not a 3D texture (with SwiftShader the 3D texture
  // made each painted frame several times slower). Views Cornerstone cannot draw that way
  // (a MIP) fall back to the volume labelmap.
  const map: Record<string, { segmentationId: string; config: { useSliceRendering: boolean } }[]> = {};
  for (const name of VIEWPORT_NAMES) map[VIEWER_IDS.viewportId(name)] = [{ segmentationId, config: { useSliceRendering: true } }];
  await csTools.segmentation.addLabelmapRepresentationToViewportMap(map);
  // Draw on any of the three views.
  for (const name of VIEWPORT_NAMES) csTools.segmentation.activeSegmentation.setActiveSegmentation(VIEWER_IDS.viewportId(name), segmentationId);
  shownSegmentationId = segmentationId;
  viewerStore.set({ roiVoxels: roiVoxelCount(seriesKey, reader) });
  renderNow();
}

export function hideRoi(): void {
  if (!shownSegmentationId) return;
  for (const name of VIEWPORT_NAMES) {
    csTools.segmentation.removeSegmentationRepresentations(VIEWER_IDS.viewportId(name), {
      segmentationId: shownSegmentationId,
    });
  }
  shownSegmentationId = null;
  viewerStore.set({ roiVoxels: null });
}

export function removeRoi(seriesKey: string, reader: Reader = 1): void {
  const segmentationId = roiSegmentationId(seriesKey, reader);
  if (!rois.has(segmentationId)) return;
  if (shownSegmentationId === segmentationId) hideRoi();
  csTools.segmentation.removeSegmentation(segmentationId);
  cache.removeVolumeLoadObject(segmentationId);
  rois.delete(segmentationId);
}

export function hasRoi(seriesKey: string, reader: Reader = 1): boolean {
  return rois.has(roiSegmentationId(seriesKey, reader));
}

/** The ROI as a Uint8 label volume on the series' grid (a copy), or null when none. */
export function getRoiMask(seriesKey: string, reader: Reader = 1): Volume<Uint8Array> | null {
  const record = rois.get(roiSegmentationId(seriesKey, reader));
  if (!record) return null;
  const labelmap = cache.getVolume(record.segmentationId) as Types.IImageVolume | undefined;
  if (!labelmap) return null;
  const data = labelmap.voxelManager!.getCompleteScalarDataArray!() as ArrayLike<number>;
  return { ...record.geometry, data: data instanceof Uint8Array ? data : Uint8Array.from(data) };
}

/**
 * One lesion of a reader's ROI as a 0/1 mask on the series' grid: lesion k (voxel value k),
 * or 'largest', the lesion with the most voxels (the first on ties); null when the reader
 * has no ROI or the lesion no voxel.
 */
export function getLesionMask(seriesKey: string, reader: Reader, lesion: number | 'largest' = 'largest'): Volume<Uint8Array> | null {
  const mask = getRoiMask(seriesKey, reader);
  if (!mask) return null;
  const value = lesion === 'largest' ? largestLabel(mask.data) : lesion;
  const data = value ? labelMask(mask.data, value) : null;
  return data ? { ...mask, data } : null;
}

/** Voxels with a non-zero label. */
export function roiVoxelCount(seriesKey: string, reader: Reader = 1): number {
  const mask = getRoiMask(seriesKey, reader);
  if (!mask) return 0;
  let n = 0;
  for (let i = 0; i < mask.data.length; i++) if (mask.data[i] !== 0) n++;
  return n;
}

/**
 * Tells the listeners that a reader's ROI of a series changed. `count` recounts the status
 * bar's voxels here (a whole-volume scan: after a new mask, not after each brush stroke,
 * whose counts the lesion service sets with `setShownRoiVoxels`).
 */
function notify(seriesKey: string, reader: Reader, count = true): void {
  if (count && viewerStore.get().seriesKey === seriesKey && shownSegmentationId === roiSegmentationId(seriesKey, reader)) {
    viewerStore.set({ roiVoxels: roiVoxelCount(seriesKey, reader) });
  }
  for (const l of listeners) l(seriesKey, reader);
}

/** The status bar's count of the ROI shown, from a count made elsewhere (the lesion service's worker). */
export function setShownRoiVoxels(seriesKey: string, reader: Reader, voxels: number): void {
  if (viewerStore.get().seriesKey === seriesKey && shownSegmentationId === roiSegmentationId(seriesKey, reader)) {
    if (viewerStore.get().roiVoxels !== voxels) viewerStore.set({ roiVoxels: voxels });
  }
}

// Edits by the segmentation tools (brush, scissors...) arrive as data-modified events.
// The listeners (the lesion service restyles the label map, which redraws every view) are
// told 100 ms after the last one, and not before the stroke in progress ends.
const pendingNotify = new Map<string, ReturnType<typeof setTimeout>>();
const afterStroke = new Set<RoiRecord>();
eventTarget.addEventListener(csTools.Enums.Events.SEGMENTATION_DATA_MODIFIED, ((e: CustomEvent) => {
  const record = rois.get(e.detail?.segmentationId);
  if (!record) return;
  const pending = pendingNotify.get(record.segmentationId);
  if (pending) clearTimeout(pending);
  pendingNotify.set(
    record.segmentationId,
    setTimeout(() => {
      pendingNotify.delete(record.segmentationId);
      if (isDrawing()) afterStroke.add(record);
      else notify(record.seriesKey, record.reader, false);
    }, 100),
  );
}) as EventListener);
onDrawingEnd(() => {
  const records = [...afterStroke];
  afterStroke.clear();
  for (const r of records) if (rois.get(r.segmentationId) === r) notify(r.seriesKey, r.reader, false);
});

export function onRoiChange(listener: (seriesKey: string, reader: Reader) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

// Replacing the viewports' volumes (a phase change) drops every actor, labelmaps included:
// put the shown ROI back after each new content.
onRender(() => {
  const id = shownSegmentationId;
  if (!id) return;
  for (const name of VIEWPORT_NAMES) {
    csTools.segmentation.triggerSegmentationEvents.triggerSegmentationRepresentationModified(
      VIEWER_IDS.viewportId(name),
      id,
      csTools.Enums.SegmentationRepresentations.Labelmap,
    );
  }
});
