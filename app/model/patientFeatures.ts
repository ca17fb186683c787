/**
 * The radiomic features of the studies open in the viewer, by series key: the Features
 * panel's "Extract features" results (its onFeaturesExtracted), or a features CSV row loaded
 * for the study in the nomogram panel; the nomogram panel reads the current patient's here. Kept for the session; a cohort patient's features live in the cohort instead.
 */
import type { FeatureRow } from '../../workers/io/features-csv.ts';
import { extractionStore, onFeaturesExtracted } from '../features/extractionService.ts';
import { createStore } from '../store/createStore.ts';

export interface PublishedFeatures {
  row: FeatureRow;
  /** where they came from, shown in the panel ('Extract features', a file name...) */
  source: string;
  /** the DCE phase they were extracted from, when known (the Features tab's extraction) */
  phase?: number | null;
}

export const patientFeaturesStore = createStore<{ bySeries: Record<string, PublishedFeatures> }>({ bySeries: {} });

export function publishPatientFeatures(seriesKey: string, row: FeatureRow, source = 'Extract features', phase: number | null = null): void {
  patientFeaturesStore.set((s) => ({ bySeries: { ...s.bySeries, [seriesKey]: { row, source, phase } } }));
}

export function patientFeatures(seriesKey: string): PublishedFeatures | undefined {
  return patientFeaturesStore.get().bySeries[seriesKey];
}

// The Features panel's "Extract features" results (app/features/extractionService.ts): the
// latest one, if any was made before this module loaded, then every new one.
// The store holds the result (with its phase) before the listeners are told.
onFeaturesExtracted((seriesKey, row, source) => {
  const r = extractionStore.get().result;
  publishPatientFeatures(seriesKey, row, source, r && r.row === row ? r.phase : null);
});
{
  const r = extractionStore.get().result;
  if (r && !patientFeatures(r.seriesKey)) publishPatientFeatures(r.seriesKey, r.row, `Extract features (phase ${r.phase}, reader ${r.reader}, ${r.params})`, r.phase);
}
