/**
 * DICOM MR Image Storage (1.2.840.10008.5.1.4.1.1.4) writer: one Part 10 file per slice
 * of a Volume, explicit VR little endian, uncompressed. Written for the demo generator and
 * any export of an image volume; `dciodvfy` accepts its files without errors.
 *
 * Modules written (PS3.3 A.4 MR Image IOD): Patient, General Study, Patient Study,
 * General Series, Frame of Reference, General Equipment, General Acquisition,
 * General Image, Image Plane, Image Pixel, Contrast/Bolus (when `contrast` is given),
 * MR Image, VOI LUT (when `window` is given), SOP Common.
 *
 * API
 *   writeMrSeries(volume, header) -> Uint8Array[]     one file per slice k (InstanceNumber k + 1)
 *   writeMrSlice(volume, k, header) -> Uint8Array
 *   MR_IMAGE_STORAGE                                   the SOP class UID
 *
 * The volume is LPS (../volume.ts): slice k's ImagePositionPatient is the physical point
 * of voxel (0, 0, k); ImageOrientationPatient is the direction of index axis 0 (along a
 * row) then of axis 1 (down a column); PixelSpacing is [spacing[1], spacing[0]] (between
 * rows, between columns, as DICOM orders it). Pixels are written as stored: Uint16Array
 * as unsigned, Int16Array as signed, no rescale.
 */
import type { Volume } from '../volume.ts';
import { indexToPhysical } from '../volume.ts';
import { type DataSet, el, encodePart10, formatDS } from './part10-writer.ts';

export const MR_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.4';

export interface DicomPatient {
  name: string;
  id: string;
  /** DA (YYYYMMDD) or '' */
  birthDate?: string;
  sex?: 'F' | 'M' | 'O' | '';
  /** AS, e.g. '054Y' */
  age?: string;
  weightKg?: number;
}

export interface DicomStudy {
  instanceUID: string;
  /** DA */
  date: string;
  /** TM */
  time: string;
  id?: string;
  accessionNumber?: string;
  description?: string;
  referringPhysician?: string;
}

export interface DicomEquipment {
  manufacturer: string;
  model?: string;
  institution?: string;
  station?: string;
  softwareVersions?: string;
  deviceSerialNumber?: string;
}

export interface MrContrast {
  /** ContrastBolusAgent, e.g. 'Gd-DOTA (Dotarem)' */
  agent: string;
  /** ContrastBolusStartTime, TM */
  startTime: string;
  route?: string;
  /** mL */
  volume?: number;
  /** mmol */
  totalDose?: number;
  /** mL/s */
  flowRate?: number;
  /** s */
  flowDuration?: number;
  /** e.g. 'GADOLINIUM' */
  ingredient?: string;
  /** mg/mL */
  ingredientConcentration?: number;
}

/** Acquisition parameters (MR Image module and General Image timing). */
export interface MrAcquisition {
  /** DA */
  date: string;
  /** TM: AcquisitionTime, written also as ContentTime */
  time: string;
  number?: number;
  /** ms */
  repetitionTime: number;
  /** ms */
  echoTime: number;
  /** degrees */
  flipAngle: number;
  /** CS multi-valued, e.g. ['GR'] */
  scanningSequence: string[];
  /** e.g. ['SP', 'OSP'] */
  sequenceVariant: string[];
  /** e.g. ['PFP', 'FS'] */
  scanOptions: string[];
  /** '2D' | '3D' */
  mrAcquisitionType: '2D' | '3D';
  sequenceName?: string;
  /** tesla */
  magneticFieldStrength?: number;
  /** MHz */
  imagingFrequency?: number;
  echoTrainLength?: number;
  numberOfAverages?: number;
  pixelBandwidth?: number;
  receiveCoilName?: string;
  transmitCoilName?: string;
  /** [freq rows, freq cols, phase rows, phase cols] */
  acquisitionMatrix?: [number, number, number, number];
  inPlanePhaseEncodingDirection?: 'ROW' | 'COL';
  percentSampling?: number;
  percentPhaseFieldOfView?: number;
  /** SliceThickness; the slice spacing when omitted */
  sliceThickness?: number;
}

export interface MrSeriesHeader {
  patient: DicomPatient;
  study: DicomStudy;
  series: {
    instanceUID: string;
    number: number;
    description: string;
    /** DA / TM; the acquisition's when omitted */
    date?: string;
    time?: string;
    protocolName?: string;
    bodyPartExamined?: string;
    /** e.g. 'HFP' (head first prone), required for MR */
    patientPosition: string;
    /** ImageLaterality: 'L' | 'R' | 'B' | 'U' */
    imageLaterality?: 'L' | 'R' | 'B' | 'U';
  };
  frameOfReferenceUID: string;
  equipment: DicomEquipment;
  acquisition: MrAcquisition;
  contrast?: MrContrast;
  /** SOPInstanceUID of slice k */
  sopInstanceUID: (k: number) => string;
  /** ImageType; default ORIGINAL\PRIMARY\M\ND (as Siemens writes a magnitude image) */
  imageType?: string[];
  /** default window for viewers */
  window?: { center: number; width: number };
  /** ImageComments (0020,4000) */
  imageComments?: string;
  /** BitsStored (default 16, or 12 for unsigned data whose maximum is below 4096) */
  bitsStored?: number;
  /** InstanceCreationDate/Time; the acquisition's when omitted */
  instanceCreation?: { date: string; time: string };
}

function pixelArray(volume: Volume): { signed: boolean } {
  if (volume.data instanceof Uint16Array) return { signed: false };
  if (volume.data instanceof Int16Array) return { signed: true };
  throw new Error('writeMrSeries: pixels must be a Uint16Array or an Int16Array');
}

function dataMax(data: Uint16Array | Int16Array): number {
  let m = -Infinity;
  for (let i = 0; i < data.length; i++) if (data[i] > m) m = data[i];
  return m;
}

/** The data set elements that are the same for every slice of a series. */
function seriesElements(volume: Volume, h: MrSeriesHeader, bitsStored: number, signed: boolean): DataSet {
  const a = h.acquisition;
  const d = volume.direction;
  const orientation = [d[0], d[3], d[6], d[1], d[4], d[7]];
  const creation = h.instanceCreation ?? { date: a.date, time: a.time };
  const ds: DataSet = [
    // SOP Common
    el(0x00080005, 'CS', 'ISO_IR 100'),
    el(0x00080012, 'DA', creation.date),
    el(0x00080013, 'TM', creation.time),
    el(0x00080016, 'UI', MR_IMAGE_STORAGE),
    // General Image / MR Image
    el(0x00080008, 'CS', h.imageType ?? ['ORIGINAL', 'PRIMARY', 'M', 'ND']),
    el(0x00080022, 'DA', a.date),
    el(0x00080023, 'DA', a.date),
    el(0x00080032, 'TM', a.time),
    el(0x00080033, 'TM', a.time),
    el(0x00200012, 'IS', a.number ?? 1),
    // General Study
    el(0x00080020, 'DA', h.study.date),
    el(0x00080030, 'TM', h.study.time),
    el(0x00080050, 'SH', h.study.accessionNumber ?? ''),
    el(0x00080090, 'PN', h.study.referringPhysician ?? ''),
    el(0x00200010, 'SH', h.study.id ?? ''),
    el(0x0020000d, 'UI', h.study.instanceUID),
    // General Series
    el(0x00080021, 'DA', h.series.date ?? a.date),
    el(0x00080031, 'TM', h.series.time ?? a.time),
    el(0x00080060, 'CS', 'MR'),
    el(0x0008103e, 'LO', h.series.description),
    el(0x00181030, 'LO', h.series.protocolName ?? h.series.description),
    el(0x00185100, 'CS', h.series.patientPosition),
    el(0x0020000e, 'UI', h.series.instanceUID),
    el(0x00200011, 'IS', h.series.number),
    // General Equipment
    el(0x00080070, 'LO', h.equipment.manufacturer),
    // Patient
    el(0x00100010, 'PN', h.patient.name),
    el(0x00100020, 'LO', h.patient.id),
    el(0x00100030, 'DA', h.patient.birthDate ?? ''),
    el(0x00100040, 'CS', h.patient.sex ?? ''),
    // Frame of Reference
    el(0x00200052, 'UI', h.frameOfReferenceUID),
    el(0x00201040, 'LO', ''),
    // Image Plane (per-slice position added by writeMrSlice)
    el(0x00280030, 'DS', [volume.spacing[1], volume.spacing[0]]),
    el(0x00200037, 'DS', orientation),
    el(0x00180050, 'DS', a.sliceThickness ?? volume.spacing[2]),
    el(0x00180088, 'DS', volume.spacing[2]),
    // Image Pixel
    el(0x00280002, 'US', 1),
    el(0x00280004, 'CS', 'MONOCHROME2'),
    el(0x00280010, 'US', volume.size[1]),
    el(0x00280011, 'US', volume.size[0]),
    el(0x00280100, 'US', 16),
    el(0x00280101, 'US', bitsStored),
    el(0x00280102, 'US', bitsStored - 1),
    el(0x00280103, 'US', signed ? 1 : 0),
    // MR Image
    el(0x00180020, 'CS', a.scanningSequence),
    el(0x00180021, 'CS', a.sequenceVariant),
    el(0x00180022, 'CS', a.scanOptions),
    el(0x00180023, 'CS', a.mrAcquisitionType),
    el(0x00180080, 'DS', a.repetitionTime),
    el(0x00180081, 'DS', a.echoTime),
    el(0x00180091, 'IS', a.echoTrainLength ?? 1),
    el(0x00181314, 'DS', a.flipAngle),
    el(0x00180086, 'IS', 1),
  ];
  const opt = (tag: number, vr: Parameters<typeof el>[1], v: string | number | number[] | undefined) => {
    if (v !== undefined && v !== '') ds.push(el(tag, vr, v));
  };
  opt(0x00101010, 'AS', h.patient.age);
  opt(0x00101030, 'DS', h.patient.weightKg);
  opt(0x00081030, 'LO', h.study.description);
  opt(0x00180015, 'CS', h.series.bodyPartExamined);
  opt(0x00200062, 'CS', h.series.imageLaterality);
  // General Series Laterality is type 2C: required (may be empty) for a paired body part
  // when ImageLaterality is not sent.
  if (!h.series.imageLaterality) ds.push(el(0x00200060, 'CS', ''));
  opt(0x00080080, 'LO', h.equipment.institution);
  opt(0x00081010, 'SH', h.equipment.station);
  opt(0x00081090, 'LO', h.equipment.model);
  opt(0x00181020, 'LO', h.equipment.softwareVersions);
  opt(0x00181000, 'LO', h.equipment.deviceSerialNumber);
  opt(0x00180024, 'SH', a.sequenceName);
  opt(0x00180087, 'DS', a.magneticFieldStrength);
  opt(0x00180084, 'DS', a.imagingFrequency);
  opt(0x00180083, 'DS', a.numberOfAverages);
  opt(0x00180095, 'DS', a.pixelBandwidth);
  opt(0x00181250, 'SH', a.receiveCoilName);
  opt(0x00181251, 'SH', a.transmitCoilName);
  opt(0x00181312, 'CS', a.inPlanePhaseEncodingDirection);
  opt(0x00180093, 'DS', a.percentSampling);
  opt(0x00180094, 'DS', a.percentPhaseFieldOfView);
  if (a.acquisitionMatrix) ds.push(el(0x00181310, 'US', a.acquisitionMatrix));
  opt(0x00204000, 'LT', h.imageComments);
  if (h.window) {
    ds.push(el(0x00281050, 'DS', h.window.center), el(0x00281051, 'DS', h.window.width));
  }
  const c = h.contrast;
  if (c) {
    ds.push(el(0x00180010, 'LO', c.agent), el(0x00181042, 'TM', c.startTime));
    opt(0x00181040, 'LO', c.route);
    opt(0x00181041, 'DS', c.volume);
    opt(0x00181044, 'DS', c.totalDose);
    opt(0x00181046, 'DS', c.flowRate);
    opt(0x00181047, 'DS', c.flowDuration);
    if (c.ingredient) ds.push(el(0x00181048, 'CS', c.ingredient));
    opt(0x00181049, 'DS', c.ingredientConcentration);
  }
  return ds;
}

function sliceElements(volume: Volume, k: number, h: MrSeriesHeader): DataSet {
  const p = indexToPhysical(volume, 0, 0, k);
  const d = volume.direction;
  // SliceLocation: the position along the slice normal (row x column direction).
  const n = [d[3] * d[7] - d[6] * d[4], d[6] * d[1] - d[0] * d[7], d[0] * d[4] - d[3] * d[1]];
  const loc = p[0] * n[0] + p[1] * n[1] + p[2] * n[2];
  const nx = volume.size[0];
  const ny = volume.size[1];
  const plane = nx * ny;
  const src = volume.data as Uint16Array | Int16Array;
  const pixels = new Uint16Array(plane);
  // Int16 -> its two's-complement bits; Uint16 as is.
  const view = src instanceof Int16Array ? new Uint16Array(src.buffer, src.byteOffset, src.length) : src;
  pixels.set(view.subarray(k * plane, (k + 1) * plane));
  return [
    el(0x00080018, 'UI', h.sopInstanceUID(k)),
    el(0x00200013, 'IS', k + 1),
    el(0x00200032, 'DS', [p[0], p[1], p[2]]),
    el(0x00201041, 'DS', Number(formatDS(loc))),
    el(0x7fe00010, 'OW', pixels),
  ];
}

function bitsStoredFor(volume: Volume, h: MrSeriesHeader, signed: boolean): number {
  if (h.bitsStored !== undefined) return h.bitsStored;
  if (!signed && dataMax(volume.data as Uint16Array) < 4096) return 12;
  return 16;
}

/** One Part 10 file for slice k of the volume. */
export function writeMrSlice(volume: Volume, k: number, header: MrSeriesHeader): Uint8Array {
  const { signed } = pixelArray(volume);
  const common = seriesElements(volume, header, bitsStoredFor(volume, header, signed), signed);
  return encodeSlice(volume, k, header, common);
}

function encodeSlice(volume: Volume, k: number, header: MrSeriesHeader, common: DataSet): Uint8Array {
  if (!(k >= 0 && k < volume.size[2])) throw new Error(`writeMrSlice: slice ${k} outside 0..${volume.size[2] - 1}`);
  const ds = common.concat(sliceElements(volume, k, header));
  return encodePart10(ds, { sopClassUID: MR_IMAGE_STORAGE, sopInstanceUID: header.sopInstanceUID(k) });
}

/** One Part 10 file per slice, in slice order. */
export function writeMrSeries(volume: Volume, header: MrSeriesHeader): Uint8Array[] {
  const { signed } = pixelArray(volume);
  const common = seriesElements(volume, header, bitsStoredFor(volume, header, signed), signed);
  const out: Uint8Array[] = [];
  for (let k = 0; k < volume.size[2]; k++) out.push(encodeSlice(volume, k, header, common));
  return out;
}

