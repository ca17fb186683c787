/**
 * Contract of workers/io/dicom: what the DICOM importer gives the app, the CLI, the TIC
 * and the radiomics engine. DOM-free. The owner of workers/io/dicom may extend these types
 * (additively); the function names below are what other modules call (from ./index.ts):
 *
 *   scanDicom(sources: DicomSource[]): ImportResult
 *       headers parsed (no pixel copy), grouped into series items (static, or one 'dce' item
 *       per dynamic study in either layout), checked; bad files -> ImportResult.errors
 *   loadPhaseVolume(item, phaseIndex, getBytes): Promise<Volume>
 *       the PhaseInfo whose `index` is phaseIndex (0 = pre-contrast), decoded, modality LUT
 *       applied per frame: Int16/Uint16 when every slope is 1 and intercepts are integers
 *       and the values fit, else Float32. getBytes(name) returns a DicomSource's bytes again.
 *   readRtStruct(name, bytes): RtStruct
 *   rasterizeRtStruct(rt, roiNameOrNumber, phase.geometry, { frameOfReferenceUID? }): RtStructMask
 *       (a Uint8 Volume on that grid, plus roiName, voxelCount, warnings)
 *
 * Problems of a file (not DICOM, truncated, not an image, RTSTRUCT without its series) are
 * ImportResult.errors, each naming the file; problems of a series (missing slice, uneven
 * spacing, duplicate positions, mixed orientation, phases off one grid, colour images) are
 * SeriesItem.warnings, each naming the series. Show both to the user.
 */
import type { Geometry, Vec3 } from '../volume.ts';

/** A file handed to the importer: its path as the user knows it, and its bytes. */
export interface DicomSource {
  name: string;
  bytes: ArrayBuffer;
}

/** One 2D image: a single-frame instance, or one frame of an enhanced multi-frame instance. */
export interface FrameInfo {
  /** DicomSource.name of the file holding it */
  source: string;
  sopInstanceUID: string;
  /** 0-based frame number inside the instance (0 for single-frame files) */
  frameIndex: number;
  /** ImagePositionPatient, mm, LPS */
  position: Vec3;
  /** ImageOrientationPatient: row direction cosines, then column direction cosines */
  orientation: [number, number, number, number, number, number];
  /** PixelSpacing as DICOM orders it: [between rows, between columns] */
  pixelSpacing: [number, number];
  rescaleSlope: number;
  rescaleIntercept: number;
  /** seconds since midnight, from AcquisitionTime / AcquisitionDateTime / FrameAcquisitionDateTime */
  acquisitionTime?: number;
  triggerTime?: number;
  temporalPositionIdentifier?: number;
  temporalPositionIndex?: number;
  acquisitionNumber?: number;
  /** FrameType / ImageType value 3-4, e.g. 'M', 'FIELD_MAP' */
  frameType?: string;
  /** InstanceNumber of the file holding it */
  instanceNumber?: number;
}

export interface PhaseInfo {
  /** 0 = pre-contrast, 1..N post-contrast (the order the user may change) */
  index: number;
  label: string;
  /** acquisition time of the phase in seconds since midnight, when the files give it */
  time?: number;
  /** the phase's images, sorted along the slice normal (increasing k) */
  frames: FrameInfo[];
  /** the grid of the volume built from `frames` (LPS, see ../volume.ts) */
  geometry: Geometry;
}

export interface AnnotationInfo {
  kind: 'RTSTRUCT' | 'SEG';
  source: string;
  sopInstanceUID: string;
  /** e.g. StructureSetLabel or SeriesDescription */
  label: string;
  /** ROI names (RTSTRUCT) or segment labels (SEG) */
  roiNames: string[];
  /** the SeriesInstanceUID it references (the series it annotates) */
  referencedSeriesInstanceUID?: string;
  /** FrameOfReferenceUID of its contours / segments */
  frameOfReferenceUID?: string;
}

/** One entry of the series list: a static series, or a whole DCE study (one item). */
export interface SeriesItem {
  /** stable key (SeriesInstanceUID, or a derived key for a multi-series DCE or a split volume) */
  id: string;
  kind: 'static' | 'dce';
  patientName: string;
  patientId: string;
  studyInstanceUID: string;
  studyDate: string;
  studyDescription: string;
  /** every SeriesInstanceUID that contributes (several for one-series-per-phase DCE) */
  seriesInstanceUIDs: string[];
  seriesNumber: number;
  seriesDescription: string;
  modality: string;
  manufacturer: string;
  rows: number;
  columns: number;
  /** slices per phase */
  slices: number;
  phases: PhaseInfo[];
  /** ContrastBolusStartTime in seconds since midnight, when present */
  contrastBolusStartTime?: number;
  annotations: AnnotationInfo[];
  /** non-fatal problems of this series (e.g. uneven spacing), each naming the series */
  warnings: string[];
  /** FrameOfReferenceUID shared by the phases ('' when absent) */
  frameOfReferenceUID?: string;
  /** MONOCHROME1 (display inverted), MONOCHROME2, RGB, ... */
  photometricInterpretation?: string;
  /** transfer syntaxes of the files (compressed ones are decoded by loadPhaseVolume) */
  transferSyntaxUIDs?: string[];
  /**
   * How the phases were told apart: 'single' (one phase), 'TemporalPositionIdentifier',
   * 'TemporalPositionIndex', 'AcquisitionNumber', 'AcquisitionTime' (slices grouped by
   * position, ordered by AcquisitionTime then TriggerTime), or 'series' (one series per phase).
   */
  phaseSource?: string;
  /** for a split enhanced multi-frame instance: the FrameType value shared by its frames ('M', 'FIELD_MAP') */
  frameType?: string;
  /** false when the images cannot feed radiomics (e.g. RGB): see warnings */
  radiomicsUsable?: boolean;
}

export interface ImportIssue {
  /** the file (or series) the problem is about */
  file: string;
  /** a sentence for the user; it names the file */
  message: string;
}

export interface ImportResult {
  series: SeriesItem[];
  errors: ImportIssue[];
}
