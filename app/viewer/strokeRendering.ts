/**
 * While an ROI stroke is in progress, only the viewport painted on is redrawn; the others
 * are redrawn once the stroke ends.
 *
 * Each brush step raises Cornerstone's SEGMENTATION_DATA_MODIFIED, on which Cornerstone
 * (tools 5.14: onLabelmapSegmentationDataModified and triggerSegmentationRenderForModified)
 * asks its segmentation rendering engine to redraw every viewport showing the
 * segmentation: each of the three views re-slices the label map and redraws its volume,
 * several times a second during a drag. Under SwiftShader a view costs 35-50 ms of GPU
 * time, so the three made every painted frame 130-180 ms long. Here the engine's
 * per-viewport request is filtered: during a stroke, requests for our other viewports are
 * remembered and replayed when the stroke ends, so they show the final label map.
 */
import { segmentationRenderingEngine } from '@cornerstonejs/tools/segmentation/SegmentationRenderingEngine';

let strokeViewportId: string | null = null;
const deferred = new Set<string>();
let gated: ReadonlySet<string> = new Set();
let renderForViewport: ((viewportId?: string) => void) | null = null;

/** Filters the segmentation redraws of `viewportIds` during strokes (once). */
export function installStrokeRendering(viewportIds: readonly string[]): void {
  gated = new Set(viewportIds);
  if (renderForViewport) return;
  const engine = segmentationRenderingEngine;
  const original = engine.renderSegmentationsForViewport.bind(engine);
  renderForViewport = original;
  engine.renderSegmentationsForViewport = (viewportId?: string) => {
    if (!strokeViewportId) {
      original(viewportId);
      return;
    }
    // (no id: every viewport showing a segmentation)
    for (const id of viewportId ? [viewportId] : engine._getViewportIdsForSegmentation()) {
      if (id === strokeViewportId || !gated.has(id)) original(id);
      else deferred.add(id);
    }
  };
}

/** A stroke starts on `viewportId`: the other viewports wait for its end. */
export function beginStroke(viewportId: string): void {
  strokeViewportId = viewportId;
}

/** The stroke ended: the viewports that waited are redrawn. */
export function endStroke(): void {
  strokeViewportId = null;
  const ids = [...deferred];
  deferred.clear();
  for (const id of ids) renderForViewport?.(id);
}
