/**
 * Discretisation of the ROI's grey values into bins, the step between the crop and the
 * texture classes (and firstorder's Entropy/Uniformity).
 *
 * API
 * - `binImage(roi, { binWidth?, binCount?, float32? })` -> BinnedRoi: PyRadiomics's
 *   imageoperations.getBinEdges + binImage, as base._applyBinning calls them.
 *   - binWidth W (default 25): edges are multiples of W counted from 0. The lowest edge is
 *     `min - (min mod W)` (floor-mod), edges step by W below `max + 2W` (numpy.arange),
 *     so for integer data bin = floor(x/W) - floor(min/W) + 1. A single edge (flat
 *     region) becomes [e - 0.5, e + 0.5].
 *   - binCount N (takes precedence when set): edges are numpy.histogram's
 *     `linspace(min, max, N + 1)` (min = max widens the range by +-0.5) with 1 added to
 *     the last edge, so the maximum lands in bin N.
 *   - A value's bin is the number of edges <= value (numpy.digitize, half-open bins).
 *   - `ng` is the highest bin present, `grayLevels` the bins present.
 *   - `float32`: set when the image PyRadiomics would see is float32 (SimpleITK's LoG
 *     output). numpy then builds the binCount edges in float32 (histogram picks the
 *     array's dtype); with binWidth numpy 1.x computes in float64 either way.
 * - `binImageIbsi(roi, { binWidth | binCount, lowerBound?, upperBound? })` -> BinnedRoi:
 *   IBSI's discretisation (IBSI 1 reference manual, section 2.7 "Intensity
 *   discretisation"), used by the engine's `ibsi` compatibility mode.
 *   - Fixed bin size w: bin = floor((x - Xmin)/w) + 1 with Xmin the lower bound of the
 *     re-segmentation range when one is set, else the ROI minimum. `ng` comes from the bin
 *     range, floor((Xmax - Xmin)/w) + 1, with Xmax the upper bound of the range when set,
 *     else the ROI maximum; levels between may be absent.
 *   - Fixed bin number N: bin = floor(N (x - min)/(max - min)) + 1, and N for x = max
 *     (1 for a flat ROI); `ng` = N.
 * - `getBinEdges(values, settings)` and `digitize(x, edges)` for callers that bin values
 *   outside a CroppedRoi (firstorder's histogram uses binImage's levels instead).
 *
 * Only ROI voxels (mask != 0) are binned; levels are 0 outside the ROI. NaN or infinite
 * ROI values are an error (PyRadiomics would bin them into meaningless bins).
 */
import type { BinnedRoi, CroppedRoi } from './types.ts';

export interface BinningSettings {
  /** PyRadiomics `binWidth`, default 25 */
  binWidth?: number;
  /** PyRadiomics `binCount`; when set (not null) it is used instead of binWidth */
  binCount?: number | null;
  /** the image PyRadiomics bins is float32 (e.g. LoG output): binCount edges are float32 */
  float32?: boolean;
}

export interface IbsiBinningSettings {
  /** fixed bin size w */
  binWidth?: number;
  /** fixed bin number N (used when set) */
  binCount?: number | null;
  /** lower bound of the re-segmentation range, if any: bins count from it */
  lowerBound?: number | null;
  /** upper bound of the re-segmentation range, if any: Ng counts up to it */
  upperBound?: number | null;
}

const DEFAULT_BIN_WIDTH = 25;

/** numpy.digitize(x, edges) for increasing edges: the number of edges <= x. */
export function digitize(x: number, edges: ArrayLike<number>): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Python/numpy float `%`: the remainder takes the sign of the divisor. */
function floorMod(a: number, b: number): number {
  let m = a % b;
  if (m !== 0 && b < 0 !== m < 0) m += b;
  return m;
}

/** numpy.arange(start, stop, step) for float64 (PyArray_ArangeObj + DOUBLE_fill). */
function arange(start: number, stop: number, step: number): Float64Array {
  const len = Math.ceil((stop - start) / step);
  if (!(len > 0)) return new Float64Array(0);
  const out = new Float64Array(len);
  out[0] = start;
  if (len > 1) {
    const delta = start + step - start; // numpy fills start + i * (buffer[1] - buffer[0])
    for (let i = 1; i < len; i++) out[i] = start + i * delta;
  }
  return out;
}

/** numpy.linspace(start, stop, num) in float64, as numpy 1.x computes it. */
function linspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num);
  const div = num - 1;
  const delta = stop - start;
  const step = delta / div;
  for (let k = 0; k < num; k++) out[k] = step === 0 ? (k / div) * delta + start : k * step + start;
  if (num > 1) out[num - 1] = stop;
  return out;
}

function checkBinWidth(w: unknown): number {
  if (typeof w !== 'number' || !Number.isFinite(w) || w <= 0) throw new Error(`setting binWidth: must be a positive number, got ${String(w)}`);
  return w;
}

function checkBinCount(n: unknown): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw new Error(`setting binCount: must be a positive integer, got ${String(n)}`);
  return n;
}

/** Minimum and maximum of the values (all must be finite). */
function range(values: ArrayLike<number>, what: string): [number, number] {
  if (values.length === 0) throw new Error(`discretize: ${what} has no voxels`);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) throw new Error(`discretize: ${what} contains a ${Number.isNaN(v) ? 'NaN' : 'non-finite'} value`);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return [min, max];
}

/**
 * PyRadiomics's imageoperations.getBinEdges for the ROI values (any order).
 * Returns the edges (numpy.digitize semantics).
 */
export function getBinEdges(values: ArrayLike<number>, settings: BinningSettings = {}): Float64Array {
  const [min, max] = range(values, 'the ROI');
  return binEdgesFor(min, max, settings);
}

function binEdgesFor(min: number, max: number, settings: BinningSettings): Float64Array {
  if (settings.binCount !== undefined && settings.binCount !== null) {
    const n = checkBinCount(settings.binCount);
    // numpy.histogram(values, n)[1]: a flat range is widened by 0.5 on each side.
    let first = min;
    let last = max;
    if (first === last) {
      first -= 0.5;
      last += 0.5;
    }
    const edges = linspace(first, last, n + 1);
    if (settings.float32) {
      for (let k = 0; k < edges.length; k++) edges[k] = Math.fround(edges[k]);
      edges[n] = Math.fround(edges[n] + 1);
    } else {
      edges[n] += 1; // PyRadiomics: the maximum goes into the top bin under numpy.digitize
    }
    return edges;
  }
  const w = checkBinWidth(settings.binWidth ?? DEFAULT_BIN_WIDTH);
  // Bins are anchored at 0: the lowest edge is the multiple of w at or below the minimum.
  const low = min - floorMod(min, w);
  const edges = arange(low, max + 2 * w, w);
  if (edges.length === 1) return Float64Array.of(edges[0] - 0.5, edges[0] + 0.5); // flat region: one bin
  return edges;
}

/** Fills levels / ng / grayLevels from a per-voxel bin function. */
function finish(roi: CroppedRoi, levels: Int32Array, ng: number, edges: Float64Array): BinnedRoi {
  let maxLevel = 0;
  for (let i = 0; i < levels.length; i++) if (levels[i] > maxLevel) maxLevel = levels[i];
  const present = new Uint8Array(maxLevel + 1);
  for (let i = 0; i < levels.length; i++) if (roi.mask[i]) present[levels[i]] = 1;
  let count = 0;
  for (let g = 1; g <= maxLevel; g++) count += present[g];
  const grayLevels = new Int32Array(count);
  for (let g = 1, k = 0; g <= maxLevel; g++) if (present[g]) grayLevels[k++] = g;
  return { ...roi, levels, ng: ng > 0 ? ng : maxLevel, grayLevels, binEdges: edges };
}

function roiValues(roi: CroppedRoi): Float64Array {
  const { image, mask } = roi;
  if (image.length !== mask.length) throw new Error(`discretize: image (${image.length} voxels) and mask (${mask.length}) differ in size`);
  let n = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i]) n++;
  const values = new Float64Array(n);
  for (let i = 0, k = 0; i < mask.length; i++) if (mask[i]) values[k++] = image[i];
  return values;
}

/** PyRadiomics's binImage on the ROI of a crop (base._applyBinning). */
export function binImage(roi: CroppedRoi, settings: BinningSettings = {}): BinnedRoi {
  const [min, max] = range(roiValues(roi), 'the ROI');
  const edges = binEdgesFor(min, max, settings);
  const { image, mask } = roi;
  const levels = new Int32Array(mask.length);
  const e0 = edges[0];
  const nE = edges.length;
  const width = nE > 1 ? edges[1] - edges[0] : 1;
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    const x = image[i];
    // Guess from the (nearly) uniform spacing, then settle on numpy.digitize's answer.
    let k = Math.floor((x - e0) / width) + 1;
    if (k < 0) k = 0;
    else if (k > nE) k = nE;
    while (k < nE && edges[k] <= x) k++;
    while (k > 0 && edges[k - 1] > x) k--;
    levels[i] = k;
  }
  return finish(roi, levels, 0, edges);
}

/** IBSI's fixed-bin-size / fixed-bin-number discretisation (the engine's `ibsi` mode). */
export function binImageIbsi(roi: CroppedRoi, settings: IbsiBinningSettings): BinnedRoi {
  const [min, max] = range(roiValues(roi), 'the ROI');
  const { image, mask } = roi;
  const levels = new Int32Array(mask.length);
  if (settings.binCount !== undefined && settings.binCount !== null) {
    const n = checkBinCount(settings.binCount);
    const span = max - min;
    for (let i = 0; i < mask.length; i++) {
      if (!mask[i]) continue;
      const x = image[i];
      levels[i] = span === 0 ? 1 : x === max ? n : Math.min(n, Math.floor((n * (x - min)) / span) + 1); // min: rounding just below max
    }
    const edges = span === 0 ? Float64Array.of(min - 0.5, min + 0.5) : linspace(min, max, n + 1);
    return finish(roi, levels, n, edges);
  }
  if (settings.binWidth === undefined) throw new Error('ibsi discretisation: set binWidth or binCount');
  const w = checkBinWidth(settings.binWidth);
  const lower = settings.lowerBound ?? min;
  const upper = settings.upperBound ?? max;
  if (!Number.isFinite(lower) || min < lower) throw new Error(`ibsi discretisation: ROI minimum ${min} is below the lower bound ${lower}`);
  if (!Number.isFinite(upper) || max > upper) throw new Error(`ibsi discretisation: ROI maximum ${max} is above the upper bound ${upper}`);
  for (let i = 0; i < mask.length; i++) if (mask[i]) levels[i] = Math.floor((image[i] - lower) / w) + 1;
  const ng = Math.floor((upper - lower) / w) + 1;
  const edges = new Float64Array(ng + 1);
  for (let k = 0; k <= ng; k++) edges[k] = lower + k * w;
  return finish(roi, levels, ng, edges);
}
