/**
 * Masks from other tools onto the open study's grid: NRRD and NIfTI label maps (3D Slicer,
 * ITK-SNAP, PyRadiomics users), DICOM SEG (dcmqi/Slicer, OHIF, ours), and the ROIs of an
 * RT Structure Set. DOM-free: the app runs it in a worker, tests in Node.
 *
 * Placement (`placeOnGrid`), by the affine map from the mask's voxel indices to the
 * image's (both grids' origin, spacing and direction):
 *   - aligned: the map is an axis permutation / flip plus an integer offset, to within
 *     ALIGN_TOLERANCE (0.01 voxel of the image) at every corner of the mask's grid. The
 *     voxels are copied one to one (a float32 NIfTI header, a cropped or flipped grid
 *     of the same voxels): `placement: 'exact'`.
 *   - otherwise, when the mask's foreground overlaps the image: nearest-neighbour
 *     resampling, each image voxel taking the label of the mask voxel nearest its centre,
 *     `placement: 'resampled'` with a warning for the user (voxel counts change).
 *   - foreground that falls outside the image is dropped with a warning; when none of it
 *     falls inside, the import fails with an error naming the file.
 */
import { gunzipSync } from 'fflate';
import { firstItem, items, str } from '../io/dicom/header.ts';
import { parseDicomFile } from '../io/dicom/parse.ts';
import { rasterizeRtStruct, readRtStruct } from '../io/dicom/rtstruct.ts';
import { readSeg } from '../io/dicom/seg.ts';
import { readNifti } from '../io/nifti.ts';
import { readNrrd, type NrrdImage } from '../io/nrrd.ts';
import type { Geometry, Mat3, Vec3, Volume, VoxelArray } from '../io/volume.ts';
import { voxelCount } from '../io/volume.ts';
import { labelFromTrackingId } from './mask-export.ts';

export class MaskImportError extends Error {}

export type MaskFormat = 'nrrd' | 'nifti' | 'seg' | 'rtstruct';

/** Tolerance of the aligned test, in voxels of the image grid. */
export const ALIGN_TOLERANCE = 0.01;

export interface ImportedSegment {
  /**
   * the label value in the file (NRRD/NIfTI), the ROINumber (RTSTRUCT), and for a SEG the
   * label value its segments carry in their TrackingIDs (our export: "label value 3", see
   * ./mask-export.ts) when every segment has a distinct one, otherwise the SegmentNumber
   */
  value: number;
  name: string;
  /** sRGB 0..255 when the file gives one */
  color?: [number, number, number];
  /** 0/1 on the image grid */
  mask: Uint8Array;
  voxelCount: number;
}

export interface MaskImport {
  source: string;
  format: MaskFormat;
  placement: 'exact' | 'resampled';
  segments: ImportedSegment[];
  /** for the user: resampling, dropped voxels, another frame of reference... */
  warnings: string[];
}

export interface MaskImportOptions {
  /** the image's FrameOfReferenceUID (a SEG / RTSTRUCT in another one gets a warning) */
  frameOfReferenceUID?: string;
  /**
   * Who the image belongs to. A SEG whose FrameOfReferenceUID and StudyInstanceUID both
   * differ from the image's is another study's mask and is refused (its coordinates would
   * still overlap the image, placing another patient's lesion here).
   */
  target?: { studyInstanceUID?: string; patientId?: string };
  /** SOPInstanceUID of each image slice: places SEG frames that carry no position */
  sliceSopInstanceUIDs?: string[];
}

// ---------------------------------------------------------------------------------------
// Format

/** The format of a mask file, from its content (the name only breaks no tie). */
export function detectMaskFormat(bytes: Uint8Array, name: string): MaskFormat {
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (magic === 'NRRD') return 'nrrd';
  if (bytes.length > 132 && String.fromCharCode(...bytes.subarray(128, 132)) === 'DICM') {
    const f = parseDicomFile(name, bytes, { untilPixelData: true });
    const sop = str(f.dataSet, 'x00080016');
    if (sop === '1.2.840.10008.5.1.4.1.1.481.3') return 'rtstruct';
    return 'seg';
  }
  let head = bytes;
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      head = gunzipSync(bytes);
    } catch {
      throw new MaskImportError(`${name}: a gzip file that cannot be decompressed`);
    }
  }
  if (head.length >= 348) {
    const dv = new DataView(head.buffer, head.byteOffset, head.byteLength);
    if (dv.getInt32(0, true) === 348 || dv.getInt32(0, false) === 348) return 'nifti';
    if (dv.getInt32(0, true) === 540 || dv.getInt32(0, false) === 540) {
      throw new MaskImportError(`${name}: NIfTI-2 is not supported; save the mask as NIfTI-1 (.nii / .nii.gz) or NRRD`);
    }
  }
  const lower = name.toLowerCase();
  if (lower.endsWith('.dcm')) return 'seg';
  throw new MaskImportError(`${name}: not a mask file this workstation reads (NRRD, NIfTI-1, DICOM SEG or RTSTRUCT)`);
}

// ---------------------------------------------------------------------------------------
// Placement

function det3(m: number[]): number {
  return m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);
}

function inverse3(m: number[]): number[] {
  const d = det3(m);
  return [
    (m[4] * m[8] - m[5] * m[7]) / d,
    (m[2] * m[7] - m[1] * m[8]) / d,
    (m[1] * m[5] - m[2] * m[4]) / d,
    (m[5] * m[6] - m[3] * m[8]) / d,
    (m[0] * m[8] - m[2] * m[6]) / d,
    (m[2] * m[3] - m[0] * m[5]) / d,
    (m[3] * m[7] - m[4] * m[6]) / d,
    (m[1] * m[6] - m[0] * m[7]) / d,
    (m[0] * m[4] - m[1] * m[3]) / d,
  ];
}

/** The physical-point matrix of a grid: column c = direction of axis c times its spacing. */
function indexMatrix(g: Geometry): number[] {
  const m = new Array(9);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) m[r * 3 + c] = g.direction[r * 3 + c] * g.spacing[c];
  return m;
}

/** Affine map from `src` voxel indices to `dst` continuous indices: dst = A src + b. */
export function indexMap(src: Geometry, dst: Geometry): { A: number[]; b: number[] } {
  const dstInv = inverse3(indexMatrix(dst));
  const S = indexMatrix(src);
  const A = new Array(9).fill(0);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) for (let k = 0; k < 3; k++) A[r * 3 + c] += dstInv[r * 3 + k] * S[k * 3 + c];
  const o = [src.origin[0] - dst.origin[0], src.origin[1] - dst.origin[1], src.origin[2] - dst.origin[2]];
  const b = [0, 1, 2].map((r) => dstInv[r * 3] * o[0] + dstInv[r * 3 + 1] * o[1] + dstInv[r * 3 + 2] * o[2]);
  return { A, b };
}

/** The signed permutation and integer offset the map rounds to, when it is within tolerance at every corner. */
export function alignedMap(src: Geometry, dst: Geometry, tolerance = ALIGN_TOLERANCE): { P: number[]; b: number[] } | null {
  const { A, b } = indexMap(src, dst);
  const P = A.map((x) => Math.round(x));
  for (let r = 0; r < 3; r++) {
    let nonzero = 0;
    for (let c = 0; c < 3; c++) if (P[r * 3 + c] !== 0) nonzero++;
    if (nonzero !== 1 || Math.abs(P[r * 3] + P[r * 3 + 1] + P[r * 3 + 2]) !== 1) return null;
  }
  if (Math.abs(det3(P)) !== 1) return null;
  const bi = b.map((x) => Math.round(x));
  for (const ci of [0, src.size[0] - 1])
    for (const cj of [0, src.size[1] - 1])
      for (const ck of [0, src.size[2] - 1]) {
        for (let r = 0; r < 3; r++) {
          const exact = A[r * 3] * ci + A[r * 3 + 1] * cj + A[r * 3 + 2] * ck + b[r];
          const rounded = P[r * 3] * ci + P[r * 3 + 1] * cj + P[r * 3 + 2] * ck + bi[r];
          if (Math.abs(exact - rounded) > tolerance) return null;
        }
      }
  return { P, b: bi };
}

function describeGrid(g: Geometry): string {
  const f = (x: number) => String(Math.round(x * 1000) / 1000);
  return `${g.size.join('x')} voxels of ${g.spacing.map(f).join(' x ')} mm at (${g.origin.map(f).join(', ')})`;
}

/** Physical extent (min/max per LPS axis) of the nonzero voxels' centres, for messages. */
function foregroundExtent(src: Volume): string {
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  const [nx, ny, nz] = src.size;
  const M = indexMatrix(src);
  for (let k = 0, v = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++, v++) {
        if (src.data[v] === 0) continue;
        for (let r = 0; r < 3; r++) {
          const p = src.origin[r] + M[r * 3] * i + M[r * 3 + 1] * j + M[r * 3 + 2] * k;
          if (p < lo[r]) lo[r] = p;
          if (p > hi[r]) hi[r] = p;
        }
      }
  const f = (x: number) => String(Math.round(x * 10) / 10);
  return `x ${f(lo[0])}..${f(hi[0])}, y ${f(lo[1])}..${f(hi[1])}, z ${f(lo[2])}..${f(hi[2])} mm (LPS)`;
}

function imageExtent(g: Geometry): string {
  const M = indexMatrix(g);
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  for (const i of [0, g.size[0] - 1])
    for (const j of [0, g.size[1] - 1])
      for (const k of [0, g.size[2] - 1])
        for (let r = 0; r < 3; r++) {
          const p = g.origin[r] + M[r * 3] * i + M[r * 3 + 1] * j + M[r * 3 + 2] * k;
          lo[r] = Math.min(lo[r], p);
          hi[r] = Math.max(hi[r], p);
        }
  const f = (x: number) => String(Math.round(x * 10) / 10);
  return `x ${f(lo[0])}..${f(hi[0])}, y ${f(lo[1])}..${f(hi[1])}, z ${f(lo[2])}..${f(hi[2])} mm`;
}

export interface Placed {
  /** label values on the target grid */
  data: Uint16Array;
  placement: 'exact' | 'resampled';
  warnings: string[];
}

/**
 * Puts a label volume (integer values >= 0) on `target`; see the file header. `name`
 * names the file in warnings and errors.
 */
export function placeOnGrid(src: Volume, target: Geometry, name: string): Placed {
  const [tx, ty, tz] = target.size;
  const out = new Uint16Array(voxelCount(target.size));
  const [nx, ny, nz] = src.size;
  const warnings: string[] = [];
  let foreground = 0;
  let outside = 0;
  const aligned = alignedMap(src, target);
  if (aligned) {
    const { P, b } = aligned;
    for (let k = 0, v = 0; k < nz; k++)
      for (let j = 0; j < ny; j++)
        for (let i = 0; i < nx; i++, v++) {
          const value = src.data[v];
          if (value === 0) continue;
          foreground++;
          const ti = P[0] * i + P[1] * j + P[2] * k + b[0];
          const tj = P[3] * i + P[4] * j + P[5] * k + b[1];
          const tk = P[6] * i + P[7] * j + P[8] * k + b[2];
          if (ti < 0 || tj < 0 || tk < 0 || ti >= tx || tj >= ty || tk >= tz) {
            outside++;
            continue;
          }
          out[ti + tx * (tj + ty * tk)] = value;
        }
  } else {
    // Which foreground voxels have their centre inside the image (for the messages).
    const { A, b } = indexMap(src, target);
    for (let k = 0, v = 0; k < nz; k++)
      for (let j = 0; j < ny; j++)
        for (let i = 0; i < nx; i++, v++) {
          if (src.data[v] === 0) continue;
          foreground++;
          const ti = A[0] * i + A[1] * j + A[2] * k + b[0];
          const tj = A[3] * i + A[4] * j + A[5] * k + b[1];
          const tk = A[6] * i + A[7] * j + A[8] * k + b[2];
          if (ti < -0.5 || tj < -0.5 || tk < -0.5 || ti >= tx - 0.5 || tj >= ty - 0.5 || tk >= tz - 0.5) outside++;
        }
    if (foreground > outside) {
      // Nearest neighbour: image voxel (i, j, k) takes the mask voxel nearest its centre.
      const inv = indexMap(target, src);
      const M = inv.A;
      for (let k = 0, v = 0; k < tz; k++)
        for (let j = 0; j < ty; j++) {
          let x = M[1] * j + M[2] * k + inv.b[0];
          let y = M[4] * j + M[5] * k + inv.b[1];
          let z = M[7] * j + M[8] * k + inv.b[2];
          for (let i = 0; i < tx; i++, v++, x += M[0], y += M[3], z += M[6]) {
            const si = Math.floor(x + 0.5);
            const sj = Math.floor(y + 0.5);
            const sk = Math.floor(z + 0.5);
            if (si < 0 || sj < 0 || sk < 0 || si >= nx || sj >= ny || sk >= nz) continue;
            out[v] = src.data[si + nx * (sj + ny * sk)];
          }
        }
      warnings.push(
        `${name}: the mask is on another grid (${describeGrid(src)}) than the image (${describeGrid(target)}); ` +
          'it was resampled to the image grid by nearest neighbour, so its voxel count and shape may differ slightly from the file',
      );
    }
  }
  if (foreground === 0) throw new MaskImportError(`${name}: the mask is empty (no nonzero voxel)`);
  if (outside === foreground) {
    throw new MaskImportError(
      `${name}: the mask does not overlap the image: its voxels lie at ${foregroundExtent(src)}, the image covers ${imageExtent(target)}`,
    );
  }
  if (outside > 0) warnings.push(`${name}: ${outside} of the mask's ${foreground} voxels lie outside the image and were left out`);
  return { data: out, placement: aligned ? 'exact' : 'resampled', warnings };
}

// ---------------------------------------------------------------------------------------
// Label maps

/** Label values must be whole numbers from 0 to 65535; anything else is not a label map. */
function checkLabels(data: VoxelArray, name: string): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v !== 0 && !(Number.isInteger(v) && v > 0 && v <= 65535)) {
      throw new MaskImportError(`${name}: not a label map (voxel ${i} has the value ${v}; labels are whole numbers 1..65535)`);
    }
  }
}

/** One segment per distinct nonzero label, ascending. */
function splitLabels(data: Uint16Array, names: Map<number, { name: string; color?: [number, number, number] }>): ImportedSegment[] {
  const counts = new Uint32Array(65536);
  for (let i = 0; i < data.length; i++) counts[data[i]]++;
  const segments: ImportedSegment[] = [];
  for (let v = 1; v < counts.length; v++) {
    if (counts[v] === 0) continue;
    const mask = new Uint8Array(data.length);
    for (let i = 0; i < data.length; i++) if (data[i] === v) mask[i] = 1;
    const info = names.get(v);
    segments.push({ value: v, name: info?.name ?? `Label ${v}`, color: info?.color, mask, voxelCount: counts[v] });
  }
  return segments;
}

/** Segment names and colours of a 3D Slicer segmentation NRRD (Segment<N>_Name / _LabelValue / _Color). */
function slicerSegmentNames(img: NrrdImage): Map<number, { name: string; color?: [number, number, number] }> {
  const out = new Map<number, { name: string; color?: [number, number, number] }>();
  const kv = img.header.keyValues;
  for (let n = 0; kv[`Segment${n}_Name`] !== undefined; n++) {
    const value = Number(kv[`Segment${n}_LabelValue`] ?? n + 1);
    const rgb = (kv[`Segment${n}_Color`] ?? '').trim().split(/\s+/).map(Number);
    const color = rgb.length === 3 && rgb.every((c) => c >= 0 && c <= 1) ? (rgb.map((c) => Math.round(c * 255)) as [number, number, number]) : undefined;
    out.set(value, { name: kv[`Segment${n}_Name`], color });
  }
  return out;
}

function importLabelMap(vol: Volume, names: Map<number, { name: string; color?: [number, number, number] }>, name: string, format: MaskFormat, target: Geometry): MaskImport {
  checkLabels(vol.data, name);
  const placed = placeOnGrid(vol, target, name);
  return { source: name, format, placement: placed.placement, segments: splitLabels(placed.data, names), warnings: placed.warnings };
}

// ---------------------------------------------------------------------------------------
// DICOM SEG

/**
 * The grid a SEG's frames lie on (from their ImagePositionPatient, the orientation and the
 * pixel spacing), or null when the frames carry no position.
 */
export function segGrid(bytes: Uint8Array, name: string): Geometry | null {
  const f = parseDicomFile(name, bytes, { untilPixelData: true });
  const ds = f.dataSet;
  const rows = ds.uint16('x00280010') ?? 0;
  const cols = ds.uint16('x00280011') ?? 0;
  const shared = firstItem(ds, 'x52009229');
  const nums = (d: Parameters<typeof str>[0], tag: string) =>
    str(d, tag)
      .split('\\')
      .filter((s) => s.trim() !== '')
      .map(Number);
  const iopShared = nums(firstItem(shared, 'x00209116'), 'x00200037');
  const pmShared = firstItem(shared, 'x00289110');
  const positions: number[][] = [];
  let iop = iopShared;
  let ps = nums(pmShared, 'x00280030');
  let between = Number(str(pmShared, 'x00180088')) || 0;
  for (const fg of items(ds, 'x52009230')) {
    const ipp = nums(firstItem(fg, 'x00209113'), 'x00200032');
    if (ipp.length !== 3) return null;
    positions.push(ipp);
    if (iop.length !== 6) iop = nums(firstItem(fg, 'x00209116'), 'x00200037');
    const pm = firstItem(fg, 'x00289110');
    if (ps.length !== 2) ps = nums(pm, 'x00280030');
    if (!between) between = Number(str(pm, 'x00180088')) || 0;
  }
  if (positions.length === 0 || iop.length !== 6 || ps.length !== 2 || !(rows > 0 && cols > 0)) return null;
  const r = iop.slice(0, 3);
  const c = iop.slice(3, 6);
  const n = [r[1] * c[2] - r[2] * c[1], r[2] * c[0] - r[0] * c[2], r[0] * c[1] - r[1] * c[0]];
  const dot = (a: number[], b: number[]) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  const as = positions.map((p) => dot(r, p));
  const bs = positions.map((p) => dot(c, p));
  const zs = [...new Set(positions.map((p) => Math.round(dot(n, p) * 1e4) / 1e4))].sort((x, y) => x - y);
  let dz = between;
  if (!(dz > 0)) {
    dz = Infinity;
    for (let i = 1; i < zs.length; i++) dz = Math.min(dz, zs[i] - zs[i - 1]);
    if (!Number.isFinite(dz)) dz = Number(str(pmShared, 'x00180050')) || 1;
  }
  const a0 = Math.min(...as);
  const b0 = Math.min(...bs);
  const z0 = zs[0];
  const size: Vec3 = [
    Math.round((Math.max(...as) - a0) / ps[1]) + cols,
    Math.round((Math.max(...bs) - b0) / ps[0]) + rows,
    Math.round((zs[zs.length - 1] - z0) / dz) + 1,
  ];
  const origin: Vec3 = [0, 1, 2].map((k) => r[k] * a0 + c[k] * b0 + n[k] * z0) as Vec3;
  const direction: Mat3 = [r[0], c[0], n[0], r[1], c[1], n[1], r[2], c[2], n[2]];
  return { size, spacing: [ps[1], ps[0], dz], origin, direction };
}

/**
 * Refuses a SEG of another study: its FrameOfReferenceUID and its StudyInstanceUID both
 * known and both different from the image's. Only one of them different (a re-registered
 * series, a study split in two) is left to the frame-of-reference warning.
 */
function checkSegIdentity(bytes: Uint8Array, name: string, opts: MaskImportOptions): void {
  const ds = parseDicomFile(name, bytes, { untilPixelData: true }).dataSet;
  const forUID = str(ds, 'x00200052');
  const studyUID = str(ds, 'x0020000d');
  const targetStudy = opts.target?.studyInstanceUID;
  if (!forUID || !studyUID || !opts.frameOfReferenceUID || !targetStudy) return;
  if (forUID === opts.frameOfReferenceUID || studyUID === targetStudy) return;
  const patient = str(ds, 'x00100020');
  const targetPatient = opts.target?.patientId;
  const patientNote = patient && targetPatient && patient !== targetPatient ? ` (patient ${patient}, not ${targetPatient})` : '';
  throw new MaskImportError(
    `${name} belongs to study ${studyUID} / frame of reference ${forUID}${patientNote}, not this study's ` +
      `(study ${targetStudy} / frame of reference ${opts.frameOfReferenceUID}); it was not imported`,
  );
}

function importSeg(bytes: Uint8Array, name: string, target: Geometry, opts: MaskImportOptions): MaskImport {
  try {
    checkSegIdentity(bytes, name, opts);
  } catch (e) {
    if (e instanceof MaskImportError) throw e;
    throw new MaskImportError((e as Error).message.startsWith(name) ? (e as Error).message : `${name}: ${(e as Error).message}`);
  }
  const own = segGrid(bytes, name);
  const warnings: string[] = [];
  let placement: 'exact' | 'resampled' = 'exact';
  let result;
  let placedMasks: Uint8Array[];
  try {
    if (!own) {
      // Frames without positions: placed through the image slices they reference.
      result = readSeg(bytes, target, name, { sliceSopInstanceUIDs: opts.sliceSopInstanceUIDs });
      placedMasks = result.masks.map((m) => m.data);
    } else {
      result = readSeg(bytes, own, name);
      placedMasks = result.masks.map((m, s) => {
        const placed = placeOnGrid(m, target, `${name} (segment '${result!.segments[s].label}')`);
        if (placed.placement === 'resampled') placement = 'resampled';
        warnings.push(...placed.warnings);
        return Uint8Array.from(placed.data);
      });
    }
  } catch (e) {
    if (e instanceof MaskImportError) throw e;
    throw new MaskImportError((e as Error).message.startsWith(name) ? (e as Error).message : `${name}: ${(e as Error).message}`);
  }
  if (opts.frameOfReferenceUID && result.frameOfReferenceUID && result.frameOfReferenceUID !== opts.frameOfReferenceUID) {
    warnings.unshift(`${name}: the SEG is in frame of reference ${result.frameOfReferenceUID}, the image in ${opts.frameOfReferenceUID}; it was placed by position`);
  }
  // Our export numbers segments 1..n (PS3.3 C.8.20.2.4) and keeps each lesion's label value in its TrackingID.
  const tracked = result.segments.map((s) => labelFromTrackingId(s.trackingId));
  const useTracked = tracked.every((v) => v !== undefined) && new Set(tracked).size === tracked.length;
  const segments = result.segments.map((s, i) => {
    let count = 0;
    const mask = placedMasks[i];
    for (let v = 0; v < mask.length; v++) count += mask[v];
    return { value: useTracked ? tracked[i]! : s.number, name: s.label || `Segment ${s.number}`, color: s.color, mask, voxelCount: count };
  });
  return { source: name, format: 'seg', placement, segments: segments.filter((s) => s.voxelCount > 0), warnings };
}

// ---------------------------------------------------------------------------------------
// RT Structure Set

function importRtStruct(bytes: Uint8Array, name: string, target: Geometry, opts: MaskImportOptions): MaskImport {
  let rt;
  try {
    rt = readRtStruct(name, bytes);
  } catch (e) {
    throw new MaskImportError((e as Error).message);
  }
  const segments: ImportedSegment[] = [];
  const warnings: string[] = [];
  for (const roi of rt.rois) {
    const m = rasterizeRtStruct(rt, roi.number, target, { frameOfReferenceUID: opts.frameOfReferenceUID });
    warnings.push(...m.warnings);
    if (m.voxelCount === 0) {
      warnings.push(`${name}: ROI '${roi.name}' has no voxel on the image`);
      continue;
    }
    segments.push({ value: roi.number, name: roi.name, color: roi.color, mask: m.data, voxelCount: m.voxelCount });
  }
  if (segments.length === 0) throw new MaskImportError(`${name}: no ROI of the structure set covers a voxel of the image`);
  return { source: name, format: 'rtstruct', placement: 'exact', segments, warnings };
}

// ---------------------------------------------------------------------------------------

/** Reads a mask file and puts it on the image grid `target`. Errors name the file. */
export function importMask(bytes: ArrayBuffer | Uint8Array, name: string, target: Geometry, opts: MaskImportOptions = {}): MaskImport {
  const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let format: MaskFormat;
  try {
    format = detectMaskFormat(b, name);
  } catch (e) {
    if (e instanceof MaskImportError) throw e;
    throw new MaskImportError(`${name}: ${(e as Error).message}`);
  }
  if (format === 'seg') return importSeg(b, name, target, opts);
  if (format === 'rtstruct') return importRtStruct(b, name, target, opts);
  try {
    if (format === 'nrrd') {
      const img = readNrrd(b, name);
      return importLabelMap(img, slicerSegmentNames(img), name, format, target);
    }
    return importLabelMap(readNifti(b, name), new Map(), name, format, target);
  } catch (e) {
    if (e instanceof MaskImportError) throw e;
    throw new MaskImportError((e as Error).message);
  }
}
