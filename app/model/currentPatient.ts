/**
 * The patient the nomogram panel scores: the study selected in the viewer. Its features and
 * clinical values come from, in order:
 * - the cohort, when the study's PatientID is a cohort patient (features extracted in the
 *   batch, clinical values from the clinical CSV);
 * - otherwise the Features panel's "Extract features" result for the open study
 *   (./patientFeatures.ts), or a features CSV row loaded for it; clinical values typed in the
 *   panel's form (kept per StudyInstanceUID in IndexedDB), and the TIC type from the TIC
 *   worker on the study's phases and ROI when the user asks for it.
 * Nothing is guessed: a value the model needs and the patient lacks is asked for.
 */
import * as Comlink from 'comlink';
import { clinicalValuesOf, resolveTic, type CohortPatient } from '../../workers/cohort/cohort.ts';
import type { TicResult } from '../../workers/dce/tic.ts';
import type { TicWorkerApi } from '../../workers/dce/tic.worker.ts';
import type { FeatureRow } from '../../workers/io/features-csv.ts';
import { IMAGE_TYPES_COLUMN, SETTINGS_COLUMN } from '../../workers/stats/extraction-record.ts';
import type { ScoreExtraction } from '../../workers/stats/model-worker-api.ts';
import { cohortStore } from '../cohort/cohortService.ts';
import { loadPatientEntry, putPatientEntry } from '../cohort/db.ts';
import { getPhaseTimes, getPhaseVolumes } from '../import/studyService.ts';
import { appStore } from '../store/appStore.ts';
import { createStore, useStore } from '../store/createStore.ts';
import { getLesionMask } from '../viewer/roi.ts';
import { patientFeaturesStore } from './patientFeatures.ts';

export interface CurrentPatient {
  seriesKey: string;
  studyInstanceUID: string;
  patientId: string;
  patientName: string;
  studyDate: string;
  description: string;
  demo: boolean;
  cohortPatient: CohortPatient | null;
  /** `extraction`: what they were extracted with (diagnostics cells; the phase when known), checked against the model's */
  features: { values: Record<string, number>; source: string; extraction: ScoreExtraction } | null;
  /** clinical values by variable (cohort's, else typed; the TIC may be measured) */
  clinical: Record<string, number>;
  clinicalSource: 'cohort' | 'typed';
  /**
   * where the TIC in `clinical` comes from: the cohort's choice ('cohort-measured' or the
   * CSV's 'cohort-csv'), typed here, or measured here from the ROI; null when there is none
   */
  ticSource: 'cohort-measured' | 'cohort-csv' | 'typed' | 'measured' | null;
}

interface TypedState {
  /** StudyInstanceUID -> typed clinical values */
  typed: Record<string, Record<string, number>>;
  /** series key -> TIC result or error */
  tic: Record<string, { result?: TicResult; error?: string; running?: boolean }>;
}

export const patientInputStore = createStore<TypedState>({ typed: {}, tic: {} });

const loading = new Set<string>();
function ensureTyped(uid: string): void {
  if (loading.has(uid)) return;
  loading.add(uid);
  void loadPatientEntry(uid).then((e) => {
    if (e) patientInputStore.set((s) => ({ typed: { ...s.typed, [uid]: { ...e.clinical, ...s.typed[uid] } } }));
  });
}

export async function setTypedClinical(uid: string, values: Record<string, number>): Promise<void> {
  const merged = { ...patientInputStore.get().typed[uid], ...values };
  patientInputStore.set((s) => ({ typed: { ...s.typed, [uid]: merged } }));
  await putPatientEntry({ studyInstanceUID: uid, clinical: merged });
}

let ticWorker: Comlink.Remote<TicWorkerApi> | null = null;

/** The lesion's time-intensity curve and TIC type from the study's phases and reader 1's largest lesion (TIC worker). */
export async function computeTicFor(seriesKey: string): Promise<void> {
  patientInputStore.set((s) => ({ tic: { ...s.tic, [seriesKey]: { running: true } } }));
  try {
    // reader 1's largest lesion, the one the features describe
    const mask = getLesionMask(seriesKey, 1, 'largest');
    if (!mask) throw new Error('no ROI on this study: draw or import the lesion first');
    const volumes = await getPhaseVolumes(seriesKey);
    const times = getPhaseTimes(seriesKey);
    const entry = appStore.get().series.find((s) => s.key === seriesKey);
    ticWorker ??= Comlink.wrap<TicWorkerApi>(new Worker(new URL('../../workers/dce/tic.worker.ts', import.meta.url), { type: 'module', name: 'tic' }));
    const result = await ticWorker.tic({
      phases: volumes.map((volume, k) => ({ volume, time: times[k], label: `phase ${k}` })),
      mask,
      contrastBolusStartTime: entry?.item.contrastBolusStartTime,
    });
    patientInputStore.set((s) => ({ tic: { ...s.tic, [seriesKey]: { result } } }));
  } catch (e) {
    patientInputStore.set((s) => ({ tic: { ...s.tic, [seriesKey]: { error: (e as Error).message } } }));
  }
}

/** The row's diagnostics_Configuration_* cells (what scoring compares with the model's) and the phase when known. */
function extractionOf(row: FeatureRow, phase: number | null): ScoreExtraction {
  const d = row.diagnostics;
  return { diagnostics: { settings: d[SETTINGS_COLUMN] || undefined, imageTypes: d[IMAGE_TYPES_COLUMN] || undefined }, phase };
}

function finite(values: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => Number.isFinite(v)));
}

export function useCurrentPatient(): CurrentPatient | null {
  const selected = useStore(appStore, (s) => s.selectedSeriesKey);
  const series = useStore(appStore, (s) => s.series);
  const studies = useStore(appStore, (s) => s.studies);
  const cohort = useStore(cohortStore, (s) => s.cohort);
  const cohortFeatures = useStore(cohortStore, (s) => s.features);
  const published = useStore(patientFeaturesStore, (s) => s.bySeries);
  const typed = useStore(patientInputStore, (s) => s.typed);
  const tic = useStore(patientInputStore, (s) => s.tic);
  if (!selected) return null;
  const entry = series.find((s) => s.key === selected);
  const study = entry && studies.find((st) => st.key === entry.studyKey);
  if (!entry || !study) return null;
  const cp = cohort?.patients.find((p) => p.id === study.patientId) ?? null;
  ensureTyped(study.studyInstanceUID);
  let features: CurrentPatient['features'] = null;
  const cf = cp ? cohortFeatures[cp.id]?.reader1 : undefined;
  if (cf) features = { values: cf.features, source: 'cohort extraction (reader 1)', extraction: extractionOf(cf, cohort!.phase) };
  else if (published[selected]) features = { values: published[selected].row.features, source: published[selected].source, extraction: extractionOf(published[selected].row, published[selected].phase ?? null) };
  const typedValues = typed[study.studyInstanceUID] ?? {};
  // a cohort patient's values as training uses them (its TIC from the cohort's source choice)
  const cohortValues = cohort && cp ? clinicalValuesOf(cohort, cp) : null;
  const fromCohort = cohortValues ? finite(cohortValues) : null;
  // the TIC measured here from the ROI stands in for a TIC nobody gave
  const measuredTic = tic[selected]?.result?.type;
  const base: Record<string, number> = measuredTic ? { tic: measuredTic } : {};
  const clinical = fromCohort ? { ...base, ...typedValues, ...fromCohort } : { ...base, ...typedValues };
  const cohortTic = fromCohort && Number.isFinite(fromCohort.tic) ? resolveTic(cohort!, cp!).source : null;
  const ticSource: CurrentPatient['ticSource'] = cohortTic
    ? cohortTic === 'measured'
      ? 'cohort-measured'
      : 'cohort-csv'
    : Number.isFinite(typedValues.tic)
      ? 'typed'
      : measuredTic
        ? 'measured'
        : null;
  return {
    seriesKey: selected,
    studyInstanceUID: study.studyInstanceUID,
    patientId: study.patientId,
    patientName: study.patientName,
    studyDate: study.date,
    description: study.description,
    demo: study.demo,
    cohortPatient: cp,
    features,
    clinical,
    clinicalSource: fromCohort ? 'cohort' : 'typed',
    ticSource,
  };
}
