/**
 * DICOM Segmentation (PS3.3 A.51): the one SEG writer of the project (demo generator and
 * the viewer's ROI export) and its reader. DOM-free.
 *
 * Writing: `writeSeg(mask, source, segments, options?) -> Uint8Array`
 *   - mask: a Volume on the grid of the source images (slice k of the mask is the source
 *     image `source.sopInstanceUIDs[k]`). With one segment every non-zero voxel belongs to
 *     it (a binary mask); with several, voxel value === segment.label.
 *   - Output: a BINARY Segmentation Storage instance (1.2.840.10008.5.1.4.1.1.66.4),
 *     explicit VR little endian, bit-packed frames (PS3.5 8.1.1: frames follow each other
 *     bit by bit, no padding between frames; the whole value is padded to even length).
 *   - One frame per (segment, slice) that holds at least one voxel of the segment; empty
 *     frames are omitted (as dcmqi does). A segment with no voxel at all keeps one empty
 *     frame on slice 0, so that it stays listed and the instance is never frameless.
 *   - Frames are ordered by segment, then by slice k. Dimensions (Multi-frame Dimension
 *     module): ReferencedSegmentNumber, then ImagePositionPatient; the position index is
 *     the 1-based rank of the slice among the slices that have frames.
 *   - Per frame: PlanePositionSequence (ImagePositionPatient of voxel (0, 0, k)),
 *     SegmentIdentificationSequence, FrameContentSequence, DerivationImageSequence whose
 *     SourceImageSequence references the source SOP instance (and frame number, for
 *     multi-frame sources). Shared: PixelMeasures (PixelSpacing, SliceThickness,
 *     SpacingBetweenSlices) and PlaneOrientation. ReferencedSeriesSequence lists every
 *     referenced instance (Common Instance Reference module).
 *   - Segment attributes: SegmentLabel, SegmentAlgorithmType (MANUAL by default;
 *     SegmentAlgorithmName is required and written for the others),
 *     SegmentedPropertyCategory/Type codes (default SCT 49755003 "Morphologically Altered
 *     Structure" / SCT 4147007 "Mass"), AnatomicRegion (optional), and
 *     RecommendedDisplayCIELabValue converted from an sRGB colour, TrackingID/TrackingUID
 *     when given. SegmentNumber is the segment's rank, 1..n (PS3.3 C.8.20.2.4: for BINARY
 *     and FRACTIONAL it starts at 1 and increases by 1), whatever its voxel value.
 *
 * Source of an imported study: `segSourceForPhase(item, phaseIndex, getBytes) -> SegSource`
 *   builds `source` for a phase of a SeriesItem from the importer (scanDicom): one
 *   referenced instance per slice (with its frame number for multi-frame instances), and
 *   the patient, study, SOP class and frame of reference read from the phase's first file.
 *   The mask is then a Volume on `phase.geometry`.
 *
 * Reading: `readSeg(bytes, target, sourceName?, options?) -> ReadSegResult`
 *   - Accepts BINARY and FRACTIONAL Segmentation Storage and LABELMAP Segmentation Storage
 *     (1.2.840.10008.5.1.4.1.1.66.7, as dcmqi and Cornerstone 5 write it), in explicit or
 *     implicit VR little endian, explicit big endian, deflate, or RLE lossless. Files from
 *     us, dcmqi/3D Slicer and dcmjs/OHIF.
 *   - Each frame is placed on the target grid by its ImagePositionPatient, orientation
 *     and pixel spacing (any axis permutation or flip of the target is handled); a frame
 *     that does not fall on the grid, or foreground that falls outside it, is an error
 *     naming the file. A frame without ImagePositionPatient is placed through the SOP
 *     instance it references when `options.sliceSopInstanceUIDs` is given.
 *   - FRACTIONAL: a voxel belongs when value >= MaximumFractionalValue / 2; files whose
 *     values are all 0 or 1 are read as binary (dcmjs's RLE export writes a binary mask as
 *     FRACTIONAL 0/1 with MaximumFractionalValue 255).
 *   - LABELMAP: voxel value v belongs to segment v (v >= 1, v !== PixelPaddingValue).
 *   - Result: one 0/1 mask per segment (segments numbered >= 1, in SegmentSequence order)
 *     on the target geometry, with the segment descriptions.
 */
import dicomParser from 'dicom-parser';
import type { DataSet as ParsedDataSet } from 'dicom-parser';
import { inflateSync } from 'fflate';
import type { Geometry, Vec3, Volume } from '../volume.ts';
import { geometryOf, indexToPhysical, physicalToIndex, voxelCount } from '../volume.ts';
import { type DataSet, el, encodePart10, seq } from './part10-writer.ts';
import { randomUid } from './uid.ts';
import type { SeriesItem } from './types.ts';
import type { DicomEquipment, DicomPatient } from './write-mr.ts';

export const SEGMENTATION_STORAGE = '1.2.840.10008.5.1.4.1.1.66.4';
export const LABELMAP_SEGMENTATION_STORAGE = '1.2.840.10008.5.1.4.1.1.66.7';

export interface CodedConcept {
  value: string;
  scheme: string;
  meaning: string;
}

/** Codes used by default (SNOMED CT, as DICOM CID 7150 / 7151 / 4031 list them). */
export const SEG_CODES = {
  morphologicallyAlteredStructure: { value: '49755003', scheme: 'SCT', meaning: 'Morphologically Altered Structure' },
  mass: { value: '4147007', scheme: 'SCT', meaning: 'Mass' },
  breast: { value: '76752008', scheme: 'SCT', meaning: 'Breast' },
} satisfies Record<string, CodedConcept>;

export type SegAlgorithmType = 'MANUAL' | 'SEMIAUTOMATIC' | 'AUTOMATIC';

export interface SegSegment {
  /** the voxel value of this segment in the mask (ignored for a single segment: non-zero) */
  label: number;
  /** SegmentLabel */
  name: string;
  /** sRGB 0..255; written as RecommendedDisplayCIELabValue */
  color?: [number, number, number];
  algorithmType?: SegAlgorithmType;
  /** required by DICOM when algorithmType is not MANUAL */
  algorithmName?: string;
  description?: string;
  category?: CodedConcept;
  type?: CodedConcept;
  anatomicRegion?: CodedConcept;
  /** TrackingID and TrackingUID (PS3.3 Table C.8.20-4: each requires the other), e.g. the lesion a segment is */
  tracking?: { id: string; uid: string };
}

/** What the SEG references and inherits: the source series, its study and patient. */
export interface SegSource {
  /** SOPClassUID of the source images */
  sopClassUID: string;
  /** SOPInstanceUID of the source image of mask slice k */
  sopInstanceUIDs: string[];
  /** for multi-frame sources: the 1-based frame number of slice k within its instance */
  frameNumbers?: (number | undefined)[];
  seriesInstanceUID: string;
  studyInstanceUID: string;
  frameOfReferenceUID: string;
  patient: DicomPatient;
  study: {
    date: string;
    time: string;
    id?: string;
    accessionNumber?: string;
    referringPhysician?: string;
    description?: string;
  };
}

export interface SegWriteOptions {
  sopInstanceUID?: string;
  seriesInstanceUID?: string;
  seriesNumber?: number;
  seriesDescription?: string;
  instanceNumber?: number;
  /** ContentLabel: CS, upper case, at most 16 characters */
  contentLabel?: string;
  contentDescription?: string;
  contentCreatorName?: string;
  /** DA / TM of the SEG (SeriesDate, ContentDate...); the current date and time when omitted */
  date?: string;
  time?: string;
  equipment?: Partial<DicomEquipment>;
  dimensionOrganizationUID?: string;
}

// ---------------------------------------------------------------------------------------
// Colour: sRGB <-> CIELab (D50, the ICC profile connection space DICOM uses, PS3.3
// C.10.7.1.1), scaled to 0..65535 as RecommendedDisplayCIELabValue stores it.
// sRGB -> XYZ(D50) is the Bradford-adapted sRGB matrix (Lindbloom, "RGB/XYZ matrices").

const SRGB_TO_XYZ_D50 = [0.4360747, 0.3850649, 0.1430804, 0.2225045, 0.7168786, 0.0606169, 0.0139322, 0.0971045, 0.7141733];
const WHITE_D50 = [0.96422, 1.0, 0.82521];

function invert3(m: number[]): number[] {
  const [a, b, c, d, e, f, g, h, i] = m;
  const A = e * i - f * h;
  const B = -(d * i - f * g);
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  return [A, -(b * i - c * h), b * f - c * e, B, a * i - c * g, -(a * f - c * d), C, -(a * h - b * g), a * e - b * d].map((x) => x / det);
}
const XYZ_D50_TO_SRGB = invert3(SRGB_TO_XYZ_D50);

export function rgbToDicomLab(rgb: [number, number, number]): [number, number, number] {
  const lin = rgb.map((v) => {
    const c = Math.min(255, Math.max(0, v)) / 255;
    return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
  });
  const m = SRGB_TO_XYZ_D50;
  const xyz = [0, 1, 2].map((r) => (m[r * 3] * lin[0] + m[r * 3 + 1] * lin[1] + m[r * 3 + 2] * lin[2]) / WHITE_D50[r]);
  const f = xyz.map((t) => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116));
  const L = 116 * f[1] - 16;
  const a = 500 * (f[0] - f[1]);
  const b = 200 * (f[1] - f[2]);
  const clamp = (x: number) => Math.min(65535, Math.max(0, Math.round(x)));
  return [clamp((L * 65535) / 100), clamp(((a + 128) * 65535) / 255), clamp(((b + 128) * 65535) / 255)];
}

export function dicomLabToRgb(lab: [number, number, number]): [number, number, number] {
  const L = (lab[0] * 100) / 65535;
  const a = (lab[1] * 255) / 65535 - 128;
  const b = (lab[2] * 255) / 65535 - 128;
  const fy = (L + 16) / 116;
  const fx = fy + a / 500;
  const fz = fy - b / 200;
  const inv = (t: number) => (t * t * t > 216 / 24389 ? t * t * t : (116 * t - 16) / (24389 / 27));
  const xyz = [inv(fx) * WHITE_D50[0], inv(fy) * WHITE_D50[1], inv(fz) * WHITE_D50[2]];
  const m = XYZ_D50_TO_SRGB;
  const out = [0, 1, 2].map((r) => {
    const lin = m[r * 3] * xyz[0] + m[r * 3 + 1] * xyz[1] + m[r * 3 + 2] * xyz[2];
    const c = lin <= 0.0031308 ? 12.92 * lin : 1.055 * Math.pow(Math.max(lin, 0), 1 / 2.4) - 0.055;
    return Math.min(255, Math.max(0, Math.round(c * 255)));
  });
  return [out[0], out[1], out[2]];
}

// ---------------------------------------------------------------------------------------
// Writer

function code(tag: number, c: CodedConcept) {
  return seq(tag, [[el(0x00080100, 'SH', c.value), el(0x00080102, 'SH', c.scheme), el(0x00080104, 'LO', c.meaning)]]);
}

function nowDA(): string {
  const d = new Date();
  return `${d.getFullYear()}${String(d.getMonth() + 1).padStart(2, '0')}${String(d.getDate()).padStart(2, '0')}`;
}

function nowTM(): string {
  const d = new Date();
  return `${String(d.getHours()).padStart(2, '0')}${String(d.getMinutes()).padStart(2, '0')}${String(d.getSeconds()).padStart(2, '0')}`;
}

const PURPOSE_SOURCE_IMAGE: CodedConcept = { value: '121322', scheme: 'DCM', meaning: 'Source image for image processing operation' };
const DERIVATION_SEGMENTATION: CodedConcept = { value: '113076', scheme: 'DCM', meaning: 'Segmentation' };

/** Writes a binary DICOM SEG of `mask` referencing `source`. See the file header. */
export function writeSeg(mask: Volume, source: SegSource, segments: SegSegment[], options: SegWriteOptions = {}): Uint8Array {
  const [nx, ny, nz] = mask.size;
  if (segments.length === 0) throw new Error('writeSeg: no segment given');
  if (source.sopInstanceUIDs.length !== nz) {
    throw new Error(`writeSeg: the mask has ${nz} slices but ${source.sopInstanceUIDs.length} source images are referenced`);
  }
  if (nx > 65535 || ny > 65535) throw new Error('writeSeg: the mask is too large for a DICOM frame');
  const labels = new Set<number>();
  for (const s of segments) {
    if (segments.length > 1 && labels.has(s.label)) throw new Error(`writeSeg: segment label ${s.label} given twice`);
    labels.add(s.label);
    if ((s.algorithmType ?? 'MANUAL') !== 'MANUAL' && !s.algorithmName) {
      throw new Error(`writeSeg: segment '${s.name}' is ${s.algorithmType} and needs an algorithmName`);
    }
  }
  const data = mask.data;
  const plane = nx * ny;
  const binary = segments.length === 1;

  // Which (segment, slice) frames hold voxels.
  const frames: { seg: number; k: number }[] = [];
  segments.forEach((s, si) => {
    const first = frames.length;
    for (let k = 0; k < nz; k++) {
      const base = k * plane;
      let any = false;
      for (let p = 0; p < plane; p++) {
        const v = data[base + p];
        if (binary ? v !== 0 : v === s.label) {
          any = true;
          break;
        }
      }
      if (any) frames.push({ seg: si, k });
    }
    if (frames.length === first) frames.push({ seg: si, k: 0 });
  });

  // Bit-packed pixel data: frame f's pixel p is bit (f * plane + p), LSB first.
  const totalBits = frames.length * plane;
  const byteLength = Math.ceil(totalBits / 8);
  const pixelData = new Uint8Array(byteLength + (byteLength % 2));
  frames.forEach(({ seg, k }, f) => {
    const label = segments[seg].label;
    const base = k * plane;
    const bit0 = f * plane;
    for (let p = 0; p < plane; p++) {
      const v = data[base + p];
      if (binary ? v !== 0 : v === label) {
        const bit = bit0 + p;
        pixelData[bit >>> 3] |= 1 << (bit & 7);
      }
    }
  });

  const date = options.date ?? nowDA();
  const time = options.time ?? nowTM();
  const sopInstanceUID = options.sopInstanceUID ?? randomUid();
  const dimOrgUID = options.dimensionOrganizationUID ?? randomUid();
  const eq = options.equipment ?? {};
  const d = mask.direction;
  const orientation = [d[0], d[3], d[6], d[1], d[4], d[7]];

  const usedSlices = [...new Set(frames.map((f) => f.k))].sort((a, b) => a - b);
  const sliceRank = new Map(usedSlices.map((k, i) => [k, i + 1]));
  const sourceItem = (k: number): DataSet => {
    const item: DataSet = [
      el(0x00081150, 'UI', source.sopClassUID),
      el(0x00081155, 'UI', source.sopInstanceUIDs[k]),
    ];
    const fn = source.frameNumbers?.[k];
    if (fn !== undefined) item.push(el(0x00081160, 'IS', fn));
    return item;
  };

  const perFrame: DataSet[] = frames.map(({ seg, k }) => {
    const p = indexToPhysical(mask, 0, 0, k);
    return [
      seq(0x00089124, [[
        seq(0x00082112, [[...sourceItem(k), code(0x0040a170, PURPOSE_SOURCE_IMAGE)]]),
        code(0x00089215, DERIVATION_SEGMENTATION),
      ]]),
      seq(0x00209111, [[el(0x00209157, 'UL', [seg + 1, sliceRank.get(k)!])]]),
      seq(0x00209113, [[el(0x00200032, 'DS', [p[0], p[1], p[2]])]]),
      seq(0x0062000a, [[el(0x0062000b, 'US', seg + 1)]]),
    ];
  });

  const segmentItems: DataSet[] = segments.map((s, si) => {
    const item: DataSet = [
      code(0x00620003, s.category ?? SEG_CODES.morphologicallyAlteredStructure),
      el(0x00620004, 'US', si + 1),
      el(0x00620005, 'LO', s.name),
      el(0x00620008, 'CS', s.algorithmType ?? 'MANUAL'),
      el(0x0062000d, 'US', rgbToDicomLab(s.color ?? [255, 0, 0])),
      code(0x0062000f, s.type ?? SEG_CODES.mass),
    ];
    if (s.description) item.push(el(0x00620006, 'ST', s.description));
    if ((s.algorithmType ?? 'MANUAL') !== 'MANUAL') item.push(el(0x00620009, 'LO', s.algorithmName!));
    if (s.anatomicRegion) item.push(code(0x00082218, s.anatomicRegion));
    if (s.tracking) item.push(el(0x00620020, 'UT', s.tracking.id), el(0x00620021, 'UI', s.tracking.uid));
    return item;
  });

  const referencedInstances = [...new Set(frames.map((f) => f.k))]
    .sort((a, b) => a - b)
    .map((k) => sourceItem(k).filter((e) => e.tag !== 0x00081160));
  // Several frames of one multi-frame instance reference it once.
  const seen = new Set<string>();
  const uniqueInstances = referencedInstances.filter((item) => {
    const uid = item[1].value as string;
    if (seen.has(uid)) return false;
    seen.add(uid);
    return true;
  });

  const ds: DataSet = [
    // SOP Common
    el(0x00080005, 'CS', 'ISO_IR 100'),
    el(0x00080016, 'UI', SEGMENTATION_STORAGE),
    el(0x00080018, 'UI', sopInstanceUID),
    el(0x00080012, 'DA', date),
    el(0x00080013, 'TM', time),
    // Patient
    el(0x00100010, 'PN', source.patient.name),
    el(0x00100020, 'LO', source.patient.id),
    el(0x00100030, 'DA', source.patient.birthDate ?? ''),
    el(0x00100040, 'CS', source.patient.sex ?? ''),
    // General Study
    el(0x0020000d, 'UI', source.studyInstanceUID),
    el(0x00080020, 'DA', source.study.date),
    el(0x00080030, 'TM', source.study.time),
    el(0x00080090, 'PN', source.study.referringPhysician ?? ''),
    el(0x00200010, 'SH', source.study.id ?? ''),
    el(0x00080050, 'SH', source.study.accessionNumber ?? ''),
    // General Series / Segmentation Series
    el(0x00080060, 'CS', 'SEG'),
    el(0x0020000e, 'UI', options.seriesInstanceUID ?? randomUid()),
    el(0x00200011, 'IS', options.seriesNumber ?? 300),
    el(0x0008103e, 'LO', options.seriesDescription ?? 'Segmentation'),
    el(0x00080021, 'DA', date),
    el(0x00080031, 'TM', time),
    // Frame of Reference
    el(0x00200052, 'UI', source.frameOfReferenceUID),
    el(0x00201040, 'LO', ''),
    // General Equipment + Enhanced General Equipment
    el(0x00080070, 'LO', eq.manufacturer ?? 'HER2 workstation'),
    el(0x00081090, 'LO', eq.model ?? 'her2-workstation'),
    el(0x00181000, 'LO', eq.deviceSerialNumber ?? '1'),
    el(0x00181020, 'LO', eq.softwareVersions ?? '0.1.0'),
    // General Image
    el(0x00200013, 'IS', options.instanceNumber ?? 1),
    el(0x00080023, 'DA', date),
    el(0x00080033, 'TM', time),
    // Image Pixel
    el(0x00280002, 'US', 1),
    el(0x00280004, 'CS', 'MONOCHROME2'),
    el(0x00280010, 'US', ny),
    el(0x00280011, 'US', nx),
    el(0x00280100, 'US', 1),
    el(0x00280101, 'US', 1),
    el(0x00280102, 'US', 0),
    el(0x00280103, 'US', 0),
    el(0x7fe00010, 'OB', pixelData),
    // Segmentation Image
    el(0x00080008, 'CS', ['DERIVED', 'PRIMARY']),
    el(0x00700080, 'CS', options.contentLabel ?? 'SEGMENTATION'),
    el(0x00700081, 'LO', options.contentDescription ?? ''),
    el(0x00700084, 'PN', options.contentCreatorName ?? ''),
    el(0x00282110, 'CS', '00'),
    el(0x00620001, 'CS', 'BINARY'),
    el(0x00620013, 'CS', 'NO'),
    seq(0x00620002, segmentItems),
    // Multi-frame Functional Groups
    el(0x00280008, 'IS', frames.length),
    seq(0x52009229, [[
      seq(0x00289110, [[
        el(0x00280030, 'DS', [mask.spacing[1], mask.spacing[0]]),
        el(0x00180050, 'DS', mask.spacing[2]),
        el(0x00180088, 'DS', mask.spacing[2]),
      ]]),
      seq(0x00209116, [[el(0x00200037, 'DS', orientation)]]),
    ]]),
    seq(0x52009230, perFrame),
    // Multi-frame Dimension
    seq(0x00209221, [[el(0x00209164, 'UI', dimOrgUID)]]),
    seq(0x00209222, [
      [el(0x00209164, 'UI', dimOrgUID), el(0x00209165, 'AT', 0x0062000b), el(0x00209167, 'AT', 0x0062000a), el(0x00209421, 'LO', 'ReferencedSegmentNumber')],
      [el(0x00209164, 'UI', dimOrgUID), el(0x00209165, 'AT', 0x00200032), el(0x00209167, 'AT', 0x00209113), el(0x00209421, 'LO', 'ImagePositionPatient')],
    ]),
    // Common Instance Reference
    seq(0x00081115, [[seq(0x0008114a, uniqueInstances), el(0x0020000e, 'UI', source.seriesInstanceUID)]]),
  ];
  if (source.study.description) ds.push(el(0x00081030, 'LO', source.study.description));
  if (eq.institution) ds.push(el(0x00080080, 'LO', eq.institution));
  return encodePart10(ds, { sopClassUID: SEGMENTATION_STORAGE, sopInstanceUID });
}

/**
 * The SegSource of phase `phaseIndex` of an imported series item (see the file header).
 * `getBytes(name)` returns a file's bytes by its DicomSource name, as for loadPhaseVolume.
 */
export async function segSourceForPhase(
  item: SeriesItem,
  phaseIndex: number,
  getBytes: (name: string) => ArrayBuffer | Promise<ArrayBuffer>,
): Promise<SegSource> {
  const phase = item.phases.find((p) => p.index === phaseIndex);
  if (!phase || phase.frames.length === 0) throw new SegError(`series ${item.seriesNumber} '${item.seriesDescription}': no phase ${phaseIndex}`);
  const first = phase.frames[0];
  let ds: ParsedDataSet;
  const bytes = new Uint8Array(await getBytes(first.source));
  try {
    ds = dicomParser.parseDicom(bytes, { untilTag: 'x7fe00010' });
  } catch (e) {
    throw new SegError(`${first.source}: not a readable DICOM file (${e instanceof Error ? e.message : String(e)})`);
  }
  const need = (tag: number, name: string) => {
    const v = str(ds, tag);
    if (!v) throw new SegError(`${first.source}: no ${name}; a SEG cannot reference this image`);
    return v;
  };
  // Person names and descriptions in the file's character set (UTF-8 or Latin-1).
  const utf8 = (str(ds, 0x00080005) ?? '').includes('ISO_IR 192');
  const text = (tag: number): string | undefined => {
    const e = ds.elements[tagKey(tag)];
    if (!e || !e.length) return undefined;
    const t = new TextDecoder(utf8 ? 'utf-8' : 'latin1').decode(bytes.subarray(e.dataOffset, e.dataOffset + e.length));
    return t.replace(/[\0 ]+$/, '');
  };
  const multiFrame = new Set(phase.frames.map((f) => f.source)).size < phase.frames.length || (ds.intString('x00280008') ?? 1) > 1;
  const sex = str(ds, 0x00100040);
  return {
    sopClassUID: need(0x00080016, 'SOPClassUID'),
    sopInstanceUIDs: phase.frames.map((f) => f.sopInstanceUID),
    frameNumbers: multiFrame ? phase.frames.map((f) => f.frameIndex + 1) : undefined,
    seriesInstanceUID: need(0x0020000e, 'SeriesInstanceUID'),
    studyInstanceUID: need(0x0020000d, 'StudyInstanceUID'),
    frameOfReferenceUID: need(0x00200052, 'FrameOfReferenceUID'),
    patient: {
      name: text(0x00100010) ?? item.patientName,
      id: text(0x00100020) ?? item.patientId,
      birthDate: str(ds, 0x00100030) ?? '',
      sex: sex === 'F' || sex === 'M' || sex === 'O' ? sex : '',
    },
    study: {
      date: str(ds, 0x00080020) ?? item.studyDate,
      time: str(ds, 0x00080030) ?? '',
      id: str(ds, 0x00200010),
      accessionNumber: str(ds, 0x00080050),
      referringPhysician: text(0x00080090),
      description: text(0x00081030),
    },
  };
}

// ---------------------------------------------------------------------------------------
// Reader

export interface SegSegmentInfo {
  /** SegmentNumber */
  number: number;
  /** SegmentLabel */
  label: string;
  description?: string;
  algorithmType: string;
  algorithmName?: string;
  category?: CodedConcept;
  type?: CodedConcept;
  /** sRGB from RecommendedDisplayCIELabValue, when present */
  color?: [number, number, number];
  /** TrackingID, when present */
  trackingId?: string;
}

export interface ReadSegResult {
  sopInstanceUID: string;
  seriesDescription: string;
  segmentationType: 'BINARY' | 'FRACTIONAL' | 'LABELMAP';
  frameOfReferenceUID?: string;
  /** SeriesInstanceUIDs the SEG says it references */
  referencedSeriesInstanceUIDs: string[];
  /** segments numbered >= 1, in SegmentSequence order */
  segments: SegSegmentInfo[];
  /** masks[i] (0/1) belongs to segments[i], on the target geometry */
  masks: Volume<Uint8Array>[];
}

export interface ReadSegOptions {
  /** SOPInstanceUID of each target slice: places frames that have no ImagePositionPatient */
  sliceSopInstanceUIDs?: string[];
}

export class SegError extends Error {}

type DS = ParsedDataSet;

function tagKey(tag: number): string {
  return `x${(tag >>> 0).toString(16).padStart(8, '0')}`;
}

function firstItem(ds: DS | undefined, tag: number): DS | undefined {
  return ds?.elements[tagKey(tag)]?.items?.[0]?.dataSet;
}

function items(ds: DS | undefined, tag: number): DS[] {
  return (ds?.elements[tagKey(tag)]?.items ?? []).map((i) => i.dataSet).filter((x): x is DS => x !== undefined);
}

function str(ds: DS | undefined, tag: number): string | undefined {
  return ds?.string(tagKey(tag));
}

function numbers(ds: DS | undefined, tag: number, n: number): number[] | undefined {
  if (!ds || !ds.elements[tagKey(tag)]) return undefined;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = ds.floatString(tagKey(tag), i);
    if (v === undefined || !Number.isFinite(v)) return undefined;
    out.push(v);
  }
  return out;
}

function readCode(ds: DS | undefined, tag: number): CodedConcept | undefined {
  const it = firstItem(ds, tag);
  if (!it) return undefined;
  return { value: str(it, 0x00080100) ?? str(it, 0x00080119) ?? '', scheme: str(it, 0x00080102) ?? '', meaning: str(it, 0x00080104) ?? '' };
}

/** RLE lossless (PS3.5 Annex G) of one frame: 1 byte per sample segment, most significant first. */
function decodeRleFrame(frame: Uint8Array, bytesPerPixel: number, pixels: number, source: string): Uint8Array {
  const dv = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const nSeg = dv.getUint32(0, true);
  if (nSeg !== bytesPerPixel) throw new SegError(`${source}: RLE frame has ${nSeg} segments, ${bytesPerPixel} expected`);
  const out = new Uint8Array(pixels * bytesPerPixel);
  for (let s = 0; s < nSeg; s++) {
    const start = dv.getUint32(4 + 4 * s, true);
    const end = s + 1 < nSeg ? dv.getUint32(8 + 4 * s, true) : frame.length;
    // Segment s holds byte (bytesPerPixel - 1 - s) of each little-endian sample.
    const byteIndex = bytesPerPixel - 1 - s;
    let o = 0;
    let i = start;
    while (i < end && o < pixels) {
      const n = (frame[i++] << 24) >> 24;
      if (n >= 0) {
        for (let c = 0; c <= n && o < pixels; c++) out[o++ * bytesPerPixel + byteIndex] = frame[i++];
      } else if (n !== -128) {
        const v = frame[i++];
        for (let c = 0; c < 1 - n && o < pixels; c++) out[o++ * bytesPerPixel + byteIndex] = v;
      }
    }
  }
  return out;
}

interface FramePlacement {
  /** target index of frame pixel (0, 0) */
  origin: [number, number, number];
  /** target index step for one column, one row */
  colStep: [number, number, number];
  rowStep: [number, number, number];
}

function roundedUnitStep(v: Vec3, extent: number): [number, number, number] | undefined {
  const r: [number, number, number] = [Math.round(v[0]), Math.round(v[1]), Math.round(v[2])];
  const nonzero = r.filter((x) => x !== 0).length;
  if (nonzero !== 1 || Math.abs(r[0] + r[1] + r[2]) !== 1) return undefined;
  // The accumulated drift across the frame must stay within a tenth of a voxel.
  for (let a = 0; a < 3; a++) if (Math.abs(v[a] - r[a]) * extent > 0.1) return undefined;
  return r;
}

function fmtVec(v: number[]): string {
  return `(${v.map((x) => Math.round(x * 1000) / 1000).join(', ')})`;
}

/** Reads a DICOM SEG onto the target grid. See the file header. */
export function readSeg(bytes: ArrayBuffer | Uint8Array, target: Geometry, sourceName = 'SEG file', options: ReadSegOptions = {}): ReadSegResult {
  const arr = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let ds: DS;
  try {
    ds = dicomParser.parseDicom(arr, {
      inflater: ((buf: Uint8Array, position: number) => {
        const inflated = inflateSync(buf.subarray(position));
        const full = new Uint8Array(position + inflated.length);
        full.set(buf.subarray(0, position));
        full.set(inflated, position);
        return full;
      }) as unknown as (arr: Uint8Array, position: number) => void,
    });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new SegError(`${sourceName}: not a readable DICOM file (${msg})`);
  }
  const sopClass = str(ds, 0x00080016);
  if (sopClass !== SEGMENTATION_STORAGE && sopClass !== LABELMAP_SEGMENTATION_STORAGE) {
    throw new SegError(`${sourceName}: not a DICOM SEG (SOP class ${sopClass ?? 'missing'})`);
  }
  const transferSyntax = str(ds, 0x00020010) ?? '1.2.840.10008.1.2';
  const segType = (str(ds, 0x00620001) ?? (sopClass === LABELMAP_SEGMENTATION_STORAGE ? 'LABELMAP' : '')).toUpperCase();
  if (segType !== 'BINARY' && segType !== 'FRACTIONAL' && segType !== 'LABELMAP') {
    throw new SegError(`${sourceName}: SegmentationType '${segType}' is not BINARY, FRACTIONAL or LABELMAP`);
  }
  const rows = ds.uint16('x00280010') ?? 0;
  const cols = ds.uint16('x00280011') ?? 0;
  const nFrames = ds.intString('x00280008') ?? 1;
  const bitsAllocated = ds.uint16('x00280100') ?? 0;
  if (!(rows > 0 && cols > 0)) throw new SegError(`${sourceName}: Rows/Columns missing`);
  if (segType === 'BINARY' && bitsAllocated !== 1) throw new SegError(`${sourceName}: BINARY SEG with BitsAllocated ${bitsAllocated}`);
  if (segType !== 'BINARY' && bitsAllocated !== 8 && bitsAllocated !== 16) {
    throw new SegError(`${sourceName}: ${segType} SEG with BitsAllocated ${bitsAllocated} (8 or 16 expected)`);
  }
  const framePixels = rows * cols;

  // Segments.
  const segments: SegSegmentInfo[] = items(ds, 0x00620002)
    .map((it) => {
      const lab = [0, 1, 2].map((i) => it.uint16('x0062000d', i));
      return {
        number: it.uint16('x00620004') ?? 0,
        label: str(it, 0x00620005) ?? '',
        description: it.text('x00620006'),
        algorithmType: str(it, 0x00620008) ?? '',
        algorithmName: str(it, 0x00620009),
        category: readCode(it, 0x00620003),
        type: readCode(it, 0x0062000f),
        color: lab.every((x) => x !== undefined) ? dicomLabToRgb(lab as [number, number, number]) : undefined,
        trackingId: it.text('x00620020'),
      };
    })
    .filter((s) => s.number >= 1);
  if (segments.length === 0) throw new SegError(`${sourceName}: the SEG lists no segment`);
  const segIndex = new Map(segments.map((s, i) => [s.number, i]));

  // Pixel data of frame f as a function returning pixel p's value.
  const pixelEl = ds.elements.x7fe00010;
  if (!pixelEl) throw new SegError(`${sourceName}: no PixelData`);
  let frameValues: (f: number) => Uint8Array | Uint16Array;
  if (pixelEl.encapsulatedPixelData) {
    if (transferSyntax !== '1.2.840.10008.1.2.5') {
      throw new SegError(`${sourceName}: compressed transfer syntax ${transferSyntax} is not supported for SEG (RLE is)`);
    }
    const bpp = bitsAllocated / 8;
    const fragments = pixelEl.fragments ?? [];
    frameValues = (f) => {
      const frame =
        fragments.length === nFrames
          ? dicomParser.readEncapsulatedPixelDataFromFragments(ds, pixelEl, f, 1)
          : dicomParser.readEncapsulatedImageFrame(ds, pixelEl, f, dicomParser.createJPEGBasicOffsetTable(ds, pixelEl));
      const raw = decodeRleFrame(frame, bpp, framePixels, sourceName);
      return bpp === 2 ? new Uint16Array(raw.buffer, 0, framePixels) : raw;
    };
  } else {
    const data = arr.subarray(pixelEl.dataOffset, pixelEl.dataOffset + pixelEl.length);
    const bigEndian = transferSyntax === '1.2.840.10008.1.2.2';
    if (bitsAllocated === 1) {
      if (data.length * 8 < nFrames * framePixels) throw new SegError(`${sourceName}: PixelData holds fewer bits than ${nFrames} frames need`);
      const buf = new Uint8Array(framePixels);
      frameValues = (f) => {
        const bit0 = f * framePixels;
        for (let p = 0; p < framePixels; p++) {
          const bit = bit0 + p;
          buf[p] = (data[bit >>> 3] >>> (bit & 7)) & 1;
        }
        return buf;
      };
    } else {
      const bpp = bitsAllocated / 8;
      if (data.length < nFrames * framePixels * bpp) throw new SegError(`${sourceName}: PixelData is shorter than ${nFrames} frames`);
      frameValues = (f) => {
        const start = f * framePixels * bpp;
        if (bpp === 1) return data.subarray(start, start + framePixels);
        const out = new Uint16Array(framePixels);
        for (let p = 0; p < framePixels; p++) {
          const a = data[start + 2 * p];
          const b = data[start + 2 * p + 1];
          out[p] = bigEndian ? (a << 8) | b : a | (b << 8);
        }
        return out;
      };
    }
  }

  // Foreground rule of FRACTIONAL data (see the header).
  let fractionalThreshold = 1;
  if (segType === 'FRACTIONAL') {
    const maxFrac = ds.uint16('x00620014') ?? 255;
    let maxSeen = 0;
    for (let f = 0; f < nFrames && maxSeen <= 1; f++) {
      const v = frameValues(f);
      for (let p = 0; p < v.length; p++) if (v[p] > maxSeen) maxSeen = v[p];
    }
    fractionalThreshold = maxSeen <= 1 ? 1 : maxFrac / 2;
  }
  const padding = segType === 'LABELMAP' ? ds.uint16('x00280120') : undefined;

  // Geometry.
  const shared = firstItem(ds, 0x52009229);
  const perFrame = items(ds, 0x52009230);
  if (perFrame.length !== nFrames) {
    throw new SegError(`${sourceName}: ${perFrame.length} per-frame functional groups for ${nFrames} frames`);
  }
  const sharedIOP = numbers(firstItem(shared, 0x00209116), 0x00200037, 6) ?? numbers(ds, 0x00200037, 6);
  const sharedPS = numbers(firstItem(shared, 0x00289110), 0x00280030, 2) ?? numbers(ds, 0x00280030, 2);

  const masks: Volume<Uint8Array>[] = segments.map(() => ({ ...geometryOf(target), data: new Uint8Array(voxelCount(target.size)) }));
  const [nx, ny, nz] = target.size;
  const sliceBySop = new Map((options.sliceSopInstanceUIDs ?? []).map((uid, k) => [uid, k]));

  for (let f = 0; f < nFrames; f++) {
    const fg = perFrame[f];
    const iop = numbers(firstItem(fg, 0x00209116), 0x00200037, 6) ?? sharedIOP;
    const ps = numbers(firstItem(fg, 0x00289110), 0x00280030, 2) ?? sharedPS;
    const ipp = numbers(firstItem(fg, 0x00209113), 0x00200032, 3);
    let placement: FramePlacement | undefined;
    if (ipp && iop && ps) {
      const o = physicalToIndex(target, ipp as Vec3);
      const colDelta = physicalToIndex({ ...target, origin: [0, 0, 0] }, [iop[0] * ps[1], iop[1] * ps[1], iop[2] * ps[1]]);
      const rowDelta = physicalToIndex({ ...target, origin: [0, 0, 0] }, [iop[3] * ps[0], iop[4] * ps[0], iop[5] * ps[0]]);
      const colStep = roundedUnitStep(colDelta, cols);
      const rowStep = roundedUnitStep(rowDelta, rows);
      const origin = o.map(Math.round) as [number, number, number];
      if (!colStep || !rowStep || o.some((x, a) => Math.abs(x - origin[a]) > 0.1)) {
        throw new SegError(
          `${sourceName}: frame ${f + 1} (ImagePositionPatient ${fmtVec(ipp)}, orientation ${fmtVec(iop)}, spacing ${fmtVec(ps)}) ` +
            `does not lie on the image grid (it falls at index ${fmtVec(o)}); the SEG was made on another series or grid`,
        );
      }
      placement = { origin, colStep, rowStep };
    } else {
      const src = firstItem(firstItem(fg, 0x00089124), 0x00082112);
      const uid = str(src, 0x00081155);
      const k = uid !== undefined ? sliceBySop.get(uid) : undefined;
      if (k === undefined || rows !== ny || cols !== nx) {
        throw new SegError(`${sourceName}: frame ${f + 1} has no ImagePositionPatient and cannot be placed by the image it references`);
      }
      placement = { origin: [0, 0, k], colStep: [1, 0, 0], rowStep: [0, 1, 0] };
    }

    let segTargets: number[];
    if (segType === 'LABELMAP') segTargets = [];
    else {
      const refSeg = firstItem(fg, 0x0062000a)?.uint16('x0062000b');
      const si = refSeg === undefined ? undefined : segIndex.get(refSeg);
      if (si === undefined) throw new SegError(`${sourceName}: frame ${f + 1} references segment ${refSeg ?? '(none)'}, which the SEG does not list`);
      segTargets = [si];
    }

    const values = frameValues(f);
    const { origin, colStep, rowStep } = placement;
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const v = values[r * cols + c];
        if (v === 0) continue;
        let si: number;
        if (segType === 'LABELMAP') {
          if (v === padding) continue;
          const s = segIndex.get(v);
          if (s === undefined) continue;
          si = s;
        } else {
          if (v < fractionalThreshold) continue;
          si = segTargets[0];
        }
        const i = origin[0] + c * colStep[0] + r * rowStep[0];
        const j = origin[1] + c * colStep[1] + r * rowStep[1];
        const k = origin[2] + c * colStep[2] + r * rowStep[2];
        if (i < 0 || j < 0 || k < 0 || i >= nx || j >= ny || k >= nz) {
          throw new SegError(`${sourceName}: frame ${f + 1} has segment voxels outside the image grid (index ${i}, ${j}, ${k} of ${nx}x${ny}x${nz})`);
        }
        masks[si].data[i + nx * (j + ny * k)] = 1;
      }
    }
  }

  const refSeries = items(ds, 0x00081115).map((it) => str(it, 0x0020000e)).filter((x): x is string => !!x);
  return {
    sopInstanceUID: str(ds, 0x00080018) ?? '',
    seriesDescription: str(ds, 0x0008103e) ?? '',
    segmentationType: segType,
    frameOfReferenceUID: str(ds, 0x00200052),
    referencedSeriesInstanceUIDs: refSeries,
    segments,
    masks,
  };
}
