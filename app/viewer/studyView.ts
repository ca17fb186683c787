/**
 * What the viewports show for the selected series: a phase, the subtraction post_k - pre
 * (computed in a worker, Float32) or its MIPs, plus cine over the phases.
 */
import * as Comlink from 'comlink';
import type { SubtractionWorkerApi } from '../../workers/dce/subtraction.worker.ts';
import type { Volume } from '../../workers/io/volume.ts';
import { appStore, getSeries, startJob, updateSeries } from '../store/appStore.ts';
import { busy, loadAllPhases, loadPhase, rawPhaseOf, releaseIdleSeries } from '../import/studyService.ts';
import { hasRoi, hideRoi, showRoi } from './roi.ts';
import { clearDisplay, display, getVolume, registerVolume, robustRange } from './viewerService.ts';
import { VIEWPORT_NAMES, viewerStore, type ViewKind, type ViewportName } from './viewerStore.ts';

let subtractionRemote: Comlink.Remote<SubtractionWorkerApi> | null = null;
function subtractionWorker(): Comlink.Remote<SubtractionWorkerApi> {
  if (!subtractionRemote) {
    const w = new Worker(new URL('../../workers/dce/subtraction.worker.ts', import.meta.url), {
      type: 'module',
      name: 'subtraction',
    });
    subtractionRemote = Comlink.wrap<SubtractionWorkerApi>(w);
  }
  return subtractionRemote;
}

/** Window per kind of view: phases share one; the subtraction and MIPs have their own. */
const voiByKind: Partial<Record<ViewKind, { lower: number; upper: number }>> = {};
/** the kind of view on screen, whose window the user may have dragged since */
let displayedKind: ViewKind | null = null;
let requestSerial = 0;

/**
 * Selects a series: shows its phase 0 at once, then decodes the other phases (counted as
 * loading work throughout, so that saving the study waits for all of it).
 */
export function selectSeries(seriesKey: string): Promise<void> {
  return busy(selectSeriesNow(seriesKey));
}

async function selectSeriesNow(seriesKey: string): Promise<void> {
  const entry = getSeries(seriesKey);
  if (!entry) return;
  stopCine();
  appStore.set({ selectedSeriesKey: seriesKey });
  delete voiByKind.phase;
  delete voiByKind.subtraction;
  delete voiByKind.mip;
  displayedKind = null;
  viewerStore.set({ seriesKey, phase: 0, view: 'phase', phaseCount: entry.phaseOrder.length, voi: null, readout: null });
  hideRoi();
  await show(true);
  // the series shown before is no longer displayed: it may now be released
  if (viewerStore.get().seriesKey === seriesKey) releaseIdleSeries(seriesKey);
  if (hasRoi(seriesKey) && viewerStore.get().seriesKey === seriesKey) await showRoi(seriesKey);
  if (getSeries(seriesKey) && appStore.get().selectedSeriesKey === seriesKey) void loadAllPhases(seriesKey);
}

/** Shows display phase `phase` (0 = pre-contrast) in the current view kind. */
export async function showPhase(phase: number): Promise<void> {
  const { phaseCount } = viewerStore.get();
  if (phaseCount === 0) return;
  viewerStore.set({ phase: Math.max(0, Math.min(phaseCount - 1, phase)) });
  await show(false);
}

export async function setViewKind(view: ViewKind): Promise<void> {
  const { phase, phaseCount } = viewerStore.get();
  if (view !== 'phase' && phaseCount < 2) return;
  // The subtraction of phase 0 from itself is empty: start on the first post-contrast phase.
  viewerStore.set({ view, phase: view !== 'phase' && phase === 0 ? 1 : phase });
  await show(false);
}

async function show(resetCamera: boolean): Promise<void> {
  const { seriesKey, view, phase } = viewerStore.get();
  if (!seriesKey) return;
  const serial = ++requestSerial;
  const current = viewerStore.get().voi;
  if (displayedKind && current) voiByKind[displayedKind] = current;
  try {
    const ids = await idsFor(seriesKey, view, phase);
    if (serial !== requestSerial) return; // a newer request won
    const kindVoi = voiByKind[view];
    const voi = kindVoi ?? defaultVoi(view, ids);
    const monochrome1 = getSeries(seriesKey)?.item.photometricInterpretation === 'MONOCHROME1';
    await display(ids, { voi, resetCamera, invert: monochrome1 && view === 'phase' });
    voiByKind[view] = voi;
    displayedKind = view;
  } catch (e) {
    const entry = getSeries(seriesKey);
    const name = entry ? entry.item.seriesDescription || `series ${entry.item.seriesNumber}` : seriesKey;
    const message = `${name}: ${(e as Error).message}`;
    if (entry) updateSeries(seriesKey, { error: (e as Error).message });
    if (serial === requestSerial) viewerStore.set({ error: message });
  }
}

function defaultVoi(view: ViewKind, ids: Record<ViewportName, string>): { lower: number; upper: number } {
  const reg = getVolume(ids.axial)!;
  if (view === 'phase') return robustRange(reg.data);
  // Subtraction and MIP: from zero (no enhancement) to the strongest enhancement.
  const r = robustRange(reg.data, 0.005, 0.999);
  return { lower: 0, upper: r.upper > 0 ? r.upper : 1 };
}

async function idsFor(seriesKey: string, view: ViewKind, phase: number): Promise<Record<ViewportName, string>> {
  if (view === 'phase') {
    const reg = await loadPhase(seriesKey, phase);
    return { axial: reg.volumeId, sagittal: reg.volumeId, coronal: reg.volumeId };
  }
  const post = rawPhaseOf(seriesKey, phase);
  const pre = rawPhaseOf(seriesKey, 0);
  const base = `sub:${seriesKey}:${post}-${pre}`;
  if (!getVolume(base)) await computeSubtraction(seriesKey, phase, base);
  if (view === 'subtraction') return { axial: base, sagittal: base, coronal: base };
  // MIP along the axis each viewport looks along: axial looks along k for an axial
  // acquisition; pick, per viewport, the index axis closest to its normal.
  const vol = getVolume(base)!.volume;
  const out = {} as Record<ViewportName, string>;
  for (const name of VIEWPORT_NAMES) out[name] = `${base}:mip${axisAlong(vol, name)}`;
  return out;
}

/** Index axis (0, 1, 2) of `vol` most parallel to a viewport's viewing direction. */
function axisAlong(vol: Volume, name: ViewportName): 0 | 1 | 2 {
  const normal = name === 'axial' ? 2 : name === 'sagittal' ? 0 : 1; // LPS axis
  let best: 0 | 1 | 2 = 0;
  let bestDot = -1;
  for (const c of [0, 1, 2] as const) {
    const dot = Math.abs(vol.direction[normal * 3 + c]);
    if (dot > bestDot) {
      bestDot = dot;
      best = c;
    }
  }
  return best;
}

async function computeSubtraction(seriesKey: string, phase: number, base: string): Promise<void> {
  const job = startJob(`Subtraction: phase ${phase} - phase 0`, 1);
  try {
    const [post, pre] = await Promise.all([loadPhase(seriesKey, phase), loadPhase(seriesKey, 0)]);
    // The displayed arrays stay here; the worker gets copies, transferred (no second copy).
    const copy = (v: Volume): Volume => ({ ...v, data: v.data.slice() });
    const a = copy(post.volume);
    const b = copy(pre.volume);
    const result = await subtractionWorker().subtract(
      Comlink.transfer(a, [a.data.buffer as ArrayBuffer]),
      Comlink.transfer(b, [b.data.buffer as ArrayBuffer]),
    );
    const entry = getSeries(seriesKey);
    const meta = {
      frameOfReferenceUID: entry?.item.frameOfReferenceUID || `her2-for-${seriesKey}`,
      modality: entry?.item.modality || 'MR',
    };
    registerVolume(base, result.subtraction, meta, `subtraction ${phase} - 0`);
    result.mips.forEach((m, axis) => registerVolume(`${base}:mip${axis}`, m, meta, `MIP of subtraction ${phase} - 0`));
  } finally {
    job.finish();
  }
}

// ---- cine ------------------------------------------------------------------------------

let cineTimer: ReturnType<typeof setTimeout> | null = null;

export function startCine(): void {
  if (cineTimer || viewerStore.get().phaseCount < 2) return;
  viewerStore.set({ cine: true });
  const step = async () => {
    const { phase, phaseCount, cineFps, view } = viewerStore.get();
    const first = view === 'phase' ? 0 : 1;
    const next = phase + 1 >= phaseCount ? first : phase + 1;
    const t0 = performance.now();
    await showPhase(next);
    if (!viewerStore.get().cine) return;
    const wait = Math.max(0, 1000 / cineFps - (performance.now() - t0));
    cineTimer = setTimeout(step, wait);
  };
  cineTimer = setTimeout(step, 0);
}

export function stopCine(): void {
  if (cineTimer) clearTimeout(cineTimer);
  cineTimer = null;
  viewerStore.set({ cine: false });
}

/** The selected series was forgotten: clear the viewports. */
export function clearSelection(): void {
  stopCine();
  clearDisplay();
}
