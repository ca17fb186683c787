/**
 * The demo study the app opens on at first start: one synthetic DCE patient (7 phases, one
 * series per phase), generated in a worker by workers/demo, imported through the normal
 * import path, its ground-truth mask shown as the lesion's ROI, and saved like any import.
 * Labelled everywhere as synthetic demo data, not for clinical use.
 */
import * as Comlink from 'comlink';
import type { DemoWorkerApi } from '../../workers/demo/demo.worker.ts';
import { addErrors, appStore, startJob } from '../store/appStore.ts';
import { importFiles } from './studyService.ts';
import { ROI_EXTRA, setDemoDismissed } from './persistence.ts';

/** The cohort's seed and the patient shown (the CLI's defaults: `her2 demo --seed 42`). */
export const DEMO_SEED = 42;
export const DEMO_PATIENT_INDEX = 0;

export async function openDemoStudy(): Promise<void> {
  const job = startJob('Generating the demo study (synthetic data)', 1);
  appStore.set({ status: 'Generating the demo study...' });
  const worker = new Worker(new URL('../../workers/demo/demo.worker.ts', import.meta.url), { type: 'module', name: 'demo' });
  try {
    const remote = Comlink.wrap<DemoWorkerApi>(worker);
    const demo = await remote.generate(DEMO_SEED, DEMO_PATIENT_INDEX);
    const files = [...demo.files, demo.seg].map((f) => ({
      name: f.name,
      blob: new File([f.bytes], f.name.slice(f.name.lastIndexOf('/') + 1), { type: 'application/dicom' }),
    }));
    setDemoDismissed(false);
    await importFiles(files, { demo: true, extras: [{ name: ROI_EXTRA, data: demo.maskNrrd }] });
  } catch (e) {
    addErrors([{ file: 'demo study', message: `could not be generated: ${(e as Error).message}` }]);
  } finally {
    worker.terminate();
    job.finish();
    appStore.set({ status: '' });
  }
}
