/**
 * The radiomic features of the studies open in the viewer, by series key: where the Features
 * panel's "Extract features" puts its result (`publishPatientFeatures`), and where the
 * nomogram panel reads the current patient's (a features CSV row loaded for the study goes
 * here too). Kept for the session; a cohort patient's features live in the cohort instead.
 */
import type { FeatureRow } from '../../workers/io/features-csv.ts';
import { createStore } from '../store/createStore.ts';

export interface PublishedFeatures {
  row: FeatureRow;
  /** where they came from, shown in the panel ('Extract features', a file name...) */
  source: string;
}

export const patientFeaturesStore = createStore<{ bySeries: Record<string, PublishedFeatures> }>({ bySeries: {} });

export function publishPatientFeatures(seriesKey: string, row: FeatureRow, source = 'Extract features'): void {
  patientFeaturesStore.set((s) => ({ bySeries: { ...s.bySeries, [seriesKey]: { row, source } } }));
}

export function patientFeatures(seriesKey: string): PublishedFeatures | undefined {
  return patientFeaturesStore.get().bySeries[seriesKey];
}
