/**
 * Web Worker entry point (comlink) of the demo generator, for the app:
 *   generate(seed, index)  -> the demo study's files as the importer takes them (the DICOM
 *                             files of the 7 phases, the SEG, reader 1's mask as NRRD) and
 *                             the patient's clinical row and TIC type
 *   patient(opts)          -> the full DemoPatient (masks as volumes, truth)
 *   clinical(opts)         -> the cohort's clinical rows and clinical.csv text (no images)
 * Buffers are transferred, not copied.
 */
import * as Comlink from 'comlink';
import type { DemoCohortOptions } from './cohort.ts';
import {
  type DemoClinicalRow, type DemoFile, type DemoPatient, type DemoPatientOptions, demoClinicalCsv, generateDemoPatient,
  maskNrrd, planDemoCohort,
} from './index.ts';

export interface DemoStudyFiles {
  id: string;
  /** '<id>/phase-<k>/IM0001.dcm' ... */
  files: DemoFile[];
  /** '<id>/mask.seg.dcm': reader 1's mask as DICOM SEG referencing phase 2 */
  seg: DemoFile;
  /** reader 1's mask as NRRD (gzip) on the phases' grid */
  maskNrrd: ArrayBuffer;
  clinical: DemoClinicalRow;
  ticType: 1 | 2 | 3;
  label: 0 | 1;
}

function exactBuffer(b: Uint8Array): ArrayBuffer {
  return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? (b.buffer as ArrayBuffer) : (b.slice().buffer as ArrayBuffer);
}

const api = {
  generate(seed: number, index: number): DemoStudyFiles {
    const p = generateDemoPatient({ seed, index });
    const study: DemoStudyFiles = {
      id: p.id,
      files: p.files,
      seg: { name: `${p.id}/mask.seg.dcm`, bytes: exactBuffer(p.segBytes) },
      maskNrrd: exactBuffer(maskNrrd(p.mask)),
      clinical: p.clinical,
      ticType: p.ticType,
      label: p.label,
    };
    return Comlink.transfer(study, [...study.files.map((f) => f.bytes), study.seg.bytes, study.maskNrrd]);
  },
  patient(opts: DemoPatientOptions): DemoPatient {
    const p = generateDemoPatient(opts);
    const buffers: ArrayBuffer[] = p.files.map((f) => f.bytes);
    buffers.push(p.mask.data.buffer as ArrayBuffer, exactBuffer(p.segBytes));
    if (p.maskReader2) buffers.push(p.maskReader2.data.buffer as ArrayBuffer);
    return Comlink.transfer({ ...p, segBytes: new Uint8Array(buffers[p.files.length + 1]) }, buffers);
  },
  clinical(opts: DemoCohortOptions): { rows: DemoClinicalRow[]; csv: string } {
    const rows = planDemoCohort(opts).map(({ index: _i, reader2: _r, ...row }) => row);
    return { rows, csv: demoClinicalCsv(rows) };
  },
};

export type DemoWorkerApi = typeof api;

Comlink.expose(api);
