/**
 * PyRadiomics's LBP2D image type (imageoperations.getLBP2DImage): scikit-image's
 * local_binary_pattern(slice, P=lbp2DSamples (8), R=lbp2DRadius (1), method=lbp2DMethod
 * ('uniform')) on every slice across numpy axis force2Ddimension (0 = z: slices are (y, x)
 * images; 1 = y: (z, x); 2 = x: (y, z)), written back into the image's own array, so an
 * integer image keeps its integer type (values cast as C casts: truncated toward zero,
 * wrapped modulo 2^bits, NaN -> 0). Reproduced from skimage's _local_binary_pattern:
 *
 * - R is a C float (float32); the P sample points are round(-R sin(2 pi p / P), 5) rows and
 *   round(R cos(2 pi p / P), 5) columns away (numpy's round: x * 1e5, rint, / 1e5);
 * - each sample is skimage's bilinear interpolation with zeros outside the image;
 * - bit p is 1 when sample - centre >= 0; 'default' sums bit p * 2^p, 'ror' takes the
 *   smallest rotation, 'uniform' counts the ones of patterns with at most 2 changes between
 *   neighbours (p, p+1 for p < P-1) and gives P + 1 otherwise, 'nri_uniform' numbers the
 *   uniform patterns, 'var' divides the 'uniform' value by np.var of the samples (NaN if 0).
 */
import type { Volume } from '../../io/volume.ts';
import { geometryOf } from '../../io/volume.ts';
import type { DerivedImage, FilterContext, FilterSettings } from './types.ts';

const METHODS = ['default', 'ror', 'uniform', 'nri_uniform', 'var'] as const;
type Method = (typeof METHODS)[number];

/** C's rint / numpy's rint: round half to even. */
function rint(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** numpy.round(x, 5) for float64: rint(x * 1e5) / 1e5. */
function round5(x: number): number {
  return rint(x * 1e5) / 1e5;
}

/**
 * skimage's variance of the P samples (computed in its Cython loop since scikit-image 0.10,
 * PR #967: biased, from the running sum and sum of squares).
 */
function sampleVariance(a: Float64Array, n: number): number {
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const t = a[i];
    sum += t;
    squares += t * t;
  }
  return (squares - (sum * sum) / n) / n;
}

/** skimage's local_binary_pattern on one (rows x cols) double image. */
export function localBinaryPattern(image: Float64Array, rows: number, cols: number, P: number, R: number, method: Method): Float64Array {
  if (P > 128) throw new Error(`setting 'lbp2DSamples': at most 128 samples are supported, got ${P}`);
  const radius = Math.fround(R);
  const rp = new Float64Array(P);
  const cp = new Float64Array(P);
  for (let p = 0; p < P; p++) {
    const angle = (2 * Math.PI * p) / P;
    rp[p] = round5(-radius * Math.sin(angle));
    cp[p] = round5(radius * Math.cos(angle));
  }
  const texture = new Float64Array(P);
  const bits = new Uint8Array(P);
  const out = new Float64Array(rows * cols);
  const pixel = (r: number, c: number) => (r < 0 || r >= rows || c < 0 || c >= cols ? 0 : image[r * cols + c]);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const centre = image[r * cols + c];
      for (let p = 0; p < P; p++) {
        const y = r + rp[p];
        const x = c + cp[p];
        const minr = Math.floor(y), minc = Math.floor(x), maxr = Math.ceil(y), maxc = Math.ceil(x);
        const dr = y - minr;
        const dc = x - minc;
        const top = (1 - dc) * pixel(minr, minc) + dc * pixel(minr, maxc);
        const bottom = (1 - dc) * pixel(maxr, minc) + dc * pixel(maxr, maxc);
        texture[p] = (1 - dr) * top + dr * bottom;
        bits[p] = texture[p] - centre >= 0 ? 1 : 0;
      }
      let lbp = 0;
      if (method === 'uniform' || method === 'nri_uniform' || method === 'var') {
        let changes = 0;
        for (let p = 0; p < P - 1; p++) changes += Math.abs(bits[p] - bits[p + 1]);
        if (method === 'nri_uniform') {
          if (changes <= 2) {
            let ones = 0, firstOne = -1, firstZero = -1;
            for (let p = 0; p < P; p++) {
              if (bits[p]) {
                ones++;
                if (firstOne === -1) firstOne = p;
              } else if (firstZero === -1) firstZero = p;
            }
            if (ones === 0) lbp = 0;
            else if (ones === P) lbp = P * (P - 1) + 1;
            else lbp = 1 + (ones - 1) * P + (firstOne === 0 ? ones - firstZero : P - firstOne);
          } else lbp = P * (P - 1) + 2;
        } else {
          if (changes <= 2) for (let p = 0; p < P; p++) lbp += bits[p];
          else lbp = P + 1;
          if (method === 'var') {
            const v = sampleVariance(texture, P);
            lbp = v !== 0 ? v : NaN;
          }
        }
      } else {
        for (let p = 0; p < P; p++) lbp += bits[p] * 2 ** p;
        if (method === 'ror') {
          let value = lbp;
          let best = lbp;
          for (let p = 1; p < P; p++) {
            value = (value >>> 1) | ((value & 1) << (P - 1));
            best = Math.min(best, value);
          }
          lbp = best;
        }
      }
      out[r * cols + c] = lbp;
    }
  }
  return out;
}

/** The LBP2D image type: one image, 'lbp-2D'. */
export function* lbp2dImages(image: Volume, settings: FilterSettings, context?: FilterContext): Generator<DerivedImage> {
  const P = settings.lbp2DSamples ?? 8;
  const R = settings.lbp2DRadius ?? 1;
  const method = (settings.lbp2DMethod ?? 'uniform').toLowerCase() as Method;
  if (!METHODS.includes(method)) {
    throw new Error(`setting 'lbp2DMethod' must be one of ${METHODS.join(', ')}, got '${settings.lbp2DMethod}'`);
  }
  if (!Number.isInteger(P) || P < 1) throw new Error(`setting 'lbp2DSamples' must be a positive integer, got ${P}`);
  const warnings: string[] = [];
  if (!settings.force2D) {
    warnings.push('Calculating Local Binary Pattern in 2D, but extracting features in 3D. Use with caution!');
    context?.warn?.(warnings[0]);
  }
  const axis = settings.force2Ddimension ?? 0; // numpy axis: 0 = z, 1 = y, 2 = x
  if (![0, 1, 2].includes(axis)) throw new Error(`setting 'force2Ddimension' must be 0, 1 or 2, got ${axis}`);
  const [nx, ny, nz] = image.size;
  // slices: numpy's im_arr.swapaxes(0, axis)[idx] -> (rows, cols) and their strides in our array
  const layout = axis === 0
    ? { count: nz, step: nx * ny, rows: ny, rowStride: nx, cols: nx, colStride: 1 }
    : axis === 1
      ? { count: ny, step: nx, rows: nz, rowStride: nx * ny, cols: nx, colStride: 1 }
      : { count: nx, step: 1, rows: ny, rowStride: nx, cols: nz, colStride: nx * ny };
  const src = image.data;
  // the result is written into the image's own array: its type decides the stored values
  const Ctor = src.constructor as new (n: number) => typeof src;
  const result = new Ctor(src.length);
  const slice = new Float64Array(layout.rows * layout.cols);
  for (let s = 0; s < layout.count; s++) {
    const base = s * layout.step;
    for (let r = 0; r < layout.rows; r++) {
      for (let c = 0; c < layout.cols; c++) slice[r * layout.cols + c] = src[base + r * layout.rowStride + c * layout.colStride];
    }
    const lbp = localBinaryPattern(slice, layout.rows, layout.cols, P, R, method);
    for (let r = 0; r < layout.rows; r++) {
      for (let c = 0; c < layout.cols; c++) result[base + r * layout.rowStride + c * layout.colStride] = lbp[r * layout.cols + c];
    }
  }
  const data = result instanceof Float32Array || result instanceof Float64Array ? result : Float64Array.from(result);
  yield { name: 'lbp-2D', image: { ...geometryOf(image), data }, ...(warnings.length ? { warnings } : {}) };
}
