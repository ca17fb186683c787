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
import type { DerivedImage, FilterContext, FilterSettings } from './types.ts';
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

type Taps = { src: Int32Array; m: Int32Array };
const tapCache = new Map<string, Taps>();
function cachedTaps(P: number, F: number): Taps {
  const key = `${P},${F}`;
  let t = tapCache.get(key);
  if (!t) {
    t = periodicTaps(P, F);
    tapCache.set(key, t);
  }
  return t;
}

/** Filter values in term order: coef[o * F + q] = filter[taps.m[o * F + q]]. */
function termCoefficients(filter: Samples, taps: Taps): Float64Array {
  const coef = new Float64Array(taps.m.length);
  for (let k = 0; k < coef.length; k++) coef[k] = filter[taps.m[k]];
  return coef;
}

/**
 * Along x the lines are contiguous: out[line + o] = sum_q coef[o*F+q] * src[line + src[o*F+q]],
 * the sum starting at 0 in pywt's order, in double (pywt's double path).
 */
function convolveX64(src: Float64Array, dst: Float64Array, P: number, lines: number, coef: Float64Array, index: Int32Array, F: number): void {
  for (let base = 0, end = lines * P; base < end; base += P) {
    for (let o = 0, k = 0; o < P; o++) {
      let s = 0;
      for (let q = 0; q < F; q++, k++) s += coef[k] * src[base + index[k]];
      dst[base + o] = s;
    }
  }
}

/** The same in pywt's float path: float products (exact in double, then rounded), float sums. */
function convolveX32(src: Float32Array, dst: Float32Array, P: number, lines: number, coef: Float64Array, index: Int32Array, F: number): void {
  for (let base = 0, end = lines * P; base < end; base += P) {
    for (let o = 0, k = 0; o < P; o++) {
      let s = 0;
      for (let q = 0; q < F; q++, k++) s = Math.fround(s + Math.fround(coef[k] * src[base + index[k]]));
      dst[base + o] = s;
    }
  }
}

/**
 * Along y or z whole x rows move together: output row o of each group gets coef * source row,
 * term by term in pywt's order, added into the zero-filled destination (element by element the
 * same sums as convolveX64).
 */
function convolveRows64(src: Float64Array, dst: Float64Array, P: number, row: number, rowStride: number, groups: number, groupStride: number, coef: Float64Array, index: Int32Array, F: number): void {
  for (let g = 0; g < groups; g++) {
    const gb = g * groupStride;
    for (let o = 0, k = 0; o < P; o++) {
      const d = gb + o * rowStride;
      if (F === 6) {
        // 6 taps (coif1, the default, db3, sym3, ...): the same sum, kept in a register
        const c0 = coef[k], c1 = coef[k + 1], c2 = coef[k + 2], c3 = coef[k + 3], c4 = coef[k + 4], c5 = coef[k + 5];
        const r0 = gb + index[k] * rowStride, r1 = gb + index[k + 1] * rowStride, r2 = gb + index[k + 2] * rowStride;
        const r3 = gb + index[k + 3] * rowStride, r4 = gb + index[k + 4] * rowStride, r5 = gb + index[k + 5] * rowStride;
        for (let i = 0; i < row; i++) {
          dst[d + i] = 0 + c0 * src[r0 + i] + c1 * src[r1 + i] + c2 * src[r2 + i] + c3 * src[r3 + i] + c4 * src[r4 + i] + c5 * src[r5 + i];
        }
        k += 6;
        continue;
      }
      for (let q = 0; q < F; q++, k++) {
        const f = coef[k];
        const r = gb + index[k] * rowStride;
        for (let i = 0; i < row; i++) dst[d + i] += f * src[r + i];
      }
    }
  }
}

/** The float path of convolveRows64 (the Float32Array store rounds each partial sum). */
function convolveRows32(src: Float32Array, dst: Float32Array, P: number, row: number, rowStride: number, groups: number, groupStride: number, coef: Float64Array, index: Int32Array, F: number): void {
  for (let g = 0; g < groups; g++) {
    const gb = g * groupStride;
    for (let o = 0, k = 0; o < P; o++) {
      const d = gb + o * rowStride;
      for (let q = 0; q < F; q++, k++) {
        const f = coef[k];
        const r = gb + index[k] * rowStride;
        for (let i = 0; i < row; i++) dst[d + i] += Math.fround(f * src[r + i]);
      }
    }
  }
}

/**
 * The outputs wanted of a pass: per axis the indices (x, y, z), and along x the same as runs
 * [start, end) for the row loops. Null: every voxel.
 */
interface Wanted {
  idx: Int32Array[];
  xRuns: Int32Array;
}

function wanted(masks: Uint8Array[]): Wanted {
  const idx = masks.map((m) => {
    const out: number[] = [];
    for (let i = 0; i < m.length; i++) if (m[i]) out.push(i);
    return Int32Array.from(out);
  });
  const runs: number[] = [];
  const mx = masks[0];
  for (let i = 0; i < mx.length; i++) {
    if (!mx[i]) continue;
    let j = i + 1;
    while (j < mx.length && mx[j]) j++;
    runs.push(i, j);
    i = j;
  }
  return { idx, xRuns: Int32Array.from(runs) };
}

/**
 * The wanted outputs of a periodic convolution pass along `axis`, each the same sum in the
 * same order as the whole-volume loops compute it (float path: each product and partial sum
 * rounded to float32). The other outputs stay 0.
 */
function convolveWanted(src: Samples, dst: Samples, size: Vec3, axis: number, coef: Float64Array, index: Int32Array, F: number, w: Wanted): void {
  const [nx, ny] = size;
  const nxy = nx * ny;
  const f32 = src instanceof Float32Array;
  const [ix, iy, iz] = w.idx;
  const runs = w.xRuns;
  if (axis === 0) {
    for (const z of iz)
      for (const y of iy) {
        const base = nx * (y + ny * z);
        for (const o of ix) {
          let s = 0;
          for (let q = 0, k = o * F; q < F; q++, k++) {
            s = f32 ? Math.fround(s + Math.fround(coef[k] * src[base + index[k]])) : s + coef[k] * src[base + index[k]];
          }
          dst[base + o] = s;
        }
      }
    return;
  }
  // along y or z: the taps move whole x runs
  const outer = axis === 1 ? iz : iy; // the other axis than x and the pass's
  const along = axis === 1 ? iy : iz;
  const stride = axis === 1 ? nx : nxy;
  const outerStride = axis === 1 ? nxy : nx;
  for (const g of outer)
    for (const o of along) {
      const d = g * outerStride + o * stride;
      const k0 = o * F;
      for (let r = 0; r < runs.length; r += 2)
        for (let i = runs[r]; i < runs[r + 1]; i++) {
          let s = 0;
          for (let q = 0; q < F; q++) {
            const x = src[g * outerStride + index[k0 + q] * stride + i];
            s = f32 ? Math.fround(s + Math.fround(coef[k0 + q] * x)) : s + coef[k0 + q] * x;
          }
          dst[d + i] = s;
        }
    }
}

/**
 * One periodic convolution pass along `axis` over the padded volume, float64 or float32;
 * with `want`, only those outputs.
 */
function convolveAxis(src: Samples, size: Vec3, axis: number, filter: Samples, want: Wanted | null = null, into: Samples | null = null): Samples {
  const [nx, ny, nz] = size;
  const P = size[axis];
  const F = filter.length;
  const taps = cachedTaps(P, F);
  const coef = termCoefficients(filter, taps);
  const index = taps.src;
  if (want) {
    // every wanted output is assigned: a reused buffer needs no clearing
    const dst = into ?? (src instanceof Float32Array ? new Float32Array(src.length) : new Float64Array(src.length));
    convolveWanted(src, dst, size, axis, coef, index, F, want);
    return dst;
  }
  if (src instanceof Float32Array) {
    const dst = new Float32Array(src.length);
    if (axis === 0) convolveX32(src, dst, nx, ny * nz, coef, index, F);
    else if (axis === 1) convolveRows32(src, dst, ny, nx, nx, nz, nx * ny, coef, index, F);
    else convolveRows32(src, dst, nz, nx * ny, nx * ny, 1, 0, coef, index, F);
    return dst;
  }
  const dst = new Float64Array(src.length);
  if (axis === 0) convolveX64(src, dst, nx, ny * nz, coef, index, F);
  else if (axis === 1) convolveRows64(src, dst, ny, nx, nx, nz, nx * ny, coef, index, F);
  else convolveRows64(src, dst, nz, nx * ny, nx * ny, 1, 0, coef, index, F);
  return dst;
}

/**
 * np.pad(data, [(0, n % 2) per axis], 'wrap'): odd axes get a copy of their first sample
 * appended. With `need` (per-axis masks of the padded volume), only those rows (y, z).
 */
function padToEven(image: Volume, float32: boolean, need: Uint8Array[] | null = null): { data: Samples; size: Vec3 } {
  const [nx, ny, nz] = image.size;
  const size: Vec3 = paddedSize(image.size);
  const [px, py] = size;
  const data = float32 ? new Float32Array(voxelCount(size)) : new Float64Array(voxelCount(size));
  const src = image.data;
  for (let k = 0; k < size[2]; k++) {
    if (need && !need[2][k]) continue;
    const sk = k < nz ? k : 0;
    for (let j = 0; j < py; j++) {
      if (need && !need[1][j]) continue;
      const sj = j < ny ? j : 0;
      const s = (sk * ny + sj) * nx;
      const d = (k * py + j) * px;
      for (let i = 0; i < nx; i++) data[d + i] = src[s + i];
      if (px > nx) data[d + nx] = src[s];
    }
  }
  return { data, size };
}

function paddedSize(size: Vec3): Vec3 {
  return [size[0] + (size[0] % 2), size[1] + (size[1] % 2), size[2] + (size[2] % 2)];
}

/** Drops the padded last sample of each padded axis; with `box`, copies only the box. */
function trim(data: Samples, padded: Vec3, size: Vec3, box: { lo: Vec3; hi: Vec3 } | null = null): Samples {
  const [nx, ny, nz] = size;
  if (box) {
    const out = data instanceof Float32Array ? new Float32Array(voxelCount(size)) : new Float64Array(voxelCount(size));
    for (let k = box.lo[2]; k <= box.hi[2]; k++)
      for (let j = box.lo[1]; j <= box.hi[1]; j++) {
        const s = (k * padded[1] + j) * padded[0];
        out.set(data.subarray(s + box.lo[0], s + box.hi[0] + 1), (k * ny + j) * nx + box.lo[0]);
      }
    return out;
  }
  if (padded[0] === size[0] && padded[1] === size[1] && padded[2] === size[2]) return data;
  // only z padded: the first nz slices are one block
  if (padded[0] === size[0] && padded[1] === size[1]) return data.slice(0, voxelCount(size));
  const out = data instanceof Float32Array ? new Float32Array(voxelCount(size)) : new Float64Array(voxelCount(size));
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      const s = (k * padded[1] + j) * padded[0];
      out.set(data.subarray(s, s + nx), (k * ny + j) * nx);
    }
  }
  return out;
}

/** The inputs a pass's wanted outputs read along `axis` (periodic taps of F around each). */
function expand(mask: Uint8Array, F: number): Uint8Array {
  const taps = cachedTaps(mask.length, F);
  const out = new Uint8Array(mask.length);
  for (let o = 0; o < mask.length; o++) if (mask[o]) for (let q = o * F; q < (o + 1) * F; q++) out[taps.src[q]] = 1;
  return out;
}

/**
 * For a region of the outputs, the outputs each pass of each step must compute: the last
 * step's (details and approximation) on the region's voxels; each earlier step's on what
 * the next step's inputs are (its outputs expanded by the taps on every transformed axis),
 * which also covers the region. Within a step, pass k computes the wanted outputs on the
 * axes already transformed and the expanded ones on those still to come.
 * Returns per step the wants of its passes, and the input rows the first step reads.
 */
function regionPlan(region: { lo: Vec3; hi: Vec3 }, padded: Vec3, axes: readonly number[], F: number, steps: number): { passes: Wanted[][]; input: Uint8Array[] } {
  const boxMasks = [0, 1, 2].map((a) => {
    const m = new Uint8Array(padded[a]);
    for (let i = Math.max(0, region.lo[a]); i <= Math.min(padded[a] - 1, region.hi[a]); i++) m[i] = 1;
    return m;
  });
  const expandAll = (need: Uint8Array[]) => need.map((m, a) => (axes.includes(a) ? expand(m, F) : m));
  const needs: Uint8Array[][] = [];
  needs[steps - 1] = boxMasks;
  for (let t = steps - 2; t >= 0; t--) needs[t] = expandAll(needs[t + 1]);
  const passes = needs.map((need) => {
    const expanded = expandAll(need);
    return axes.map((_, k) => wanted(need.map((m, a) => (axes.indexOf(a) > k ? expanded[a] : m))));
  });
  return { passes, input: expandAll(needs[0]) };
}

/**
 * One level-1 swtn step: yields [pywt key, padded sub-band] in pywt's key order ('aaa', 'aad',
 * 'ada', ... 'ddd' for three axes), depth first so that only one intermediate per axis is alive.
 * `wants[k]`: the outputs pass k computes (null: all).
 */
function* swtStep(data: Samples, size: Vec3, axes: readonly number[], bank: WaveletFilterBank, wants: Wanted[] | null): Generator<[string, Samples]> {
  const float32 = data instanceof Float32Array;
  const lo = float32 ? bank.decLo32 : bank.decLo;
  const hi = float32 ? bank.decHi32 : bank.decHi;
  // With wanted outputs, one buffer per depth serves all the bands of that depth (a band is
  // read before the next one of its depth is made; the yielded ones before the generator
  // resumes: the consumer copies what it keeps)
  const buffers = wants ? axes.map(() => (float32 ? new Float32Array(data.length) : new Float64Array(data.length))) : null;
  function* descend(src: Samples, depth: number, key: string): Generator<[string, Samples]> {
    for (const [letter, filter] of [['a', lo], ['d', hi]] as const) {
      const out = convolveAxis(src, size, axes[depth], filter, wants ? wants[depth] : null, buffers ? buffers[depth] : null);
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

/**
 * The Wavelet image type: the detail sub-bands of each level, then the last approximation.
 * With `context.region`, only what the region's voxels depend on is computed (FilterContext).
 */
export function* waveletImages(image: Volume, settings: FilterSettings, context?: FilterContext): Generator<DerivedImage> {
  const bank = waveletFilterBank(settings.wavelet ?? 'coif1');
  const level = levelSetting(settings, 'level', 1, 1);
  const startLevel = levelSetting(settings, 'start_level', 0, 0);
  const axes = waveletAxes(settings);
  const approxKey = 'a'.repeat(axes.length);
  const float32 = image.data instanceof Float32Array;
  const region = context?.region ?? null;
  const plan = region ? regionPlan(region, paddedSize(image.size), axes, bank.decLo.length, startLevel + level) : null;
  const padded = padToEven(image, float32, plan ? plan.input : null);
  const derived = (name: string, data: Samples): DerivedImage => ({
    name,
    image: { ...geometryOf(image), data: trim(data, padded.size, image.size, region) },
  });

  let data = padded.data;
  let step = 0;
  for (let i = 0; i < startLevel; i++, step++) {
    // only the approximation is needed: the first key pywt produces
    const first = swtStep(data, padded.size, axes, bank, plan ? plan.passes[step] : null).next();
    const approx = (first.value as [string, Samples])[1];
    data = plan ? approx.slice() : approx; // a reused buffer (swtStep)
  }
  for (let idx = 1; idx <= level; idx++, step++) {
    const prefix = idx === 1 ? 'wavelet-' : `wavelet${idx}-`;
    let approx: Samples | null = null;
    for (const [key, band] of swtStep(data, padded.size, axes, bank, plan ? plan.passes[step] : null)) {
      if (key === approxKey) approx = plan ? band.slice() : band; // a reused buffer (swtStep)
      else yield derived(prefix + key.replaceAll('a', 'L').replaceAll('d', 'H'), band);
    }
    data = approx as Samples;
  }
  yield derived(`${level === 1 ? 'wavelet-' : `wavelet${level}-`}${'L'.repeat(axes.length)}`, data);
}
