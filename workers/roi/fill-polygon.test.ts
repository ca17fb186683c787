import { describe, expect, it } from 'vitest';
import { indexToPhysical, type Geometry } from '../io/volume.ts';
import { fillPolygon } from './fill-polygon.ts';

const grid: Geometry = { size: [20, 16, 10], spacing: [0.8, 0.9, 3], origin: [10, -20, 5], direction: [0, 1, 0, -1, 0, 0, 0, 0, 1] };
const n = 20 * 16 * 10;

/** A polygon through index-space vertices (u, v) on slice s of `axis`, as physical points. */
function polygon(axis: 0 | 1 | 2, s: number, verts: [number, number][]): number[] {
  return verts.flatMap(([a, b]) => {
    const ijk = axis === 2 ? [a, b, s] : axis === 1 ? [a, s, b] : [s, a, b];
    return indexToPhysical(grid, ijk[0], ijk[1], ijk[2]);
  });
}

/** Brute force: voxel centres strictly inside a convex polygon (vertices counter- or clockwise). */
function insideConvex(verts: [number, number][], x: number, y: number): boolean {
  let sign = 0;
  for (let p = 0; p < verts.length; p++) {
    const [x0, y0] = verts[p];
    const [x1, y1] = verts[(p + 1) % verts.length];
    const cross = (x1 - x0) * (y - y0) - (y1 - y0) * (x - x0);
    if (cross === 0) return false;
    if (sign === 0) sign = Math.sign(cross);
    else if (Math.sign(cross) !== sign) return false;
  }
  return true;
}

describe('fillPolygon', () => {
  for (const axis of [2, 1, 0] as const) {
    it(`fills the voxel centres inside a triangle on a slice of axis ${axis}`, () => {
      const verts: [number, number][] = [
        [1.3, 1.7],
        [8.6, 2.2],
        [4.1, 7.9],
      ];
      const labels = new Uint8Array(n);
      const r = fillPolygon(labels, grid, polygon(axis, 4, verts), 2)!;
      expect([r.axis, r.slice]).toEqual([axis, 4]);
      const [u, v] = ([0, 1, 2] as const).filter((a) => a !== axis);
      let count = 0;
      for (let k = 0; k < 10; k++)
        for (let j = 0; j < 16; j++)
          for (let i = 0; i < 20; i++) {
            const c = [i, j, k];
            const want = c[axis] === 4 && insideConvex(verts, c[u], c[v]) ? 2 : 0;
            expect(labels[i + 20 * (j + 16 * k)]).toBe(want);
            if (want) count++;
          }
      expect(r.added).toBe(count);
      expect(count).toBeGreaterThan(10);
    });
  }

  it('leaves locked labels alone and records what it overwrote', () => {
    const labels = new Uint8Array(n);
    labels[5 + 20 * (5 + 16 * 3)] = 7;
    labels[6 + 20 * (5 + 16 * 3)] = 1;
    const r = fillPolygon(labels, grid, polygon(2, 3, [[1.5, 1.5], [8.5, 1.5], [8.5, 8.5], [1.5, 8.5]]), 3, new Set([7]))!;
    expect(labels[5 + 20 * (5 + 16 * 3)]).toBe(7);
    expect(labels[6 + 20 * (5 + 16 * 3)]).toBe(3);
    expect(r.added).toBe(7 * 7 - 1);
    expect(r.previous.filter((x) => x === 1).length).toBe(1);
  });

  it('gives null for fewer than three points or a slice off the grid', () => {
    expect(fillPolygon(new Uint8Array(n), grid, polygon(2, 2, [[1, 1], [5, 5]]), 1)).toBeNull();
    expect(fillPolygon(new Uint8Array(n), grid, polygon(2, 12, [[1, 1], [5, 1], [5, 5]]), 1)).toBeNull();
  });
});
