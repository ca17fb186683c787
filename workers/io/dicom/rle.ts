/**
 * DICOM RLE Lossless (PS3.5 Annex G). A frame is a 64-byte header (number of segments and
 * up to 15 segment offsets, little endian) followed by PackBits-coded segments, one per byte
 * plane: for each sample (colour component), its most significant byte first. The output is
 * the native little-endian layout: samples interleaved (planar configuration 0).
 */
export function decodeRle(frame: Uint8Array, rows: number, columns: number, samplesPerPixel: number, bitsAllocated: number): Uint8Array {
  const dv = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  if (frame.length < 64) throw new Error('RLE frame shorter than its 64-byte header');
  const segments = dv.getUint32(0, true);
  const bytesPerSample = bitsAllocated / 8;
  const expected = samplesPerPixel * bytesPerSample;
  if (segments !== expected) throw new Error(`RLE frame has ${segments} segments, ${expected} expected`);
  const pixels = rows * columns;
  const out = new Uint8Array(pixels * expected);
  const stride = expected;
  for (let s = 0; s < segments; s++) {
    const start = dv.getUint32(4 + 4 * s, true);
    const end = s + 1 < segments ? dv.getUint32(8 + 4 * s, true) : frame.length;
    const sample = Math.floor(s / bytesPerSample);
    // Segment order within a sample: most significant byte first; little-endian output puts it last.
    const byteInSample = bytesPerSample - 1 - (s % bytesPerSample);
    let o = sample * bytesPerSample + byteInSample;
    const oEnd = o + pixels * stride;
    let p = start;
    while (p < end && o < oEnd) {
      const n = frame[p++];
      if (n < 128) {
        // literal run of n + 1 bytes
        for (let k = 0; k <= n && o < oEnd; k++, o += stride) out[o] = frame[p++];
      } else if (n > 128) {
        // replicate the next byte 257 - n times
        const v = frame[p++];
        for (let k = 0; k < 257 - n && o < oEnd; k++, o += stride) out[o] = v;
      }
      // n === 128 (-128): no operation
    }
    if (o < oEnd) throw new Error(`RLE segment ${s + 1} decodes to ${(o - (oEnd - pixels * stride)) / stride} bytes, ${pixels} expected`);
  }
  return out;
}
