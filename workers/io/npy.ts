/**
 * NumPy .npy reader (format versions 1-3), for reference matrices saved by PyRadiomics's
 * tests. Returns the values in C (row-major) order whatever the file's `fortran_order`.
 */
export interface NpyArray {
  shape: number[];
  data: Float64Array;
  dtype: string;
}

export function readNpy(buffer: ArrayBuffer | Uint8Array, source = '.npy file'): NpyArray {
  const bytes = buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer);
  if (bytes[0] !== 0x93 || String.fromCharCode(...bytes.subarray(1, 6)) !== 'NUMPY') throw new Error(`${source}: not a .npy file`);
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  const header = new TextDecoder('latin1').decode(bytes.subarray(headerStart, headerStart + headerLen));
  const descr = header.match(/'descr'\s*:\s*'([^']+)'/)?.[1];
  const fortran = /'fortran_order'\s*:\s*True/.test(header);
  const shapeText = header.match(/'shape'\s*:\s*\(([^)]*)\)/)?.[1];
  if (!descr || shapeText === undefined) throw new Error(`${source}: cannot read the .npy header`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  const n = shape.reduce((a, b) => a * b, 1);
  const little = descr[0] !== '>';
  const kind = descr.slice(1);
  const offset = headerStart + headerLen;
  const raw = new Float64Array(n);
  const sizes: Record<string, number> = { f8: 8, f4: 4, i8: 8, i4: 4, i2: 2, i1: 1, u8: 8, u4: 4, u2: 2, u1: 1, b1: 1 };
  const bpe = sizes[kind];
  if (!bpe) throw new Error(`${source}: dtype '${descr}' is not supported`);
  for (let i = 0; i < n; i++) {
    const p = offset + i * bpe;
    switch (kind) {
      case 'f8': raw[i] = view.getFloat64(p, little); break;
      case 'f4': raw[i] = view.getFloat32(p, little); break;
      case 'i8': raw[i] = Number(view.getBigInt64(p, little)); break;
      case 'u8': raw[i] = Number(view.getBigUint64(p, little)); break;
      case 'i4': raw[i] = view.getInt32(p, little); break;
      case 'u4': raw[i] = view.getUint32(p, little); break;
      case 'i2': raw[i] = view.getInt16(p, little); break;
      case 'u2': raw[i] = view.getUint16(p, little); break;
      case 'i1': raw[i] = view.getInt8(p); break;
      default: raw[i] = view.getUint8(p);
    }
  }
  if (!fortran || shape.length < 2) return { shape, data: raw, dtype: descr };
  // Fortran order: the first index varies fastest. Reorder to C order.
  const data = new Float64Array(n);
  const dims = shape.length;
  const idx = new Array<number>(dims).fill(0);
  for (let f = 0; f < n; f++) {
    let c = 0;
    for (let d = 0; d < dims; d++) c = c * shape[d] + idx[d];
    data[c] = raw[f];
    for (let d = 0; d < dims; d++) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return { shape, data, dtype: descr };
}
