/**
 * PyRadiomics's Wavelet image type (imageoperations.getWaveletImage / _swt3): the stationary
 * wavelet transform of PyWavelets (`pywt.swtn(data, wavelet, level=1, start_level=0,
 * axes=(2, 1, 0))`), reproduced as pywt computes it (../shared/conformance/filters/README.md §3):
 *
 * - the numpy (z, y, x) array gets one sample appended on every odd-length axis, a copy of
 *   that axis's first sample (np.pad 'wrap'); integer data become float64, float32 data stay
 *   float32 (pywt computes float32 data with its float32 filter tables and float arithmetic);
 * - one undecimated step per transformed axis, x then y then z (numpy axes 2, 1, 0), periodic
 *   over the padded length P (pywt's downsampling_convolution_periodization with step 1):
 *     out[o] = sum_m f[m] * x[(o + floor(F/2) - m) mod P]   (F filter taps; coif1: o + 3 - m)
 *   summed in pywt's order (see periodicTaps), low-pass dec_lo gives 'a' = L, dec_hi 'd' = H;
 * - sub-band letters follow the axes x, y, z: 'wavelet-HLL' is high-pass in x; PyRadiomics
 *   yields LLH, LHL, LHH, HLL, HLH, HHL, HHH per level (pywt's key order without the
 *   approximation), later levels as 'wavelet2-...', and the last approximation 'wavelet-LLL'
 *   (or 'wavelet<level>-LLL') at the end;
 * - every level (and every level skipped by start_level) is a fresh level-1 swtn of the
 *   previous padded approximation: the filters are never upsampled;
 * - the outputs are trimmed back to the input's size and take the input's geometry;
 * - force2D drops numpy axis force2Ddimension (0 = z, 1 = y, 2 = x) from the axes: 2 letters.
 */
import type { Vec3, Volume } from '../../io/volume.ts';
import { geometryOf, voxelCount } from '../../io/volume.ts';
import { forEachLineBlock, gatherTile, lineLayout, maxLanes, scatterTile } from './lines.ts';
import type { DerivedImage, FilterSettings } from './types.ts';
import type { WaveletFilterBank } from './wavelet-filters.ts';
import { waveletFilterBank } from './wavelet-filters.ts';

type Samples = Float32Array | Float64Array;

/**
 * The terms of each output sample of a periodic convolution of a line of length P with F taps,
 * in the order pywt adds them (convolution.template.c, step 1): with i = o + floor(F/2),
 * outputs with i < P add m = 0, 1, ..., F-1; those with i >= P (the last floor(F/2)) first add
 * m = i-P down to 0, then m = i-P+1, ..., F-1. Term q of output o reads input taps.src[o*F+q]
 * with filter tap taps.m[o*F+q].
 */
export function periodicTaps(P: number, F: number): { src: Int32Array; m: Int32Array } {
  const src = new Int32Array(P * F);
  const m = new Int32Array(P * F);
  const half = Math.floor(F / 2);
  const mod = (k: number) => ((k % P) + P) % P;
  for (let o = 0; o < P; o++) {
    const i = o + half;
    let q = o * F;
    const put = (tap: number) => {
      m[q] = tap;
      src[q] = mod(i - tap);
      q++;
    };
    if (i < P) {
      for (let t = 0; t < F; t++) put(t);
    } else {
      for (let t = i - P; t >= 0; t--) put(t);
      for (let t = i - P + 1; t < F; t++) put(t);
    }
  }
  return { src, m };
}

interface PassWork { tile: Samples; out: Samples; offsets: Int32Array; taps: Float64Array }

const tapCache = new Map<string, { src: Int32Array; m: Int32Array }>();
function cachedTaps(P: number, F: number): { src: Int32Array; m: Int32Array } {
  const key = `${P},${F}`;
  let t = tapCache.get(key);
  if (!t) {
    t = periodicTaps(P, F);
    tapCache.set(key, t);
  }
  return t;
}

/**
 * out[o * lanes + l] = sum_q taps[q] * tile[offsets(o, q) + l], the sum starting at 0 and
 * taken in pywt's order, in double (pywt's double path).
 */
function convolveTile64(tile: Float64Array, out: Float64Array, P: number, lanes: number, filter: Float64Array, t: { src: Int32Array; m: Int32Array }, work: PassWork): void {
  const F = filter.length;
  const offsets = work.offsets;
  const taps = work.taps;
  for (let o = 0; o < P; o++) {
    for (let q = 0; q < F; q++) {
      offsets[q] = t.src[o * F + q] * lanes;
      taps[q] = filter[t.m[o * F + q]];
    }
    const row = o * lanes;
    for (let l = 0; l < lanes; l++) {
      let s = 0;
      for (let q = 0; q < F; q++) s += taps[q] * tile[offsets[q] + l];
      out[row + l] = s;
    }
  }
}

/** The same in pywt's float path: float products (exact in double, then rounded) and float sums. */
function convolveTile32(tile: Float32Array, out: Float32Array, P: number, lanes: number, filter: Float32Array, t: { src: Int32Array; m: Int32Array }, work: PassWork): void {
  const F = filter.length;
  const offsets = work.offsets;
  const taps = work.taps;
  for (let o = 0; o < P; o++) {
    for (let q = 0; q < F; q++) {
      offsets[q] = t.src[o * F + q] * lanes;
      taps[q] = filter[t.m[o * F + q]];
    }
    const row = o * lanes;
    for (let l = 0; l < lanes; l++) {
      let s = 0;
      for (let q = 0; q < F; q++) s = Math.fround(s + Math.fround(taps[q] * tile[offsets[q] + l]));
      out[row + l] = s;
    }
  }
}

/** One periodic convolution pass along `axis` (every line of the padded volume), float64 or float32. */
function convolveAxis(src: Samples, size: Vec3, axis: number, filter: Samples, work: PassWork): Samples {
  const layout = lineLayout(size, axis);
  const P = layout.n;
  const F = filter.length;
  const taps = cachedTaps(P, F);
  const lanesMax = Math.min(maxLanes(P), layout.laneCount);
  const float32 = src instanceof Float32Array;
  const Ctor = float32 ? Float32Array : Float64Array;
  if (work.tile.length < P * lanesMax || work.tile.constructor !== Ctor) {
    work.tile = new Ctor(P * lanesMax);
    work.out = new Ctor(P * lanesMax);
  }
  if (work.offsets.length < F) {
    work.offsets = new Int32Array(F);
    work.taps = new Float64Array(F);
  }
  const { tile, out } = work;
  const dst = new Ctor(src.length);
  forEachLineBlock(layout, lanesMax, (start, lanes) => {
    gatherTile(src, layout, start, lanes, tile);
    if (float32) convolveTile32(tile as Float32Array, out as Float32Array, P, lanes, filter as Float32Array, taps, work);
    else convolveTile64(tile as Float64Array, out as Float64Array, P, lanes, filter as Float64Array, taps, work);
    scatterTile(out, layout, start, lanes, dst);
  });
  return dst;
}

/** np.pad(data, [(0, n % 2) per axis], 'wrap'): odd axes get a copy of their first sample appended. */
function padToEven(image: Volume, float32: boolean): { data: Samples; size: Vec3 } {
  const [nx, ny, nz] = image.size;
  const size: Vec3 = [nx + (nx % 2), ny + (ny % 2), nz + (nz % 2)];
  const [px, py] = size;
  const data = float32 ? new Float32Array(voxelCount(size)) : new Float64Array(voxelCount(size));
  const src = image.data;
  for (let k = 0; k < size[2]; k++) {
    const sk = k < nz ? k : 0;
    for (let j = 0; j < py; j++) {
      const sj = j < ny ? j : 0;
      const s = (sk * ny + sj) * nx;
      const d = (k * py + j) * px;
      for (let i = 0; i < nx; i++) data[d + i] = src[s + i];
      if (px > nx) data[d + nx] = src[s];
    }
  }
  return { data, size };
}

/** Drops the padded last sample of each padded axis. */
function trim(data: Samples, padded: Vec3, size: Vec3): Samples {
  if (padded[0] === size[0] && padded[1] === size[1] && padded[2] === size[2]) return data;
  const out = data instanceof Float32Array ? new Float32Array(voxelCount(size)) : new Float64Array(voxelCount(size));
  const [nx, ny, nz] = size;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      const s = (k * padded[1] + j) * padded[0];
      out.set(data.subarray(s, s + nx), (k * ny + j) * nx);
    }
  }
  return out;
}

/**
 * One level-1 swtn step: yields [pywt key, padded sub-band] in pywt's key order ('aaa', 'aad',
 * 'ada', ... 'ddd' for three axes), depth first so that only one intermediate per axis is alive.
 */
function* swtStep(data: Samples, size: Vec3, axes: readonly number[], bank: WaveletFilterBank, work: PassWork): Generator<[string, Samples]> {
  const float32 = data instanceof Float32Array;
  const lo = float32 ? bank.decLo32 : bank.decLo;
  const hi = float32 ? bank.decHi32 : bank.decHi;
  function* descend(src: Samples, depth: number, key: string): Generator<[string, Samples]> {
    for (const [letter, filter] of [['a', lo], ['d', hi]] as const) {
      const out = convolveAxis(src, size, axes[depth], filter, work);
      if (depth === axes.length - 1) yield [key + letter, out];
      else yield* descend(out, depth + 1, key + letter);
    }
  }
  yield* descend(data, 0, '');
}

/** The transformed axes in pass order (x, y, z), less the force2D axis. */
export function waveletAxes(settings: FilterSettings): number[] {
  const axes = [0, 1, 2]; // numpy axes (2, 1, 0)
  if (settings.force2D) {
    const dim = settings.force2Ddimension ?? 0;
    if (![0, 1, 2].includes(dim)) throw new Error(`setting 'force2Ddimension' must be 0, 1 or 2, got ${dim}`);
    axes.splice(axes.indexOf(2 - dim), 1);
  }
  return axes;
}

function levelSetting(settings: FilterSettings, key: 'level' | 'start_level', fallback: number, min: number): number {
  const v = settings[key] ?? fallback;
  if (!Number.isInteger(v) || v < min) throw new Error(`setting '${key}' must be an integer >= ${min}, got ${v}`);
  return v;
}

/** The Wavelet image type: the detail sub-bands of each level, then the last approximation. */
export function* waveletImages(image: Volume, settings: FilterSettings): Generator<DerivedImage> {
  const bank = waveletFilterBank(settings.wavelet ?? 'coif1');
  const level = levelSetting(settings, 'level', 1, 1);
  const startLevel = levelSetting(settings, 'start_level', 0, 0);
  const axes = waveletAxes(settings);
  const approxKey = 'a'.repeat(axes.length);
  const float32 = image.data instanceof Float32Array;
  const padded = padToEven(image, float32);
  const work: PassWork = { tile: new Float64Array(0), out: new Float64Array(0), offsets: new Int32Array(0), taps: new Float64Array(0) };
  const derived = (name: string, data: Samples): DerivedImage => ({
    name,
    image: { ...geometryOf(image), data: trim(data, padded.size, image.size) },
  });

  let data = padded.data;
  for (let i = 0; i < startLevel; i++) {
    // only the approximation is needed: the first key pywt produces
    const first = swtStep(data, padded.size, axes, bank, work).next();
    data = (first.value as [string, Samples])[1];
  }
  for (let idx = 1; idx <= level; idx++) {
    const prefix = idx === 1 ? 'wavelet-' : `wavelet${idx}-`;
    let approx: Samples | null = null;
    for (const [key, band] of swtStep(data, padded.size, axes, bank, work)) {
      if (key === approxKey) approx = band;
      else yield derived(prefix + key.replaceAll('a', 'L').replaceAll('d', 'H'), band);
    }
    data = approx as Samples;
  }
  yield derived(`${level === 1 ? 'wavelet-' : `wavelet${level}-`}${'L'.repeat(axes.length)}`, data);
}
