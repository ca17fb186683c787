/**
 * The synthetic DCE-MRI demo cohort (DOM-free; Node and Web Workers). docs/demo.md
 * describes the phantom. Public API:
 *
 *   planDemoCohort(opts) -> DemoPlanRow[]            clinical rows only (cheap)
 *   generateDemoPatient({ seed, index, grid?, cohort? }) -> DemoPatient
 *   generateDemoCohort({ seed, grid?, ...cohort }) -> Generator<DemoPatient>  (one at a time)
 *   prepareDemoPatient(seed, row, grid, signal) -> DemoPatientParts  (phase by phase, for
 *                                                   writers that stream to disk)
 *   demoClinicalCsv(rows) -> string                  clinical.csv
 *
 * Patient i of a cohort is the same whichever way it is generated (alone or in the
 * cohort): its plan row comes from the whole cohort's plan, its images from streams of
 * the seeded generator named after i.
 */
import { formatCsv } from '../io/csv.ts';
import { writeNrrd } from '../io/nrrd.ts';
import type { Volume } from '../io/volume.ts';
import {
  CLINICAL_COLUMNS, type DemoClinicalRow, type DemoCohortOptions, type DemoPlanRow, clinicalCsvRow, planDemoCohort,
  resolveClassSignal,
} from './cohort.ts';
import { type DemoDicomContext, lesionSeg, phaseFiles } from './dicom.ts';
import type { LesionShape } from './lesion.ts';
import { type ClassSignal, type DemoGrid, GRIDS } from './params.ts';
import { type PatientModel, buildPatientModel, lesionMask, phaseVolume } from './synthesize.ts';

export { planDemoCohort, CLINICAL_COLUMNS, type DemoClinicalRow, type DemoCohortOptions, type DemoPlanRow } from './cohort.ts';
export { DEFAULT_CLASS_SIGNAL, GRIDS, type ClassSignal, type DemoGrid } from './params.ts';
export { DEMO_NOTICE, SEG_REFERENCE_PHASE } from './dicom.ts';
export { STUDY_PROTOCOL, TIC_PRIORS } from './kinetics.ts';

export interface DemoFile {
  /** '<id>/phase-<k>/IM0001.dcm' */
  name: string;
  bytes: ArrayBuffer;
}

/** What the generator knows about a patient beyond the clinical row. */
export interface DemoTruth {
  shape: LesionShape;
  necrosis: boolean;
  /** the noiseless lesion curve's TIC change, (S_del - S_init) / S_init */
  ticChange: number;
  ktrans: number;
  ve: number;
  vp: number;
  /** the AIF tail decay, 1/min */
  aifBeta: number;
  /** latent heterogeneity score and the fine-texture log-SD it gave */
  heterogeneityZ: number;
  fineTextureSd: number;
  noiseSigma: number;
  maskVoxels: number;
}

export interface DemoPatient {
  id: string;
  /** the DICOM files of phases 0..6 (one MR series per phase) */
  files: DemoFile[];
  /** reader 1's lesion mask on the phases' grid (0/1) */
  mask: Volume<Uint8Array>;
  /** reader 2's mask, for the reproducibility subset only */
  maskReader2?: Volume<Uint8Array>;
  /** reader 1's mask as DICOM SEG (references phase 2) */
  segBytes: Uint8Array;
  clinical: DemoClinicalRow;
  ticType: 1 | 2 | 3;
  /** 1 = HER2-low, 0 = HER2-zero */
  label: 0 | 1;
  split: 'train' | 'test';
  truth: DemoTruth;
}

export interface DemoPatientOptions {
  seed: number;
  index: number;
  grid?: DemoGrid;
  /** the cohort the patient belongs to (size, class counts...); default the study's */
  cohort?: Omit<DemoCohortOptions, 'seed'>;
}

export interface DemoPatientParts {
  row: DemoPlanRow;
  model: PatientModel;
  phaseCount: number;
  /** phase k's DICOM files (computed on each call) */
  phaseFiles(k: number): { name: string; bytes: Uint8Array }[];
  mask: Volume<Uint8Array>;
  maskReader2?: Volume<Uint8Array>;
  segBytes(): Uint8Array;
  truth: DemoTruth;
}

export function demoClinicalCsv(rows: readonly DemoClinicalRow[]): string {
  return formatCsv([[...CLINICAL_COLUMNS], ...rows.map(clinicalCsvRow)]);
}

function checkGrid(grid: string): DemoGrid {
  if (!(grid in GRIDS)) throw new Error(`demo: unknown grid '${grid}' (${Object.keys(GRIDS).join(' or ')})`);
  return grid as DemoGrid;
}

/** Builds one patient's model; its phases are synthesised and encoded on demand. */
export function prepareDemoPatient(seed: number, row: DemoPlanRow, grid: DemoGrid, signal: ClassSignal): DemoPatientParts {
  const model = buildPatientModel(seed, row, GRIDS[checkGrid(grid)], signal);
  const ctx: DemoDicomContext = { seed, bilateral: GRIDS[grid].bilateral, row, protocol: model.protocol, weightKg: model.weightKg };
  const mask = lesionMask(model, 1);
  const maskReader2 = row.reader2 ? lesionMask(model, 2) : undefined;
  let voxels = 0;
  for (let i = 0; i < mask.data.length; i++) voxels += mask.data[i];
  const k = model.kinetics;
  return {
    row,
    model,
    phaseCount: model.protocol.phaseStarts.length,
    phaseFiles: (phase) => phaseFiles(ctx, phase, phaseVolume(model, phase)),
    mask,
    maskReader2,
    segBytes: () => lesionSeg(ctx, mask),
    truth: {
      shape: model.lesion.shape,
      necrosis: model.lesion.necrosisAxes !== undefined,
      ticChange: k.change,
      ktrans: k.tofts.ktrans,
      ve: k.tofts.ve,
      vp: k.tofts.vp,
      aifBeta: k.aif.beta,
      heterogeneityZ: model.heterogeneity.z,
      fineTextureSd: model.heterogeneity.fineSd,
      noiseSigma: model.sigma,
      maskVoxels: voxels,
    },
  };
}

function toArrayBuffer(b: Uint8Array): ArrayBuffer {
  return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? (b.buffer as ArrayBuffer) : (b.slice().buffer as ArrayBuffer);
}

function assemble(parts: DemoPatientParts): DemoPatient {
  const files: DemoFile[] = [];
  for (let k = 0; k < parts.phaseCount; k++) {
    for (const f of parts.phaseFiles(k)) files.push({ name: f.name, bytes: toArrayBuffer(f.bytes) });
  }
  const { index: _index, reader2: _reader2, ...clinical } = parts.row;
  return {
    id: parts.row.id,
    files,
    mask: parts.mask,
    maskReader2: parts.maskReader2,
    segBytes: parts.segBytes(),
    clinical,
    ticType: parts.row.tic,
    label: parts.row.label,
    split: parts.row.split,
    truth: parts.truth,
  };
}

/** One patient of the seeded cohort, with its DICOM files, masks and SEG. */
export function generateDemoPatient(opts: DemoPatientOptions): DemoPatient {
  const plan = planDemoCohort({ ...opts.cohort, seed: opts.seed });
  const row = plan[opts.index];
  if (!row) throw new Error(`demo: patient index ${opts.index} is outside the cohort of ${plan.length}`);
  return assemble(prepareDemoPatient(opts.seed, row, opts.grid ?? '128x128x40', resolveClassSignal(opts.cohort?.classSignal)));
}

/** The cohort, one patient at a time (a generator: nothing accumulates). */
export function* generateDemoCohort(opts: DemoCohortOptions & { grid?: DemoGrid }): Generator<DemoPatient> {
  const plan = planDemoCohort(opts);
  const signal = resolveClassSignal(opts.classSignal);
  for (const row of plan) yield assemble(prepareDemoPatient(opts.seed, row, opts.grid ?? '128x128x40', signal));
}

/** NRRD bytes of a mask (gzip, fixed mtime: deterministic). */
export function maskNrrd(mask: Volume<Uint8Array>): Uint8Array {
  return writeNrrd(mask, { gzip: true });
}
