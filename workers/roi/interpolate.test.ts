import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../io/volume.ts';
import { interpolateBetweenSlices, labelsPresent, type Axis } from './interpolate.ts';

const idx = (size: Vec3, i: number, j: number, k: number) => i + size[0] * (j + size[1] * k);

/** Index (i, j, k) of in-plane position (u, v) on slice s along `axis`. */
function ijk(axis: Axis, u: number, v: number, s: number): Vec3 {
  if (axis === 2) return [u, v, s];
  if (axis === 1) return [u, s, v];
  return [s, u, v];
}

/** Draws a disc of radius r (mm) centred at in-plane (cu, cv) voxels on slice s. */
function drawDisc(labels: Uint8Array, size: Vec3, spacing: Vec3, axis: Axis, s: number, cu: number, cv: number, r: number, label: number) {
  const [u, v] = ([0, 1, 2] as const).filter((a) => a !== axis);
  for (let b = 0; b < size[v]; b++)
    for (let a = 0; a < size[u]; a++) {
      if (Math.hypot((a - cu) * spacing[u], (b - cv) * spacing[v]) <= r) labels[idx(size, ...ijk(axis, a, b, s))] = label;
    }
}

function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('interpolateBetweenSlices', () => {
  for (const axis of [2, 0] as Axis[]) {
    it(`fills concentric discs with the interpolated radius, within one pixel diagonal (axis ${axis})`, () => {
      const spacing: Vec3 = axis === 2 ? [0.8, 0.7, 3] : [3, 0.8, 0.7];
      const size: Vec3 = axis === 2 ? [40, 44, 12] : [12, 40, 44];
      const labels = new Uint8Array(size[0] * size[1] * size[2]);
      const [cu, cv] = [19.5, 21.25];
      const [r0, r1] = [4, 11];
      drawDisc(labels, size, spacing, axis, 2, cu, cv, r0, 1);
      drawDisc(labels, size, spacing, axis, 9, cu, cv, r1, 1);
      const before = labels.slice();
      const result = interpolateBetweenSlices(labels, size, spacing, 1, axis);
      expect(result.keySlices).toEqual([2, 9]);
      expect(result.filledSlices).toEqual([3, 4, 5, 6, 7, 8]);
      const [u, v] = ([0, 1, 2] as const).filter((a) => a !== axis);
      // The signed distances from pixel centres are within delta = one pixel diagonal of
      // the continuous ones, so is their blend: inside for sure below r_t - delta, outside
      // for sure beyond r_t + delta.
      const delta = Math.hypot(spacing[u], spacing[v]);
      let added = 0;
      for (let s = 0; s < size[axis]; s++) {
        const t = (s - 2) / 7;
        const rt = r0 + t * (r1 - r0);
        for (let b = 0; b < size[v]; b++)
          for (let a = 0; a < size[u]; a++) {
            const i = idx(size, ...ijk(axis, a, b, s));
            if (s <= 2 || s >= 9) {
              expect(labels[i]).toBe(before[i]);
              continue;
            }
            const d = Math.hypot((a - cu) * spacing[u], (b - cv) * spacing[v]);
            if (d < rt - delta) expect(labels[i]).toBe(1);
            if (d > rt + delta) expect(labels[i]).toBe(0);
            added += labels[i];
          }
      }
      expect(result.addedVoxels).toBe(added);
    });
  }

  it('keeps each filled slice between the intersection and the union of its key shapes; never overwrites another label', () => {
    const next = seeded(11);
    const size: Vec3 = [30, 26, 9];
    const spacing: Vec3 = [1, 1.2, 2.5];
    const labels = new Uint8Array(size[0] * size[1] * size[2]);
    // Two irregular blobs (unions of random discs) on slices 1 and 7.
    for (const s of [1, 7]) for (let n = 0; n < 5; n++) drawDisc(labels, size, spacing, 2, s, 8 + next() * 14, 8 + next() * 10, 2 + next() * 4, 1);
    // Another segment in the way on slice 4.
    drawDisc(labels, size, spacing, 2, 4, 15, 13, 3, 2);
    const before = labels.slice();
    interpolateBetweenSlices(labels, size, spacing, 1, 2);
    const plane = size[0] * size[1];
    for (let s = 2; s < 7; s++)
      for (let p = 0; p < plane; p++) {
        const a = before[plane + p] === 1;
        const b = before[7 * plane + p] === 1;
        const got = labels[s * plane + p];
        if (before[s * plane + p] === 2) expect(got).toBe(2);
        else if (a && b) expect(got).toBe(1);
        else if (!a && !b) expect(got).toBe(0);
      }
    for (const s of [0, 1, 7, 8]) expect(labels.subarray(s * plane, (s + 1) * plane)).toEqual(before.subarray(s * plane, (s + 1) * plane));
  });

  it('copies a shape repeated on two key slices unchanged, gap by gap; adjacent key slices add nothing', () => {
    const size: Vec3 = [20, 20, 10];
    const spacing: Vec3 = [1, 1, 1];
    const labels = new Uint8Array(4000);
    const plane = 400;
    for (const s of [0, 4, 5, 9]) drawDisc(labels, size, spacing, 2, s, 9, 10, 5, 3);
    labels[4 * plane + 2 * 20 + 2] = 3; // an extra voxel on key slice 4 only: not copied to 5..9 nor 1..3 as a block
    const result = interpolateBetweenSlices(labels, size, spacing, 3, 2);
    expect(result.keySlices).toEqual([0, 4, 5, 9]);
    expect(result.filledSlices).toEqual([1, 2, 3, 6, 7, 8]);
    for (const s of [6, 7, 8]) expect(labels.subarray(s * plane, (s + 1) * plane)).toEqual(labels.subarray(9 * plane, 10 * plane));
  });

  it('finds the labels present and rejects a grid of the wrong size', () => {
    expect(labelsPresent(Uint8Array.from([0, 3, 0, 1, 3]))).toEqual([1, 3]);
    expect(() => interpolateBetweenSlices(new Uint8Array(7), [2, 2, 2], [1, 1, 1], 1)).toThrow(/7 voxels for a 2x2x2 grid/);
  });
});
