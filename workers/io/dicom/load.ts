/**
 * loadPhaseVolume: one phase of a series item as a Volume on its LPS grid (see group.ts for
 * the geometry: origin = first slice along the normal, direction columns = row cosine,
 * column cosine, normal; spacing = [PixelSpacing[1], PixelSpacing[0], measured slice step]),
 * with the modality LUT applied per frame (RescaleSlope/Intercept, per-frame in enhanced
 * images). Int16 or Uint16 when every slope is 1, every intercept an integer and the values
 * fit; Float32 otherwise. Colour images become luminance (display only, see SeriesItem.warnings).
 */
import type { Volume, VoxelArray } from '../volume.ts';
import { geometryOf } from '../volume.ts';
import type { PhaseInfo, SeriesItem } from './types.ts';
import { DicomFileError, parseDicomFile, type ParsedFile } from './parse.ts';
import { readInstanceHeader, type PixelFormat } from './header.ts';
import { decodeFrame, type SampleArray } from './pixels.ts';

type OutputKind = 'int16' | 'uint16' | 'float32';

/** The range stored values can take, from BitsStored and PixelRepresentation. */
function storedRange(px: PixelFormat): [number, number] {
  if (px.sampleKind !== 'int') return [-Infinity, Infinity];
  if (px.samplesPerPixel > 1) return [0, 2 ** Math.min(px.bitsStored, 16) - 1];
  const bits = px.bitsStored;
  return px.pixelRepresentation === 1 ? [-(2 ** (bits - 1)), 2 ** (bits - 1) - 1] : [0, 2 ** bits - 1];
}

function chooseOutput(phase: PhaseInfo, formats: PixelFormat[]): OutputKind {
  const integral = phase.frames.every((f) => f.rescaleSlope === 1 && Number.isInteger(f.rescaleIntercept));
  if (!integral) return 'float32';
  let lo = Infinity;
  let hi = -Infinity;
  const intercepts = phase.frames.map((f) => f.rescaleIntercept);
  const bMin = Math.min(...intercepts);
  const bMax = Math.max(...intercepts);
  for (const px of formats) {
    const [a, b] = storedRange(px);
    lo = Math.min(lo, a + bMin);
    hi = Math.max(hi, b + bMax);
  }
  if (lo >= -32768 && hi <= 32767) return 'int16';
  if (lo >= 0 && hi <= 65535) return 'uint16';
  return 'float32';
}

/** Luminance of interleaved (or planar) colour samples; YBR images already carry it in Y. */
function luminance(s: SampleArray, px: PixelFormat, n: number): Float32Array {
  const out = new Float32Array(n);
  const spp = px.samplesPerPixel;
  const planar = px.planarConfiguration === 1;
  const at = (i: number, c: number) => (planar ? s[c * n + i] : s[i * spp + c]);
  if (px.photometricInterpretation.startsWith('YBR')) {
    for (let i = 0; i < n; i++) out[i] = at(i, 0);
  } else {
    // ITU-R BT.601 luma weights
    for (let i = 0; i < n; i++) out[i] = Math.round(0.299 * at(i, 0) + 0.587 * at(i, 1) + 0.114 * at(i, 2));
  }
  return out;
}

interface OpenFile {
  parsed: ParsedFile;
  px: PixelFormat;
}

/**
 * Decode phase `phaseIndex` (the PhaseInfo whose `index` it is: 0 = pre-contrast) of `item`.
 * `getBytes` returns a file's bytes by its DicomSource name; each file is parsed once.
 */
export async function loadPhaseVolume(
  item: SeriesItem,
  phaseIndex: number,
  getBytes: (name: string) => ArrayBuffer | Promise<ArrayBuffer>,
): Promise<Volume> {
  const phase = item.phases.find((p) => p.index === phaseIndex);
  if (!phase) {
    throw new Error(`series ${item.seriesNumber} '${item.seriesDescription}': no phase ${phaseIndex} (it has ${item.phases.length})`);
  }
  const [nx, ny, nz] = phase.geometry.size;
  const nxy = nx * ny;
  if (phase.frames.length !== nz) throw new Error(`phase ${phaseIndex} lists ${phase.frames.length} frames for ${nz} slices`);

  const files = new Map<string, OpenFile>();
  for (const f of phase.frames) {
    if (files.has(f.source)) continue;
    const parsed = parseDicomFile(f.source, await getBytes(f.source));
    const px = readInstanceHeader(parsed).pixel;
    if (!px) throw new DicomFileError(f.source, 'no pixel data');
    if (px.rows !== ny || px.columns !== nx) {
      throw new DicomFileError(f.source, `image is ${px.rows} x ${px.columns}, the series is ${ny} x ${nx}`);
    }
    files.set(f.source, { parsed, px });
  }

  const kind = chooseOutput(phase, [...files.values()].map((o) => o.px));
  const total = nxy * nz;
  let data: Int16Array | Uint16Array | Float32Array =
    kind === 'int16' ? new Int16Array(total) : kind === 'uint16' ? new Uint16Array(total) : new Float32Array(total);

  for (let k = 0; k < nz; k++) {
    const frame = phase.frames[k];
    const { parsed, px } = files.get(frame.source)!;
    let stored: SampleArray | Float32Array = await decodeFrame(parsed, px, frame.frameIndex);
    if (px.samplesPerPixel > 1) {
      // libjpeg converts YCbCr to RGB while decoding, so JPEG-coded YBR images arrive as RGB.
      const rgb = parsed.transferSyntaxUID.startsWith('1.2.840.10008.1.2.4.5');
      stored = luminance(stored, rgb ? { ...px, photometricInterpretation: 'RGB' } : px, nxy);
    }
    if (stored.length < nxy) {
      throw new DicomFileError(frame.source, `frame ${frame.frameIndex + 1} decoded to ${stored.length} values, ${nxy} expected`);
    }
    const slice = data.subarray(k * nxy, (k + 1) * nxy);
    const slope = frame.rescaleSlope;
    const intercept = frame.rescaleIntercept;
    if (slope === 1 && intercept === 0) {
      slice.set(stored.length === nxy ? stored : stored.subarray(0, nxy));
    } else if (kind !== 'float32') {
      for (let i = 0; i < nxy; i++) slice[i] = stored[i] + intercept;
    } else {
      for (let i = 0; i < nxy; i++) slice[i] = stored[i] * slope + intercept;
    }
  }

  // Float32 chosen from the theoretical range only: narrow it when the actual values allow.
  const integral = phase.frames.every((f) => f.rescaleSlope === 1 && Number.isInteger(f.rescaleIntercept));
  const intSamples = [...files.values()].every((o) => o.px.sampleKind === 'int' && o.px.samplesPerPixel === 1);
  if (kind === 'float32' && integral && intSamples) {
    data = narrowIntegral(data as Float32Array);
  }
  const volume: Volume = { ...geometryOf(phase.geometry), data: data as VoxelArray };
  return volume;
}

function narrowIntegral(a: Float32Array): Int16Array | Uint16Array | Float32Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo >= -32768 && hi <= 32767) return Int16Array.from(a);
  if (lo >= 0 && hi <= 65535) return Uint16Array.from(a);
  return a;
}
