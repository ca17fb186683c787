import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../io/volume.ts';
import { countComponents } from '../radiomics/mask.ts';
import { connectedComponents, labelMask, largestLabel, largestLesion, splitLesions } from './components.ts';

function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const at = (size: Vec3, i: number, j: number, k: number) => i + size[0] * (j + size[1] * k);

describe('connectedComponents', () => {
  it('numbers separated boxes by size, largest first', () => {
    const size: Vec3 = [20, 10, 6];
    const m = new Uint8Array(1200);
    const box = (i0: number, i1: number, j0: number, j1: number, k0: number, k1: number) => {
      for (let k = k0; k <= k1; k++) for (let j = j0; j <= j1; j++) for (let i = i0; i <= i1; i++) m[at(size, i, j, k)] = 1;
    };
    box(0, 1, 0, 1, 0, 1); // 8
    box(5, 9, 2, 6, 1, 3); // 75
    box(13, 18, 0, 2, 4, 5); // 36
    const c = connectedComponents(m, size);
    expect(c.sizes).toEqual([75, 36, 8]);
    expect(c.labels[at(size, 7, 4, 2)]).toBe(1);
    expect(c.labels[at(size, 15, 1, 5)]).toBe(2);
    expect(c.labels[at(size, 0, 0, 0)]).toBe(3);
    const split = splitLesions(m, size, { max: 2 });
    expect(split.sizes).toEqual([75, 36]);
    expect(split.masks[0].reduce((a, b) => a + b, 0)).toBe(75);
  });

  it('joins voxels touching by a corner only with 26-connectivity, by an edge with 18', () => {
    const size: Vec3 = [3, 3, 3];
    const m = new Uint8Array(27);
    m[at(size, 0, 0, 0)] = 1;
    m[at(size, 1, 1, 1)] = 1; // corner of the first
    m[at(size, 2, 2, 1)] = 1; // edge of the second
    expect(connectedComponents(m, size, { connectivity: 26 }).sizes).toEqual([3]);
    expect(connectedComponents(m, size, { connectivity: 18 }).sizes).toEqual([2, 1]);
    expect(connectedComponents(m, size, { connectivity: 6 }).sizes).toEqual([1, 1, 1]);
  });

  it('counts as many 26-components as the radiomics engine (VolumeNum) on random masks, covering every voxel once', () => {
    const next = seeded(5);
    const size: Vec3 = [17, 13, 11];
    for (const density of [0.05, 0.15, 0.3]) {
      const m = Uint8Array.from({ length: 17 * 13 * 11 }, () => (next() < density ? 1 : 0));
      const c = connectedComponents(m, size);
      expect(c.sizes.length).toBe(countComponents(m, size));
      expect(c.sizes.reduce((a, b) => a + b, 0)).toBe(m.reduce((a, b) => a + b, 0));
      for (let v = 0; v < m.length; v++) expect(c.labels[v] !== 0).toBe(m[v] !== 0);
    }
  });

  it('only counts the requested label', () => {
    const m = Uint8Array.from([1, 2, 2, 0, 1, 1]);
    expect(connectedComponents(m, [6, 1, 1], { label: 1 }).sizes).toEqual([2, 1]);
  });

  it('marks the largest lesion (first on ties, -1 when all are empty)', () => {
    expect(largestLesion([10, 250, 30])).toBe(1);
    expect(largestLesion([7, 7])).toBe(0);
    expect(largestLesion([0, 0])).toBe(-1);
  });
});

describe('largestLabel and labelMask', () => {
  // random label maps with 0-4 lesions; the counts recomputed by filtering, independently
  let state = 7;
  const rand = () => ((state = (state * 1103515245 + 12345) >>> 0) / 2 ** 32);
  for (let trial = 0; trial < 20; trial++) {
    const n = 500;
    const lesions = trial % 5;
    const labels = new Uint8Array(n);
    for (let i = 0; i < n; i++) labels[i] = rand() < 0.3 && lesions > 0 ? 1 + Math.floor(rand() * lesions) : 0;
    it(`map ${trial} (${lesions} lesion values)`, () => {
      const values = [...new Set(labels)].filter((v) => v !== 0).sort((a, b) => a - b);
      const count = (v: number) => [...labels].filter((x) => x === v).length;
      const expected = values.reduce((best, v) => (best === 0 || count(v) > count(best) ? v : best), 0);
      expect(largestLabel(labels)).toBe(expected);
      for (const v of [...values, 9]) {
        const m = labelMask(labels, v);
        if (count(v) === 0) expect(m).toBeNull();
        else expect([...m!]).toEqual([...labels].map((x) => (x === v ? 1 : 0)));
      }
    });
  }
  it('ties go to the lower value', () => {
    expect(largestLabel(Uint8Array.from([0, 2, 2, 1, 1, 3]))).toBe(1);
  });
});
