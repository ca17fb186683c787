/** The app's handle on the DICOM worker (one, created on first use). */
import * as Comlink from 'comlink';
import type { DicomWorkerApi } from '../../workers/io/dicom.worker.ts';

let remote: Comlink.Remote<DicomWorkerApi> | null = null;

export function dicomWorker(): Comlink.Remote<DicomWorkerApi> {
  if (!remote) {
    const worker = new Worker(new URL('../../workers/io/dicom.worker.ts', import.meta.url), {
      type: 'module',
      name: 'dicom',
    });
    remote = Comlink.wrap<DicomWorkerApi>(worker);
  }
  return remote;
}
