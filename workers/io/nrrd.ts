/**
 * NRRD reader and writer (http://teem.sourceforge.net/nrrd/format.html), for the files
 * PyRadiomics, ITK and 3D Slicer exchange: attached data, raw/gzip/ascii/hex encodings,
 * either endianness, int8..int32, uint8..uint32, float32/64, 2D or 3D, `space directions`
 * (negative and non-diagonal included), `space origin`, LPS or RAS space.
 * Geometry comes out in LPS, ITK's convention (a RAS file has its x and y negated).
 */
import { gunzipSync, gzipSync } from 'fflate';
import type { Mat3, Vec3, Volume, VoxelArray } from './volume.ts';

export class NrrdError extends Error {}

type Ctor = { new (n: number): VoxelArray; BYTES_PER_ELEMENT: number };

const TYPES: Record<string, { ctor: Ctor; name: string }> = {};
function alias(names: string[], ctor: Ctor, name: string) {
  for (const n of names) TYPES[n] = { ctor, name };
}
alias(['signed char', 'int8', 'int8_t'], Int8Array, 'int8');
alias(['uchar', 'unsigned char', 'uint8', 'uint8_t'], Uint8Array, 'uint8');
alias(['short', 'short int', 'signed short', 'signed short int', 'int16', 'int16_t'], Int16Array, 'short');
alias(['ushort', 'unsigned short', 'unsigned short int', 'uint16', 'uint16_t'], Uint16Array, 'ushort');
alias(['int', 'signed int', 'int32', 'int32_t'], Int32Array, 'int');
alias(['uint', 'unsigned int', 'uint32', 'uint32_t'], Uint32Array, 'uint');
alias(['float'], Float32Array, 'float');
alias(['double'], Float64Array, 'double');

const UNSUPPORTED_TYPES = ['longlong', 'long long', 'long long int', 'signed long long', 'signed long long int',
  'int64', 'int64_t', 'ulonglong', 'unsigned long long', 'unsigned long long int', 'uint64', 'uint64_t', 'block'];

export interface NrrdHeader {
  fields: Record<string, string>;
  keyValues: Record<string, string>;
}

function parseVector(s: string, what: string): number[] {
  const m = s.trim().match(/^\(([^)]*)\)$/);
  if (!m) throw new NrrdError(`${what}: expected a vector like (x,y,z), got '${s}'`);
  return m[1].split(',').map((t) => {
    const v = Number(t.trim());
    if (!Number.isFinite(v)) throw new NrrdError(`${what}: '${t}' is not a number`);
    return v;
  });
}

/** Splits the header text from the payload; the header ends at the first empty line. */
function splitHeader(bytes: Uint8Array, source: string): { lines: string[]; dataStart: number } {
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (magic !== 'NRRD') throw new NrrdError(`${source}: not an NRRD file (no NRRD magic)`);
  const lines: string[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 10) continue;
    let end = i;
    if (end > start && bytes[end - 1] === 13) end--;
    const line = new TextDecoder('latin1').decode(bytes.subarray(start, end));
    start = i + 1;
    if (line === '') return { lines, dataStart: start };
    lines.push(line);
  }
  // Header only (detached data) or a file without a blank line after the header.
  return { lines, dataStart: bytes.length };
}

export function parseNrrdHeader(lines: string[], source: string): NrrdHeader {
  const fields: Record<string, string> = {};
  const keyValues: Record<string, string> = {};
  if (!/^NRRD000[1-5]$/.test(lines[0] ?? '')) throw new NrrdError(`${source}: unsupported NRRD magic '${lines[0]}'`);
  for (const line of lines.slice(1)) {
    if (line.startsWith('#')) continue;
    const kv = line.indexOf(':=');
    const f = line.indexOf(': ');
    if (kv >= 0 && (f < 0 || kv < f)) {
      keyValues[line.slice(0, kv)] = line.slice(kv + 2);
    } else if (f >= 0) {
      fields[line.slice(0, f).trim().toLowerCase()] = line.slice(f + 2).trim();
    } else throw new NrrdError(`${source}: cannot read header line '${line}'`);
  }
  return { fields, keyValues };
}

function decodePayload(raw: Uint8Array, encoding: string, source: string): Uint8Array | string {
  switch (encoding) {
    case 'raw':
      return raw;
    case 'gzip':
    case 'gz':
      try {
        return gunzipSync(raw);
      } catch (e) {
        throw new NrrdError(`${source}: gzip payload cannot be decompressed (${(e as Error).message}); the file may be truncated`);
      }
    case 'ascii':
    case 'text':
    case 'txt':
      return new TextDecoder('latin1').decode(raw);
    case 'hex': {
      const text = new TextDecoder('latin1').decode(raw).replace(/[^0-9a-fA-F]/g, '');
      const out = new Uint8Array(text.length >> 1);
      for (let i = 0; i < out.length; i++) out[i] = parseInt(text.substr(2 * i, 2), 16);
      return out;
    }
    default:
      throw new NrrdError(`${source}: NRRD encoding '${encoding}' is not supported (raw, gzip, ascii and hex are)`);
  }
}

export interface NrrdImage extends Volume {
  /** the NRRD type name as written (normalised), e.g. 'short', 'float' */
  type: string;
  header: NrrdHeader;
}

/** Reads an NRRD file with attached data. `source` names the file in errors. */
export function readNrrd(buffer: ArrayBuffer | Uint8Array, source = 'NRRD file'): NrrdImage {
  const bytes = buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer);
  const { lines, dataStart } = splitHeader(bytes, source);
  const header = parseNrrdHeader(lines, source);
  const F = header.fields;
  if (F['data file'] || F['datafile']) throw new NrrdError(`${source}: detached data files are not supported; save the NRRD with its data attached (.nrrd, not .nhdr)`);
  const typeName = (F['type'] ?? '').toLowerCase();
  if (UNSUPPORTED_TYPES.includes(typeName)) throw new NrrdError(`${source}: NRRD type '${typeName}' is not supported`);
  const type = TYPES[typeName];
  if (!type) throw new NrrdError(`${source}: unknown NRRD type '${F['type']}'`);
  const dim = Number(F['dimension']);
  if (!(dim === 2 || dim === 3)) throw new NrrdError(`${source}: dimension ${F['dimension']} is not supported (2 or 3)`);
  const sizes = (F['sizes'] ?? '').split(/\s+/).map(Number);
  if (sizes.length !== dim || sizes.some((s) => !Number.isInteger(s) || s < 1)) throw new NrrdError(`${source}: bad sizes '${F['sizes']}'`);
  const kinds = F['kinds']?.split(/\s+/);
  if (kinds && kinds.some((k) => !['domain', 'space', 'time', '???', 'none'].includes(k.toLowerCase()))) {
    throw new NrrdError(`${source}: non-spatial axes (kinds '${F['kinds']}') are not supported`);
  }

  // Geometry.
  const space = (F['space'] ?? '').toLowerCase();
  const ras = space === 'right-anterior-superior' || space === 'ras';
  if (space && !['left-posterior-superior', 'lps', 'right-anterior-superior', 'ras', '3d-right-handed', 'scanner-xyz'].includes(space)) {
    throw new NrrdError(`${source}: space '${F['space']}' is not supported`);
  }
  const spacing: Vec3 = [1, 1, 1];
  const direction: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];
  const origin: Vec3 = [0, 0, 0];
  if (F['space directions']) {
    const vecs = F['space directions'].match(/\([^)]*\)|none/g) ?? [];
    if (vecs.length !== dim) throw new NrrdError(`${source}: 'space directions' has ${vecs.length} entries for ${dim} axes`);
    vecs.forEach((v, axis) => {
      if (v === 'none') throw new NrrdError(`${source}: axis ${axis} has no space direction`);
      const vec = parseVector(v, `${source}: space directions`);
      const d = [vec[0] ?? 0, vec[1] ?? 0, vec[2] ?? 0];
      if (ras) {
        d[0] = -d[0];
        d[1] = -d[1];
      }
      const len = Math.sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]); // as ITK computes a vector norm
      if (!(len > 0)) throw new NrrdError(`${source}: axis ${axis} has a zero space direction`);
      spacing[axis] = len;
      for (let r = 0; r < 3; r++) direction[r * 3 + axis] = d[r] / len;
    });
    if (dim === 2) {
      // The third axis is the normal of the first two.
      const a = [direction[0], direction[3], direction[6]];
      const b = [direction[1], direction[4], direction[7]];
      const n = [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
      for (let r = 0; r < 3; r++) direction[r * 3 + 2] = n[r];
    }
  } else if (F['spacings']) {
    F['spacings'].split(/\s+/).forEach((s, i) => {
      const v = Number(s);
      if (i < 3 && Number.isFinite(v)) spacing[i] = Math.abs(v);
    });
  }
  if (F['space origin']) {
    const o = parseVector(F['space origin'], `${source}: space origin`);
    origin[0] = ras ? -o[0] : o[0];
    origin[1] = ras ? -o[1] : o[1];
    origin[2] = o[2] ?? 0;
  }

  const size: Vec3 = [sizes[0], sizes[1], dim === 3 ? sizes[2] : 1];
  const n = size[0] * size[1] * size[2];
  const encoding = (F['encoding'] ?? '').toLowerCase();
  const lineSkip = Number(F['line skip'] ?? F['lineskip'] ?? 0);
  let start = dataStart;
  for (let l = 0; l < lineSkip; l++) {
    const nl = bytes.indexOf(10, start);
    if (nl < 0) throw new NrrdError(`${source}: line skip ${lineSkip} runs past the end of the file`);
    start = nl + 1;
  }
  const payload = decodePayload(bytes.subarray(start), encoding, source);
  const data = new type.ctor(n);
  if (typeof payload === 'string') {
    const tokens = payload.trim().split(/[\s,]+/);
    if (tokens.length < n) throw new NrrdError(`${source}: ${tokens.length} ascii values for ${n} voxels`);
    for (let i = 0; i < n; i++) data[i] = Number(tokens[i]);
  } else {
    const bpe = type.ctor.BYTES_PER_ELEMENT;
    let skip = Number(F['byte skip'] ?? F['byteskip'] ?? 0);
    if (skip === -1) skip = payload.length - n * bpe;
    if (payload.length - skip < n * bpe) {
      throw new NrrdError(`${source}: data holds ${payload.length - skip} bytes, ${n * bpe} expected for ${size.join('x')} ${type.name}; the file is truncated`);
    }
    const little = (F['endian'] ?? 'little').toLowerCase() !== 'big';
    const src = payload.subarray(skip, skip + n * bpe);
    const copy = new Uint8Array(n * bpe);
    copy.set(src);
    if (!little && bpe > 1) {
      for (let i = 0; i < copy.length; i += bpe) copy.subarray(i, i + bpe).reverse();
    }
    new Uint8Array(data.buffer).set(copy);
  }
  return { data, size, spacing, origin, direction, type: type.name, header };
}

const WRITE_TYPE = new Map<unknown, string>([
  [Int8Array, 'int8'],
  [Uint8Array, 'uint8'],
  [Int16Array, 'short'],
  [Uint16Array, 'ushort'],
  [Int32Array, 'int'],
  [Uint32Array, 'uint'],
  [Float32Array, 'float'],
  [Float64Array, 'double'],
]);

function fmt(x: number): string {
  // Full precision, as ITK writes it; avoid '-0'.
  return Object.is(x, -0) ? '0' : String(x);
}

/** Writes a 3D volume as NRRD0004 (gzip, little endian, LPS), as ITK and Slicer write it. */
export function writeNrrd(vol: Volume, options: { gzip?: boolean; keyValues?: Record<string, string> } = {}): Uint8Array {
  const type = WRITE_TYPE.get(vol.data.constructor);
  if (!type) throw new NrrdError('writeNrrd: unsupported array type');
  const dirs = [0, 1, 2]
    .map((c) => `(${[0, 1, 2].map((r) => fmt(vol.direction[r * 3 + c] * vol.spacing[c])).join(',')})`)
    .join(' ');
  const gz = options.gzip ?? true;
  const lines = [
    'NRRD0004',
    '# Complete NRRD file format specification at:',
    '# http://teem.sourceforge.net/nrrd/format.html',
    `type: ${type}`,
    'dimension: 3',
    'space: left-posterior-superior',
    `sizes: ${vol.size.join(' ')}`,
    `space directions: ${dirs}`,
    'kinds: domain domain domain',
    'endian: little',
    `encoding: ${gz ? 'gzip' : 'raw'}`,
    `space origin: (${vol.origin.map(fmt).join(',')})`,
  ];
  for (const [k, v] of Object.entries(options.keyValues ?? {})) lines.push(`${k}:=${v}`);
  const head = new TextEncoder().encode(lines.join('\n') + '\n\n');
  const raw = new Uint8Array(vol.data.buffer, vol.data.byteOffset, vol.data.byteLength);
  // gzip with a zero mtime so that the same volume always gives the same bytes.
  const body = gz ? gzipSync(raw, { level: 6, mtime: 0 }) : raw;
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}
