import type { VoxelArray } from '../io/volume.ts';

/**
 * SHA-1 (FIPS 180-4), synchronous and DOM-free, for PyRadiomics's
 * `diagnostics_Image-original_Hash` / `diagnostics_Mask-original_Hash` (SimpleITK's
 * `sitk.Hash`: SHA-1 of the raw little-endian pixel buffer). WebCrypto's digest is async
 * and absent in some worker contexts, so the engine carries its own. Written for speed
 * (a 256 x 256 x 25 uint32 mask is 6.5 MB): one 80-word schedule, the four round groups
 * as separate loops, words read with DataView.
 */

function compress(dv: DataView, off: number, h: Int32Array, w: Int32Array): void {
  for (let t = 0; t < 16; t++) w[t] = dv.getInt32(off + 4 * t, false);
  compressWords(h, w);
}

/** One block whose 16 big-endian words are already in w[0..15]. */
function compressWords(h: Int32Array, w: Int32Array): void {
  for (let t = 16; t < 80; t++) {
    const x = w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16];
    w[t] = (x << 1) | (x >>> 31);
  }
  let a = h[0];
  let b = h[1];
  let c = h[2];
  let d = h[3];
  let e = h[4];
  let t = 0;
  for (; t < 20; t++) {
    const tmp = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + 0x5a827999 + w[t]) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = tmp;
  }
  for (; t < 40; t++) {
    const tmp = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0x6ed9eba1 + w[t]) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = tmp;
  }
  for (; t < 60; t++) {
    const tmp = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + 0x8f1bbcdc + w[t]) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = tmp;
  }
  for (; t < 80; t++) {
    const tmp = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0xca62c1d6 + w[t]) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = tmp;
  }
  h[0] = (h[0] + a) | 0;
  h[1] = (h[1] + b) | 0;
  h[2] = (h[2] + c) | 0;
  h[3] = (h[3] + d) | 0;
  h[4] = (h[4] + e) | 0;
}

/**
 * Node's native hash when the engine runs in Node (CLI, worker_threads), found at run time
 * so that browser bundles never import a Node module; the JavaScript path elsewhere.
 * Both give the same digest (sha1.test.ts).
 */
interface NodeHash {
  update(data: Uint8Array): NodeHash;
  digest(encoding: 'hex'): string;
}
const nodeCrypto = (() => {
  try {
    const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    const mod = proc?.getBuiltinModule?.('node:crypto') as { createHash?: (algorithm: string) => NodeHash } | undefined;
    return mod?.createHash ? mod : null;
  } catch {
    return null;
  }
})();

/** Hex SHA-1 of the bytes. */
export function sha1Hex(bytes: Uint8Array): string {
  if (nodeCrypto) return nodeCrypto.createHash!('sha1').update(bytes).digest('hex');
  return sha1HexJs(bytes);
}

/** The JavaScript implementation (used where Node's crypto is absent). */
export function sha1HexJs(bytes: Uint8Array): string {
  const h = Int32Array.of(0x67452301, 0xefcdab89 | 0, 0x98badcfe | 0, 0x10325476, 0xc3d2e1f0 | 0);
  const w = new Int32Array(80);
  return finish(h, w, bytes, bytes.length);
}

/** The cast buffer of sha1HexOfUint32 (Node path). */
let chunk: Uint32Array | null = null;

/**
 * SHA-1 of the values cast to uint32 and stored little-endian, without building that
 * buffer: PyRadiomics hashes the mask after `sitk.Cast(mask, sitkUInt32)` (negative
 * integers wrap, floats truncate toward zero).
 */
export function sha1HexOfUint32(values: VoxelArray, float: boolean): string {
  if (nodeCrypto) {
    // cast a chunk at a time into one small buffer
    const hash = nodeCrypto.createHash!('sha1');
    chunk ??= new Uint32Array(65536); // reused: a mask is hashed once per extraction
    for (let i = 0; i < values.length; i += chunk.length) {
      const m = Math.min(chunk.length, values.length - i);
      // TypedArray#set converts with ToUint32: truncation toward zero, then modulo 2^32
      chunk.set(values.subarray(i, i + m));
      hash.update(littleEndianBytes(chunk.subarray(0, m)));
    }
    return hash.digest('hex');
  }
  return sha1HexOfUint32Js(values, float);
}

/** The JavaScript implementation of sha1HexOfUint32. */
export function sha1HexOfUint32Js(values: ArrayLike<number>, float: boolean): string {
  const h = Int32Array.of(0x67452301, 0xefcdab89 | 0, 0x98badcfe | 0, 0x10325476, 0xc3d2e1f0 | 0);
  const w = new Int32Array(80);
  const n = values.length;
  const full = n - (n % 16);
  for (let i = 0; i < full; i += 16) {
    for (let t = 0; t < 16; t++) {
      const v = values[i + t];
      const x = float ? Math.trunc(v) | 0 : v | 0;
      // the little-endian bytes of x read as a big-endian word: a byte swap
      w[t] = ((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24);
    }
    compressWords(h, w);
  }
  const tail = new Uint32Array(n - full);
  for (let i = full; i < n; i++) tail[i - full] = float ? Math.trunc(values[i]) >>> 0 : values[i] >>> 0;
  // Finish with the generic path on the remaining bytes, continuing from state h.
  return finish(h, w, littleEndianBytes(tail), 4 * n);
}

/** Hashes the last partial run of bytes, pads with the total length, returns hex. */
function finish(h: Int32Array, w: Int32Array, rest: Uint8Array, totalBytes: number): string {
  const dv = new DataView(rest.buffer, rest.byteOffset, rest.byteLength);
  const full = Math.floor(rest.length / 64) * 64;
  for (let off = 0; off < full; off += 64) compress(dv, off, h, w);
  const r = rest.length - full;
  const tailLen = r + 9 <= 64 ? 64 : 128;
  const tail = new Uint8Array(tailLen);
  tail.set(rest.subarray(full));
  tail[r] = 0x80;
  const tv = new DataView(tail.buffer);
  tv.setUint32(tailLen - 8, Math.floor(totalBytes / 0x20000000)); // bytes * 8 / 2^32
  tv.setUint32(tailLen - 4, (totalBytes * 8) >>> 0);
  for (let off = 0; off < tailLen; off += 64) compress(tv, off, h, w);
  return Array.from(h, (x) => (x >>> 0).toString(16).padStart(8, '0')).join('');
}

/** The little-endian bytes of a typed array (a view when the platform is little-endian). */
export function littleEndianBytes(a: ArrayBufferView & { BYTES_PER_ELEMENT: number; length: number }): Uint8Array {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  if (a.BYTES_PER_ELEMENT === 1 || IS_LITTLE_ENDIAN) return bytes;
  const out = new Uint8Array(bytes.length);
  const k = a.BYTES_PER_ELEMENT;
  for (let i = 0; i < bytes.length; i += k) for (let j = 0; j < k; j++) out[i + j] = bytes[i + k - 1 - j];
  return out;
}

const IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
