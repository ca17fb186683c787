/**
 * A closed freehand contour drawn on a viewport, filled into the label map: the contour's
 * points (LPS mm) are taken to continuous voxel indices, the contour is put on the slice
 * of the index axis it is flattest along (the slice its points round to on average), and
 * the voxels of that slice whose centres lie inside it are set, by the even-odd rule with
 * a half-open crossing test (as ../io/dicom/rtstruct.ts fills RTSTRUCT contours). Works
 * on axial, sagittal and coronal views alike. DOM-free.
 */
import type { Geometry, Vec3 } from '../io/volume.ts';
import { physicalToIndex } from '../io/volume.ts';

export interface PolygonFill {
  /** the index axis of the slice (2 = k) and the slice number along it */
  axis: 0 | 1 | 2;
  slice: number;
  /** voxels set to the label (that were not already) */
  added: number;
  /** the indices written (for undo) */
  indices: Uint32Array;
  /** their values before */
  previous: Uint8Array;
}

/**
 * Fills the contour `points` (x, y, z triples, mm) with `label` in `labels` (in place).
 * Voxels of locked labels (`keep`) are left alone. Returns null when the contour has fewer
 * than three points or its slice is outside the grid.
 */
export function fillPolygon(
  labels: Uint8Array,
  geometry: Geometry,
  points: ArrayLike<number>,
  label: number,
  keep: ReadonlySet<number> = new Set(),
): PolygonFill | null {
  const n = Math.floor(points.length / 3);
  if (n < 3) return null;
  const idx = new Float64Array(3 * n);
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  const mean = [0, 0, 0];
  for (let p = 0; p < n; p++) {
    const c = physicalToIndex(geometry, [points[3 * p], points[3 * p + 1], points[3 * p + 2]] as Vec3);
    for (let a = 0; a < 3; a++) {
      idx[3 * p + a] = c[a];
      lo[a] = Math.min(lo[a], c[a]);
      hi[a] = Math.max(hi[a], c[a]);
      mean[a] += c[a] / n;
    }
  }
  // The slice axis: the one the contour spreads least along.
  let axis: 0 | 1 | 2 = 2;
  for (const a of [0, 1] as const) if (hi[a] - lo[a] < hi[axis] - lo[axis]) axis = a;
  const slice = Math.round(mean[axis]);
  const size = geometry.size;
  if (slice < 0 || slice >= size[axis]) return null;
  const [u, v] = ([0, 1, 2] as const).filter((a) => a !== axis);
  const strides = [1, size[0], size[0] * size[1]];
  const written: number[] = [];
  const before: number[] = [];
  const xs: number[] = [];
  const v0 = Math.max(0, Math.ceil(lo[v]));
  const v1 = Math.min(size[v] - 1, Math.floor(hi[v]));
  for (let row = v0; row <= v1; row++) {
    xs.length = 0;
    for (let p = 0, q = n - 1; p < n; q = p++) {
      const y0 = idx[3 * q + v];
      const y1 = idx[3 * p + v];
      // half-open rule: a vertex on the scanline is counted once
      if (y0 <= row !== y1 <= row) {
        const x0 = idx[3 * q + u];
        const x1 = idx[3 * p + u];
        xs.push(x0 + ((row - y0) * (x1 - x0)) / (y1 - y0));
      }
    }
    xs.sort((a, b) => a - b);
    for (let s = 0; s + 1 < xs.length; s += 2) {
      const from = Math.max(0, Math.ceil(xs[s]));
      const to = Math.min(size[u] - 1, Math.ceil(xs[s + 1]) - 1);
      for (let col = from; col <= to; col++) {
        const i = slice * strides[axis] + row * strides[v] + col * strides[u];
        const old = labels[i];
        if (old === label || keep.has(old)) continue;
        written.push(i);
        before.push(old);
        labels[i] = label;
      }
    }
  }
  return { axis, slice, added: written.length, indices: Uint32Array.from(written), previous: Uint8Array.from(before) };
}
