/**
 * Resampling with ITK's ResampleImageFilter semantics (the filter SimpleITK, and so
 * PyRadiomics's imageoperations.resampleImage, runs), identity transform:
 *
 * - Output voxel -> input continuous index as ITK 5's LinearThreadedGenerateData does it:
 *   per output scan line, the continuous indices `start` of its first voxel and `end` of
 *   one past its last voxel, then `start + a * (end - start)` with a = i / nx. (ITK 4
 *   accumulated a per-voxel delta instead; the last bits of float outputs differ, and the
 *   pyradiomics-full references, made with ITK 5.2.1, agree with this form.)
 * - Inside test: continuous index in [-0.5, n - 0.5) on every axis, else 0 (the default
 *   pixel value).
 * - Interpolators: nearest neighbour (round half up), linear
 *   (LinearInterpolateImageFunction::EvaluateOptimized), cubic B-spline
 *   (BSplineDecompositionImageFilter prefilter, bspline-decomposition.ts, computed only on
 *   the block of coefficients the output samples read, with the whole-volume filter's
 *   values; BSplineInterpolateImageFunction weights, support from floor((float) x) - 1,
 *   mirrored indices, the 64 terms summed x fastest).
 * - The result is cast to the input's pixel type with ITK's bounds check: clamp to the
 *   type's range, then truncate toward zero (static_cast). This is why resampled int16
 *   images hold integers.
 *
 * Then `resampleForPyRadiomics` is PyRadiomics's resampleImage: the new grid covers the
 * ROI's bounding box plus padDistance voxels of the new spacing, aligned to the mask's
 * origin corner. It can take the whole-image normalization PyRadiomics applies before
 * resampling and apply it line by line (same operations, same values) instead of
 * materialising a normalized copy of the whole image. `range` ([min, max] of the image,
 * when the caller has it) saves the pass that bounds the values for the B-spline prefilter.
 */
import type { Geometry, Mat3, Vec3, Volume, VoxelArray } from '../io/volume.ts';
import type { InterpolatorName } from './settings.ts';
import { MaskError, roiBoundingBox, wholeBlock, type BoundingBox, type RoiBlock } from './mask.ts';
import { cropArray, cropGeometry, cropVolume } from './crop.ts';
import { applyNormalization, normalizeImage, type Normalization } from './normalize.ts';
import { indexToPhysicalMatrix, itkContinuousIndexToPhysical, itkPhysicalToContinuousIndex, physicalToIndexMatrix } from './itk-geometry.ts';
import { bsplineCoefficientBlock } from './bspline-decomposition.ts';

export type InterpolationKind = 'nearest' | 'linear' | 'bspline';

export function interpolationKind(name: InterpolatorName): InterpolationKind {
  switch (name) {
    case 'sitkNearestNeighbor':
      return 'nearest';
    case 'sitkLinear':
      return 'linear';
    case 'sitkBSpline':
      return 'bspline';
    default:
      throw new Error(`interpolator '${name}' is not supported (supported: sitkNearestNeighbor, sitkLinear, sitkBSpline)`);
  }
}

/**
 * The input continuous indices ITK computes for the output lines (j, k): cx, cy, cz[0 .. nx).
 * The operations of itkIndexToPhysical and itkPhysicalToContinuousIndex, with the two
 * grids' matrices computed once.
 */
class LineIndices {
  private readonly toPhysical: Float64Array;
  private readonly toIndex: Float64Array;
  /** the output's origin and the input's (plain numbers: the geometry objects come in several shapes) */
  private readonly o: Float64Array;
  private readonly io: Float64Array;
  private readonly nx: number;
  private readonly s = new Float64Array(3);
  private readonly e = new Float64Array(3);

  constructor(input: Geometry, out: Geometry) {
    this.toPhysical = Float64Array.from(indexToPhysicalMatrix(out));
    this.toIndex = Float64Array.from(physicalToIndexMatrix(input));
    this.o = Float64Array.from(out.origin);
    this.io = Float64Array.from(input.origin);
    this.nx = out.size[0];
  }

  /** Continuous index in the input of output index (i, j, k), into c. */
  private map(i: number, j: number, k: number, c: Float64Array): void {
    const { toPhysical: m, o, io, toIndex: t } = this;
    // ImageBase::TransformIndexToPhysicalPoint: origin first, then each term; minus the input's origin
    const c0 = o[0] + m[0] * i + m[1] * j + m[2] * k - io[0];
    const c1 = o[1] + m[3] * i + m[4] * j + m[5] * k - io[1];
    const c2 = o[2] + m[6] * i + m[7] * j + m[8] * k - io[2];
    for (let r = 0; r < 3; r++) {
      let sum = 0;
      sum += t[3 * r] * c0;
      sum += t[3 * r + 1] * c1;
      sum += t[3 * r + 2] * c2;
      c[r] = sum;
    }
  }

  line(j: number, k: number, cx: Float64Array, cy: Float64Array, cz: Float64Array): void {
    const { nx, s, e } = this;
    this.map(0, j, k, s);
    this.map(nx, j, k, e);
    const v0 = e[0] - s[0];
    const v1 = e[1] - s[1];
    const v2 = e[2] - s[2];
    for (let i = 0; i < nx; i++) {
      const a = i / nx;
      cx[i] = s[0] + a * v0;
      cy[i] = s[1] + a * v1;
      cz[i] = s[2] + a * v2;
    }
  }
}

type ArrayCtor = { new (n: number): VoxelArray };

/** The pixel type's range for ITK's CastPixelWithBoundsChecking (clamp, then C-cast); null for floats. */
function integerRange(data: VoxelArray): [number, number] | null {
  if (data instanceof Float64Array || data instanceof Float32Array) return null; // assignment rounds as static_cast does
  if (data instanceof Int8Array) return [-128, 127];
  if (data instanceof Uint8Array) return [0, 255];
  if (data instanceof Int16Array) return [-32768, 32767];
  if (data instanceof Uint16Array) return [0, 65535];
  if (data instanceof Int32Array) return [-2147483648, 2147483647];
  return [0, 4294967295];
}

// ---------------------------------------------------------------- cubic B-spline

/** Mirror an index into [0, n) as BSplineInterpolateImageFunction::ApplyMirrorBoundaryConditions. */
function mirror(i: number, n: number): number {
  if (n === 1) return 0;
  if (i < 0) i = -i;
  if (i >= n) i = 2 * (n - 1) - i;
  return i;
}

function bsplineSupportStart(x: number): number {
  // DetermineRegionOfSupport (order 3): floor of the index as a float, minus 1
  return Math.floor(Math.fround(x)) - 1;
}

function bsplineWeights(x: number, start: number, w: Float64Array, off: number): void {
  const t = x - (start + 1);
  const w3 = (1.0 / 6.0) * t * t * t;
  const w0 = 1.0 / 6.0 + 0.5 * t * (t - 1.0) - w3;
  const w2 = t + w0 - 2.0 * w3;
  const w1 = 1.0 - w0 - w2 - w3;
  w[off] = w0;
  w[off + 1] = w1;
  w[off + 2] = w2;
  w[off + 3] = w3;
}

// ---------------------------------------------------------------- resampling

function isInside(cx: number, cy: number, cz: number, size: Vec3): boolean {
  return cx >= -0.5 && cx < size[0] - 0.5 && cy >= -0.5 && cy < size[1] - 0.5 && cz >= -0.5 && cz < size[2] - 0.5;
}

/**
 * A bound on |voxel| over the whole volume after the normalization, from the voxels' range
 * [min, max] (computed here when not given); null when some voxel is NaN or infinite.
 * The normalization's operations are monotone in the voxel value, so the extremes map to
 * the extremes.
 */
function mappedBound(data: VoxelArray, range: readonly [number, number] | undefined, m: Normalization | null): number | null {
  let [min, max] = range ?? [Infinity, -Infinity];
  if (!range) {
    let nan = false;
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (v < min) min = v;
      if (v > max) max = v;
      if (v !== v) nan = true;
    }
    if (nan) return null;
  }
  if (!Number.isFinite(min) || !Number.isFinite(max)) return null;
  if (m) {
    const ends = Float64Array.of(min, max);
    applyNormalization(ends, 2, m);
    [min, max] = ends;
  }
  const bound = Math.max(Math.abs(min), Math.abs(max));
  return Number.isFinite(bound) ? bound : null;
}

/**
 * ITK ResampleImageFilter of `input` onto grid `out` (identity transform), output of the
 * input's pixel type (float64 when `normalization` is applied on the way). Voxels that map
 * outside the input get 0. `range`, the input's [min, max] if the caller knows it, saves a
 * pass over the input.
 */
export function resampleVolume(
  input: Volume,
  out: Geometry,
  kind: InterpolationKind,
  normalization: Normalization | null = null,
  range?: readonly [number, number],
): Volume {
  if (normalization && kind !== 'bspline') return resampleVolume(normalizeImage(input, normalization), out, kind);
  const [onx, ony, onz] = out.size;
  const data = normalization ? new Float64Array(onx * ony * onz) : new (input.data.constructor as ArrayCtor)(onx * ony * onz);
  if (kind === 'bspline') {
    const values = bsplineResample(input, out, normalization, range);
    if (values) castInto(values, data);
    return { ...copyGeometry(out), data };
  }
  directResample(input.data, [...input.size] as Vec3, new LineIndices(input, out), [...out.size] as Vec3, kind === 'nearest', data);
  return { ...copyGeometry(out), data };
}

/**
 * Nearest-neighbour or linear resampling into `data` (the output's pixel type: integers
 * clamped, then truncated). Takes plain arrays, so that its loops see one shape of
 * arguments whatever volume objects the callers have.
 */
function directResample(src: VoxelArray, insize: Vec3, lines: LineIndices, outsize: Vec3, nearest: boolean, data: VoxelArray): void {
  const [inx, iny] = insize;
  const [onx, ony, onz] = outsize;
  const cx = new Float64Array(onx);
  const cy = new Float64Array(onx);
  const cz = new Float64Array(onx);
  const intRange = integerRange(data);
  let o = 0;
  for (let k = 0; k < onz; k++)
    for (let j = 0; j < ony; j++) {
      lines.line(j, k, cx, cy, cz);
      for (let i = 0; i < onx; i++, o++) {
        const x = cx[i];
        const y = cy[i];
        const z = cz[i];
        if (!isInside(x, y, z, insize)) continue; // default pixel value 0
        const v = nearest ? src[Math.floor(x + 0.5) + inx * (Math.floor(y + 0.5) + iny * Math.floor(z + 0.5))] : linearAt(src, insize, x, y, z);
        data[o] = intRange ? (v < intRange[0] ? intRange[0] : v > intRange[1] ? intRange[1] : Math.trunc(v)) : v;
      }
    }
}

/** The double results into the output's pixel type: integers clamped, then truncated (ITK's cast). */
function castInto(values: Float64Array, data: VoxelArray): void {
  const intRange = integerRange(data);
  if (!intRange) {
    data.set(values); // float32 rounds to nearest, as static_cast<float>
    return;
  }
  const [lo, hi] = intRange;
  for (let o = 0; o < values.length; o++) {
    const v = values[o];
    data[o] = v < lo ? lo : v > hi ? hi : Math.trunc(v);
  }
}

/**
 * BSplineInterpolateImageFunction::EvaluateAtContinuousIndexInternal for one or two voxels
 * at a time: the 64 terms c(ix, iy, iz) ((1 * wx) * wy) * wz added in the order iz, iy, ix,
 * with wx wy (the exact value of (1 * wx) * wy) and the in-plane index computed once per
 * (iy, ix). `c` is the coefficient block starting at `lo`, rows of `bx`, planes of `plane`.
 */
class VoxelTerms {
  private readonly w = new Float64Array(12);
  /** per slot: 16 (iy, ix) weights and indices, 4 z weights and plane offsets */
  private readonly wxy = new Float64Array(32);
  private readonly ixy = new Int32Array(32);
  private readonly wz = new Float64Array(8);
  private readonly zo = new Int32Array(8);
  private readonly ix = new Int32Array(4);
  private readonly iy = new Int32Array(4);

  constructor(
    private readonly size: Vec3,
    private readonly lo: Vec3,
    private readonly bx: number,
    private readonly plane: number,
  ) {}

  /** Slot `slot` for the voxel at continuous index (cx[i], cy[i], cz[i]) (arrays, not doubles: no boxing per call). */
  set(slot: number, cx: Float64Array, cy: Float64Array, cz: Float64Array, i: number): void {
    const { w, wxy, ixy, wz, zo, ix, iy, size, lo } = this;
    const x = cx[i];
    const y = cy[i];
    const z = cz[i];
    const sx = bsplineSupportStart(x);
    const sy = bsplineSupportStart(y);
    const sz = bsplineSupportStart(z);
    bsplineWeights(x, sx, w, 0);
    bsplineWeights(y, sy, w, 4);
    bsplineWeights(z, sz, w, 8);
    for (let t = 0; t < 4; t++) {
      ix[t] = mirror(sx + t, size[0]) - lo[0];
      iy[t] = this.bx * (mirror(sy + t, size[1]) - lo[1]);
      wz[4 * slot + t] = w[8 + t];
      zo[4 * slot + t] = this.plane * (mirror(sz + t, size[2]) - lo[2]);
    }
    const s = 16 * slot;
    for (let ky = 0; ky < 4; ky++)
      for (let kx = 0; kx < 4; kx++) {
        wxy[s + 4 * ky + kx] = w[kx] * w[4 + ky];
        ixy[s + 4 * ky + kx] = ix[kx] + iy[ky];
      }
  }

  evaluate(c: Float64Array, slot: number): number {
    const { wxy, ixy, wz, zo } = this;
    const s = 16 * slot;
    let v = 0.0;
    for (let kz = 0; kz < 4; kz++) {
      const z = wz[4 * slot + kz];
      const off = zo[4 * slot + kz];
      for (let q = 0; q < 16; q++) v += wxy[s + q] * z * c[ixy[s + q] + off];
    }
    return v;
  }

  /** slots 0 and 1 into out[o0] and out[o1] */
  evaluate2(c: Float64Array, out: Float64Array, o0: number, o1: number): void {
    const { wxy, ixy, wz, zo } = this;
    let v0 = 0.0;
    let v1 = 0.0;
    for (let kz = 0; kz < 4; kz++) {
      const z0 = wz[kz];
      const z1 = wz[4 + kz];
      const f0 = zo[kz];
      const f1 = zo[4 + kz];
      for (let q = 0; q < 16; q++) {
        v0 += wxy[q] * z0 * c[ixy[q] + f0];
        v1 += wxy[16 + q] * z1 * c[ixy[16 + q] + f1];
      }
    }
    out[o0] = v0;
    out[o1] = v1;
  }
}

/**
 * Cubic B-spline samples of `input` (normalized on the way) on grid `out`, in double; 0
 * outside the input; null when no sample falls inside it.
 */
function bsplineResample(input: Volume, out: Geometry, normalization: Normalization | null, range?: readonly [number, number]): Float64Array | null {
  const [onx, ony, onz] = out.size;
  const [inx, iny, inz] = input.size;
  const cx = new Float64Array(onx);
  const cy = new Float64Array(onx);
  const cz = new Float64Array(onx);
  const lines = new LineIndices(input, out);
  const insize = input.size;
  // First pass: the block of coefficients the samples read.
  const blo: Vec3 = [inx, iny, inz];
  const bhi: Vec3 = [-1, -1, -1];
  for (let k = 0; k < onz; k++)
    for (let j = 0; j < ony; j++) {
      lines.line(j, k, cx, cy, cz);
      for (let i = 0; i < onx; i++) {
        if (!isInside(cx[i], cy[i], cz[i], insize)) continue;
        const sx = bsplineSupportStart(cx[i]);
        const sy = bsplineSupportStart(cy[i]);
        const sz = bsplineSupportStart(cz[i]);
        for (let t = 0; t < 4; t++) {
          const mx = mirror(sx + t, inx);
          const my = mirror(sy + t, iny);
          const mz = mirror(sz + t, inz);
          if (mx < blo[0]) blo[0] = mx;
          if (mx > bhi[0]) bhi[0] = mx;
          if (my < blo[1]) blo[1] = my;
          if (my > bhi[1]) bhi[1] = my;
          if (mz < blo[2]) blo[2] = mz;
          if (mz > bhi[2]) bhi[2] = mz;
        }
      }
    }
  if (bhi[0] < 0) return null;
  const c = bsplineCoefficientBlock(input.data, input.size, blo, bhi, normalization, mappedBound(input.data, range, normalization));
  const bx = bhi[0] - blo[0] + 1;
  const plane = bx * (bhi[1] - blo[1] + 1);
  const values = new Float64Array(onx * ony * onz);
  // the block's planes are at their own z (bsplineCoefficientBlock)
  const terms = new VoxelTerms(input.size, [blo[0], blo[1], 0], bx, plane);
  const inside = new Int32Array(onx);
  let o = 0;
  for (let k = 0; k < onz; k++)
    for (let j = 0; j < ony; j++, o += onx) {
      lines.line(j, k, cx, cy, cz);
      let n = 0;
      for (let i = 0; i < onx; i++) if (isInside(cx[i], cy[i], cz[i], insize)) inside[n++] = i; // others: default pixel value 0
      // two voxels at a time: their two sums are independent, so they run side by side
      let q = 0;
      for (; q + 1 < n; q += 2) {
        const a = inside[q];
        const b = inside[q + 1];
        terms.set(0, cx, cy, cz, a);
        terms.set(1, cx, cy, cz, b);
        terms.evaluate2(c, values, o + a, o + b);
      }
      if (q < n) {
        const a = inside[q];
        terms.set(0, cx, cy, cz, a);
        values[o + a] = terms.evaluate(c, 0);
      }
    }
  return values;
}

/** LinearInterpolateImageFunction (3-D EvaluateOptimized), in double. */
function linearAt(src: VoxelArray, size: Vec3, cx: number, cy: number, cz: number): number {
  const [nx, ny, nz] = size;
  let x0 = Math.floor(cx);
  let y0 = Math.floor(cy);
  let z0 = Math.floor(cz);
  if (x0 < 0) x0 = 0;
  if (y0 < 0) y0 = 0;
  if (z0 < 0) z0 = 0;
  // A distance <= 0 (on a voxel, or clamped below the start) means no interpolation along
  // that axis; a neighbour past the end is the voxel itself. Both reproduce ITK's branches.
  const d0 = cx - x0 > 0 ? cx - x0 : 0;
  const d1 = cy - y0 > 0 ? cy - y0 : 0;
  const d2 = cz - z0 > 0 ? cz - z0 : 0;
  const x1 = x0 + 1 < nx ? x0 + 1 : x0;
  const y1 = y0 + 1 < ny ? y0 + 1 : y0;
  const z1 = z0 + 1 < nz ? z0 + 1 : z0;
  const at = (x: number, y: number, z: number) => src[x + nx * (y + ny * z)];
  const v000 = at(x0, y0, z0);
  if (d0 === 0 && d1 === 0 && d2 === 0) return v000;
  const lerp = (a: number, b: number, t: number) => (t === 0 ? a : a + (b - a) * t);
  const vx00 = lerp(v000, at(x1, y0, z0), d0);
  const vx10 = d1 === 0 ? 0 : lerp(at(x0, y1, z0), at(x1, y1, z0), d0);
  const vxx0 = lerp(vx00, vx10, d1);
  if (d2 === 0) return vxx0;
  const vx01 = lerp(at(x0, y0, z1), at(x1, y0, z1), d0);
  const vx11 = d1 === 0 ? 0 : lerp(at(x0, y1, z1), at(x1, y1, z1), d0);
  const vxx1 = lerp(vx01, vx11, d1);
  return lerp(vxx0, vxx1, d2);
}

/**
 * Nearest-neighbour resampling of an ROI (0/1) onto another grid; the ROI may be given on a
 * block of its grid (RoiBlock; the voxels are mapped in the whole grid's index space, as
 * for a whole-grid array, and read from the block: 0 outside it).
 */
export function resampleRoi(roi: Uint8Array | RoiBlock, input: Geometry, out: Geometry): Uint8Array {
  const block = roi instanceof Uint8Array ? wholeBlock(roi, input.size) : roi;
  const [onx, ony, onz] = out.size;
  const data = new Uint8Array(onx * ony * onz);
  nearestFromBlock(block, [...input.size] as Vec3, new LineIndices(input, out), [...out.size] as Vec3, data);
  return data;
}

function nearestFromBlock(block: RoiBlock, insize: Vec3, lines: LineIndices, outsize: Vec3, data: Uint8Array): void {
  const [onx, ony, onz] = outsize;
  const [x0, y0, z0] = block.lo;
  const [bx, by, bz] = block.size;
  const src = block.data;
  const cx = new Float64Array(onx);
  const cy = new Float64Array(onx);
  const cz = new Float64Array(onx);
  let o = 0;
  for (let k = 0; k < onz; k++)
    for (let j = 0; j < ony; j++) {
      lines.line(j, k, cx, cy, cz);
      for (let i = 0; i < onx; i++, o++) {
        if (!isInside(cx[i], cy[i], cz[i], insize)) continue; // default pixel value 0
        const x = Math.floor(cx[i] + 0.5) - x0;
        const y = Math.floor(cy[i] + 0.5) - y0;
        const z = Math.floor(cz[i] + 0.5) - z0;
        if (x >= 0 && x < bx && y >= 0 && y < by && z >= 0 && z < bz) data[o] = src[x + bx * (y + by * z)];
      }
    }
}

function copyGeometry(g: Geometry): Geometry {
  return { size: [...g.size] as Vec3, spacing: [...g.spacing] as Vec3, origin: [...g.origin] as Vec3, direction: [...g.direction] as Mat3 };
}

/**
 * PyRadiomics's _checkROI: the ROI's bounding box (voxel corners, in mask index space)
 * must lie inside the image's physical extent, within 1e-3 of a voxel. Returns the box.
 */
export function checkRoiInsideImage(roi: Uint8Array | RoiBlock, mask: Geometry, image: Geometry, source = 'mask', box?: BoundingBox): BoundingBox {
  const bb = box ?? (roi instanceof Uint8Array ? roiBoundingBox(roi, mask.size) : roiBoundingBox(roi.data, roi.size, roi.lo));
  if (!bb) throw new MaskError(`${source}: the label is not present in the mask`);
  const lo = itkPhysicalToContinuousIndex(image, itkContinuousIndexToPhysical(mask, [bb.lo[0] - 0.5, bb.lo[1] - 0.5, bb.lo[2] - 0.5]));
  const hi = itkPhysicalToContinuousIndex(image, itkContinuousIndexToPhysical(mask, [bb.hi[0] + 0.5, bb.hi[1] + 0.5, bb.hi[2] + 0.5]));
  const tol = 1e-3;
  for (let a = 0; a < 3; a++) {
    const mn = Math.min(lo[a], hi[a]);
    const mx = Math.max(lo[a], hi[a]);
    if (mn < -0.5 - tol || mx > image.size[a] - 0.5 + tol)
      throw new MaskError(
        `${source}: the ROI's bounding box lies (partly) outside the image (ROI in image index space ${lo
          .map((v) => v.toFixed(2))
          .join(', ')} to ${hi.map((v) => v.toFixed(2)).join(', ')}; image size ${image.size.join(' x ')})`,
      );
  }
  return bb;
}

/** numpy.allclose(a, b) with rtol 1e-5, atol 1e-8. */
function allClose(a: readonly number[], b: readonly number[]): boolean {
  return a.every((x, i) => Math.abs(x - b[i]) <= 1e-8 + 1e-5 * Math.abs(b[i]));
}

export interface ResampledCase {
  image: Volume;
  roi: Uint8Array;
  /** the grid of both (image and ROI share it after resampling) */
  geometry: Geometry;
}

/**
 * PyRadiomics's resampleImage: image and ROI onto the new spacing, on a grid that covers
 * the ROI's bounding box plus `padDistance` new voxels, clamped to the image extent.
 * A spacing of 0 keeps the mask's; an axis where the ROI is one voxel thick keeps the
 * mask's spacing. When the new spacing equals the image's (numpy allclose), only the mask
 * is resampled onto the image grid and both are cropped to the box plus padDistance.
 */
export function resampleForPyRadiomics(
  image: Volume,
  roi: Uint8Array | RoiBlock,
  maskGeometry: Geometry,
  s: { resampledPixelSpacing: number[]; interpolator: InterpolatorName; padDistance: number },
  normalization: Normalization | null = null,
  box?: BoundingBox,
  range?: readonly [number, number],
): ResampledCase {
  const maskSpacing = maskGeometry.spacing;
  let spacing = s.resampledPixelSpacing.map((v, i) => (v === 0 ? maskSpacing[i] : v));
  const bb = checkRoiInsideImage(roi, maskGeometry, image, 'mask', box);
  const bbSize = [0, 1, 2].map((a) => bb.hi[a] - bb.lo[a] + 1);
  spacing = spacing.map((v, i) => (bbSize[i] !== 1 ? v : maskSpacing[i]));

  if (allClose(image.spacing, spacing)) {
    const onImage = resampleRoi(roi, maskGeometry, image);
    const nb = roiBoundingBox(onImage, image.size);
    if (!nb) throw new MaskError('mask: the label is lost when the mask is put on the image grid');
    const lo = nb.lo.map((v) => Math.max(v - s.padDistance, 0)) as Vec3;
    const hi = nb.hi.map((v, a) => Math.min(v + s.padDistance, image.size[a] - 1)) as Vec3;
    const grid = cropGeometry(image, lo, hi);
    const crop = cropVolume(image, lo, hi);
    return { image: normalization ? normalizeImage(crop, normalization) : crop, roi: cropArray(onImage, image.size, lo, hi), geometry: grid };
  }

  const ratio = [0, 1, 2].map((a) => maskSpacing[a] / spacing[a]);
  const newLo = [0, 1, 2].map((a) => {
    const v = Math.floor((bb.lo[a] - 0.5) * ratio[a] - s.padDistance);
    return v < 0 ? 0 : v;
  });
  const newHi = [0, 1, 2].map((a) => {
    const v = Math.ceil((bb.lo[a] + bbSize[a] - 0.5) * ratio[a] + s.padDistance);
    const maxU = Math.ceil(maskGeometry.size[a] * ratio[a]) - 1;
    return v > maxU ? maxU : v;
  });
  const size = [0, 1, 2].map((a) => newHi[a] - newLo[a] + 1) as Vec3;
  if (size.some((v) => v < 1)) throw new MaskError('mask: the resampled grid is empty');
  const originIndex = [0, 1, 2].map((a) => (0.5 * (spacing[a] - maskSpacing[a])) / maskSpacing[a] + newLo[a] / ratio[a]);
  const grid: Geometry = {
    size,
    spacing: spacing as Vec3,
    origin: itkContinuousIndexToPhysical(maskGeometry, originIndex),
    direction: [...maskGeometry.direction] as Mat3,
  };
  const resampledImage = resampleVolume(image, grid, interpolationKind(s.interpolator), normalization, range);
  const resampledRoi = resampleRoi(roi, maskGeometry, grid);
  return { image: resampledImage, roi: resampledRoi, geometry: grid };
}
