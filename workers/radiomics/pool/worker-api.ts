/**
 * The object each extraction worker exposes (comlink), in the browser
 * (../extract.worker.ts) and in Node (./node-worker.ts). DOM-free and Node-free.
 *
 * Two ways to use it:
 * - one case split by image type: `prepare` on one worker (it keeps the prepared case and
 *   returns it, in shared memory when it can), `load` it once on each other worker that
 *   takes part, then `shape` and `imageType` tasks, `release` at the end;
 * - a cohort: `extractCase` runs the whole extraction of one image and its masks here.
 *
 * Cancel: `cancel` is an Int32Array on a SharedArrayBuffer (or null where there is none);
 * a nonzero cell 0 stops the extraction at its next check (between classes / images).
 * Progress: a comlink-proxied callback, called per stage / derived image / class.
 */
import * as Comlink from 'comlink';
import type { Volume } from '../../io/volume.ts';
import {
  extract,
  extractImageType,
  extractShape,
  prepareCase,
  type ExtractionHooks,
  type ExtractionResult,
  type PreparedCase,
  type ProgressEvent,
} from '../extractor.ts';
import type { ImageTypeName } from '../settings.ts';
import { decodeParams, sharedCopy, type WireParams } from './wire.ts';

/** A progress event from a worker; `imageType` is the image type of the task (e.g. 'Wavelet'). */
export type WorkerProgress = ProgressEvent;
export type ProgressSink = ((e: WorkerProgress) => void) & Partial<Comlink.ProxyMarked>;

export interface PartResult {
  features: Record<string, number>;
  warnings: string[];
}

export interface MaskResult {
  /** the mask's name as the caller gave it (e.g. 'reader1') */
  name: string;
  result?: ExtractionResult;
  /** the error message when this mask's extraction failed */
  error?: string;
}

/** What a cohort case reads into: the image, its masks, and the reader's warnings. */
export interface CohortInput {
  image: Volume;
  /** e.g. [{ name: 'reader1', mask }, { name: 'reader2', mask }] */
  masks: { name: string; mask: Volume }[];
  warnings?: string[];
}

/** A module that reads cohort cases inside a worker (CohortCase.source). */
export interface CohortLoader {
  loadCohortInput(arg: unknown): Promise<CohortInput>;
}

export interface SourceResult {
  masks: MaskResult[];
  warnings: string[];
}

const prepared = new Map<number, PreparedCase>();

function extractMasks(image: Volume, masks: { name: string; mask: Volume }[], params: WireParams, cancel: Int32Array | null, progress: ProgressSink | undefined): MaskResult[] {
  const p = decodeParams(params);
  const hooks = hooksOf(cancel, progress);
  return masks.map(({ name, mask }) => {
    try {
      return { name, result: extract(image, mask, p, hooks) };
    } catch (e) {
      if (cancel && Atomics.load(cancel, 0) !== 0) throw e;
      return { name, error: e instanceof Error ? e.message : String(e) };
    }
  });
}

function hooksOf(cancel: Int32Array | null, progress: ProgressSink | undefined, imageType?: string): ExtractionHooks {
  return {
    isCancelled: cancel ? () => Atomics.load(cancel, 0) !== 0 : undefined,
    onProgress: progress
      ? (e) => {
          // a comlink proxy returns a promise; progress is fire-and-forget
          void Promise.resolve(progress(imageType ? { ...e, imageType } : e)).catch(() => undefined);
        }
      : undefined,
  };
}

function releaseProgress(progress: ProgressSink | undefined): void {
  const release = (progress as Partial<Comlink.Remote<unknown>> | undefined)?.[Comlink.releaseProxy];
  if (typeof release === 'function') release();
}

function preparedCase(job: number): PreparedCase {
  const p = prepared.get(job);
  if (!p) throw new Error(`extraction worker: case ${job} was not prepared or loaded here`);
  return p;
}

/** The prepared case with its voxel arrays in shared memory (roi and featureRoi stay one array when they are one). */
function shareCase(p: PreparedCase): PreparedCase {
  const roi = sharedCopy(p.roi);
  const featureRoi = p.featureRoi === p.roi ? roi : sharedCopy(p.featureRoi);
  return { ...p, image: { ...p.image, data: sharedCopy(p.image.data) }, roi, featureRoi };
}

export const extractWorkerApi = {
  /** prepareCase here; the case stays here for later tasks and is returned (shared, or cloned). */
  prepare(job: number, image: Volume, mask: Volume, params: WireParams, share: boolean, cancel: Int32Array | null, progress?: ProgressSink): PreparedCase {
    try {
      let p = prepareCase(image, mask, decodeParams(params), hooksOf(cancel, progress));
      if (share) p = shareCase(p);
      prepared.set(job, p);
      return p;
    } finally {
      releaseProgress(progress);
    }
  },

  /** Keeps a case prepared by another worker for this worker's tasks. */
  load(job: number, p: PreparedCase): void {
    prepared.set(job, p);
  },

  shape(job: number, cancel: Int32Array | null, progress?: ProgressSink): PartResult {
    try {
      return extractShape(preparedCase(job), hooksOf(cancel, progress));
    } finally {
      releaseProgress(progress);
    }
  },

  imageType(job: number, imageType: ImageTypeName, cancel: Int32Array | null, progress?: ProgressSink): PartResult {
    try {
      return extractImageType(preparedCase(job), imageType, hooksOf(cancel, progress, imageType));
    } finally {
      releaseProgress(progress);
    }
  },

  release(job: number): void {
    prepared.delete(job);
  },

  /** A whole extraction per mask on one image (cohort mode); a failing mask does not stop the others. */
  extractCase(image: Volume, masks: { name: string; mask: Volume }[], params: WireParams, cancel: Int32Array | null, progress?: ProgressSink): MaskResult[] {
    try {
      return extractMasks(image, masks, params, cancel, progress);
    } finally {
      releaseProgress(progress);
    }
  },

  /**
   * Cohort mode with the case read here: `(await import(module)).loadCohortInput(arg)` gives
   * the image and masks (e.g. a DICOM folder read in this worker), then as extractCase.
   * A case that cannot be read rejects with the loader's message.
   */
  async extractSource(module: string, arg: unknown, params: WireParams, cancel: Int32Array | null, progress?: ProgressSink): Promise<SourceResult> {
    try {
      const loader = (await import(/* @vite-ignore */ module)) as Partial<CohortLoader>;
      if (typeof loader.loadCohortInput !== 'function') throw new Error(`extraction worker: ${module} exports no loadCohortInput`);
      const input = await loader.loadCohortInput(arg);
      return { masks: extractMasks(input.image, input.masks, params, cancel, progress), warnings: input.warnings ?? [] };
    } finally {
      releaseProgress(progress);
    }
  },

  /** How many prepared cases this worker holds (tests check that cases are released). */
  heldCases(): number {
    return prepared.size;
  },
};

export type ExtractWorkerApi = typeof extractWorkerApi;
