/**
 * Web Worker entry point (comlink) of the ROI tools: interpolation between drawn slices,
 * the surface mesh for the 3D view, connected components (lesions), mask import (NRRD,
 * NIfTI, SEG, RTSTRUCT) onto the study grid and export (NRRD, NIfTI, SEG). Arrays come in
 * as copies (or transferred by the caller) and go back transferred. Errors reach the
 * caller as rejected promises whose message names the file.
 */
import * as Comlink from 'comlink';
import { deflateSync, inflateSync } from 'fflate';
import type { PhaseInfo } from '../io/dicom/types.ts';
import type { SegWriteOptions } from '../io/dicom/seg.ts';
import type { Geometry } from '../io/volume.ts';
import { surfaceMesh, type SurfaceMesh } from '../radiomics/mesh/surface-mesh.ts';
import { splitLesions, type Connectivity } from './components.ts';
import { interpolateBetweenSlices, type Axis, type InterpolationResult } from './interpolate.ts';
import { roiIndices } from './stats.ts';
import { importMask, type MaskImport, type MaskImportOptions } from './mask-import.ts';
import { labelMapToNifti, labelMapToNrrd, labelMapToSeg, segSourceFromDicom, type ExportSegment } from './mask-export.ts';

const buffers = (arrays: ArrayBufferView[]) => arrays.map((a) => a.buffer as ArrayBuffer);

export interface LabelSummary {
  /** voxels per label value (index = value) */
  counts: number[];
  /** voxels of the chosen label (x fastest) */
  indices: Uint32Array;
}

const api = {
  /** Voxel counts of every label, and the voxels of one. */
  summarize(labels: Uint8Array, label: number): LabelSummary {
    const counts = new Array<number>(256).fill(0);
    for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
    let last = 255;
    while (last > 0 && counts[last] === 0) last--;
    const indices = roiIndices(labels, label);
    return Comlink.transfer({ counts: counts.slice(0, last + 1), indices }, buffers([indices]));
  },

  /** Compressed copy of a label map (for the autosave), and back. */
  pack(labels: Uint8Array): Uint8Array {
    const out = deflateSync(labels, { level: 1 });
    return Comlink.transfer(out, buffers([out]));
  },
  unpack(bytes: Uint8Array, length: number): Uint8Array {
    const out = inflateSync(bytes, { out: new Uint8Array(length) });
    return Comlink.transfer(out, buffers([out]));
  },

  /** Fills the slices between the key slices of `label` along `axis`; returns the new labels. */
  interpolate(labels: Uint8Array, geometry: Geometry, label: number, axis: Axis): { labels: Uint8Array; result: InterpolationResult } {
    const result = interpolateBetweenSlices(labels, geometry.size, geometry.spacing, label, axis);
    return Comlink.transfer({ labels, result }, buffers([labels]));
  },

  /** The marching-cubes surface (LPS mm) of each label, for the 3D view. */
  surfaces(labels: Uint8Array, geometry: Geometry, values: number[]): { value: number; mesh: SurfaceMesh }[] {
    const out = values.map((value) => ({
      value,
      mesh: surfaceMesh(labels, geometry.size, geometry.spacing, geometry.origin, geometry.direction, value),
    }));
    return Comlink.transfer(out, buffers(out.flatMap((s) => [s.mesh.positions, s.mesh.triangles])));
  },

  /** The connected components of one label, largest first. */
  components(labels: Uint8Array, geometry: Geometry, label: number, connectivity: Connectivity = 26, max = 32): { masks: Uint8Array[]; sizes: number[] } {
    const r = splitLesions(labels, geometry.size, { label, connectivity, max });
    return Comlink.transfer(r, buffers(r.masks));
  },

  importMask(bytes: ArrayBuffer, name: string, target: Geometry, opts: MaskImportOptions = {}): MaskImport {
    const r = importMask(bytes, name, target, opts);
    return Comlink.transfer(r, buffers(r.segments.map((s) => s.mask)));
  },

  exportNrrd(labels: Uint8Array, geometry: Geometry): Uint8Array {
    const out = labelMapToNrrd(labels, geometry);
    return Comlink.transfer(out, buffers([out]));
  },

  exportNifti(labels: Uint8Array, geometry: Geometry): Uint8Array {
    const out = labelMapToNifti(labels, geometry);
    return Comlink.transfer(out, buffers([out]));
  },

  /** `header` is one DICOM file of `phase` (patient, study and series are copied from it). */
  exportSeg(
    labels: Uint8Array,
    geometry: Geometry,
    header: { name: string; bytes: ArrayBuffer },
    phase: PhaseInfo,
    segments: ExportSegment[],
    options: SegWriteOptions = {},
  ): Uint8Array {
    const out = labelMapToSeg(labels, geometry, segSourceFromDicom(header, phase), segments, options);
    return Comlink.transfer(out, buffers([out]));
  },
};

export type RoiWorkerApi = typeof api;

Comlink.expose(api);
