/** The ROI worker (workers/roi/roi.worker.ts), started on first use. */
import * as Comlink from 'comlink';
import type { RoiWorkerApi } from '../../workers/roi/roi.worker.ts';

let remote: Comlink.Remote<RoiWorkerApi> | null = null;

export function roiWorker(): Comlink.Remote<RoiWorkerApi> {
  if (!remote) {
    const w = new Worker(new URL('../../workers/roi/roi.worker.ts', import.meta.url), { type: 'module', name: 'roi' });
    remote = Comlink.wrap<RoiWorkerApi>(w);
  }
  return remote;
}

/** Moves a typed array to the worker (the caller's copy becomes unusable). */
export function give<T extends ArrayBufferView>(a: T): T {
  return Comlink.transfer(a, [a.buffer as ArrayBuffer]);
}
