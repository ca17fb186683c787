/**
 * The demo cohort in the workstation: the seeded synthetic cohort of workers/demo (by default
 * `her2 demo --seed 42`, 118 patients shaped like the study's Table 1), regenerated on demand
 * from its seed rather than stored: the same seed gives the same bytes, so nothing but the
 * seed and the patients' indices needs to be kept.
 *
 * "Quick" opens a stratified subset of that cohort, small enough for a minute's extraction
 * in the browser while keeping at least 10 patients of each class in training (10-fold CV
 * needs them): in each class x split group of the plan, the second reader's patients first,
 * then the others by index; 11 + 11 in training and 4 + 4 in test. On the default plan this
 * takes all 16 second-reader patients, as the study's ICC used 16. Patient ids, images and
 * clinical rows are those `her2 demo` writes for the full cohort.
 *
 * For extraction, a patient's phase image goes through the same path as `her2 cohort`: the
 * phase's DICOM files are written and read back by the importer (workers/io/dicom), and the
 * masks are read from their NRRD bytes; so the features equal the CLI's on `her2 demo`'s
 * folders. Its measured TIC (`demoTic`) is read the way `her2 tic` and `her2 cohort --out-tic`
 * read the patient's folder: every phase's DICOM files scanned together as one DCE series,
 * reader 1's mask from its NRRD bytes, in this worker (only the small result leaves it).
 */
import { loadPhaseVolume, scanDicom } from '../io/dicom/index.ts';
import type { DicomSource } from '../io/dicom/types.ts';
import { readNrrd } from '../io/nrrd.ts';
import type { Volume } from '../io/volume.ts';
import { type DemoGrid, type DemoPlanRow, demoClinicalCsv, maskNrrd, planDemoCohort, prepareDemoPatient } from '../demo/index.ts';
import { resolveClassSignal } from '../demo/cohort.ts';
import { computeTic } from '../dce/tic.ts';
import { applyClinical, COHORT_SCHEMA, type Cohort, type DemoCohortSpec } from './cohort.ts';
import { readClinical } from './clinical-mapping.ts';
import { measuredTicOf, type MeasuredTic } from './measured-tic.ts';

export const DEMO_COHORT_SEED = 42;
export const DEMO_PLAN_PATIENTS = 118;
export const DEMO_NOTICE_TEXT = 'synthetic demo data - not for clinical use';

/** Patients per class taken into the quick subset: training, test. */
export const QUICK_SUBSET = { train: 11, test: 4 } as const;

export function demoSpec(size: 'subset' | 'full' = 'subset', seed = DEMO_COHORT_SEED, grid: DemoGrid = '128x128x40'): DemoCohortSpec {
  return { seed, planPatients: DEMO_PLAN_PATIENTS, grid, size };
}

function planOf(spec: DemoCohortSpec): DemoPlanRow[] {
  return planDemoCohort({ seed: spec.seed, patients: spec.planPatients });
}

/** The plan rows of the demo cohort's patients, in index order. */
export function demoCohortRows(spec: DemoCohortSpec): DemoPlanRow[] {
  const plan = planOf(spec);
  if (spec.size === 'full') return plan;
  const chosen: DemoPlanRow[] = [];
  for (const split of ['train', 'test'] as const) {
    for (const label of [1, 0] as const) {
      const group = plan.filter((r) => r.split === split && r.label === label);
      const ordered = [...group.filter((r) => r.reader2), ...group.filter((r) => !r.reader2)];
      const want = QUICK_SUBSET[split];
      if (ordered.length < want) {
        throw new Error(`demo cohort: the plan has ${ordered.length} ${label ? 'HER2-low' : 'HER2-zero'} ${split} patients, the quick subset needs ${want}`);
      }
      chosen.push(...ordered.slice(0, want));
    }
  }
  return chosen.sort((a, b) => a.index - b.index);
}

/** The clinical CSV of the demo cohort's patients, as `her2 demo` writes clinical.csv. */
export function demoCohortClinicalCsv(spec: DemoCohortSpec): string {
  return demoClinicalCsv(demoCohortRows(spec).map(({ index: _i, reader2: _r, ...row }) => row));
}

/** The cohort: its patients (images from the seed), their clinical data and the plan's split. */
export function demoCohort(spec: DemoCohortSpec): Cohort {
  const rows = demoCohortRows(spec);
  const base: Cohort = {
    schema: COHORT_SCHEMA,
    name: `Demo cohort (seed ${spec.seed}, ${rows.length} patients, ${DEMO_NOTICE_TEXT})`,
    demo: spec,
    patients: rows.map((r) => ({ id: r.id, source: { kind: 'demo', index: r.index }, roi: { reader1: true, reader2: r.reader2 }, clinical: null, split: null })),
    clinical: null,
    split: { kind: 'none', seed: null, testFraction: null },
    phase: 2,
  };
  return applyClinical(base, readClinical(demoCohortClinicalCsv(spec), 'clinical.csv (demo)'));
}

function planRow(spec: DemoCohortSpec, index: number): DemoPlanRow {
  const row = planOf(spec)[index];
  if (!row) throw new Error(`demo cohort: no patient with index ${index} in the seed-${spec.seed} cohort of ${spec.planPatients}`);
  return row;
}

function parts(spec: DemoCohortSpec, index: number) {
  return prepareDemoPatient(spec.seed, planRow(spec, index), spec.grid, resolveClassSignal());
}

function toArrayBuffer(b: Uint8Array): ArrayBuffer {
  return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? (b.buffer as ArrayBuffer) : (b.slice().buffer as ArrayBuffer);
}

/** One patient's extraction input: phase `phase` read back from its DICOM, masks from NRRD. */
export async function demoExtractionInput(spec: DemoCohortSpec, index: number, phase: number): Promise<{ image: Volume; masks: { name: string; mask: Volume }[] }> {
  const p = parts(spec, index);
  if (!(Number.isInteger(phase) && phase >= 0 && phase < p.phaseCount)) throw new Error(`${p.row.id}: no phase ${phase} (0 = pre-contrast ... ${p.phaseCount - 1})`);
  const sources: DicomSource[] = p.phaseFiles(phase).map((f) => ({ name: f.name, bytes: toArrayBuffer(f.bytes) }));
  const scanned = scanDicom(sources);
  if (scanned.series.length !== 1) throw new Error(`${p.row.id}: phase ${phase} did not read back as one series (${scanned.errors.map((e) => e.message).join('; ')})`);
  const byName = new Map(sources.map((s) => [s.name, s.bytes]));
  const image = await loadPhaseVolume(scanned.series[0], 0, (name) => byName.get(name)!);
  const masks = [{ name: 'reader1', mask: readNrrd(maskNrrd(p.mask), `${p.row.id}/mask.nrrd`) }];
  if (p.maskReader2) masks.push({ name: 'reader2', mask: readNrrd(maskNrrd(p.maskReader2), `${p.row.id}/mask-reader2.nrrd`) });
  return { image, masks };
}

/**
 * One patient's measured TIC: all phases written as DICOM and read back as one DCE series,
 * reader 1's mask from NRRD, the TIC engine with the default rule on the whole ROI (as
 * `her2 tic --phases DIR/<id> --mask DIR/<id>/mask.nrrd` on `her2 demo`'s folder).
 */
export async function demoTic(spec: DemoCohortSpec, index: number): Promise<MeasuredTic> {
  const p = parts(spec, index);
  const sources: DicomSource[] = [];
  for (let k = 0; k < p.phaseCount; k++) for (const f of p.phaseFiles(k)) sources.push({ name: f.name, bytes: toArrayBuffer(f.bytes) });
  const scanned = scanDicom(sources);
  const dce = scanned.series.filter((s) => s.kind === 'dce');
  if (dce.length !== 1) throw new Error(`${p.row.id}: its ${p.phaseCount} phases did not read back as one DCE series (${scanned.errors.map((e) => e.message).join('; ')})`);
  const item = dce[0];
  const byName = new Map(sources.map((s) => [s.name, s.bytes]));
  const volumes: Volume[] = [];
  for (const ph of item.phases) volumes.push(await loadPhaseVolume(item, ph.index, (name) => byName.get(name)!));
  const result = computeTic({
    phases: item.phases.map((ph, k) => ({ volume: volumes[k], time: ph.time, label: ph.label || `phase ${ph.index}` })),
    mask: readNrrd(maskNrrd(p.mask), `${p.row.id}/mask.nrrd`),
    contrastBolusStartTime: item.contrastBolusStartTime,
  });
  return measuredTicOf(result, [...scanned.errors.map((e) => e.message), ...item.warnings]);
}

export interface DemoStudyBundle {
  id: string;
  /** the DICOM files of phases 0..6 and the SEG, named '<id>/phase-<k>/IM0001.dcm', '<id>/mask.seg.dcm' */
  files: { name: string; bytes: ArrayBuffer }[];
  /** reader 1's and (subset) reader 2's masks as NRRD on the phases' grid */
  maskNrrd: ArrayBuffer;
  maskReader2Nrrd: ArrayBuffer | null;
}

/** Everything to open a demo patient in the viewer as an imported study. */
export function demoStudyBundle(spec: DemoCohortSpec, index: number): DemoStudyBundle {
  const p = parts(spec, index);
  const files: { name: string; bytes: ArrayBuffer }[] = [];
  for (let k = 0; k < p.phaseCount; k++) for (const f of p.phaseFiles(k)) files.push({ name: f.name, bytes: toArrayBuffer(f.bytes) });
  files.push({ name: `${p.row.id}/mask.seg.dcm`, bytes: toArrayBuffer(p.segBytes()) });
  return {
    id: p.row.id,
    files,
    maskNrrd: toArrayBuffer(maskNrrd(p.mask)),
    maskReader2Nrrd: p.maskReader2 ? toArrayBuffer(maskNrrd(p.maskReader2)) : null,
  };
}
