import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../../io/volume.ts';
import { contourDiameter, meshDiameters } from './diameters.ts';
import { maskBoundingBox, paddedGrid } from './grid.ts';

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random blob: a few overlapping ellipsoids plus noise voxels, so the shape is irregular and may be disconnected. */
function randomMask(rand: () => number, size: Vec3): Uint8Array {
  const [nx, ny, nz] = size;
  const m = new Uint8Array(nx * ny * nz);
  const blobs = Array.from({ length: 1 + Math.floor(rand() * 4) }, () => ({
    c: [rand() * nx, rand() * ny, rand() * nz],
    r: [1 + rand() * nx * 0.4, 1 + rand() * ny * 0.4, 0.6 + rand() * nz * 0.4],
  }));
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        let inside = rand() < 0.02;
        for (const b of blobs) {
          const d = ((i - b.c[0]) / b.r[0]) ** 2 + ((j - b.c[1]) / b.r[1]) ** 2 + ((k - b.c[2]) / b.r[2]) ** 2;
          if (d <= 1) inside = true;
        }
        if (inside) m[i + nx * (j + ny * k)] = 1;
      }
  return m;
}

/**
 * PyRadiomics's definition, all pairs (cshape.c calculate_meshDiameter): the vertices are the midpoints
 * of the edges whose voxels differ (mask padded with zeros), coordinates (index + offset) * spacing.
 */
function bruteForce(mask: Uint8Array, size: Vec3, spacing: Vec3, onlyInPlane = false): number[] {
  const [nx, ny, nz] = size;
  const at = (i: number, j: number, k: number) =>
    i < 0 || j < 0 || k < 0 || i >= nx || j >= ny || k >= nz ? 0 : mask[i + nx * (j + ny * k)];
  const pts: number[][] = [];
  // padded index = index + 1; edges from voxel (i, j, k) to its +x, +y, +z neighbour
  for (let k = -1; k < nz; k++)
    for (let j = -1; j < ny; j++)
      for (let i = -1; i < nx; i++) {
        const v = at(i, j, k);
        if (v !== at(i + 1, j, k)) pts.push([k + 1, j + 1, i + 1.5]);
        if (v !== at(i, j + 1, k)) pts.push([k + 1, j + 1.5, i + 1]);
        if (v !== at(i, j, k + 1) && !onlyInPlane) pts.push([k + 1.5, j + 1, i + 1]);
      }
  const p = pts.map(([z, y, x]) => [z * spacing[2], y * spacing[1], x * spacing[0]]);
  const d = [0, 0, 0, 0];
  for (let a = 0; a < p.length; a++)
    for (let b = 0; b < a; b++) {
      const dz = p[a][0] - p[b][0], dy = p[a][1] - p[b][1], dx = p[a][2] - p[b][2];
      const dist = dz * dz + dy * dy + dx * dx;
      if (p[a][0] === p[b][0] && dist > d[0]) d[0] = dist;
      if (p[a][1] === p[b][1] && dist > d[1]) d[1] = dist;
      if (p[a][2] === p[b][2] && dist > d[2]) d[2] = dist;
      if (dist > d[3]) d[3] = dist;
    }
  return d.map(Math.sqrt);
}

function cropTo(mask: Uint8Array, size: Vec3, lower: Vec3, box: Vec3): Uint8Array {
  const out = new Uint8Array(box[0] * box[1] * box[2]);
  for (let k = 0; k < box[2]; k++)
    for (let j = 0; j < box[1]; j++)
      for (let i = 0; i < box[0]; i++) out[i + box[0] * (j + box[1] * k)] = mask[lower[0] + i + size[0] * (lower[1] + j + size[1] * (lower[2] + k))];
  return out;
}

describe('meshDiameters (hull-pruned) against the all-pairs search of PyRadiomics', () => {
  it('gives the identical four diameters on 60 random masks with random spacing', () => {
    const rand = random(20240611);
    let tested = 0;
    for (let t = 0; t < 60; t++) {
      const size: Vec3 = [1 + Math.floor(rand() * 14), 1 + Math.floor(rand() * 14), 1 + Math.floor(rand() * 6)];
      const spacing: Vec3 = [0.3 + rand() * 2, 0.3 + rand() * 2, 0.5 + rand() * 6];
      const mask = randomMask(rand, size);
      const box = maskBoundingBox(mask, size);
      if (!box) continue;
      const d = meshDiameters(paddedGrid(mask, size, box), [spacing[2], spacing[1], spacing[0]]);
      // on the cropped mask the coordinates, and so every rounding, are the same as in the hull search
      const crop = cropTo(mask, size, box.lower, box.size);
      expect([d.slice, d.column, d.row, d.max3D]).toEqual(bruteForce(crop, box.size, spacing));
      tested++;
    }
    expect(tested).toBeGreaterThan(50);
  });

  it('contourDiameter is the slice diameter of a one-slice grid', () => {
    const rand = random(7);
    for (let t = 0; t < 20; t++) {
      const size: Vec3 = [2 + Math.floor(rand() * 20), 2 + Math.floor(rand() * 20), 1];
      const mask = randomMask(rand, size);
      const box = maskBoundingBox(mask, size);
      if (!box) continue;
      const spacing: Vec3 = [0.3 + rand(), 0.3 + rand(), 1];
      const grid2D = paddedGrid(mask, size, box, { padAxes: [1, 2] });
      // PyRadiomics's 2D vertex set: the in-plane edges of the one-slice mask (no edges across the slice)
      const ref = bruteForce(cropTo(mask, size, box.lower, box.size), box.size, spacing, true);
      expect(contourDiameter(grid2D, [spacing[1], spacing[0]])).toBe(ref[0]);
    }
  });
});
