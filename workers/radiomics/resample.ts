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
 *   (BSplineDecompositionImageFilter prefilter, pole sqrt(3) - 2, gain 6, mirror
 *   boundaries, truncated causal initialisation with tolerance 1e-10;
 *   BSplineInterpolateImageFunction weights, support from floor((float) x) - 1, mirrored
 *   indices, the 64 terms summed x fastest).
 * - The result is cast to the input's pixel type with ITK's bounds check: clamp to the
 *   type's range, then truncate toward zero (static_cast). This is why resampled int16
 *   images hold integers.
 *
 * Then `resampleForPyRadiomics` is PyRadiomics's resampleImage: the new grid covers the
 * ROI's bounding box plus padDistance voxels of the new spacing, aligned to the mask's
 * origin corner. It can take the whole-image normalization PyRadiomics applies before
 * resampling and apply it line by line (same operations, same values) instead of
 * materialising a normalized copy of the whole image.
 */
import type { Geometry, Mat3, Vec3, Volume, VoxelArray } from '../io/volume.ts';
import type { InterpolatorName } from './settings.ts';
import { MaskError, roiBoundingBox, type BoundingBox } from './mask.ts';
import { cropArray, cropGeometry, cropVolume } from './crop.ts';
import { applyNormalization, normalizeImage, type Normalization } from './normalize.ts';
import { itkContinuousIndexToPhysical, itkIndexToPhysical, itkPhysicalToContinuousIndex } from './itk-geometry.ts';

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
 * The input continuous indices ITK computes for output line (j, k): cx, cy, cz[0 .. nx).
 */
function lineIndices(input: Geometry, out: Geometry, j: number, k: number, cx: Float64Array, cy: Float64Array, cz: Float64Array): void {
  const nx = out.size[0];
  const s = itkPhysicalToContinuousIndex(input, itkIndexToPhysical(out, 0, j, k));
  const e = itkPhysicalToContinuousIndex(input, itkIndexToPhysical(out, nx, j, k));
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

const POLE = Math.sqrt(3.0) - 2.0;
const TOLERANCE = 1e-10;

const GAIN = (1.0 - POLE) * (1.0 - 1.0 / POLE); // c0 = 1.0 * (1 - z) * (1 - 1/z), evaluated left to right
const HORIZON = Math.ceil(Math.log(TOLERANCE) / Math.log(Math.abs(POLE)));

/**
 * One line of BSplineDecompositionImageFilter::DataToCoefficients1D (order 3), in place on
 * s[0..n). The gain is applied to the samples the causal initialisation reads first, and
 * to the rest inside the causal recursion: the same two roundings per sample as ITK's
 * separate gain loop.
 */
function dataToCoefficients1D(s: Float64Array, n: number): void {
  if (n === 1) return;
  const z = POLE;
  const c0 = GAIN;
  // causal initialisation (mirror boundaries)
  let zn = z;
  if (HORIZON < n) {
    for (let i = 0; i < HORIZON; i++) s[i] *= c0;
    let sum = s[0];
    for (let i = 1; i < HORIZON; i++) {
      sum += zn * s[i];
      zn *= z;
    }
    s[0] = sum;
    for (let i = 1; i < HORIZON; i++) s[i] += z * s[i - 1];
    for (let i = HORIZON; i < n; i++) s[i] = s[i] * c0 + z * s[i - 1];
  } else {
    for (let i = 0; i < n; i++) s[i] *= c0;
    const iz = 1.0 / z;
    let z2n = Math.pow(z, n - 1);
    let sum = s[0] + z2n * s[n - 1];
    z2n *= z2n * iz;
    for (let i = 1; i <= n - 2; i++) {
      sum += (zn + z2n) * s[i];
      zn *= z;
      z2n *= iz;
    }
    s[0] = sum / (1.0 - zn * zn);
    for (let i = 1; i < n; i++) s[i] += z * s[i - 1];
  }
  s[n - 1] = (z / (z * z - 1.0)) * (z * s[n - 2] + s[n - 1]);
  for (let i = n - 2; i >= 0; i--) s[i] = z * (s[i + 1] - s[i]);
}

/**
 * dataToCoefficients1D on 4 lines at once, interleaved (s[4 i + l] is sample i of line l):
 * each line gets exactly the scalar version's operations; the four independent recursions
 * run side by side, which hides their latency.
 */
function dataToCoefficients4(s: Float64Array, n: number, tmp: Float64Array): void {
  if (n === 1) return;
  if (n <= HORIZON) {
    for (let l = 0; l < 4; l++) {
      for (let i = 0; i < n; i++) tmp[i] = s[4 * i + l];
      dataToCoefficients1D(tmp, n);
      for (let i = 0; i < n; i++) s[4 * i + l] = tmp[i];
    }
    return;
  }
  const z = POLE;
  const c0 = GAIN;
  for (let j = 0; j < 4 * HORIZON; j++) s[j] *= c0;
  let s0 = s[0];
  let s1 = s[1];
  let s2 = s[2];
  let s3 = s[3];
  let zn = z;
  for (let i = 1; i < HORIZON; i++) {
    const o = 4 * i;
    s0 += zn * s[o];
    s1 += zn * s[o + 1];
    s2 += zn * s[o + 2];
    s3 += zn * s[o + 3];
    zn *= z;
  }
  s[0] = s0;
  s[1] = s1;
  s[2] = s2;
  s[3] = s3;
  let p0 = s0;
  let p1 = s1;
  let p2 = s2;
  let p3 = s3;
  for (let i = 1; i < HORIZON; i++) {
    const o = 4 * i;
    p0 = s[o] + z * p0;
    p1 = s[o + 1] + z * p1;
    p2 = s[o + 2] + z * p2;
    p3 = s[o + 3] + z * p3;
    s[o] = p0;
    s[o + 1] = p1;
    s[o + 2] = p2;
    s[o + 3] = p3;
  }
  for (let i = HORIZON; i < n; i++) {
    const o = 4 * i;
    p0 = s[o] * c0 + z * p0;
    p1 = s[o + 1] * c0 + z * p1;
    p2 = s[o + 2] * c0 + z * p2;
    p3 = s[o + 3] * c0 + z * p3;
    s[o] = p0;
    s[o + 1] = p1;
    s[o + 2] = p2;
    s[o + 3] = p3;
  }
  const f = z / (z * z - 1.0);
  const e = 4 * (n - 1);
  p0 = f * (z * s[e - 4] + s[e]);
  p1 = f * (z * s[e - 3] + s[e + 1]);
  p2 = f * (z * s[e - 2] + s[e + 2]);
  p3 = f * (z * s[e - 1] + s[e + 3]);
  s[e] = p0;
  s[e + 1] = p1;
  s[e + 2] = p2;
  s[e + 3] = p3;
  for (let i = n - 2; i >= 0; i--) {
    const o = 4 * i;
    p0 = z * (p0 - s[o]);
    p1 = z * (p1 - s[o + 1]);
    p2 = z * (p2 - s[o + 2]);
    p3 = z * (p3 - s[o + 3]);
    s[o] = p0;
    s[o + 1] = p1;
    s[o + 2] = p2;
    s[o + 3] = p3;
  }
}

/**
 * B-spline coefficients of `input` on the block x in [x0, x1], y in [y0, y1], all z (the
 * z pass needs whole columns). The x pass runs on every line, as ITK's does; the y and z
 * passes only where the block needs them. Values are the ones ITK's full-volume filter
 * gives at those voxels. Lines go four at a time (dataToCoefficients4), the rest one by one.
 */
function bsplineCoefficientBlock(
  input: Volume,
  x0: number,
  x1: number,
  y0: number,
  y1: number,
  normalization: Normalization | null,
): { c: Float64Array; bx: number } {
  const [nx, ny, nz] = input.size;
  const d = input.data;
  const bx = x1 - x0 + 1;
  const c = new Float64Array(bx * ny * nz);
  const len = Math.max(nx, ny, nz);
  const scratch = new Float64Array(len);
  const quad = new Float64Array(4 * len);
  const line = new Float64Array(len);
  // x pass: every line (y, z), keep x in [x0, x1]
  for (let z = 0; z < nz; z++) {
    let y = 0;
    for (; y + 4 <= ny; y += 4) {
      for (let l = 0; l < 4; l++) {
        const base = nx * (y + l + ny * z);
        line.set(d.subarray(base, base + nx)); // converts to double natively
        for (let x = 0; x < nx; x++) quad[4 * x + l] = line[x];
      }
      if (normalization) applyNormalization(quad, 4 * nx, normalization);
      dataToCoefficients4(quad, nx, scratch);
      for (let l = 0; l < 4; l++) {
        const cb = bx * (y + l + ny * z) - x0;
        for (let x = x0; x <= x1; x++) c[cb + x] = quad[4 * x + l];
      }
    }
    for (; y < ny; y++) {
      const base = nx * (y + ny * z);
      scratch.set(d.subarray(base, base + nx));
      if (normalization) applyNormalization(scratch, nx, normalization);
      dataToCoefficients1D(scratch, nx);
      const cb = bx * (y + ny * z) - x0;
      for (let x = x0; x <= x1; x++) c[cb + x] = scratch[x];
    }
  }
  // columns along an axis with the given stride, four neighbouring x at once
  const columns = (count: number, baseOf: (k: number) => number, stride: number, n: number) => {
    for (let k = 0; k < count; k++) {
      const base0 = baseOf(k);
      let xi = 0;
      for (; xi + 4 <= bx; xi += 4) {
        for (let i = 0; i < n; i++) {
          const o = base0 + xi + stride * i;
          quad[4 * i] = c[o];
          quad[4 * i + 1] = c[o + 1];
          quad[4 * i + 2] = c[o + 2];
          quad[4 * i + 3] = c[o + 3];
        }
        dataToCoefficients4(quad, n, scratch);
        for (let i = 0; i < n; i++) {
          const o = base0 + xi + stride * i;
          c[o] = quad[4 * i];
          c[o + 1] = quad[4 * i + 1];
          c[o + 2] = quad[4 * i + 2];
          c[o + 3] = quad[4 * i + 3];
        }
      }
      for (; xi < bx; xi++) {
        const base = base0 + xi;
        for (let i = 0; i < n; i++) scratch[i] = c[base + stride * i];
        dataToCoefficients1D(scratch, n);
        for (let i = 0; i < n; i++) c[base + stride * i] = scratch[i];
      }
    }
  };
  const plane = bx * ny;
  // y pass: columns (x in block, every z)
  columns(nz, (z) => plane * z, bx, ny);
  // z pass: columns (x in block, y in [y0, y1])
  columns(y1 - y0 + 1, (k) => bx * (y0 + k), plane, nz);
  return { c, bx };
}

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
 * ITK ResampleImageFilter of `input` onto grid `out` (identity transform), output of the
 * input's pixel type (float64 when `normalization` is applied on the way). Voxels that map
 * outside the input get 0.
 */
export function resampleVolume(input: Volume, out: Geometry, kind: InterpolationKind, normalization: Normalization | null = null): Volume {
  if (normalization && kind !== 'bspline') return resampleVolume(normalizeImage(input, normalization), out, kind);
  const [onx, ony, onz] = out.size;
  const data = normalization ? new Float64Array(onx * ony * onz) : new (input.data.constructor as ArrayCtor)(onx * ony * onz);
  const range = integerRange(data);
  const lo = range ? range[0] : -Infinity;
  const hi = range ? range[1] : Infinity;
  const [inx, iny, inz] = input.size;
  const src = input.data;
  const cx = new Float64Array(onx);
  const cy = new Float64Array(onx);
  const cz = new Float64Array(onx);

  let c: Float64Array = new Float64Array(0);
  let bx = 0;
  let plane = 0;
  let xlo = 0;
  if (kind === 'bspline') {
    // First pass: the block of coefficients the samples need.
    xlo = inx;
    let xhi = -1;
    let ylo = iny;
    let yhi = -1;
    for (let k = 0; k < onz; k++)
      for (let j = 0; j < ony; j++) {
        lineIndices(input, out, j, k, cx, cy, cz);
        for (let i = 0; i < onx; i++) {
          if (!isInside(cx[i], cy[i], cz[i], input.size)) continue;
          const sx = bsplineSupportStart(cx[i]);
          const sy = bsplineSupportStart(cy[i]);
          for (let t = 0; t < 4; t++) {
            const mx = mirror(sx + t, inx);
            const my = mirror(sy + t, iny);
            if (mx < xlo) xlo = mx;
            if (mx > xhi) xhi = mx;
            if (my < ylo) ylo = my;
            if (my > yhi) yhi = my;
          }
        }
      }
    if (xhi < 0) return { ...copyGeometry(out), data };
    ({ c, bx } = bsplineCoefficientBlock(input, xlo, xhi, ylo, yhi, normalization));
    plane = bx * iny;
  }
  const w = new Float64Array(12);
  const ix = new Int32Array(4);
  const iy = new Int32Array(4);
  const iz = new Int32Array(4);
  let o = 0;
  for (let k = 0; k < onz; k++)
    for (let j = 0; j < ony; j++) {
      lineIndices(input, out, j, k, cx, cy, cz);
      for (let i = 0; i < onx; i++, o++) {
        const x = cx[i];
        const y = cy[i];
        const z = cz[i];
        if (!isInside(x, y, z, input.size)) continue; // default pixel value 0
        let v: number;
        if (kind === 'nearest') {
          v = src[Math.floor(x + 0.5) + inx * (Math.floor(y + 0.5) + iny * Math.floor(z + 0.5))];
        } else if (kind === 'linear') {
          v = linearAt(src, input.size, x, y, z);
        } else {
          const sx = bsplineSupportStart(x);
          const sy = bsplineSupportStart(y);
          const sz = bsplineSupportStart(z);
          bsplineWeights(x, sx, w, 0);
          bsplineWeights(y, sy, w, 4);
          bsplineWeights(z, sz, w, 8);
          for (let t = 0; t < 4; t++) {
            ix[t] = mirror(sx + t, inx) - xlo;
            iy[t] = bx * mirror(sy + t, iny);
            iz[t] = plane * mirror(sz + t, inz);
          }
          // EvaluateAtContinuousIndexInternal: p = ix + 4 iy + 16 iz, w = ((1 * wx) * wy) * wz
          v = 0.0;
          for (let kz = 0; kz < 4; kz++)
            for (let ky = 0; ky < 4; ky++)
              for (let kx = 0; kx < 4; kx++) {
                let ww = 1.0;
                ww *= w[kx];
                ww *= w[4 + ky];
                ww *= w[8 + kz];
                v += ww * c[ix[kx] + iy[ky] + iz[kz]];
              }
        }
        data[o] = range ? (v < lo ? lo : v > hi ? hi : Math.trunc(v)) : v;
      }
    }
  return { ...copyGeometry(out), data };
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

/** Nearest-neighbour resampling of an ROI (0/1) onto another grid. */
export function resampleRoi(roi: Uint8Array, input: Geometry, out: Geometry): Uint8Array {
  return resampleVolume({ ...copyGeometry(input), data: roi }, out, 'nearest').data as Uint8Array;
}

function copyGeometry(g: Geometry): Geometry {
  return { size: [...g.size] as Vec3, spacing: [...g.spacing] as Vec3, origin: [...g.origin] as Vec3, direction: [...g.direction] as Mat3 };
}

/**
 * PyRadiomics's _checkROI: the ROI's bounding box (voxel corners, in mask index space)
 * must lie inside the image's physical extent, within 1e-3 of a voxel. Returns the box.
 */
export function checkRoiInsideImage(roi: Uint8Array, mask: Geometry, image: Geometry, source = 'mask', box?: BoundingBox): BoundingBox {
  const bb = box ?? roiBoundingBox(roi, mask.size);
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
  roi: Uint8Array,
  maskGeometry: Geometry,
  s: { resampledPixelSpacing: number[]; interpolator: InterpolatorName; padDistance: number },
  normalization: Normalization | null = null,
  box?: BoundingBox,
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
  const resampledImage = resampleVolume(image, grid, interpolationKind(s.interpolator), normalization);
  const resampledRoi = resampleRoi(roi, maskGeometry, grid);
  return { image: resampledImage, roi: resampledRoi, geometry: grid };
}
