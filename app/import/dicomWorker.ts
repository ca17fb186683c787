/**
 * The app's DICOM workers: two (the machine the app is measured on has two cores; headers
 * and phases are read and decoded on both), created on first use. `onDicomWorker(task)`
 * runs a task on the worker with fewer tasks in flight.
 */
import * as Comlink from 'comlink';
import type { DicomWorkerApi } from '../../workers/io/dicom.worker.ts';

export const DICOM_WORKERS = 2;

interface Pooled {
  remote: Comlink.Remote<DicomWorkerApi>;
  inFlight: number;
}

let pool: Pooled[] | null = null;

/** The workers (started on the first call). */
export function dicomWorkers(): Comlink.Remote<DicomWorkerApi>[] {
  if (!pool) {
    pool = Array.from({ length: DICOM_WORKERS }, (_, i) => ({
      remote: Comlink.wrap<DicomWorkerApi>(
        new Worker(new URL('../../workers/io/dicom.worker.ts', import.meta.url), { type: 'module', name: `dicom-${i + 1}` }),
      ),
      inFlight: 0,
    }));
  }
  return pool.map((p) => p.remote);
}

/** Runs `task` on the least busy worker. */
export async function onDicomWorker<T>(task: (w: Comlink.Remote<DicomWorkerApi>) => Promise<T>): Promise<T> {
  dicomWorkers();
  const p = pool!.reduce((a, b) => (b.inFlight < a.inFlight ? b : a));
  p.inFlight++;
  try {
    return await task(p.remote);
  } finally {
    p.inFlight--;
  }
}
