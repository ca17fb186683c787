/**
 * SHA-1 (FIPS 180-4), synchronous and DOM-free, for PyRadiomics's
 * `diagnostics_Image-original_Hash` / `diagnostics_Mask-original_Hash` (SimpleITK's
 * `sitk.Hash`: SHA-1 of the raw little-endian pixel buffer). WebCrypto's digest is async
 * and absent in some worker contexts, so the engine carries its own.
 */

/** Hex SHA-1 of the bytes. */
export function sha1Hex(bytes: Uint8Array): string {
  const w = new Uint32Array(80);
  let h0 = 0x67452301;
  let h1 = 0xefcdab89;
  let h2 = 0x98badcfe;
  let h3 = 0x10325476;
  let h4 = 0xc3d2e1f0;

  const n = bytes.length;
  const fullBlocks = Math.floor(n / 64);
  // The tail: remaining bytes, 0x80, zeros, 64-bit big-endian bit length.
  const tailLen = (n % 64) + 9 <= 64 ? 64 : 128;
  const tail = new Uint8Array(tailLen);
  tail.set(bytes.subarray(fullBlocks * 64));
  tail[n % 64] = 0x80;
  const bitsHigh = Math.floor(n / 0x20000000); // n * 8 / 2^32
  const bitsLow = (n * 8) >>> 0;
  const tv = new DataView(tail.buffer);
  tv.setUint32(tailLen - 8, bitsHigh);
  tv.setUint32(tailLen - 4, bitsLow);

  const block = (src: Uint8Array, off: number) => {
    for (let t = 0; t < 16; t++) {
      const o = off + 4 * t;
      w[t] = ((src[o] << 24) | (src[o + 1] << 16) | (src[o + 2] << 8) | src[o + 3]) >>> 0;
    }
    for (let t = 16; t < 80; t++) {
      const x = w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16];
      w[t] = (x << 1) | (x >>> 31);
    }
    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    for (let t = 0; t < 80; t++) {
      let f: number;
      let k: number;
      if (t < 20) {
        f = (b & c) | (~b & d);
        k = 0x5a827999;
      } else if (t < 40) {
        f = b ^ c ^ d;
        k = 0x6ed9eba1;
      } else if (t < 60) {
        f = (b & c) | (b & d) | (c & d);
        k = 0x8f1bbcdc;
      } else {
        f = b ^ c ^ d;
        k = 0xca62c1d6;
      }
      const temp = (((a << 5) | (a >>> 27)) + f + e + k + w[t]) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = temp;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
  };

  for (let i = 0; i < fullBlocks; i++) block(bytes, i * 64);
  for (let off = 0; off < tailLen; off += 64) block(tail, off);

  return [h0, h1, h2, h3, h4].map((h) => (h >>> 0).toString(16).padStart(8, '0')).join('');
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
