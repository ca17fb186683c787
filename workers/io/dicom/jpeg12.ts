/**
 * JPEG Extended (process 2 & 4, 12-bit) decoder for DICOM 1.2.840.10008.1.2.4.51 single-
 * component images; libjpeg-turbo's wasm build only decodes 8-bit samples. Sequential
 * Huffman DCT per ITU-T T.81: markers (Annex B), Huffman decoding (F.2.2.3, Figure F.16),
 * dequantisation, and the inverse DCT of A.3.3 computed in floating point with
 * round-to-nearest; libjpeg's integer IDCT can differ from it by 1 in the last bit.
 */

/** Zig-zag order: the natural (row-major) index of the k-th coefficient (T.81 Figure A.6). */
const ZIGZAG = new Uint8Array([
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28, 35, 42, 49,
  56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
]);

interface Huffman {
  maxcode: Int32Array; // per code length 1..16, -1 when no code of that length
  valptr: Int32Array;
  mincode: Int32Array;
  values: Uint8Array;
}

/** Decoding tables from the BITS counts and HUFFVAL values of a DHT segment (T.81 C.2, F.2.2.3). */
function buildHuffman(counts: Uint8Array, values: Uint8Array): Huffman {
  const maxcode = new Int32Array(18).fill(-1);
  const valptr = new Int32Array(17);
  const mincode = new Int32Array(17);
  let code = 0;
  let k = 0;
  for (let l = 1; l <= 16; l++) {
    const n = counts[l - 1];
    if (n > 0) {
      valptr[l] = k;
      mincode[l] = code;
      code += n;
      k += n;
      maxcode[l] = code - 1;
    }
    code <<= 1;
  }
  maxcode[17] = 0x7fffffff; // sentinel: stops a corrupt stream
  return { maxcode, valptr, mincode, values: values.slice() };
}

/** 1-D inverse DCT basis: BASIS[x * 8 + u] = C(u)/2 cos((2x + 1) u pi / 16). */
const BASIS = (() => {
  const b = new Float64Array(64);
  for (let x = 0; x < 8; x++) {
    for (let u = 0; u < 8; u++) b[x * 8 + u] = ((u === 0 ? Math.SQRT1_2 : 1) / 2) * Math.cos(((2 * x + 1) * u * Math.PI) / 16);
  }
  return b;
})();

class BitReader {
  private bitBuf = 0;
  private bitCount = 0;
  /** set when a marker was met inside the entropy-coded data */
  hitMarker = false;
  constructor(
    private readonly data: Uint8Array,
    public pos: number,
  ) {}

  bit(): number {
    if (this.bitCount === 0) {
      let byte = 0;
      if (!this.hitMarker && this.pos < this.data.length) {
        byte = this.data[this.pos];
        if (byte === 0xff) {
          const next = this.data[this.pos + 1];
          if (next === 0) this.pos += 2;
          else {
            this.hitMarker = true; // a marker: feed zeros (T.81 F.2.2.5 leaves this to the decoder)
            byte = 0;
          }
        } else this.pos++;
      }
      this.bitBuf = byte;
      this.bitCount = 8;
    }
    this.bitCount--;
    return (this.bitBuf >> this.bitCount) & 1;
  }

  bits(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) v = (v << 1) | this.bit();
    return v;
  }

  decode(h: Huffman): number {
    let code = this.bit();
    let l = 1;
    while (code > h.maxcode[l]) {
      code = (code << 1) | this.bit();
      l++;
      if (l > 16) throw new Error('corrupt Huffman code');
    }
    return h.values[h.valptr[l] + code - h.mincode[l]];
  }

  /** At a restart marker: drop the remaining bits and skip RSTn. */
  restart(): void {
    this.bitCount = 0;
    this.hitMarker = false;
    while (this.pos + 1 < this.data.length && !(this.data[this.pos] === 0xff && this.data[this.pos + 1] >= 0xd0 && this.data[this.pos + 1] <= 0xd7)) {
      this.pos++;
    }
    this.pos += 2;
  }
}

/** EXTEND (T.81 F.2.2.1): the signed value of `v` coded on `s` bits. */
function extend(v: number, s: number): number {
  return v < 1 << (s - 1) ? v - (1 << s) + 1 : v;
}

/** Decode a single-component sequential (baseline or extended) Huffman JPEG; returns samples row by row. */
export function decodeJpeg12(data: Uint8Array): Uint16Array {
  if (data[0] !== 0xff || data[1] !== 0xd8) throw new Error('not a JPEG stream (no SOI marker)');
  let pos = 2;
  const u16 = () => {
    const v = (data[pos] << 8) | data[pos + 1];
    pos += 2;
    return v;
  };
  const quant: Float64Array[] = [];
  const dcTables: Huffman[] = [];
  const acTables: Huffman[] = [];
  let width = 0;
  let height = 0;
  let precision = 0;
  let quantIndex = 0;
  let restartInterval = 0;
  let out: Uint16Array | undefined;

  while (pos + 1 < data.length) {
    if (data[pos] !== 0xff) {
      pos++;
      continue;
    }
    const marker = data[pos + 1];
    pos += 2;
    if (marker === 0xff) {
      pos--;
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue;
    if (marker === 0xd9) break;
    const segStart = pos;
    const len = u16();
    const end = segStart + len;
    if (marker === 0xdb) {
      while (pos < end) {
        const pq = data[pos] >> 4;
        const tq = data[pos] & 15;
        pos++;
        const t = new Float64Array(64);
        for (let k = 0; k < 64; k++) t[ZIGZAG[k]] = pq ? u16() : data[pos++];
        quant[tq] = t;
      }
    } else if (marker === 0xc4) {
      while (pos < end) {
        const tc = data[pos] >> 4;
        const th = data[pos] & 15;
        pos++;
        const counts = data.subarray(pos, pos + 16);
        pos += 16;
        let total = 0;
        for (let i = 0; i < 16; i++) total += counts[i];
        const table = buildHuffman(counts, data.subarray(pos, pos + total));
        pos += total;
        if (tc === 0) dcTables[th] = table;
        else acTables[th] = table;
      }
    } else if (marker === 0xc0 || marker === 0xc1) {
      precision = data[pos];
      height = (data[pos + 1] << 8) | data[pos + 2];
      width = (data[pos + 3] << 8) | data[pos + 4];
      const nf = data[pos + 5];
      if (nf !== 1) throw new Error(`12-bit JPEG with ${nf} components is not supported`);
      quantIndex = data[pos + 8];
    } else if ((marker >= 0xc2 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc)) {
      throw new Error(`JPEG process SOF${marker - 0xc0} is not supported by the 12-bit decoder`);
    } else if (marker === 0xdd) {
      restartInterval = (data[pos] << 8) | data[pos + 1];
    } else if (marker === 0xda) {
      if (!width || !height) throw new Error('JPEG scan before its frame header');
      const td = data[pos + 2] >> 4;
      const ta = data[pos + 2] & 15;
      pos = end;
      out = decodeScan(data, pos, width, height, precision, quant[quantIndex], dcTables[td], acTables[ta], restartInterval);
      break;
    }
    pos = end;
  }
  if (!out) throw new Error('JPEG stream without an image scan');
  return out;
}

function decodeScan(
  data: Uint8Array,
  start: number,
  width: number,
  height: number,
  precision: number,
  q: Float64Array | undefined,
  dc: Huffman | undefined,
  ac: Huffman | undefined,
  restartInterval: number,
): Uint16Array {
  if (!q || !dc || !ac) throw new Error('JPEG scan refers to a missing quantisation or Huffman table');
  const out = new Uint16Array(width * height);
  const bx = Math.ceil(width / 8);
  const by = Math.ceil(height / 8);
  const reader = new BitReader(data, start);
  const coef = new Float64Array(64);
  const tmp = new Float64Array(64);
  const shift = 1 << (precision - 1);
  const maxV = (1 << precision) - 1;
  let pred = 0;
  for (let b = 0; b < bx * by; b++) {
    if (restartInterval && b > 0 && b % restartInterval === 0) {
      reader.restart();
      pred = 0;
    }
    coef.fill(0);
    const s = reader.decode(dc);
    pred += s ? extend(reader.bits(s), s) : 0;
    coef[0] = pred * q[0];
    for (let k = 1; k < 64; ) {
      const rs = reader.decode(ac);
      const r = rs >> 4;
      const size = rs & 15;
      if (size === 0) {
        if (r !== 15) break; // EOB
        k += 16; // ZRL
        continue;
      }
      k += r;
      if (k > 63) break;
      const z = ZIGZAG[k];
      coef[z] = extend(reader.bits(size), size) * q[z];
      k++;
    }
    // Separable IDCT: rows (over u) then columns (over v).
    for (let v = 0; v < 8; v++) {
      for (let x = 0; x < 8; x++) {
        let sum = 0;
        for (let u = 0; u < 8; u++) sum += BASIS[x * 8 + u] * coef[v * 8 + u];
        tmp[v * 8 + x] = sum;
      }
    }
    const x0 = (b % bx) * 8;
    const y0 = Math.floor(b / bx) * 8;
    for (let y = 0; y < 8; y++) {
      const yy = y0 + y;
      if (yy >= height) break;
      for (let x = 0; x < 8; x++) {
        const xx = x0 + x;
        if (xx >= width) break;
        let sum = 0;
        for (let v = 0; v < 8; v++) sum += BASIS[y * 8 + v] * tmp[v * 8 + x];
        const val = Math.round(sum) + shift;
        out[yy * width + xx] = val < 0 ? 0 : val > maxV ? maxV : val;
      }
    }
  }
  return out;
}
