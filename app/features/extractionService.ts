/**
 * "Extract features" from the viewer: the chosen phase's voxels (phase 2 by default; 0 is
 * pre-contrast), the chosen lesion of the chosen reader as the mask, and the chosen
 * parameters (the study's, public/params/her2-dce-paper.yaml, by default) go to the
 * engine's worker pool (workers/radiomics/pool), split by image type over the workers;
 * the main thread only waits. The result is the features format's row.
 */
import type { FeatureRow } from '../../workers/io/features-csv.ts';
import type { Volume } from '../../workers/io/volume.ts';
import { geometryOf } from '../../workers/io/volume.ts';
import type { ExtractionPool } from '../../workers/radiomics/pool/pool.ts';
import { parseParams, type ExtractionParams } from '../../workers/radiomics/settings.ts';
import { getPhaseVolume } from '../import/studyService.ts';
import { getSeries } from '../store/appStore.ts';
import { createStore } from '../store/createStore.ts';
import { hasRoi, roiSegmentationId, type Reader } from '../viewer/roi.ts';
import { readLabels } from '../viewer/roiEditing.ts';

export const PAPER_PARAMS = 'her2-dce-paper.yaml';

export interface ExtractionState {
  running: boolean;
  /** tasks done / all tasks of the case */
  done: number;
  total: number;
  stage: string;
  error: string | null;
  result: { row: FeatureRow; seriesKey: string; phase: number; reader: Reader; lesion: number; params: string; warnings: string[] } | null;
  /** ms from the click to the result */
  elapsedMs: number | null;
}

export const extractionStore = createStore<ExtractionState>({
  running: false,
  done: 0,
  total: 1,
  stage: '',
  error: null,
  result: null,
  elapsedMs: null,
});

let pool: Promise<ExtractionPool> | null = null;
function extractionPool(): Promise<ExtractionPool> {
  pool ??= import('../../workers/radiomics/pool/browser.ts').then((m) => m.createBrowserExtractionPool());
  return pool;
}

/** The study's parameter file, served with the app. */
export async function paperParamsText(): Promise<string> {
  const r = await fetch(`${import.meta.env.BASE_URL}params/${PAPER_PARAMS}`);
  if (!r.ok) throw new Error(`${PAPER_PARAMS}: could not be loaded (${r.status})`);
  return r.text();
}

type ResultListener = (seriesKey: string, row: FeatureRow, source: string) => void;
const resultListeners = new Set<ResultListener>();

/** Told of each extraction's result (e.g. the nomogram panel's current patient). */
export function onFeaturesExtracted(listener: ResultListener): () => void {
  resultListeners.add(listener);
  return () => resultListeners.delete(listener);
}

let controller: AbortController | null = null;

export function cancelExtraction(): void {
  controller?.abort();
}

export interface ExtractRequest {
  seriesKey: string;
  phase: number;
  reader: Reader;
  lesion: number;
  paramsText: string;
  paramsName: string;
  /** performance.now() of the click */
  startedAt?: number;
}

export async function extractFeatures(req: ExtractRequest): Promise<void> {
  if (extractionStore.get().running) return;
  const startedAt = req.startedAt ?? performance.now();
  controller = new AbortController();
  extractionStore.set({ running: true, done: 0, total: 1, stage: 'preparing', error: null, elapsedMs: null });
  try {
    const entry = getSeries(req.seriesKey);
    if (!entry) throw new Error('the study is no longer open');
    const params: ExtractionParams = parseParams(req.paramsText, req.paramsName);
    const labels = hasRoi(req.seriesKey, req.reader) ? readLabels(roiSegmentationId(req.seriesKey, req.reader)) : null;
    if (!labels) throw new Error(`reader ${req.reader} has no ROI on this study`);
    const image = await getPhaseVolume(req.seriesKey, req.phase);
    // The mask: the chosen lesion, with the label value the parameters ask for.
    const value = params.settings.label;
    let n = 0;
    for (let i = 0; i < labels.length; i++) {
      const inside = labels[i] === req.lesion;
      labels[i] = inside ? value : 0;
      if (inside) n++;
    }
    if (n === 0) throw new Error(`lesion ${req.lesion} of reader ${req.reader} has no voxel`);
    const mask: Volume<Uint8Array> = { ...geometryOf(image), data: labels };
    const p = await extractionPool();
    const result = await p.extractCase(image, mask, params, {
      signal: controller.signal,
      onProgress: (e) =>
        extractionStore.set({ done: e.done, total: e.total, stage: [e.imageType, e.image, e.featureClass].filter(Boolean).join(' · ') || e.stage }),
    });
    const row: FeatureRow = { id: entry.item.patientId || entry.item.seriesDescription || req.seriesKey, diagnostics: result.diagnostics, features: result.features };
    extractionStore.set({
      running: false,
      done: 1,
      total: 1,
      stage: '',
      result: { row, seriesKey: req.seriesKey, phase: req.phase, reader: req.reader, lesion: req.lesion, params: req.paramsName, warnings: result.warnings },
      elapsedMs: performance.now() - startedAt,
    });
    for (const l of resultListeners) l(req.seriesKey, row, `Extract features (phase ${req.phase}, reader ${req.reader}, ${req.paramsName})`);
  } catch (e) {
    const cancelled = controller?.signal.aborted;
    extractionStore.set({ running: false, stage: '', error: cancelled ? 'Extraction cancelled.' : (e as Error).message });
  } finally {
    controller = null;
  }
}
