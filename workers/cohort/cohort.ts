/**
 * A cohort as the workstation keeps it (DOM-free, plain JSON-able data): its patients, where
 * each one's images come from, their clinical records, labels and split; and the data sets
 * the modelling engine trains on, built from it and the extracted features.
 *
 * The rules the cohort view shows and training obeys:
 * - the label comes from IHC/ISH (./her2-label.ts) or a label column; HER2-positive and
 *   undetermined patients are excluded, with the reason shown;
 * - the split is the clinical CSV's, or a seeded stratified one drawn by the modelling
 *   engine's own function (workers/stats/split.ts), so the CLI would draw the same;
 * - training refuses (CohortError naming the patient) rather than guess: a labelled
 *   patient without reader 1's features, without a split, or a cohort with one class;
 * - the TIC type is the one measured from the images (./measured-tic.ts, stored with the
 *   patient by the batch extraction) or the clinical CSV's, as the cohort's choice says
 *   (`ticSource`, per patient `CohortPatient.ticSource`): by default the measured type when
 *   there is one, else the CSV's. An explicit choice whose value is missing while the other
 *   source has one is refused by training, naming the patient.
 */
import type { FeatureRow } from '../io/features-csv.ts';
import { formatFeaturesCsv } from '../io/features-csv.ts';
import { stratifiedSplit } from '../stats/split.ts';
import type { DemoGrid } from '../demo/index.ts';
import { type ClinicalImport, type ClinicalRecord, type ClinicalVariable, ClinicalImportError, formatClinicalCsv, labelOf } from './clinical-mapping.ts';
import { labelFromGiven, type Her2Label } from './her2-label.ts';
import { isMeasured, type MeasuredTic, type PatientTic } from './measured-tic.ts';

export const COHORT_SCHEMA = 'her2-cohort/1';

export class CohortError extends Error {}

/** Where a patient's images come from. */
export type PatientSource =
  /** patient `index` of the seeded demo cohort (regenerated on demand from the seed) */
  | { kind: 'demo'; index: number }
  /** a study imported into the workstation (its DICOM kept in the browser's file system) */
  | { kind: 'study'; studyInstanceUID: string; seriesInstanceUID: string | null }
  /** a clinical row only, no images yet */
  | { kind: 'none' };

export interface CohortPatient {
  id: string;
  source: PatientSource;
  /** which readers' ROIs exist */
  roi: { reader1: boolean; reader2: boolean };
  clinical: ClinicalRecord | null;
  split: 'train' | 'test' | null;
  /** the TIC measured from the images by the batch extraction (absent: not yet) */
  measuredTic?: PatientTic;
  /** this patient's TIC source, overriding the cohort's (absent: the cohort's) */
  ticSource?: TicSource;
}

/** Where a patient's TIC type comes from. */
export type TicSource = 'measured' | 'clinical';
/** The cohort's choice: 'auto' = the measured type when there is one, else the clinical CSV's. */
export type TicSourceChoice = 'auto' | TicSource;

export interface DemoCohortSpec {
  seed: number;
  /** patients in the cohort the plan is drawn from (the study's 118) */
  planPatients: number;
  grid: DemoGrid;
  /** 'subset': the quick stratified subset; 'full': every patient of the plan */
  size: 'subset' | 'full';
}

export interface Cohort {
  schema: typeof COHORT_SCHEMA;
  name: string;
  demo: DemoCohortSpec | null;
  patients: CohortPatient[];
  clinical: { source: string; ihcMapped: boolean; ki67Note: string | null; header: string[]; mapping: Record<string, string | null> } | null;
  split: { kind: 'none' | 'given' | 'generated'; seed: number | null; testFraction: number | null };
  /** the DCE phase whose image is extracted (0 = pre-contrast; the study's 2) */
  phase: number;
  /** where the TIC type used for training comes from (absent: 'auto') */
  ticSource?: TicSourceChoice;
}

export function emptyCohort(name = 'Cohort'): Cohort {
  return { schema: COHORT_SCHEMA, name, demo: null, patients: [], clinical: null, split: { kind: 'none', seed: null, testFraction: null }, phase: 2 };
}

/** Reader 1 and (for the reproducibility subset) reader 2 features of a patient. */
export interface PatientFeatures {
  reader1?: FeatureRow;
  reader2?: FeatureRow;
}

export function labelOfPatient(cohort: Cohort, p: CohortPatient): Her2Label {
  if (!p.clinical) return { label: null, class: 'unknown', reason: 'no clinical data' };
  if (!cohort.clinical) return labelFromGiven(p.clinical.givenLabel);
  return labelOf(p.clinical, cohort.clinical.ihcMapped, cohort.clinical.source);
}

/**
 * Joins a clinical import to the cohort. An empty cohort takes its patients from the file;
 * otherwise every row must name a cohort patient (an unknown id is an error naming its row),
 * and patients without a row keep no clinical data. A split column must be filled for every
 * row or none.
 */
export function applyClinical(cohort: Cohort, imp: ClinicalImport): Cohort {
  const ihcMapped = !!imp.mapping.ihc;
  const byId = new Map(imp.records.map((r) => [r.id, r]));
  let patients: CohortPatient[];
  if (cohort.patients.length === 0) {
    patients = imp.records.map((r) => ({ id: r.id, source: { kind: 'none' }, roi: { reader1: false, reader2: false }, clinical: r, split: null }));
  } else {
    const known = new Set(cohort.patients.map((p) => p.id));
    const unknown = imp.records.filter((r) => !known.has(r.id));
    if (unknown.length) {
      const list = unknown.slice(0, 5).map((r) => `row ${r.line} '${r.id}'`).join(', ');
      throw new ClinicalImportError(`${imp.source}: ${unknown.length} row(s) name patients not in the cohort: ${list}${unknown.length > 5 ? ', ...' : ''}`);
    }
    patients = cohort.patients.map((p) => ({ ...p, clinical: byId.get(p.id) ?? null, split: null }));
  }
  const withSplit = imp.records.filter((r) => r.givenSplit !== null);
  if (withSplit.length > 0 && withSplit.length < imp.records.length) {
    const r = imp.records.find((x) => x.givenSplit === null)!;
    throw new ClinicalImportError(`${imp.source}: row ${r.line} (patient '${r.id}') has no split, while other rows have one (train or test)`);
  }
  const next: Cohort = {
    ...cohort,
    patients,
    clinical: { source: imp.source, ihcMapped, ki67Note: imp.ki67Note, header: imp.header, mapping: { ...imp.mapping } as Record<string, string | null> },
    split: withSplit.length ? { kind: 'given', seed: null, testFraction: null } : { kind: 'none', seed: null, testFraction: null },
  };
  // labels are checked now so that a contradiction is reported at import
  for (const p of next.patients) labelOfPatient(next, p);
  if (withSplit.length) next.patients = next.patients.map((p) => ({ ...p, split: p.clinical?.givenSplit ?? null }));
  return next;
}

/**
 * A seeded split, stratified by class, of the labelled patients (the modelling engine's
 * stratifiedSplit, in cohort order); excluded patients get none.
 */
export function generateSplit(cohort: Cohort, seed: number, testFraction: number): Cohort {
  if (!(testFraction > 0 && testFraction < 1)) throw new CohortError(`split: the test fraction must be between 0 and 1, not ${testFraction}`);
  const labelled = cohort.patients.map((p) => labelOfPatient(cohort, p).label);
  const idx = labelled.map((l, i) => (l === null ? -1 : i)).filter((i) => i >= 0);
  const isTest = stratifiedSplit(idx.map((i) => labelled[i]!), testFraction, seed);
  const split = new Map(idx.map((i, k) => [i, isTest[k] ? 'test' : 'train'] as const));
  return {
    ...cohort,
    patients: cohort.patients.map((p, i) => ({ ...p, split: split.get(i) ?? null })),
    split: { kind: 'generated', seed, testFraction },
  };
}

/** A patient's TIC: both sources, and the one training uses. */
export interface ResolvedTic {
  /** the type training uses, NaN when none */
  value: number;
  /** where `value` comes from; null when there is none */
  source: TicSource | null;
  /** the choice that applies to this patient, and whether it is the patient's own */
  choice: TicSourceChoice;
  overridden: boolean;
  measured: MeasuredTic | null;
  /** why the TIC could not be measured (the last extraction's error) */
  measuredError: string | null;
  /** the clinical CSV's type, null when it has none */
  clinical: number | null;
  /** both sources have a type and they differ */
  mismatch: boolean;
  /** the chosen source has no type while the other has one (training refuses), else null */
  missing: string | null;
}

export function resolveTic(cohort: Cohort, p: CohortPatient): ResolvedTic {
  const measured = isMeasured(p.measuredTic) ? p.measuredTic : null;
  const measuredError = p.measuredTic && !isMeasured(p.measuredTic) ? p.measuredTic.error : null;
  const c = p.clinical?.values.tic;
  const clinical = c !== undefined && !Number.isNaN(c) ? c : null;
  const choice = p.ticSource ?? cohort.ticSource ?? 'auto';
  let source: TicSource | null;
  let missing: string | null = null;
  if (choice === 'auto') source = measured ? 'measured' : clinical !== null ? 'clinical' : null;
  else if (choice === 'measured') {
    source = measured ? 'measured' : null;
    if (!measured && clinical !== null) {
      missing = `patient '${p.id}': its TIC source is the measured type, but it has none${measuredError ? ` (${measuredError})` : ' yet (run Extract features)'}; or choose the clinical CSV's type`;
    }
  } else {
    source = clinical !== null ? 'clinical' : null;
    if (clinical === null && measured) missing = `patient '${p.id}': its TIC source is the clinical CSV, which has no TIC type for it; or choose the measured type`;
  }
  return {
    value: source === 'measured' ? measured!.type : source === 'clinical' ? clinical! : NaN,
    source,
    choice,
    overridden: p.ticSource !== undefined,
    measured,
    measuredError,
    clinical,
    mismatch: measured !== null && clinical !== null && measured.type !== clinical,
    missing,
  };
}

/** The cohort with its TIC source choice set (every patient without an override follows it). */
export function withTicSource(cohort: Cohort, choice: TicSourceChoice): Cohort {
  return { ...cohort, ticSource: choice };
}

/** The cohort with one patient's TIC source set, or cleared (null: the cohort's choice). */
export function withPatientTicSource(cohort: Cohort, id: string, source: TicSource | null): Cohort {
  return {
    ...cohort,
    patients: cohort.patients.map((p) => {
      if (p.id !== id) return p;
      const { ticSource: _old, ...rest } = p;
      return source === null ? rest : { ...rest, ticSource: source };
    }),
  };
}

/** The cohort with a patient's measured TIC (or its error) stored. */
export function withMeasuredTic(cohort: Cohort, id: string, tic: PatientTic): Cohort {
  return { ...cohort, patients: cohort.patients.map((p) => (p.id === id ? { ...p, measuredTic: tic } : p)) };
}

/** Whether the batch extraction still has to measure the patient's TIC (images, and no measured type). */
export function needsTic(p: CohortPatient): boolean {
  return p.source.kind !== 'none' && !isMeasured(p.measuredTic);
}

/** The patient's clinical values with the TIC that training uses in place of the CSV's. */
export function clinicalValuesOf(cohort: Cohort, p: CohortPatient): Record<ClinicalVariable, number> | null {
  if (!p.clinical) return null;
  return { ...p.clinical.values, tic: resolveTic(cohort, p).value };
}

export interface PatientStatus {
  id: string;
  images: 'demo' | 'study' | 'none';
  roiReader1: boolean;
  roiReader2: boolean;
  featuresReader1: boolean;
  featuresReader2: boolean;
  /** the TIC type training uses (1/2/3), null when none; `ticInfo` has both sources */
  tic: number | null;
  ticInfo: ResolvedTic;
  clinical: boolean;
  label: Her2Label;
  split: 'train' | 'test' | null;
}

export function patientStatus(cohort: Cohort, p: CohortPatient, f: PatientFeatures | undefined): PatientStatus {
  const ticInfo = resolveTic(cohort, p);
  return {
    id: p.id,
    images: p.source.kind,
    roiReader1: p.roi.reader1,
    roiReader2: p.roi.reader2,
    featuresReader1: !!f?.reader1,
    featuresReader2: !!f?.reader2,
    tic: ticInfo.source ? ticInfo.value : null,
    ticInfo,
    clinical: !!p.clinical,
    label: labelOfPatient(cohort, p),
    split: p.split,
  };
}

export interface TrainingData {
  /** the CSVs the modelling engine reads (docs/features-csv.md, workers/io/clinical-csv.ts) */
  featuresCsv: string;
  reader2Csv: string | null;
  clinicalCsv: string;
  ids: string[];
  excluded: { id: string; reason: string }[];
}

/**
 * The training data of the cohort: every labelled patient, in cohort order. Refuses
 * (CohortError naming the patient) when one lacks reader 1's features or a split, or when a
 * class or a split is empty.
 */
export function buildTrainingData(cohort: Cohort, features: ReadonlyMap<string, PatientFeatures>): TrainingData {
  if (cohort.patients.length === 0) throw new CohortError('the cohort has no patients');
  const excluded: { id: string; reason: string }[] = [];
  const included: CohortPatient[] = [];
  const labels: (0 | 1)[] = [];
  for (const p of cohort.patients) {
    const l = labelOfPatient(cohort, p);
    if (l.label === null) excluded.push({ id: p.id, reason: l.reason ?? l.class });
    else {
      included.push(p);
      labels.push(l.label);
    }
  }
  if (included.length === 0) throw new CohortError('no patient is HER2-low or HER2-zero: import the clinical data (IHC/ISH or a label) first');
  const nLow = labels.filter((l) => l === 1).length;
  if (nLow === 0) throw new CohortError(`the cohort has one class only: all ${included.length} labelled patients are HER2-zero; training needs HER2-low patients too`);
  if (nLow === included.length) throw new CohortError(`the cohort has one class only: all ${included.length} labelled patients are HER2-low; training needs HER2-zero patients too`);
  const noFeatures = included.filter((p) => !features.get(p.id)?.reader1);
  if (noFeatures.length) {
    const p = noFeatures[0];
    const what = p.roi.reader1 || p.source.kind === 'demo' ? 'no features yet (extract them first)' : 'no ROI and no features';
    throw new CohortError(`patient '${p.id}' has ${what}${noFeatures.length > 1 ? ` (and ${noFeatures.length - 1} other patient(s): ${noFeatures.slice(1, 6).map((x) => x.id).join(', ')}${noFeatures.length > 6 ? ', ...' : ''})` : ''}`);
  }
  const noSplit = included.find((p) => p.split === null);
  if (noSplit) throw new CohortError(`patient '${noSplit.id}' has no train/test split: import one with the clinical data or generate one`);
  for (const set of ['train', 'test'] as const) {
    const inSet = included.map((p, i) => (p.split === set ? labels[i] : -1)).filter((l) => l >= 0);
    const name = set === 'train' ? 'training' : 'test';
    if (inSet.length === 0) throw new CohortError(`the ${name} set is empty`);
    if (!inSet.includes(1)) throw new CohortError(`the ${name} set has no HER2-low patient`);
    if (!inSet.includes(0)) throw new CohortError(`the ${name} set has no HER2-zero patient`);
  }
  for (const p of included) {
    const missing = resolveTic(cohort, p).missing;
    if (missing) throw new CohortError(missing);
  }
  const rows1 = included.map((p) => features.get(p.id)!.reader1!);
  const rows2 = included.map((p) => features.get(p.id)?.reader2).filter((r): r is FeatureRow => !!r);
  return {
    featuresCsv: formatFeaturesCsv(rows1.map((r, i) => ({ ...r, id: included[i].id }))),
    reader2Csv: rows2.length ? formatFeaturesCsv(rows2) : null,
    clinicalCsv: clinicalCsvOf(
      cohort,
      included.map((p, i) => ({ p, label: labels[i] })),
    ),
    ids: included.map((p) => p.id),
    excluded,
  };
}

/** The clinical variables that some patient has a value of (TIC: the one training uses), in the CSV order. */
export function clinicalColumns(cohort: Cohort): ClinicalVariable[] {
  const vars: ClinicalVariable[] = ['age', 'diameter', 'stage', 'aln', 'er', 'pr', 'ki67', 'tic', 'ihc', 'ish'];
  const values = cohort.patients.map((p) => clinicalValuesOf(cohort, p));
  return vars.filter((v) => values.some((x) => x && !Number.isNaN(x[v])));
}

/**
 * The column that states where each row's TIC comes from: 1 = measured from the images,
 * 0 = the clinical CSV's, empty = no TIC. Written when some patient of the cohort has a
 * measured TIC (a cohort without one writes the CSV as before). The modelling engine reads it
 * as a column like any other and, not being one of the study's variables, never uses it as a
 * predictor.
 */
export const TIC_MEASURED_COLUMN = 'tic_measured';

function clinicalCsvOf(cohort: Cohort, rows: { p: CohortPatient; label: 0 | 1 | null }[]): string {
  const resolved = rows.map(({ p }) => resolveTic(cohort, p));
  const anyMeasured = cohort.patients.some((p) => isMeasured(p.measuredTic));
  const extra = anyMeasured ? [{ name: TIC_MEASURED_COLUMN, values: resolved.map((t) => (t.source === 'measured' ? 1 : t.source === 'clinical' ? 0 : NaN)) }] : [];
  return formatClinicalCsv(
    rows.map(({ p, label }, i) => ({ id: p.id, label, split: p.split, values: { ...p.clinical!.values, tic: resolved[i].value } })),
    clinicalColumns(cohort),
    extra,
  );
}

/**
 * The clinical CSV of every patient with clinical data (labels as derived; excluded ones
 * without), its TIC the one training uses (with the tic_measured column saying which).
 */
export function cohortClinicalCsv(cohort: Cohort): string {
  return clinicalCsvOf(
    cohort,
    cohort.patients.filter((p) => p.clinical).map((p) => ({ p, label: labelOfPatient(cohort, p).label })),
  );
}
