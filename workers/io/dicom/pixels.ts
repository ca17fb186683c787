/**
 * Pixel data of one frame as stored values (before the modality LUT), for every transfer
 * syntax the workstation reads: native (little/big endian, 8/16/32-bit, float), encapsulated
 * uncompressed, RLE Lossless, JPEG baseline/extended (8-bit: libjpeg-turbo; 12-bit: jpeg12.ts),
 * JPEG Lossless (process 14, SV1), JPEG-LS, JPEG 2000 and HTJ2K.
 * Bits outside BitsStored are masked off and signed values sign-extended (PS3.5 8.1.1), so
 * overlay bits or padding in the high bits never reach the image.
 */
import { DicomFileError, listFragments, TS, type ParsedFile } from './parse.ts';
import type { PixelFormat } from './header.ts';
import { charls, jpegLossless, libjpegTurbo, openjpeg, openjph, runWasmDecoder } from './codecs.ts';
import { decodeRle } from './rle.ts';
import { decodeJpeg12 } from './jpeg12.ts';

export type SampleArray = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;

export const TRANSFER_SYNTAX_NAMES: Record<string, string> = {
  [TS.implicitLE]: 'Implicit VR Little Endian',
  [TS.explicitLE]: 'Explicit VR Little Endian',
  [TS.deflatedLE]: 'Deflated Explicit VR Little Endian',
  [TS.explicitBE]: 'Explicit VR Big Endian',
  '1.2.840.10008.1.2.1.98': 'Encapsulated Uncompressed Explicit VR Little Endian',
  '1.2.840.10008.1.2.5': 'RLE Lossless',
  '1.2.840.10008.1.2.4.50': 'JPEG Baseline (Process 1)',
  '1.2.840.10008.1.2.4.51': 'JPEG Extended (Process 2 & 4)',
  '1.2.840.10008.1.2.4.57': 'JPEG Lossless (Process 14)',
  '1.2.840.10008.1.2.4.70': 'JPEG Lossless (Process 14, SV1)',
  '1.2.840.10008.1.2.4.80': 'JPEG-LS Lossless',
  '1.2.840.10008.1.2.4.81': 'JPEG-LS Near-Lossless',
  '1.2.840.10008.1.2.4.90': 'JPEG 2000 Lossless',
  '1.2.840.10008.1.2.4.91': 'JPEG 2000',
  '1.2.840.10008.1.2.4.92': 'JPEG 2000 Part 2 Lossless',
  '1.2.840.10008.1.2.4.93': 'JPEG 2000 Part 2',
  '1.2.840.10008.1.2.4.201': 'HTJ2K Lossless',
  '1.2.840.10008.1.2.4.202': 'HTJ2K Lossless RPCL',
  '1.2.840.10008.1.2.4.203': 'HTJ2K',
};

const NATIVE = new Set<string>([TS.implicitLE, TS.explicitLE, TS.deflatedLE, TS.explicitBE]);

/** A typed array over `bytes` (copied when unaligned or when the caller will modify it). */
function typedView(bytes: Uint8Array, bitsAllocated: number, signed: boolean, copy: boolean): SampleArray {
  const bpp = bitsAllocated <= 8 ? 1 : bitsAllocated <= 16 ? 2 : 4;
  const aligned = bytes.byteOffset % bpp === 0 && !copy ? bytes : bytes.slice();
  const n = Math.floor(aligned.length / bpp);
  const { buffer, byteOffset } = aligned;
  if (bpp === 1) return signed ? new Int8Array(buffer, byteOffset, n) : aligned;
  if (bpp === 2) return signed ? new Int16Array(buffer, byteOffset, n) : new Uint16Array(buffer, byteOffset, n);
  return signed ? new Int32Array(buffer, byteOffset, n) : new Uint32Array(buffer, byteOffset, n);
}

function swapBytes(bytes: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i + size <= bytes.length; i += size) {
    for (let k = 0; k < size; k++) out[i + k] = bytes[i + size - 1 - k];
  }
  return out;
}

/** Keep BitsStored bits ending at HighBit; sign-extend when signed. In place on a copy the caller owns. */
function maskBitsStored(a: SampleArray, px: PixelFormat): SampleArray {
  const stored = px.bitsStored;
  const container = a.BYTES_PER_ELEMENT * 8;
  if (stored >= container || a instanceof Float32Array || a instanceof Float64Array) return a;
  const shift = Math.max(0, px.highBit + 1 - stored);
  const mask = stored >= 32 ? 0xffffffff : (1 << stored) - 1;
  const signBit = 1 << (stored - 1);
  const signed = px.pixelRepresentation === 1;
  let needed = shift > 0;
  // Skip the work when every value already fits (the common case).
  if (!needed) {
    const lo = signed ? -signBit : 0;
    const hi = signed ? signBit - 1 : mask;
    for (let i = 0; i < a.length; i++) {
      if (a[i] < lo || a[i] > hi) {
        needed = true;
        break;
      }
    }
  }
  if (!needed) return a;
  for (let i = 0; i < a.length; i++) {
    let v = (a[i] >>> shift) & mask;
    if (signed && v & signBit) v -= mask + 1;
    a[i] = v;
  }
  return a;
}

/** The compressed bytes of frame `frameIndex` from encapsulated pixel data. */
export function encapsulatedFrame(f: ParsedFile, px: PixelFormat, frameIndex: number): Uint8Array {
  const el = f.pixelElement!;
  const items = listFragments(f, el);
  if (!items || items.length < 2) throw new DicomFileError(f.name, 'encapsulated pixel data without fragments');
  const bot = items[0];
  const fragments = items.slice(1);
  const concat = (list: typeof fragments) => {
    if (list.length === 1) return f.bytes.subarray(list[0].offset, list[0].offset + list[0].length);
    const total = list.reduce((s, x) => s + x.length, 0);
    const out = new Uint8Array(total);
    let p = 0;
    for (const x of list) {
      out.set(f.bytes.subarray(x.offset, x.offset + x.length), p);
      p += x.length;
    }
    return out;
  };
  if (px.numberOfFrames === 1) return concat(fragments);
  if (fragments.length === px.numberOfFrames) return concat([fragments[frameIndex]]);
  if (bot.length >= 4 * px.numberOfFrames) {
    // Basic Offset Table: byte offsets of each frame's first fragment item, from the first item's tag.
    const dv = new DataView(f.bytes.buffer, f.bytes.byteOffset + bot.offset, bot.length);
    const le = f.littleEndian;
    const start = dv.getUint32(frameIndex * 4, le);
    const end = frameIndex + 1 < px.numberOfFrames ? dv.getUint32((frameIndex + 1) * 4, le) : Infinity;
    const base = fragments[0].offset - 8;
    return concat(fragments.filter((x) => x.offset - 8 - base >= start && x.offset - 8 - base < end));
  }
  // No offset table: a frame starts at a fragment beginning with a JPEG SOI / J2K SOC marker or JP2 box.
  const starts: number[] = [];
  fragments.forEach((x, i) => {
    const b0 = f.bytes[x.offset];
    const b1 = f.bytes[x.offset + 1];
    if ((b0 === 0xff && (b1 === 0xd8 || b1 === 0x4f)) || (b0 === 0 && f.bytes[x.offset + 4] === 0x6a)) starts.push(i);
  });
  if (starts.length !== px.numberOfFrames) {
    throw new DicomFileError(f.name, `cannot tell the ${px.numberOfFrames} frames apart in ${fragments.length} fragments (no offset table)`);
  }
  const to = frameIndex + 1 < starts.length ? starts[frameIndex + 1] : fragments.length;
  return concat(fragments.slice(starts[frameIndex], to));
}

/** The precision (bits per sample) in a JPEG stream's SOF marker. */
function jpegPrecision(b: Uint8Array): number | undefined {
  for (let i = 2; i + 4 < b.length; ) {
    if (b[i] !== 0xff) return undefined;
    const marker = b[i + 1];
    if (marker === 0xff) {
      i++;
      continue;
    }
    const len = (b[i + 2] << 8) | b[i + 3];
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return b[i + 4];
    i += 2 + len;
  }
  return undefined;
}

function bytesPerSampleOf(out: Uint8Array, px: PixelFormat): number {
  return Math.max(1, Math.round(out.length / (px.rows * px.columns * px.samplesPerPixel)));
}

/**
 * Decode frame `frameIndex` of a parsed file (parsed with the pixel data: see parse.ts) into
 * stored values: rows x columns samples (x fastest), interleaved when samplesPerPixel > 1.
 * The result may be a view on the file's bytes: do not modify it.
 */
export async function decodeFrame(f: ParsedFile, px: PixelFormat, frameIndex: number): Promise<SampleArray> {
  const el = f.pixelElement;
  if (!el) throw new DicomFileError(f.name, 'no pixel data');
  const ts = f.transferSyntaxUID;
  const samples = px.rows * px.columns * px.samplesPerPixel;
  const signed = px.pixelRepresentation === 1;

  if (px.sampleKind !== 'int') {
    const size = px.sampleKind === 'float32' ? 4 : 8;
    const start = el.dataOffset + frameIndex * samples * size;
    let bytes = f.bytes.subarray(start, start + samples * size);
    bytes = f.littleEndian ? bytes.slice() : swapBytes(bytes, size);
    return size === 4 ? new Float32Array(bytes.buffer, 0, samples) : new Float64Array(bytes.buffer, 0, samples);
  }

  if (NATIVE.has(ts) && !el.hadUndefinedLength) {
    if (px.bitsAllocated === 1) throw new DicomFileError(f.name, 'bit-packed (1-bit) images are not supported');
    const bpp = px.bitsAllocated / 8;
    const frameSize = samples * bpp;
    const start = el.dataOffset + frameIndex * frameSize;
    if (start + frameSize > el.dataOffset + el.length) {
      throw new DicomFileError(f.name, `pixel data hold fewer than ${frameIndex + 1} frames of ${px.rows} x ${px.columns}`);
    }
    let bytes = f.bytes.subarray(start, start + frameSize);
    let copied = false;
    if (!f.littleEndian && bpp > 1) {
      bytes = swapBytes(bytes, bpp);
      copied = true;
    }
    const needsMask = px.bitsStored < px.bitsAllocated;
    const a = typedView(bytes, px.bitsAllocated, signed, needsMask && !copied);
    return needsMask ? maskBitsStored(a, px) : a;
  }

  const encoded = encapsulatedFrame(f, px, frameIndex);
  try {
    switch (ts) {
      case '1.2.840.10008.1.2.1.98':
        return maskBitsStored(typedView(encoded, px.bitsAllocated, signed, true), px);
      case '1.2.840.10008.1.2.5': {
        const out = decodeRle(encoded, px.rows, px.columns, px.samplesPerPixel, px.bitsAllocated);
        return maskBitsStored(typedView(out, px.bitsAllocated, signed, false), px);
      }
      case '1.2.840.10008.1.2.4.50':
      case '1.2.840.10008.1.2.4.51': {
        const precision = jpegPrecision(encoded) ?? 8;
        if (precision > 8) {
          const out = decodeJpeg12(encoded);
          return maskBitsStored(signed ? new Int16Array(out.buffer, out.byteOffset, out.length) : out, px);
        }
        const { bytes } = runWasmDecoder(await libjpegTurbo(), encoded);
        return typedView(bytes, 8, false, false);
      }
      case '1.2.840.10008.1.2.4.57':
      case '1.2.840.10008.1.2.4.70': {
        const d = await jpegLossless();
        const copy = encoded.slice();
        const out = d.decode(copy.buffer, 0, copy.length, px.bitsAllocated <= 8 ? 1 : 2);
        const bytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
        return maskBitsStored(typedView(bytes, px.bitsAllocated <= 8 ? 8 : 16, signed, true), px);
      }
      case '1.2.840.10008.1.2.4.80':
      case '1.2.840.10008.1.2.4.81': {
        const { bytes } = runWasmDecoder(await charls(), encoded);
        return maskBitsStored(typedView(bytes, bytesPerSampleOf(bytes, px) * 8, signed, false), px);
      }
      case '1.2.840.10008.1.2.4.90':
      case '1.2.840.10008.1.2.4.91':
      case '1.2.840.10008.1.2.4.92':
      case '1.2.840.10008.1.2.4.93': {
        const { bytes, info } = runWasmDecoder(await openjpeg(), encoded);
        return typedView(bytes, bytesPerSampleOf(bytes, px) * 8, info.isSigned ?? signed, false);
      }
      case '1.2.840.10008.1.2.4.201':
      case '1.2.840.10008.1.2.4.202':
      case '1.2.840.10008.1.2.4.203': {
        const { bytes, info } = runWasmDecoder(await openjph(), encoded);
        return typedView(bytes, bytesPerSampleOf(bytes, px) * 8, info.isSigned ?? signed, false);
      }
      default:
        throw new DicomFileError(f.name, `transfer syntax ${TRANSFER_SYNTAX_NAMES[ts] ?? ts} is not supported`);
    }
  } catch (e) {
    if (e instanceof DicomFileError) throw e;
    const msg = typeof e === 'number' ? `codec error ${e}` : e instanceof Error ? e.message : String(e);
    throw new DicomFileError(f.name, `cannot decode ${TRANSFER_SYNTAX_NAMES[ts] ?? ts} pixel data (frame ${frameIndex + 1}): ${msg}`);
  }
}
