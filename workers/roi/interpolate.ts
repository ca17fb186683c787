/**
 * "Fill between slices": a segment drawn on some slices (the key slices) is completed on
 * the slices between them by shape-based interpolation (Raya & Udupa, "Shape-based
 * interpolation of multidimensional objects", IEEE TMI 9(1), 1990; Herman et al., "Shape-
 * based interpolation", IEEE CG&A 12(3), 1992):
 *
 *   for two consecutive key slices s0 < s1 of the segment, with signed distance maps
 *   D0, D1 (mm; negative inside, positive outside), slice s (s0 < s < s1) gets the pixels
 *   where (1 - t) D0 + t D1 < 0, t = (s - s0) / (s1 - s0).
 *
 * The signed distance of a pixel is (distance to the nearest pixel of the segment) -
 * (distance to the nearest pixel outside it), between pixel centres with the in-plane
 * spacing (./distance.ts), so t = 0 and t = 1 give back the key slices exactly, a shape
 * repeated on both key slices is copied unchanged, and every filled slice contains the
 * intersection of the two key shapes and lies inside their union.
 *
 * Only slices strictly between two key slices are written, only voxels that are 0 (other
 * segments are never overwritten), and the key slices themselves are left as drawn. 3D
 * Slicer's "Fill between slices" uses morphological contour interpolation (Albu et al.,
 * IEEE TMI 27(6), 2008), which also pairs up shapes that do not overlap from one key slice
 * to the next; here two shapes that do not overlap in projection shrink towards the middle
 * slice and may vanish there (draw an extra key slice in that case).
 * DOM-free: the app runs it in a worker.
 */
import type { Vec3 } from '../io/volume.ts';
import { edtScratch, squaredDistanceTransform } from './distance.ts';

export type Axis = 0 | 1 | 2;

export interface InterpolationResult {
  /** slices (along the axis) that hold the segment before interpolation */
  keySlices: number[];
  /** slices that received voxels */
  filledSlices: number[];
  /** voxels set to the label */
  addedVoxels: number;
}

/** Index arithmetic of the planes perpendicular to `axis`: in-plane axes u < v. */
interface Planes {
  nu: number;
  nv: number;
  ns: number;
  strideU: number;
  strideV: number;
  strideS: number;
  su: number;
  sv: number;
}

function planes(size: Vec3, spacing: Vec3, axis: Axis): Planes {
  const strides = [1, size[0], size[0] * size[1]];
  const [u, v] = ([0, 1, 2] as const).filter((a) => a !== axis);
  return {
    nu: size[u],
    nv: size[v],
    ns: size[axis],
    strideU: strides[u],
    strideV: strides[v],
    strideS: strides[axis],
    su: spacing[u],
    sv: spacing[v],
  };
}

/** In-plane bounding box [u0, u1] x [v0, v1] of the label on each slice (u1 < 0 when empty). */
function sliceBoxes(labels: ArrayLike<number>, p: Planes, label: number): Int32Array {
  const boxes = new Int32Array(4 * p.ns);
  for (let s = 0; s < p.ns; s++) {
    let u0 = p.nu, u1 = -1, v0 = p.nv, v1 = -1;
    const base = s * p.strideS;
    for (let v = 0; v < p.nv; v++) {
      const row = base + v * p.strideV;
      for (let u = 0; u < p.nu; u++) {
        if (labels[row + u * p.strideU] !== label) continue;
        if (u < u0) u0 = u;
        if (u > u1) u1 = u;
        if (v < v0) v0 = v;
        if (v > v1) v1 = v;
      }
    }
    boxes.set([u0, u1, v0, v1], 4 * s);
  }
  return boxes;
}

/**
 * Fills the slices between the key slices of `label` along `axis` (2 = k, the acquisition
 * axis of an axial series). `labels` (x fastest, `size`) is modified in place.
 */
export function interpolateBetweenSlices(
  labels: Uint8Array | Uint16Array | Int32Array,
  size: Vec3,
  spacing: Vec3,
  label: number,
  axis: Axis = 2,
): InterpolationResult {
  if (labels.length !== size[0] * size[1] * size[2]) {
    throw new Error(`interpolation: ${labels.length} voxels for a ${size.join('x')} grid`);
  }
  if (!(label > 0)) throw new Error(`interpolation: label must be positive, got ${label}`);
  const p = planes(size, spacing, axis);
  const boxes = sliceBoxes(labels, p, label);
  const keySlices: number[] = [];
  for (let s = 0; s < p.ns; s++) if (boxes[4 * s + 1] >= 0) keySlices.push(s);
  const filledSlices: number[] = [];
  let addedVoxels = 0;

  for (let n = 0; n + 1 < keySlices.length; n++) {
    const s0 = keySlices[n];
    const s1 = keySlices[n + 1];
    if (s1 - s0 < 2) continue;
    // The union of both boxes, one pixel wider on each side: the nearest pixel outside
    // the shape is either inside this box or on its outer ring (which is outside), so
    // the distances computed on the box are the distances on the whole plane.
    const u0 = Math.min(boxes[4 * s0], boxes[4 * s1]) - 1;
    const u1 = Math.max(boxes[4 * s0 + 1], boxes[4 * s1 + 1]) + 1;
    const v0 = Math.min(boxes[4 * s0 + 2], boxes[4 * s1 + 2]) - 1;
    const v1 = Math.max(boxes[4 * s0 + 3], boxes[4 * s1 + 3]) + 1;
    const w = u1 - u0 + 1;
    const h = v1 - v0 + 1;
    const d0 = signedDistance(labels, p, label, s0, u0, v0, w, h);
    const d1 = signedDistance(labels, p, label, s1, u0, v0, w, h);
    for (let s = s0 + 1; s < s1; s++) {
      const t = (s - s0) / (s1 - s0);
      let added = 0;
      for (let y = 0; y < h; y++) {
        const v = v0 + y;
        if (v < 0 || v >= p.nv) continue;
        for (let x = 0; x < w; x++) {
          const u = u0 + x;
          if (u < 0 || u >= p.nu) continue;
          const b = y * w + x;
          if ((1 - t) * d0[b] + t * d1[b] >= 0) continue;
          const idx = s * p.strideS + v * p.strideV + u * p.strideU;
          if (labels[idx] !== 0) continue;
          labels[idx] = label;
          added++;
        }
      }
      if (added > 0) filledSlices.push(s);
      addedVoxels += added;
    }
  }
  return { keySlices, filledSlices, addedVoxels };
}

/** Signed distance (mm) of the label on slice s over the box (u0, v0, w, h); pixels off the image count as outside. */
function signedDistance(
  labels: ArrayLike<number>,
  p: Planes,
  label: number,
  s: number,
  u0: number,
  v0: number,
  w: number,
  h: number,
): Float64Array {
  const inside = new Uint8Array(w * h);
  const outside = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const v = v0 + y;
    for (let x = 0; x < w; x++) {
      const u = u0 + x;
      const on =
        u >= 0 && u < p.nu && v >= 0 && v < p.nv && labels[s * p.strideS + v * p.strideV + u * p.strideU] === label;
      inside[y * w + x] = on ? 1 : 0;
      outside[y * w + x] = on ? 0 : 1;
    }
  }
  const scratch = edtScratch(Math.max(w, h));
  const toInside = squaredDistanceTransform(inside, w, h, p.su, p.sv, new Float64Array(w * h), scratch);
  const toOutside = squaredDistanceTransform(outside, w, h, p.su, p.sv, new Float64Array(w * h), scratch);
  const d = new Float64Array(w * h);
  for (let i = 0; i < d.length; i++) d[i] = Math.sqrt(toInside[i]) - Math.sqrt(toOutside[i]);
  return d;
}

/** Every label value (> 0) present in `labels`, ascending. */
export function labelsPresent(labels: ArrayLike<number>): number[] {
  const seen = new Uint8Array(65536);
  for (let i = 0; i < labels.length; i++) seen[labels[i] & 0xffff] = 1;
  const out: number[] = [];
  for (let v = 1; v < seen.length; v++) if (seen[v]) out.push(v);
  return out;
}
