/**
 * Models: the embedded demo model (public/demo/model.json), models trained here on the cohort
 * and models imported as MODEL.json files; one is active (the nomogram panel uses it). Kept in
 * IndexedDB. Training and reading run in the model worker (workers/stats/model.worker.ts):
 * the same code and CSV texts as `her2 fit`, so a model trained here equals the CLI's.
 */
import * as Comlink from 'comlink';
import type { StoredModel } from '../../workers/cohort/workspace.ts';
import type { ModelJson } from '../../workers/stats/model-json.ts';
import type { FitReply, ModelWorkerApi } from '../../workers/stats/model-worker-api.ts';
import * as store from '../cohort/db.ts';
import { cohortStore, onWorkspaceReplaced, trainingData } from '../cohort/cohortService.ts';
import { download } from '../cohort/download.ts';
import { startJob } from '../store/appStore.ts';
import { createStore } from '../store/createStore.ts';

export const DEMO_MODEL_ID = 'demo';
export const DEMO_MODEL_LABEL = 'synthetic demo data - not for clinical use';

export interface TrainingRun {
  running: boolean;
  step: string;
  fraction: number;
}

export interface ModelState {
  ready: boolean;
  models: StoredModel[];
  activeId: string | null;
  active: ModelJson | null;
  training: TrainingRun | null;
  /** the CSVs the last model trained here was fitted on (exportable) */
  lastTraining: { modelId: string; featuresCsv: string; reader2Csv: string | null; clinicalCsv: string } | null;
  error: string | null;
}

export const modelStore = createStore<ModelState>({ ready: false, models: [], activeId: null, active: null, training: null, lastTraining: null, error: null });

let worker: Comlink.Remote<ModelWorkerApi> | null = null;
export function modelWorker(): Comlink.Remote<ModelWorkerApi> {
  worker ??= Comlink.wrap<ModelWorkerApi>(new Worker(new URL('../../workers/stats/model.worker.ts', import.meta.url), { type: 'module', name: 'model' }));
  return worker;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

async function demoModel(): Promise<StoredModel | null> {
  try {
    const r = await fetch(`${import.meta.env.BASE_URL}demo/model.json`);
    if (!r.ok) return null;
    return { id: DEMO_MODEL_ID, name: `Demo model (${DEMO_MODEL_LABEL})`, origin: 'demo', addedAt: '', json: await r.text() };
  } catch {
    return null;
  }
}

async function activate(id: string | null, models = modelStore.get().models): Promise<void> {
  const m = models.find((x) => x.id === id) ?? null;
  if (!m) {
    modelStore.set({ activeId: null, active: null });
    return;
  }
  const active = await modelWorker().read(m.json, m.name);
  modelStore.set({ activeId: m.id, active });
}

let initPromise: Promise<void> | null = null;
export function initModels(): Promise<void> {
  initPromise ??= (async () => {
    try {
      const [saved, activeId, demo] = await Promise.all([store.loadModels(), store.loadActiveModelId(), demoModel()]);
      const models = demo ? [demo, ...saved] : saved;
      modelStore.set({ models });
      const id = activeId && models.some((m) => m.id === activeId) ? activeId : (saved.at(-1)?.id ?? demo?.id ?? null);
      await activate(id, models);
    } catch (e) {
      modelStore.set({ error: `The saved models could not be read: ${message(e)}` });
    } finally {
      modelStore.set({ ready: true });
    }
  })();
  return initPromise;
}

onWorkspaceReplaced(async (ws) => {
  const demo = modelStore.get().models.find((m) => m.id === DEMO_MODEL_ID);
  const models = demo ? [demo, ...ws.models.filter((m) => m.id !== DEMO_MODEL_ID)] : ws.models;
  modelStore.set({ models, lastTraining: null });
  await activate(ws.activeModelId ?? models.at(-1)?.id ?? null, models).catch((e) => modelStore.set({ error: message(e) }));
});

export async function setActiveModel(id: string): Promise<void> {
  try {
    await activate(id);
    await store.saveActiveModelId(id);
    modelStore.set({ error: null });
  } catch (e) {
    modelStore.set({ error: message(e) });
  }
}

async function addModel(m: StoredModel): Promise<void> {
  if (m.id !== DEMO_MODEL_ID) await store.putModel(m);
  const models = [...modelStore.get().models.filter((x) => x.id !== m.id), m];
  modelStore.set({ models });
  await activate(m.id, models);
  await store.saveActiveModelId(m.id);
}

/** Trains the study's pipeline on the cohort in the model worker. Refuses (naming the patient) rather than guess. */
export async function trainModel(config: Record<string, unknown> | null = null): Promise<void> {
  if (modelStore.get().training?.running) return;
  let data;
  // the cohort's DCE phase and whether its patients are the synthetic demo's, recorded in
  // MODEL.json (her2 fit --phase N --synthetic on the exported CSVs gives the same file)
  const cohort = cohortStore.get().cohort;
  try {
    data = trainingData();
  } catch (e) {
    modelStore.set({ error: message(e) });
    return;
  }
  modelStore.set({ training: { running: true, step: 'starting', fraction: 0 }, error: null });
  const job = startJob('Training the models (LASSO, logistic regressions)', 100);
  try {
    const reply: FitReply = await modelWorker().fit(
      { featuresCsv: data.featuresCsv, clinicalCsv: data.clinicalCsv, reader2Csv: data.reader2Csv, config, sources: { features: 'features.csv', clinical: 'clinical.csv', reader2: 'features-reader2.csv' }, phase: cohort?.phase ?? null, synthetic: !!cohort?.demo },
      Comlink.proxy((step: string, fraction: number) => {
        modelStore.set({ training: { running: true, step, fraction } });
        job.progress(Math.round(fraction * 100));
      }),
    );
    const c = reply.model.provenance.cohort;
    const id = `m${Date.now().toString(36)}`;
    await addModel({ id, name: `Trained ${reply.model.provenance.date.slice(0, 16).replace('T', ' ')} (${c.n_train} + ${c.n_test} patients)`, origin: 'trained', addedAt: reply.model.provenance.date, json: reply.text });
    modelStore.set({ lastTraining: { modelId: id, featuresCsv: data.featuresCsv, reader2Csv: data.reader2Csv, clinicalCsv: data.clinicalCsv } });
  } catch (e) {
    modelStore.set({ error: message(e) });
  } finally {
    job.finish();
    modelStore.set({ training: null });
  }
}

/** Imports a MODEL.json (the schema of `her2 fit`); a file that is not one is refused, named. */
export async function importModel(file: File): Promise<void> {
  try {
    const text = await file.text();
    const model = await modelWorker().read(text, file.name);
    await addModel({ id: `i${Date.now().toString(36)}`, name: `${file.name} (${model.provenance.date.slice(0, 10)})`, origin: 'imported', addedAt: new Date().toISOString(), json: text });
    modelStore.set({ error: null });
  } catch (e) {
    modelStore.set({ error: message(e) });
  }
}

export function exportActiveModel(): void {
  const { models, activeId } = modelStore.get();
  const m = models.find((x) => x.id === activeId);
  if (m) download(m.origin === 'demo' ? 'demo-MODEL.json' : 'MODEL.json', m.json, 'application/json');
}

export function exportTrainingData(which: 'features' | 'reader2' | 'clinical'): void {
  const t = modelStore.get().lastTraining;
  if (!t) return;
  const text = which === 'features' ? t.featuresCsv : which === 'reader2' ? t.reader2Csv : t.clinicalCsv;
  if (text) download(which === 'features' ? 'training-features.csv' : which === 'reader2' ? 'training-features-reader2.csv' : 'training-clinical.csv', text, 'text/csv');
}

export async function removeModel(id: string): Promise<void> {
  if (id === DEMO_MODEL_ID) return;
  await store.deleteModel(id);
  const models = modelStore.get().models.filter((m) => m.id !== id);
  modelStore.set({ models });
  if (modelStore.get().activeId === id) await activate(models.at(-1)?.id ?? null, models);
}
