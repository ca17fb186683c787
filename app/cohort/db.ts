/**
 * The workspace's IndexedDB (idb): the cohort, each patient's features as extraction
 * finishes them, the models, the unfinished extraction job (so a reload resumes it) and the
 * clinical values typed for patients outside the cohort. Nothing leaves the browser.
 *
 * Database 'her2-workspace', stores:
 *   state     key -> value ('cohort', 'extraction', 'activeModel')
 *   features  [patientId, reader] -> StoredFeatures
 *   models    id -> StoredModel
 *   patients  StudyInstanceUID -> clinical values typed in the nomogram panel
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { Cohort } from '../../workers/cohort/cohort.ts';
import type { StoredFeatures, StoredModel } from '../../workers/cohort/workspace.ts';

/** An extraction in progress, kept until it finishes or is cancelled. */
export interface ExtractionJob {
  params: string;
  phase: number;
  startedAt: string;
}

export interface PatientEntry {
  studyInstanceUID: string;
  clinical: Record<string, number>;
}

interface WorkspaceDb extends DBSchema {
  state: { key: string; value: unknown };
  features: { key: [string, string]; value: StoredFeatures };
  models: { key: string; value: StoredModel };
  patients: { key: string; value: PatientEntry };
}

let dbPromise: Promise<IDBPDatabase<WorkspaceDb>> | null = null;

export function db(): Promise<IDBPDatabase<WorkspaceDb>> {
  dbPromise ??= openDB<WorkspaceDb>('her2-workspace', 1, {
    upgrade(d) {
      d.createObjectStore('state');
      d.createObjectStore('features', { keyPath: ['patientId', 'reader'] });
      d.createObjectStore('models', { keyPath: 'id' });
      d.createObjectStore('patients', { keyPath: 'studyInstanceUID' });
    },
  });
  return dbPromise;
}

export async function loadCohort(): Promise<Cohort | null> {
  return ((await (await db()).get('state', 'cohort')) as Cohort | undefined) ?? null;
}

export async function saveCohort(cohort: Cohort | null): Promise<void> {
  const d = await db();
  if (cohort) await d.put('state', cohort, 'cohort');
  else await d.delete('state', 'cohort');
}

export async function loadJob(): Promise<ExtractionJob | null> {
  return ((await (await db()).get('state', 'extraction')) as ExtractionJob | undefined) ?? null;
}

export async function saveJob(job: ExtractionJob | null): Promise<void> {
  const d = await db();
  if (job) await d.put('state', job, 'extraction');
  else await d.delete('state', 'extraction');
}

export async function loadFeatures(): Promise<StoredFeatures[]> {
  return (await db()).getAll('features');
}

export async function putFeatures(f: StoredFeatures): Promise<void> {
  await (await db()).put('features', f);
}

export async function clearFeatures(): Promise<void> {
  await (await db()).clear('features');
}

export async function loadModels(): Promise<StoredModel[]> {
  const all = await (await db()).getAll('models');
  return all.sort((a, b) => a.addedAt.localeCompare(b.addedAt));
}

export async function putModel(m: StoredModel): Promise<void> {
  await (await db()).put('models', m);
}

export async function deleteModel(id: string): Promise<void> {
  await (await db()).delete('models', id);
}

export async function loadActiveModelId(): Promise<string | null> {
  return ((await (await db()).get('state', 'activeModel')) as string | undefined) ?? null;
}

export async function saveActiveModelId(id: string | null): Promise<void> {
  const d = await db();
  if (id) await d.put('state', id, 'activeModel');
  else await d.delete('state', 'activeModel');
}

export async function loadPatientEntry(uid: string): Promise<PatientEntry | null> {
  return (await (await db()).get('patients', uid)) ?? null;
}

export async function putPatientEntry(e: PatientEntry): Promise<void> {
  await (await db()).put('patients', e);
}

/** Replaces the whole workspace (import of a workspace file). */
export async function replaceAll(cohort: Cohort | null, features: StoredFeatures[], models: StoredModel[], activeModelId: string | null): Promise<void> {
  const d = await db();
  const tx = d.transaction(['state', 'features', 'models'], 'readwrite');
  await tx.objectStore('state').clear();
  await tx.objectStore('features').clear();
  await tx.objectStore('models').clear();
  if (cohort) await tx.objectStore('state').put(cohort, 'cohort');
  if (activeModelId) await tx.objectStore('state').put(activeModelId, 'activeModel');
  for (const f of features) await tx.objectStore('features').put(f);
  for (const m of models) await tx.objectStore('models').put(m);
  await tx.done;
}
