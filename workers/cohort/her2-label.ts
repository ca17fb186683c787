/**
 * The study's label from a patient's HER2 test results (Frontiers in Oncology 2024, and the
 * 2018 ASCO/CAP scoring it follows):
 *   IHC 0                          -> HER2-zero (label 0)
 *   IHC 1+, or IHC 2+ with ISH neg -> HER2-low  (label 1)
 *   IHC 3+, or a positive ISH      -> HER2-positive: outside the study, excluded
 *   IHC 2+ without an ISH result   -> undetermined, excluded
 * The decision itself is the modelling engine's (workers/io/clinical-csv.ts her2LabelFromIhc);
 * this adds the words the cohort view shows for each outcome.
 *
 * Encoding: ihc 0..3 (0, 1+, 2+, 3+), NaN when not given; ish 1 = positive (amplified),
 * 0 = negative, NaN = not done / not given.
 */
import { her2LabelFromIhc } from '../io/clinical-csv.ts';

export type Her2Class = 'HER2-zero' | 'HER2-low' | 'HER2-positive' | 'undetermined' | 'unknown';

export interface Her2Label {
  /** 1 = HER2-low, 0 = HER2-zero; null = not part of training (see `reason`) */
  label: 0 | 1 | null;
  class: Her2Class;
  /** why the patient is excluded (null for HER2-low and HER2-zero) */
  reason: string | null;
}

export function ihcText(ihc: number): string {
  return Number.isNaN(ihc) ? 'not given' : ihc === 0 ? '0' : `${ihc}+`;
}

function ishText(ish: number): string {
  return Number.isNaN(ish) ? 'not done' : ish === 1 ? 'positive' : 'negative';
}

/** Label from IHC (0..3, NaN) and ISH (1/0/NaN). */
export function deriveHer2Label(ihc: number, ish: number): Her2Label {
  if (Number.isNaN(ihc)) {
    if (ish === 1) return { label: null, class: 'HER2-positive', reason: 'HER2-positive (ISH positive): outside the study' };
    return { label: null, class: 'unknown', reason: 'no HER2 IHC score' };
  }
  if (!(ihc === 0 || ihc === 1 || ihc === 2 || ihc === 3)) {
    return { label: null, class: 'unknown', reason: `HER2 IHC score ${ihc} is not 0, 1+, 2+ or 3+` };
  }
  const decided = her2LabelFromIhc(ihc, ish);
  if (decided === 'positive') {
    const why = ihc === 3 ? `IHC 3+${ish === 1 ? ', ISH positive' : ''}` : `IHC ${ihcText(ihc)}, ISH positive`;
    return { label: null, class: 'HER2-positive', reason: `HER2-positive (${why}): outside the study` };
  }
  if (decided === 0) return { label: 0, class: 'HER2-zero', reason: null };
  if (decided === 1) return { label: 1, class: 'HER2-low', reason: null };
  return { label: null, class: 'undetermined', reason: `IHC ${ihcText(ihc)} with ISH ${ishText(ish)}: HER2-low or HER2-positive is undetermined` };
}

/** The label of a patient from a given label column (1/0) when no IHC is given. */
export function labelFromGiven(label: 0 | 1 | null): Her2Label {
  if (label === 1) return { label: 1, class: 'HER2-low', reason: null };
  if (label === 0) return { label: 0, class: 'HER2-zero', reason: null };
  return { label: null, class: 'unknown', reason: 'no label and no HER2 IHC score' };
}
