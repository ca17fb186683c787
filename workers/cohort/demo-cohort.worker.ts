/**
 * Web Worker entry point (comlink) of the demo cohort (./demo-cohort.ts): the cohort's
 * patients and clinical data from the seed, a patient's extraction input (phase image read
 * back from its DICOM, masks from NRRD), a patient's measured TIC (its phases stay here) and a
 * patient's study files for the viewer. Volumes
 * and files are transferred, not copied.
 */
import * as Comlink from 'comlink';
import type { DemoCohortSpec } from './cohort.ts';
import { demoCohort, demoCohortClinicalCsv, demoExtractionInput, demoStudyBundle, demoTic } from './demo-cohort.ts';

const api = {
  cohort(spec: DemoCohortSpec) {
    return { cohort: demoCohort(spec), clinicalCsv: demoCohortClinicalCsv(spec) };
  },
  async extractionInput(spec: DemoCohortSpec, index: number, phase: number) {
    const input = await demoExtractionInput(spec, index, phase);
    const buffers = [input.image.data.buffer as ArrayBuffer, ...input.masks.map((m) => m.mask.data.buffer as ArrayBuffer)];
    return Comlink.transfer(input, [...new Set(buffers)]);
  },
  /** the patient's measured TIC, computed here from its 7 phases (only the result is returned) */
  tic(spec: DemoCohortSpec, index: number) {
    return demoTic(spec, index);
  },
  studyBundle(spec: DemoCohortSpec, index: number) {
    const b = demoStudyBundle(spec, index);
    const buffers = [...b.files.map((f) => f.bytes), b.maskNrrd, ...(b.maskReader2Nrrd ? [b.maskReader2Nrrd] : [])];
    return Comlink.transfer(b, buffers);
  },
};

export type DemoCohortWorkerApi = typeof api;

Comlink.expose(api);
