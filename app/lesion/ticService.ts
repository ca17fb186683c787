/**
 * The time-intensity curve of the lesion on screen (issue 6's rule, workers/dce/tic.ts),
 * computed in the TIC worker. Only the lesion's bounding box of each phase is sent (the
 * curve is a mean over ROI voxels, the hot spot stays inside the ROI, so the crop gives
 * the same numbers as the whole volumes, without copying 7 volumes to the worker).
 *
 * The user's options (`TicOptions`): the hot spot (the engine's cube of n x n x n voxels or
 * sphere of d mm; the type is then read from its curve), the rule's threshold, initial
 * window and untimed initial phases (defaults: DEFAULT_TIC_RULE, as `her2 tic`), and the
 * display of the curve as signal or % enhancement (display only: no new computation).
 */
import * as Comlink from 'comlink';
import { DEFAULT_TIC_RULE, type HotSpot, type TicResult, type TicRule } from '../../workers/dce/tic.ts';
import type { TicWorkerApi } from '../../workers/dce/tic.worker.ts';
import type { Volume } from '../../workers/io/volume.ts';
import { cropVolume, indexToPhysical } from '../../workers/io/volume.ts';
import { getPhaseTimes, phaseVolumeId } from '../import/studyService.ts';
import { getSeries } from '../store/appStore.ts';
import { createStore } from '../store/createStore.ts';
import { getVolume } from '../viewer/viewerService.ts';
import { activeLesionVoxels } from './lesionService.ts';
import { lesionStore } from './lesionStore.ts';

export interface TicOptions {
  /** type the most-enhancing hot spot inside the ROI instead of the whole ROI's mean */
  hotSpot: boolean;
  hotSpotShape: 'cube' | 'sphere';
  /** cube edge in voxels (odd) */
  hotSpotVoxels: number;
  /** sphere diameter in mm */
  hotSpotMm: number;
  /** plot % enhancement over the pre-contrast phase instead of the signal */
  relative: boolean;
  /** type threshold in % (TicRule.threshold x 100) */
  thresholdPercent: number;
  /** seconds after t0 during which a phase counts as initial (TicRule.initialWindow) */
  windowSeconds: number;
  /** without phase times: post-contrast phases that give S_init (TicRule.untimedInitialPhases) */
  untimedInitialPhases: number;
}

export const DEFAULT_TIC_OPTIONS: TicOptions = {
  hotSpot: false,
  hotSpotShape: 'cube',
  hotSpotVoxels: 3,
  hotSpotMm: 5,
  relative: false,
  thresholdPercent: DEFAULT_TIC_RULE.threshold * 100,
  windowSeconds: DEFAULT_TIC_RULE.initialWindow,
  untimedInitialPhases: DEFAULT_TIC_RULE.untimedInitialPhases,
};

export interface TicState {
  /** what the result is for: `${seriesKey}|${reader}|${lesion}|${revision}|${options}` */
  key: string | null;
  result: TicResult | null;
  error: string | null;
  running: boolean;
  options: TicOptions;
}

export const ticStore = createStore<TicState>({ key: null, result: null, error: null, running: false, options: DEFAULT_TIC_OPTIONS });

/** The engine's hot spot of the options, or null when off. */
export function hotSpotOf(o: TicOptions): HotSpot | null {
  if (!o.hotSpot) return null;
  return o.hotSpotShape === 'cube' ? { kind: 'cube', voxels: o.hotSpotVoxels } : { kind: 'sphere', diameterMm: o.hotSpotMm };
}

/** The engine's rule of the options (its checks name a bad value). */
export function ruleOf(o: TicOptions): Partial<TicRule> {
  return { threshold: o.thresholdPercent / 100, initialWindow: o.windowSeconds, untimedInitialPhases: o.untimedInitialPhases };
}

/** What the computation depends on (not the display's signal / % choice). */
function optionsKey(o: TicOptions): string {
  return JSON.stringify([hotSpotOf(o), ruleOf(o)]);
}

/** Changes the options; the panel recomputes the curve when the hot spot or the rule changed. */
export function setTicOptions(patch: Partial<TicOptions>): void {
  ticStore.set({ options: { ...ticStore.get().options, ...patch } });
}

let remote: Comlink.Remote<TicWorkerApi> | null = null;
function ticWorker(): Comlink.Remote<TicWorkerApi> {
  if (!remote) {
    const w = new Worker(new URL('../../workers/dce/tic.worker.ts', import.meta.url), { type: 'module', name: 'tic' });
    remote = Comlink.wrap<TicWorkerApi>(w);
  }
  return remote;
}


let serial = 0;

/** Computes the curve of the current lesion (all phases must be decoded). */
export async function computeLesionTic(): Promise<void> {
  const { seriesKey, reader, active, revision } = lesionStore.get();
  const options = ticStore.get().options;
  const key = `${seriesKey}|${reader}|${active}|${revision}|${optionsKey(options)}`;
  if (!seriesKey || ticStore.get().key === key) return;
  const entry = getSeries(seriesKey);
  if (!entry) return;
  const mine = ++serial;
  if (entry.phaseOrder.length < 3) {
    ticStore.set({ key, result: null, running: false, error: 'A time-intensity curve needs a dynamic series (pre-contrast and at least two post-contrast phases).' });
    return;
  }
  const phases = entry.phaseOrder.map((raw) => getVolume(phaseVolumeId(seriesKey, raw))?.volume);
  if (phases.some((p) => !p)) {
    ticStore.set({ key: null, result: null, running: false, error: 'Waiting for every phase to be decoded...' });
    return;
  }
  // The lesion's voxels as the lesion service last counted them (no scan of the volume here).
  const voxels = activeLesionVoxels();
  if (!voxels || voxels.seriesKey !== seriesKey || voxels.reader !== reader || voxels.lesion !== active) return;
  if (!voxels.box) {
    ticStore.set({ key, result: null, running: false, error: `Lesion ${active} has no voxel yet: draw it to see its curve.` });
    return;
  }
  const { lo, hi } = voxels.box;
  const [nx, ny] = phases[0]!.size;
  const cx = hi[0] - lo[0] + 1;
  const cy = hi[1] - lo[1] + 1;
  const cz = hi[2] - lo[2] + 1;
  const maskData = new Uint8Array(cx * cy * cz);
  for (let n = 0; n < voxels.indices.length; n++) {
    const v = voxels.indices[n];
    const k = Math.floor(v / (nx * ny));
    const r = v - k * nx * ny;
    const j = Math.floor(r / nx);
    const i = r - j * nx;
    maskData[i - lo[0] + cx * (j - lo[1] + cy * (k - lo[2]))] = 1;
  }
  const p0 = phases[0]!;
  const mask: Volume = { size: [cx, cy, cz], spacing: p0.spacing, direction: p0.direction, origin: indexToPhysical(p0, lo[0], lo[1], lo[2]), data: maskData };
  const times = getPhaseTimes(seriesKey);
  ticStore.set({ running: true });
  try {
    const result = await ticWorker().tic({
      phases: phases.map((p, k) => ({ volume: cropVolume(p!, lo, hi), time: times[k], label: `phase ${k}` })),
      mask,
      contrastBolusStartTime: entry.item.contrastBolusStartTime,
      hotSpot: hotSpotOf(options),
      rule: ruleOf(options),
    });
    // the hot spot's centre on the whole grid, not the crop
    if (result.hotSpot) result.hotSpot.center = [result.hotSpot.center[0] + lo[0], result.hotSpot.center[1] + lo[1], result.hotSpot.center[2] + lo[2]];
    if (mine === serial) ticStore.set({ key, result, error: null, running: false });
  } catch (e) {
    if (mine === serial) ticStore.set({ key, result: null, error: (e as Error).message, running: false });
  }
}
