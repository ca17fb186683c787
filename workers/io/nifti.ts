/**
 * NIfTI-1 reader and writer (https://nifti.nimh.nih.gov/nifti-1/): single-file `.nii`
 * and gzip-compressed `.nii.gz` (fflate), either byte order, the datatypes that ITK reads
 * as scalar images (uint8/int8/int16/uint16/int32/uint32/float32/float64), scl_slope /
 * scl_inter, qform and sform.
 *
 * Geometry comes out in LPS, as ITK (and so SimpleITK and PyRadiomics) gives it: NIfTI's
 * world space is RAS, so the first two rows of the direction and the first two origin
 * components change sign. Which transform is used (ITK 5 NiftiImageIO rule, simplified):
 * the sform when its code is set and it is a rotation times the voxel sizes and either
 * the qform is absent or the sform is scanner-anatomical; otherwise the qform when its
 * code is set; otherwise the sform; otherwise pixdim with identity direction and zero
 * origin (Analyze-style). Spacing always comes from pixdim.
 *
 * Not supported (clear error): NIfTI-2, `.hdr`/`.img` pairs, complex/RGB/64-bit integer
 * datatypes, and images with a 4th dimension larger than 1.
 */
import { gunzipSync, gzipSync } from 'fflate';
import type { Mat3, Vec3, Volume, VoxelArray } from './volume.ts';

export class NiftiError extends Error {}

type Ctor = { new (buffer: ArrayBuffer, byteOffset?: number, length?: number): VoxelArray; BYTES_PER_ELEMENT: number };

const DATATYPES: Record<number, { ctor: Ctor; name: string }> = {
  2: { ctor: Uint8Array, name: 'uint8' },
  4: { ctor: Int16Array, name: 'int16' },
  8: { ctor: Int32Array, name: 'int32' },
  16: { ctor: Float32Array, name: 'float32' },
  64: { ctor: Float64Array, name: 'float64' },
  256: { ctor: Int8Array, name: 'int8' },
  512: { ctor: Uint16Array, name: 'uint16' },
  768: { ctor: Uint32Array, name: 'uint32' },
};

const UNSUPPORTED_DATATYPES: Record<number, string> = {
  1: 'binary',
  32: 'complex64',
  128: 'RGB24',
  1024: 'int64',
  1280: 'uint64',
  1536: 'float128',
  1792: 'complex128',
  2048: 'complex256',
  2304: 'RGBA32',
};

/** The header fields the reader interprets (NIfTI-1 names). */
export interface NiftiHeader {
  littleEndian: boolean;
  dim: number[];
  datatype: number;
  bitpix: number;
  pixdim: number[];
  voxOffset: number;
  sclSlope: number;
  sclInter: number;
  qformCode: number;
  sformCode: number;
  quatern: [number, number, number];
  qoffset: [number, number, number];
  srow: [number[], number[], number[]];
  descrip: string;
}

export interface NiftiImage extends Volume {
  header: NiftiHeader;
  /** which transform gave the geometry */
  transform: 'sform' | 'qform' | 'pixdim';
}

function isGzip(b: Uint8Array): boolean {
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

export function parseNiftiHeader(bytes: Uint8Array, source: string): NiftiHeader {
  if (bytes.length < 348) throw new NiftiError(`${source}: too short for a NIfTI-1 header (${bytes.length} bytes)`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let le = true;
  const size = dv.getInt32(0, true);
  if (size !== 348) {
    if (dv.getInt32(0, false) === 348) le = false;
    else if (size === 540 || dv.getInt32(0, false) === 540)
      throw new NiftiError(`${source}: NIfTI-2 files are not supported (convert to NIfTI-1)`);
    else throw new NiftiError(`${source}: not a NIfTI-1 file (sizeof_hdr is ${size}, expected 348)`);
  }
  const magic = String.fromCharCode(bytes[344], bytes[345], bytes[346]);
  if (magic === 'ni1') throw new NiftiError(`${source}: .hdr/.img NIfTI pairs are not supported (use a single .nii or .nii.gz)`);
  if (magic !== 'n+1') throw new NiftiError(`${source}: not a single-file NIfTI-1 image (magic '${magic}')`);
  const i16 = (o: number) => dv.getInt16(o, le);
  const f32 = (o: number) => dv.getFloat32(o, le);
  const dim = Array.from({ length: 8 }, (_, k) => i16(40 + 2 * k));
  const pixdim = Array.from({ length: 8 }, (_, k) => f32(76 + 4 * k));
  let descrip = '';
  for (let k = 148; k < 228 && bytes[k] !== 0; k++) descrip += String.fromCharCode(bytes[k]);
  return {
    littleEndian: le,
    dim,
    datatype: i16(70),
    bitpix: i16(72),
    pixdim,
    voxOffset: f32(108),
    sclSlope: f32(112),
    sclInter: f32(116),
    qformCode: i16(252),
    sformCode: i16(254),
    quatern: [f32(256), f32(260), f32(264)],
    qoffset: [f32(268), f32(272), f32(276)],
    srow: [0, 1, 2].map((r) => [0, 1, 2, 3].map((c) => f32(280 + 16 * r + 4 * c))) as [number[], number[], number[]],
    descrip,
  };
}

/** Rotation (row-major, columns = index axes, RAS) from the qform quaternion (nifti_quatern_to_mat44). */
function qformRotation(h: NiftiHeader): Mat3 {
  let [b, c, d] = h.quatern;
  let a = 1 - (b * b + c * c + d * d);
  if (a < 1e-7) {
    a = 1 / Math.sqrt(b * b + c * c + d * d);
    b *= a;
    c *= a;
    d *= a;
    a = 0;
  } else a = Math.sqrt(a);
  const qfac = h.pixdim[0] < 0 ? -1 : 1;
  return [
    a * a + b * b - c * c - d * d, 2 * (b * c - a * d), qfac * 2 * (b * d + a * c),
    2 * (b * c + a * d), a * a + c * c - b * b - d * d, qfac * 2 * (c * d - a * b),
    2 * (b * d - a * c), 2 * (c * d + a * b), qfac * (a * a + d * d - c * c - b * b),
  ];
}

/** The sform's columns divided by their lengths, if they are (nearly) orthonormal. */
function sformRotation(h: NiftiHeader): Mat3 | null {
  const m: number[] = [];
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) m.push(h.srow[r][c]);
  const cols: Vec3[] = [0, 1, 2].map((c) => [m[c], m[3 + c], m[6 + c]] as Vec3);
  const norms = cols.map((v) => Math.hypot(v[0], v[1], v[2]));
  if (norms.some((n) => !(n > 0))) return null;
  const u = cols.map((v, i) => v.map((x) => x / norms[i]) as Vec3);
  const dot = (p: Vec3, q: Vec3) => p[0] * q[0] + p[1] * q[1] + p[2] * q[2];
  if (Math.abs(dot(u[0], u[1])) > 1e-4 || Math.abs(dot(u[0], u[2])) > 1e-4 || Math.abs(dot(u[1], u[2])) > 1e-4) return null;
  return [u[0][0], u[1][0], u[2][0], u[0][1], u[1][1], u[2][1], u[0][2], u[1][2], u[2][2]];
}

/** Reads a `.nii` or `.nii.gz` file (gzip is detected from the bytes, not the name). */
export function readNifti(buffer: ArrayBuffer | Uint8Array, source = 'NIfTI file'): NiftiImage {
  let bytes = buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer);
  if (isGzip(bytes)) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw new NiftiError(`${source}: gzip data is corrupt (${(e as Error).message})`);
    }
  }
  const h = parseNiftiHeader(bytes, source);
  const ndim = h.dim[0];
  if (ndim < 1 || ndim > 7) throw new NiftiError(`${source}: dim[0] = ${ndim} is not a valid number of dimensions`);
  for (let k = 4; k <= ndim; k++)
    if (h.dim[k] > 1) throw new NiftiError(`${source}: ${ndim}-D images (dim[${k}] = ${h.dim[k]}) are not supported; give one 3-D volume`);
  const size: Vec3 = [1, 2, 3].map((k) => (k <= ndim ? h.dim[k] : 1)) as Vec3;
  if (size.some((s) => !(s >= 1))) throw new NiftiError(`${source}: invalid image size ${size.join('x')}`);
  const dt = DATATYPES[h.datatype];
  if (!dt) {
    const name = UNSUPPORTED_DATATYPES[h.datatype];
    throw new NiftiError(`${source}: NIfTI datatype ${h.datatype}${name ? ` (${name})` : ''} is not supported`);
  }
  const n = size[0] * size[1] * size[2];
  const offset = Math.max(352, Math.round(h.voxOffset));
  const nbytes = n * dt.ctor.BYTES_PER_ELEMENT;
  if (bytes.length < offset + nbytes)
    throw new NiftiError(`${source}: truncated: ${nbytes} bytes of voxel data expected at offset ${offset}, file has ${bytes.length}`);
  const raw = bytes.slice(offset, offset + nbytes);
  if (!h.littleEndian && dt.ctor.BYTES_PER_ELEMENT > 1) {
    const k = dt.ctor.BYTES_PER_ELEMENT;
    for (let i = 0; i < raw.length; i += k) raw.subarray(i, i + k).reverse();
  }
  let data: VoxelArray = new dt.ctor(raw.buffer, 0, n);

  // scl_slope = 0 means "no scaling"; ITK rescales only when the pair is not the identity,
  // and then gives float32 output (float64 stays float64).
  const slope = h.sclSlope;
  const inter = h.sclInter;
  if (Number.isFinite(slope) && slope !== 0 && (slope !== 1 || (Number.isFinite(inter) && inter !== 0))) {
    const out = data instanceof Float64Array ? new Float64Array(n) : new Float32Array(n);
    const b = Number.isFinite(inter) ? inter : 0;
    for (let i = 0; i < n; i++) out[i] = data[i] * slope + b;
    data = out;
  }

  const spacing = [1, 2, 3].map((k) => {
    const s = k <= ndim ? Math.abs(h.pixdim[k]) : 1;
    return s > 0 ? s : 1;
  }) as Vec3;

  let rotation: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];
  let originRas: Vec3 = [0, 0, 0];
  let transform: NiftiImage['transform'] = 'pixdim';
  const sform = h.sformCode > 0 ? sformRotation(h) : null;
  if (sform && (h.qformCode <= 0 || h.sformCode === 1)) {
    rotation = sform;
    originRas = [h.srow[0][3], h.srow[1][3], h.srow[2][3]];
    transform = 'sform';
  } else if (h.qformCode > 0) {
    rotation = qformRotation(h);
    originRas = [...h.qoffset];
    transform = 'qform';
  } else if (sform) {
    rotation = sform;
    originRas = [h.srow[0][3], h.srow[1][3], h.srow[2][3]];
    transform = 'sform';
  } else if (h.sformCode > 0) {
    throw new NiftiError(`${source}: the sform is not a rotation times voxel sizes (shear or zero axis), and there is no qform`);
  }
  // RAS -> LPS: negate x and y rows.
  const direction = rotation.map((v, i) => (i < 6 ? -v : v) + 0) as Mat3;
  const origin: Vec3 = [-originRas[0] + 0, -originRas[1] + 0, originRas[2]];
  return { data, size, spacing, origin, direction, header: h, transform };
}

const WRITE_TYPES: { test: (a: VoxelArray) => boolean; code: number; bitpix: number }[] = [
  { test: (a) => a instanceof Uint8Array, code: 2, bitpix: 8 },
  { test: (a) => a instanceof Int16Array, code: 4, bitpix: 16 },
  { test: (a) => a instanceof Int32Array, code: 8, bitpix: 32 },
  { test: (a) => a instanceof Float32Array, code: 16, bitpix: 32 },
  { test: (a) => a instanceof Float64Array, code: 64, bitpix: 64 },
  { test: (a) => a instanceof Int8Array, code: 256, bitpix: 8 },
  { test: (a) => a instanceof Uint16Array, code: 512, bitpix: 16 },
  { test: (a) => a instanceof Uint32Array, code: 768, bitpix: 32 },
];

/** Quaternion (b, c, d) and qfac of a rotation (nifti_mat44_to_quatern, for orthonormal input). */
function rotationToQuaternion(r: Mat3): { b: number; c: number; d: number; qfac: number } {
  const m = [...r];
  const det =
    m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);
  let qfac = 1;
  if (det < 0) {
    qfac = -1;
    m[2] = -m[2];
    m[5] = -m[5];
    m[8] = -m[8];
  }
  const [r11, r12, r13, r21, r22, r23, r31, r32, r33] = m;
  let a = r11 + r22 + r33 + 1;
  let b: number;
  let c: number;
  let d: number;
  if (a > 0.5) {
    a = 0.5 * Math.sqrt(a);
    b = (0.25 * (r32 - r23)) / a;
    c = (0.25 * (r13 - r31)) / a;
    d = (0.25 * (r21 - r12)) / a;
  } else {
    const xd = 1 + r11 - (r22 + r33);
    const yd = 1 + r22 - (r11 + r33);
    const zd = 1 + r33 - (r11 + r22);
    if (xd > 1) {
      b = 0.5 * Math.sqrt(xd);
      c = (0.25 * (r12 + r21)) / b;
      d = (0.25 * (r13 + r31)) / b;
      a = (0.25 * (r32 - r23)) / b;
    } else if (yd > 1) {
      c = 0.5 * Math.sqrt(yd);
      b = (0.25 * (r12 + r21)) / c;
      d = (0.25 * (r23 + r32)) / c;
      a = (0.25 * (r13 - r31)) / c;
    } else {
      d = 0.5 * Math.sqrt(zd);
      b = (0.25 * (r13 + r31)) / d;
      c = (0.25 * (r23 + r32)) / d;
      a = (0.25 * (r21 - r12)) / d;
    }
    if (a < 0) {
      b = -b;
      c = -c;
      d = -d;
    }
  }
  return { b, c, d, qfac };
}

/**
 * Writes a single-file NIfTI-1 image (`.nii`; gzip it for `.nii.gz`) with both qform and
 * sform set (code 1, scanner anatomical) as ITK writes them, so that 3D Slicer,
 * SimpleITK/PyRadiomics and nibabel read the same geometry back.
 */
export function writeNifti(vol: Volume, options: { gzip?: boolean; description?: string } = {}): Uint8Array {
  const t = WRITE_TYPES.find((w) => w.test(vol.data));
  if (!t) throw new NiftiError('writeNifti: unsupported voxel array type');
  const n = vol.size[0] * vol.size[1] * vol.size[2];
  if (vol.data.length !== n) throw new NiftiError(`writeNifti: ${vol.data.length} voxels for size ${vol.size.join('x')}`);
  const out = new Uint8Array(352 + vol.data.byteLength);
  const dv = new DataView(out.buffer);
  dv.setInt32(0, 348, true);
  const ndim = vol.size[2] === 1 ? 2 : 3;
  const dims = [ndim, vol.size[0], vol.size[1], vol.size[2], 1, 1, 1, 1];
  dims.forEach((v, k) => dv.setInt16(40 + 2 * k, v, true));
  dv.setInt16(70, t.code, true);
  dv.setInt16(72, t.bitpix, true);
  // LPS -> RAS
  const ras = vol.direction.map((v, i) => (i < 6 ? -v : v) + 0) as Mat3;
  const originRas: Vec3 = [-vol.origin[0] + 0, -vol.origin[1] + 0, vol.origin[2]];
  const q = rotationToQuaternion(ras);
  const pixdim = [q.qfac, vol.spacing[0], vol.spacing[1], vol.spacing[2], 0, 0, 0, 0];
  pixdim.forEach((v, k) => dv.setFloat32(76 + 4 * k, v, true));
  dv.setFloat32(108, 352, true);
  dv.setFloat32(112, 1, true); // scl_slope: identity
  dv.setFloat32(116, 0, true);
  out[123] = 2 | 8; // xyzt_units: mm, s
  const descrip = (options.description ?? 'her2-workstation').slice(0, 79);
  for (let k = 0; k < descrip.length; k++) out[148 + k] = descrip.charCodeAt(k) & 0x7f;
  dv.setInt16(252, 1, true);
  dv.setInt16(254, 1, true);
  dv.setFloat32(256, q.b, true);
  dv.setFloat32(260, q.c, true);
  dv.setFloat32(264, q.d, true);
  originRas.forEach((v, k) => dv.setFloat32(268 + 4 * k, v, true));
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) dv.setFloat32(280 + 16 * r + 4 * c, ras[r * 3 + c] * vol.spacing[c], true);
    dv.setFloat32(280 + 16 * r + 12, originRas[r], true);
  }
  out.set([0x6e, 0x2b, 0x31, 0], 344); // "n+1\0"
  // 348..351: no extensions. Voxel data, little-endian.
  const src = new Uint8Array(vol.data.buffer, vol.data.byteOffset, vol.data.byteLength);
  out.set(src, 352);
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1 && vol.data.BYTES_PER_ELEMENT > 1) {
    const k = vol.data.BYTES_PER_ELEMENT;
    for (let i = 352; i < out.length; i += k) out.subarray(i, i + k).reverse();
  }
  return options.gzip ? gzipSync(out) : out;
}
