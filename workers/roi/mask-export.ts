/**
 * The ROI out of the workstation, aligned with the image it was drawn on:
 *   - NRRD and NIfTI label maps (uint8, gzip) on the image grid, the files PyRadiomics
 *     (`her2 extract --mask`, pyradiomics's `--mask`) and 3D Slicer read as they are;
 *     voxel value = segment number (1 = the first lesion).
 *   - DICOM SEG (binary) through the project's one SEG writer (../io/dicom/seg.ts), each
 *     frame referencing the source image of its slice (SOP instance UID of the phase's
 *     frame, and frame number for multi-frame sources).
 * `segSourceFromDicom` takes what the SEG copies (patient, study, series, SOP class) from
 * one source file of that phase. DOM-free.
 */
import { str } from '../io/dicom/header.ts';
import { parseDicomFile } from '../io/dicom/parse.ts';
import { writeSeg, type SegSegment, type SegSource, type SegWriteOptions } from '../io/dicom/seg.ts';
import type { PhaseInfo } from '../io/dicom/types.ts';
import { uidFromParts } from '../io/dicom/uid.ts';
import { writeNifti } from '../io/nifti.ts';
import { writeNrrd } from '../io/nrrd.ts';
import type { Geometry, Volume } from '../io/volume.ts';
import { geometryOf } from '../io/volume.ts';

export interface ExportSegment {
  /** voxel value in the label map */
  value: number;
  name: string;
  /** sRGB 0..255 */
  color?: [number, number, number];
  description?: string;
}

function labelVolume(labels: Uint8Array, geometry: Geometry): Volume<Uint8Array> {
  const n = geometry.size[0] * geometry.size[1] * geometry.size[2];
  if (labels.length !== n) throw new Error(`export: the label map has ${labels.length} voxels, the image grid ${n}`);
  return { ...geometryOf(geometry), data: labels };
}

/** NRRD label map (gzip), LPS, the image's geometry. */
export function labelMapToNrrd(labels: Uint8Array, geometry: Geometry): Uint8Array {
  return writeNrrd(labelVolume(labels, geometry), { gzip: true });
}

/** NIfTI-1 label map (.nii.gz), qform and sform as ITK writes them. */
export function labelMapToNifti(labels: Uint8Array, geometry: Geometry): Uint8Array {
  return writeNifti(labelVolume(labels, geometry), { gzip: true, description: 'HER2 workstation ROI label map' });
}

/**
 * What a SEG copies from its source images: `header` is one file of the phase (any of
 * them: patient, study and series are the same), `phase` gives the SOP instance (and
 * frame) of each slice k of the mask.
 */
/**
 * A value cut to the longest its VR allows (SH 16, LO 64, PN 64 characters). Source files
 * sometimes break these limits (the IBSI MR T1 sample's Study ID has 20 characters); the
 * SEG copies them cut to fit, so that it stays valid (the UIDs tie it to the study).
 */
function fit(value: string, max: number): string {
  return value.length > max ? value.slice(0, max).trimEnd() : value;
}

export function segSourceFromDicom(header: { name: string; bytes: ArrayBuffer | Uint8Array }, phase: PhaseInfo): SegSource {
  const ds = parseDicomFile(header.name, header.bytes, { untilPixelData: true }).dataSet;
  const nFrames = Number(str(ds, 'x00280008')) || 1;
  const multiFrame = nFrames > 1 || phase.frames.some((f) => f.frameIndex > 0);
  const sex = str(ds, 'x00100040');
  return {
    sopClassUID: str(ds, 'x00080016'),
    sopInstanceUIDs: phase.frames.map((f) => f.sopInstanceUID),
    frameNumbers: multiFrame ? phase.frames.map((f) => f.frameIndex + 1) : undefined,
    seriesInstanceUID: str(ds, 'x0020000e'),
    studyInstanceUID: str(ds, 'x0020000d'),
    frameOfReferenceUID: str(ds, 'x00200052'),
    patient: {
      name: fit(str(ds, 'x00100010'), 64),
      id: fit(str(ds, 'x00100020'), 64),
      birthDate: str(ds, 'x00100030'),
      sex: sex === 'F' || sex === 'M' || sex === 'O' ? sex : '',
    },
    study: {
      date: str(ds, 'x00080020'),
      time: str(ds, 'x00080030'),
      id: fit(str(ds, 'x00200010'), 16),
      accessionNumber: fit(str(ds, 'x00080050'), 16),
      referringPhysician: fit(str(ds, 'x00080090'), 64),
      description: fit(str(ds, 'x00081030'), 64),
    },
  };
}

/** The TrackingID a SEG segment carries its label value in (read back by ./mask-import.ts). */
export function labelTrackingId(value: number): string {
  return `label value ${value}`;
}

/** The label value of a TrackingID written by `labelTrackingId`, or undefined. */
export function labelFromTrackingId(id: string | undefined): number | undefined {
  const m = /^label value (\d+)$/.exec((id ?? '').trim());
  const v = m ? Number(m[1]) : NaN;
  return v >= 1 && v <= 65535 ? v : undefined;
}

/**
 * Binary DICOM SEG of the given segments (value -> segment). With one segment, only the
 * voxels of its value are written (the SEG writer takes every nonzero voxel of a
 * one-segment mask).
 *
 * SegmentNumbers are 1..n in the given order: PS3.3 C.8.20.2.4 requires a BINARY SEG's
 * to start at 1 and increase by 1, so lesions {1, 3} cannot be segments 1 and 3. Each
 * segment carries its label value in its TrackingID ("label value 3"), with a TrackingUID
 * derived from the source series and that value (the same lesion of the same series gets
 * the same UID in every export, from either reader); the import gives the value back.
 */
export function labelMapToSeg(
  labels: Uint8Array,
  geometry: Geometry,
  source: SegSource,
  segments: readonly ExportSegment[],
  options: SegWriteOptions = {},
): Uint8Array {
  if (segments.length === 0) throw new Error('SEG export: no segment to write');
  let data = labels;
  if (segments.length === 1) {
    const v = segments[0].value;
    data = new Uint8Array(labels.length);
    for (let i = 0; i < labels.length; i++) data[i] = labels[i] === v ? 1 : 0;
  }
  const segs: SegSegment[] = segments.map((s) => ({
    label: segments.length === 1 ? 1 : s.value,
    name: s.name,
    color: s.color,
    description: s.description,
    algorithmType: 'MANUAL',
    tracking: { id: labelTrackingId(s.value), uid: uidFromParts('her2-lesion', source.studyInstanceUID, source.seriesInstanceUID, String(s.value)) },
  }));
  return writeSeg(labelVolume(data, geometry), source, segs, {
    seriesDescription: 'Lesion ROI (HER2 workstation)',
    contentLabel: 'LESION',
    ...options,
  });
}
