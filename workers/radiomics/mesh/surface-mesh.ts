/**
 * The ROI's surface for the 3D view: the same marching-cubes mesh the shape features measure
 * (iso-level 0.5, vertices at edge midpoints), with shared vertices, in patient coordinates.
 * DOM-free: the app builds it in a worker and hands the arrays to vtk.js (vtkPolyData points / polys).
 */
import type { Mat3, Vec3 } from '../../io/volume.ts';
import { maskBoundingBox, paddedGrid } from './grid.ts';
import { marchingCubesMesh } from './marching-cubes.ts';

export interface SurfaceMesh {
  /** x, y, z per vertex, mm, LPS (the volume's patient space) */
  positions: Float32Array;
  /** three vertex numbers per triangle, counter-clockwise seen from outside the ROI (normals point out) */
  triangles: Uint32Array;
}

/**
 * Surface mesh of the voxels of `mask` that are nonzero (or equal to `label` when given), on the grid
 * `size` = [nx, ny, nz] (x fastest), `spacing`, `origin` and `direction` (row-major, column c = axis c, as
 * in ../../io/volume.ts). An empty mask gives an empty mesh.
 */
export function surfaceMesh(
  mask: ArrayLike<number>,
  size: Vec3,
  spacing: Vec3,
  origin: Vec3,
  direction: Mat3,
  label?: number,
): SurfaceMesh {
  const box = maskBoundingBox(mask, size, label);
  if (!box) return { positions: new Float32Array(0), triangles: new Uint32Array(0) };
  const mesh = marchingCubesMesh(paddedGrid(mask, size, box, { label }));
  const nv = mesh.vertices.length / 3;
  const positions = new Float32Array(nv * 3);
  const d = direction;
  const [x0, y0, z0] = box.lower;
  for (let v = 0; v < nv; v++) {
    // padded (z, y, x) index -> image index (i, j, k): undo the padding layer, add the box corner
    const a = (mesh.vertices[3 * v + 2] - 1 + x0) * spacing[0];
    const b = (mesh.vertices[3 * v + 1] - 1 + y0) * spacing[1];
    const c = (mesh.vertices[3 * v] - 1 + z0) * spacing[2];
    positions[3 * v] = origin[0] + d[0] * a + d[1] * b + d[2] * c;
    positions[3 * v + 1] = origin[1] + d[3] * a + d[4] * b + d[5] * c;
    positions[3 * v + 2] = origin[2] + d[6] * a + d[7] * b + d[8] * c;
  }
  const triangles = mesh.triangles;
  // The table orients faces outward in (z, y, x). Going to (x, y, z) swaps two axes, and the direction
  // matrix may mirror too; the sign of the enclosed volume tells which way the faces now point.
  if (signedVolume(positions, triangles) < 0) {
    for (let t = 0; t < triangles.length; t += 3) {
      const b = triangles[t + 1];
      triangles[t + 1] = triangles[t + 2];
      triangles[t + 2] = b;
    }
  }
  return { positions, triangles };
}

/** Six times the volume enclosed by the triangles (positive when they face outward), taken about vertex 0. */
function signedVolume(p: Float32Array, tris: Uint32Array): number {
  let v = 0;
  for (let t = 0; t < tris.length; t += 3) {
    const a = 3 * tris[t], b = 3 * tris[t + 1], c = 3 * tris[t + 2];
    const ax = p[a] - p[0], ay = p[a + 1] - p[1], az = p[a + 2] - p[2];
    const bx = p[b] - p[0], by = p[b + 1] - p[1], bz = p[b + 2] - p[2];
    const cx = p[c] - p[0], cy = p[c + 1] - p[1], cz = p[c + 2] - p[2];
    v += ax * (by * cz - bz * cy) + ay * (bz * cx - bx * cz) + az * (bx * cy - by * cx);
  }
  return v;
}
