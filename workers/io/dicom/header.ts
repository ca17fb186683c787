/**
 * The attributes of one parsed instance that grouping, phase detection and decoding need,
 * including the per-frame functional groups of enhanced multi-frame images (PS3.3 C.7.6.16):
 * PlanePosition, PlaneOrientation, PixelMeasures, PixelValueTransformation, FrameContent and
 * MR/CT image frame type, each looked up per frame first, then in the shared groups.
 */
import type { DataSet } from 'dicom-parser';
import type { FrameInfo } from './types.ts';
import type { Vec3 } from '../volume.ts';
import type { ParsedFile } from './parse.ts';

export const SOP_CLASS = {
  rtStruct: '1.2.840.10008.5.1.4.1.1.481.3',
  seg: '1.2.840.10008.5.1.4.1.1.66.4',
} as const;

export interface PixelFormat {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  photometricInterpretation: string;
  bitsAllocated: number;
  bitsStored: number;
  highBit: number;
  /** 0 unsigned, 1 two's complement */
  pixelRepresentation: number;
  planarConfiguration: number;
  numberOfFrames: number;
  /** 'int' for (7FE0,0010), 'float32' / 'float64' for Float / Double Float Pixel Data */
  sampleKind: 'int' | 'float32' | 'float64';
}

/** Acquisition parameters compared when deciding whether several series are phases of one dynamic scan. */
export interface AcquisitionKey {
  repetitionTime?: number;
  echoTime?: number;
  flipAngle?: number;
  scanningSequence?: string;
  sequenceName?: string;
}

export interface ImageFrame extends FrameInfo {
  /** what kind of frame this is (FrameType value 4, plus ComplexImageComponent): splits enhanced instances */
  kind: string;
  instanceNumber?: number;
  sliceThickness?: number;
  spacingBetweenSlices?: number;
  /** true when the instance gave no ImagePositionPatient/ImageOrientationPatient */
  geometryMissing?: boolean;
}

export interface InstanceHeader {
  source: string;
  sopClassUID: string;
  sopInstanceUID: string;
  transferSyntaxUID: string;
  modality: string;
  patientName: string;
  patientId: string;
  studyInstanceUID: string;
  studyDate: string;
  studyDescription: string;
  seriesInstanceUID: string;
  seriesNumber: number;
  seriesDescription: string;
  manufacturer: string;
  frameOfReferenceUID: string;
  imageType: string[];
  /** seconds since midnight */
  seriesTime?: number;
  contrastBolusStartTime?: number;
  acquisition: AcquisitionKey;
  pixel?: PixelFormat;
  frames: ImageFrame[];
}

// ---------------------------------------------------------------------------------------
// Element access (tags written as dicom-parser does: 'xggggeeee')

export function str(ds: DataSet | undefined, tag: string): string {
  if (!ds) return '';
  const el = ds.elements[tag];
  if (!el || el.length === 0) return '';
  const s = ds.string(tag);
  return s ? s.replace(/\0/g, '').trim() : '';
}

export function strValues(ds: DataSet | undefined, tag: string): string[] {
  const s = str(ds, tag);
  return s ? s.split('\\').map((v) => v.trim()) : [];
}

/** A DS or IS value (decimal string); undefined when absent or empty. */
export function decimal(ds: DataSet | undefined, tag: string, index = 0): number | undefined {
  const v = strValues(ds, tag)[index];
  if (v === undefined || v === '') return undefined;
  const x = Number(v);
  return Number.isFinite(x) ? x : undefined;
}

export function decimals(ds: DataSet | undefined, tag: string): number[] {
  return strValues(ds, tag).map(Number);
}

export function u16(ds: DataSet | undefined, tag: string): number | undefined {
  if (!ds) return undefined;
  const el = ds.elements[tag];
  if (!el || el.length < 2) return undefined;
  return ds.uint16(tag);
}

export function u32(ds: DataSet | undefined, tag: string): number | undefined {
  if (!ds) return undefined;
  const el = ds.elements[tag];
  if (!el || el.length < 4) return undefined;
  return ds.uint32(tag);
}

export function f64(ds: DataSet | undefined, tag: string): number | undefined {
  if (!ds) return undefined;
  const el = ds.elements[tag];
  if (!el || el.length < 8) return undefined;
  return ds.double(tag);
}

export function items(ds: DataSet | undefined, tag: string): DataSet[] {
  const el = ds?.elements[tag];
  if (!el?.items) return [];
  return el.items.map((it) => it.dataSet).filter((d): d is DataSet => !!d);
}

export function firstItem(ds: DataSet | undefined, tag: string): DataSet | undefined {
  return items(ds, tag)[0];
}

/** DICOM TM 'HHMMSS.FFFFFF' (also 'HH:MM:SS' of old files) -> seconds since midnight. */
export function parseTime(tm: string): number | undefined {
  const s = tm.replace(/:/g, '').trim();
  if (!/^\d{2}/.test(s)) return undefined;
  const h = Number(s.slice(0, 2));
  const m = s.length >= 4 ? Number(s.slice(2, 4)) : 0;
  const sec = s.length >= 6 ? Number(s.slice(4)) : 0;
  if (![h, m, sec].every(Number.isFinite)) return undefined;
  return h * 3600 + m * 60 + sec;
}

/** DICOM DT 'YYYYMMDDHHMMSS.FFFFFF&ZZXX' -> seconds since midnight (of its own date). */
export function parseDateTimeToTime(dt: string): number | undefined {
  const s = dt.trim().replace(/[+-]\d{4}$/, '');
  if (s.length < 10) return undefined;
  return parseTime(s.slice(8));
}

// ---------------------------------------------------------------------------------------

const T = {
  imageType: 'x00080008',
  sopClass: 'x00080016',
  sopInstance: 'x00080018',
  studyDate: 'x00080020',
  seriesTime: 'x00080031',
  acquisitionDateTime: 'x0008002a',
  acquisitionTime: 'x00080032',
  modality: 'x00080060',
  manufacturer: 'x00080070',
  studyDescription: 'x00081030',
  seriesDescription: 'x0008103e',
  patientName: 'x00100010',
  patientId: 'x00100020',
  scanningSequence: 'x00180020',
  sliceThickness: 'x00180050',
  repetitionTime: 'x00180080',
  echoTime: 'x00180081',
  spacingBetweenSlices: 'x00180088',
  triggerTime: 'x00181060',
  flipAngle: 'x00181314',
  sequenceName: 'x00180024',
  contrastBolusStartTime: 'x00181042',
  studyUid: 'x0020000d',
  seriesUid: 'x0020000e',
  seriesNumber: 'x00200011',
  acquisitionNumber: 'x00200012',
  instanceNumber: 'x00200013',
  ipp: 'x00200032',
  iop: 'x00200037',
  frameOfReference: 'x00200052',
  temporalPositionIdentifier: 'x00200100',
  samplesPerPixel: 'x00280002',
  photometric: 'x00280004',
  numberOfFrames: 'x00280008',
  rows: 'x00280010',
  columns: 'x00280011',
  pixelSpacing: 'x00280030',
  imagerPixelSpacing: 'x00181164',
  bitsAllocated: 'x00280100',
  bitsStored: 'x00280101',
  highBit: 'x00280102',
  pixelRepresentation: 'x00280103',
  planarConfiguration: 'x00280006',
  rescaleIntercept: 'x00281052',
  rescaleSlope: 'x00281053',
  // enhanced multi-frame functional groups
  sharedGroups: 'x52009229',
  perFrameGroups: 'x52009230',
  planePosition: 'x00209113',
  planeOrientation: 'x00209116',
  pixelMeasures: 'x00289110',
  pixelValueTransformation: 'x00289145',
  frameContent: 'x00209111',
  frameAcquisitionDateTime: 'x00189074',
  temporalPositionIndex: 'x00209128',
  mrImageFrameType: 'x00189226',
  ctImageFrameType: 'x00189329',
  frameType: 'x00089007',
  complexImageComponent: 'x00089208',
  mrTiming: 'x00189112',
  mrEcho: 'x00189114',
  effectiveEchoTime: 'x00189082',
  mrModifier: 'x00189115',
} as const;

function orientationOf(values: number[]): FrameInfo['orientation'] | undefined {
  if (values.length !== 6 || values.some((v) => !Number.isFinite(v))) return undefined;
  return values as FrameInfo['orientation'];
}

function positionOf(values: number[]): Vec3 | undefined {
  if (values.length !== 3 || values.some((v) => !Number.isFinite(v))) return undefined;
  return values as Vec3;
}

function pixelSpacingOf(ds: DataSet | undefined): [number, number] | undefined {
  const ps = decimals(ds, T.pixelSpacing);
  if (ps.length === 2 && ps.every((v) => Number.isFinite(v) && v > 0)) return [ps[0], ps[1]];
  return undefined;
}

/** value 4 of FrameType/ImageType (Derived Pixel Contrast for MR: M, P, FIELD_MAP, ADC...), else value 3. */
function frameTypeValue(values: string[]): string | undefined {
  return values[3] || values[2] || undefined;
}

function readPixelFormat(f: ParsedFile): PixelFormat | undefined {
  const ds = f.dataSet;
  const rows = u16(ds, T.rows);
  const columns = u16(ds, T.columns);
  if (!rows || !columns || !f.pixelElement) return undefined;
  const bitsAllocated = u16(ds, T.bitsAllocated) ?? 16;
  const bitsStored = u16(ds, T.bitsStored) ?? bitsAllocated;
  const tag = f.pixelElement.tag;
  return {
    rows,
    columns,
    samplesPerPixel: u16(ds, T.samplesPerPixel) ?? 1,
    photometricInterpretation: str(ds, T.photometric) || 'MONOCHROME2',
    bitsAllocated,
    bitsStored,
    highBit: u16(ds, T.highBit) ?? bitsStored - 1,
    pixelRepresentation: u16(ds, T.pixelRepresentation) ?? 0,
    planarConfiguration: u16(ds, T.planarConfiguration) ?? 0,
    numberOfFrames: Math.max(1, decimal(ds, T.numberOfFrames) ?? 1),
    sampleKind: tag === 'x7fe00008' ? 'float32' : tag === 'x7fe00009' ? 'float64' : 'int',
  };
}

function acquisitionTimeOf(ds: DataSet): number | undefined {
  const dt = str(ds, T.acquisitionDateTime);
  if (dt) return parseDateTimeToTime(dt);
  const tm = str(ds, T.acquisitionTime);
  return tm ? parseTime(tm) : undefined;
}

/** Extract what the importer needs from one parsed file. */
export function readInstanceHeader(f: ParsedFile): InstanceHeader {
  const ds = f.dataSet;
  const sharedGroups = firstItem(ds, T.sharedGroups);
  const mrTiming = firstItem(sharedGroups, T.mrTiming);
  const mrEcho = firstItem(sharedGroups, T.mrEcho);
  const acquisition: AcquisitionKey = {
    repetitionTime: decimal(ds, T.repetitionTime) ?? decimal(mrTiming, T.repetitionTime),
    echoTime: decimal(ds, T.echoTime) ?? f64(mrEcho, T.effectiveEchoTime),
    flipAngle: decimal(ds, T.flipAngle) ?? decimal(mrTiming, T.flipAngle),
    scanningSequence: str(ds, T.scanningSequence) || undefined,
    sequenceName: str(ds, T.sequenceName) || undefined,
  };
  const bolus = str(ds, T.contrastBolusStartTime);
  const seriesTime = str(ds, T.seriesTime);
  const header: InstanceHeader = {
    source: f.name,
    sopClassUID: str(ds, T.sopClass) || str(ds, 'x00020002'),
    sopInstanceUID: str(ds, T.sopInstance) || str(ds, 'x00020003'),
    transferSyntaxUID: f.transferSyntaxUID,
    modality: str(ds, T.modality),
    patientName: str(ds, T.patientName).replace(/\^+$/, ''),
    patientId: str(ds, T.patientId),
    studyInstanceUID: str(ds, T.studyUid),
    studyDate: str(ds, T.studyDate),
    studyDescription: str(ds, T.studyDescription),
    seriesInstanceUID: str(ds, T.seriesUid),
    seriesNumber: decimal(ds, T.seriesNumber) ?? 0,
    seriesDescription: str(ds, T.seriesDescription),
    manufacturer: str(ds, T.manufacturer),
    frameOfReferenceUID: str(ds, T.frameOfReference),
    imageType: strValues(ds, T.imageType),
    seriesTime: seriesTime ? parseTime(seriesTime) : undefined,
    contrastBolusStartTime: bolus ? parseTime(bolus) : undefined,
    acquisition,
    pixel: readPixelFormat(f),
    frames: [],
  };
  if (header.pixel) header.frames = readFrames(f, header, header.pixel);
  return header;
}

function readFrames(f: ParsedFile, h: InstanceHeader, px: PixelFormat): ImageFrame[] {
  const ds = f.dataSet;
  const perFrame = items(ds, T.perFrameGroups);
  const shared = firstItem(ds, T.sharedGroups);
  const topOrientation = orientationOf(decimals(ds, T.iop));
  const topPosition = positionOf(decimals(ds, T.ipp));
  const topSpacing = pixelSpacingOf(ds);
  const imagerSpacing = decimals(ds, T.imagerPixelSpacing);
  const defaultSpacing: [number, number] =
    topSpacing ?? (imagerSpacing.length === 2 ? [imagerSpacing[0], imagerSpacing[1]] : [1, 1]);
  const common = {
    source: f.name,
    sopInstanceUID: h.sopInstanceUID,
    instanceNumber: decimal(ds, T.instanceNumber),
    acquisitionNumber: decimal(ds, T.acquisitionNumber),
    temporalPositionIdentifier: decimal(ds, T.temporalPositionIdentifier),
    triggerTime: decimal(ds, T.triggerTime),
    sliceThickness: decimal(ds, T.sliceThickness),
    spacingBetweenSlices: decimal(ds, T.spacingBetweenSlices),
  };
  const topSlope = decimal(ds, T.rescaleSlope) ?? 1;
  const topIntercept = decimal(ds, T.rescaleIntercept) ?? 0;
  const topTime = acquisitionTimeOf(ds);

  if (perFrame.length > 0) {
    // Enhanced multi-frame: each attribute from the frame's own functional group, else the shared one.
    const group = (i: number, tag: string) => firstItem(perFrame[i], tag) ?? firstItem(shared, tag);
    const frames: ImageFrame[] = [];
    for (let i = 0; i < px.numberOfFrames; i++) {
      const position = positionOf(decimals(group(i, T.planePosition), T.ipp));
      const orientation = orientationOf(decimals(group(i, T.planeOrientation), T.iop));
      const measures = group(i, T.pixelMeasures);
      const transform = group(i, T.pixelValueTransformation);
      const content = group(i, T.frameContent);
      const frameTypeItem = group(i, T.mrImageFrameType) ?? group(i, T.ctImageFrameType);
      const frameType = strValues(frameTypeItem, T.frameType);
      const complex = str(frameTypeItem, T.complexImageComponent);
      const fdt = str(content, T.frameAcquisitionDateTime);
      const ft = frameTypeValue(frameType);
      frames.push({
        ...common,
        frameIndex: i,
        position: position ?? topPosition ?? [0, 0, 0],
        orientation: orientation ?? topOrientation ?? [1, 0, 0, 0, 1, 0],
        geometryMissing: !(position ?? topPosition) || !(orientation ?? topOrientation) ? true : undefined,
        pixelSpacing: pixelSpacingOf(measures) ?? defaultSpacing,
        sliceThickness: decimal(measures, T.sliceThickness) ?? common.sliceThickness,
        spacingBetweenSlices: decimal(measures, T.spacingBetweenSlices) ?? common.spacingBetweenSlices,
        rescaleSlope: decimal(transform, T.rescaleSlope) ?? topSlope,
        rescaleIntercept: decimal(transform, T.rescaleIntercept) ?? topIntercept,
        acquisitionTime: (fdt ? parseDateTimeToTime(fdt) : undefined) ?? topTime,
        temporalPositionIndex: u32(content, T.temporalPositionIndex),
        frameType: ft,
        kind: [ft ?? '', complex].filter(Boolean).join('/'),
      });
    }
    return frames;
  }

  // Single-frame (or classic multi-frame without functional groups: frames stacked along the normal).
  const orientation = topOrientation ?? [1, 0, 0, 0, 1, 0];
  const position = topPosition ?? [0, 0, 0];
  const frames: ImageFrame[] = [];
  const step = common.spacingBetweenSlices ?? common.sliceThickness ?? 1;
  const n = normalOf(orientation);
  for (let i = 0; i < px.numberOfFrames; i++) {
    frames.push({
      ...common,
      frameIndex: i,
      position: [position[0] + n[0] * step * i, position[1] + n[1] * step * i, position[2] + n[2] * step * i],
      orientation,
      geometryMissing: !topOrientation || !topPosition ? true : undefined,
      pixelSpacing: defaultSpacing,
      rescaleSlope: topSlope,
      rescaleIntercept: topIntercept,
      acquisitionTime: topTime,
      frameType: frameTypeValue(h.imageType),
      kind: '',
    });
  }
  return frames;
}

/** Slice normal = row cosine x column cosine (the third axis ITK and SimpleITK use). */
export function normalOf(o: FrameInfo['orientation']): Vec3 {
  return [o[1] * o[5] - o[2] * o[4], o[2] * o[3] - o[0] * o[5], o[0] * o[4] - o[1] * o[3]];
}
