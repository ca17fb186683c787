import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNrrd } from '../../io/nrrd.ts';
import { indexToPhysical, type Mat3, type Vec3 } from '../../io/volume.ts';
import { computeShape } from '../features/shape.ts';
import { PYRADIOMICS, readCroppedLabel } from '../features/shape-references.ts';
import { maskBoundingBox } from './grid.ts';
import { surfaceMesh, type SurfaceMesh } from './surface-mesh.ts';

function areaAndVolume(m: SurfaceMesh): { area: number; volume: number } {
  const p = m.positions;
  let area = 0, volume = 0;
  for (let t = 0; t < m.triangles.length; t += 3) {
    const [a, b, c] = [3 * m.triangles[t], 3 * m.triangles[t + 1], 3 * m.triangles[t + 2]];
    const u = [p[b] - p[a], p[b + 1] - p[a + 1], p[b + 2] - p[a + 2]];
    const v = [p[c] - p[a], p[c + 1] - p[a + 1], p[c + 2] - p[a + 2]];
    const n = [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]];
    area += Math.hypot(n[0], n[1], n[2]) / 2;
    // tetrahedron with vertex 0 of the mesh as apex
    const r = [p[a] - p[0], p[a + 1] - p[1], p[a + 2] - p[2]];
    volume += (r[0] * n[0] + r[1] * n[1] + r[2] * n[2]) / 6;
  }
  return { area, volume };
}

/** Each directed edge once and its reverse once: a closed surface with consistently oriented faces. */
function orientedEdgeProblems(m: SurfaceMesh): number {
  const nv = m.positions.length / 3;
  const count = new Map<number, number>();
  for (let t = 0; t < m.triangles.length; t += 3) {
    for (let e = 0; e < 3; e++) {
      const key = m.triangles[t + e] * nv + m.triangles[t + ((e + 1) % 3)];
      count.set(key, (count.get(key) ?? 0) + 1);
    }
  }
  let bad = 0;
  for (const [key, c] of count) {
    const reverse = (key % nv) * nv + Math.floor(key / nv);
    if (c !== 1 || count.get(reverse) !== 1) bad++;
  }
  return bad;
}

describe('surfaceMesh: the ROI surface in patient coordinates', () => {
  for (const name of ['breast1', 'brain1', 'lung1']) {
    it(`${name}: same area and volume as the shape features, closed, outward, inside the ROI's physical box`, () => {
      const vol = readNrrd(readFileSync(join(PYRADIOMICS, 'data', `${name}_label.nrrd`)));
      const mesh = surfaceMesh(vol.data, vol.size, vol.spacing, vol.origin, vol.direction, 1);
      const roi = readCroppedLabel(`${name}_label.nrrd`, 1);
      const shape = computeShape(roi.mask, roi.size, roi.spacing, ['MeshVolume', 'SurfaceArea']);
      const { area, volume } = areaAndVolume(mesh);
      console.log(`${name}: ${mesh.positions.length / 3} vertices, ${mesh.triangles.length / 3} triangles, area ${area} (SurfaceArea ${shape.SurfaceArea}), volume ${volume} (MeshVolume ${shape.MeshVolume})`);
      // positions are float32, so agreement is to float32 precision
      expect(Math.abs(area / shape.SurfaceArea - 1)).toBeLessThan(1e-5);
      expect(Math.abs(volume / shape.MeshVolume - 1)).toBeLessThan(1e-5);
      expect(orientedEdgeProblems(mesh)).toBe(0);
      // every vertex lies within half a voxel of the ROI's voxel centres, in index space
      const box = maskBoundingBox(vol.data, vol.size, 1)!;
      const inv = (p: Vec3) => {
        const d = vol.direction;
        const q = [p[0] - vol.origin[0], p[1] - vol.origin[1], p[2] - vol.origin[2]];
        return [0, 1, 2].map((c) => (d[c] * q[0] + d[3 + c] * q[1] + d[6 + c] * q[2]) / vol.spacing[c]);
      };
      for (let v = 0; v < mesh.positions.length; v += 3) {
        const idx = inv([mesh.positions[v], mesh.positions[v + 1], mesh.positions[v + 2]]);
        for (let c = 0; c < 3; c++) {
          expect(idx[c]).toBeGreaterThan(box.lower[c] - 0.5 - 1e-3);
          expect(idx[c]).toBeLessThan(box.lower[c] + box.size[c] - 0.5 + 1e-3);
        }
      }
    });
  }

  it('keeps its area and volume (and outward faces) under a rotated, mirrored direction matrix', () => {
    const roi = readCroppedLabel('breast1_label.nrrd', 1);
    const plain = areaAndVolume(surfaceMesh(roi.mask, roi.size, roi.spacing, [0, 0, 0], [1, 0, 0, 0, 1, 0, 0, 0, 1]));
    const c = Math.cos(0.7), s = Math.sin(0.7);
    // rotation about z, then the x axis mirrored (determinant -1)
    const dir: Mat3 = [-c, -s, 0, -s, c, 0, 0, 0, 1];
    const mesh = surfaceMesh(roi.mask, roi.size, roi.spacing, [-120.5, 33, 700], dir);
    const turned = areaAndVolume(mesh);
    expect(turned.area).toBeCloseTo(plain.area, 2);
    expect(turned.volume).toBeCloseTo(plain.volume, 2);
    expect(turned.volume).toBeGreaterThan(0);
    // the first ROI voxel's centre is half a voxel from some vertex, in the rotated frame
    const first = roi.mask.indexOf(1);
    const centre = indexToPhysical({ size: roi.size, spacing: roi.spacing, origin: [-120.5, 33, 700], direction: dir }, first % roi.size[0], Math.floor(first / roi.size[0]) % roi.size[1], Math.floor(first / (roi.size[0] * roi.size[1])));
    let nearest = Infinity;
    for (let v = 0; v < mesh.positions.length; v += 3) {
      nearest = Math.min(nearest, Math.hypot(mesh.positions[v] - centre[0], mesh.positions[v + 1] - centre[1], mesh.positions[v + 2] - centre[2]));
    }
    expect(nearest).toBeCloseTo(Math.min(...roi.spacing) / 2, 4);
  });

  it('gives an empty mesh for an empty mask', () => {
    const m = surfaceMesh(new Uint8Array(27), [3, 3, 3], [1, 1, 1], [0, 0, 0], [1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(m.positions.length).toBe(0);
    expect(m.triangles.length).toBe(0);
  });
});
