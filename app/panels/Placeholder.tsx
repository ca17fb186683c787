/** Placeholders for the panels other issues add (see registry.ts). */
function Placeholder({ what }: { what: string }) {
  return <p className="placeholder">{what}</p>;
}

export function LesionPlaceholder() {
  return <Placeholder what="Lesion: ROI readers, statistics and the time-intensity curve appear here." />;
}
export function FeaturesPlaceholder() {
  return <Placeholder what="Features: radiomic feature extraction from the ROI appears here." />;
}
export function CohortPlaceholder() {
  return <Placeholder what="Cohort: patients, clinical data and batch extraction appear here." />;
}
export function TrainingPlaceholder() {
  return <Placeholder what="Training: ICC, Mann-Whitney and LASSO model building appear here." />;
}
export function NomogramPlaceholder() {
  return <Placeholder what="Nomogram: the patient's HER2-low probability, ROC and calibration appear here." />;
}
