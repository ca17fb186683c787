import { describe, expect, it } from 'vitest';
import type { Geometry, Vec3 } from '../io/volume.ts';
import { roiStatistics } from './stats.ts';

function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('roiStatistics', () => {
  const size: Vec3 = [13, 9, 7];
  const geometry: Geometry = { size, spacing: [0.7, 0.9, 2.5], origin: [1, 2, 3], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };
  const n = 13 * 9 * 7;
  const next = seeded(3);
  const labels = Uint8Array.from({ length: n }, () => (next() < 0.2 ? 1 : next() < 0.1 ? 2 : 0));
  const phases = [
    Int16Array.from({ length: n }, () => Math.round(next() * 2000 - 500)),
    Uint16Array.from({ length: n }, () => Math.round(next() * 4000)),
    Float32Array.from({ length: n }, () => next() * 10 - 5),
  ];

  for (const label of [0, 1, 2]) {
    it(`equals a brute-force walk over (i, j, k) for label ${label}`, () => {
      const got = roiStatistics(labels, geometry, phases, label);
      const values: number[][] = phases.map(() => []);
      for (let k = 0; k < 7; k++)
        for (let j = 0; j < 9; j++)
          for (let i = 0; i < 13; i++) {
            const v = i + 13 * (j + 9 * k);
            const inRoi = label === 0 ? labels[v] !== 0 : labels[v] === label;
            if (inRoi) phases.forEach((p, q) => values[q].push(p[v]));
          }
      expect(got.voxelCount).toBe(values[0].length);
      expect(got.volumeMl).toBeCloseTo((values[0].length * 0.7 * 0.9 * 2.5) / 1000, 14);
      got.phases.forEach((s, q) => {
        const vs = values[q];
        expect(s.min).toBe(Math.min(...vs));
        expect(s.max).toBe(Math.max(...vs));
        expect(s.mean).toBeCloseTo(vs.reduce((a, b) => a + b, 0) / vs.length, 10);
      });
    });
  }

  it('gives NaN statistics for an empty ROI and names a phase off the grid', () => {
    const empty = roiStatistics(new Uint8Array(n), geometry, phases);
    expect(empty.voxelCount).toBe(0);
    expect(empty.phases.every((p) => Number.isNaN(p.mean) && Number.isNaN(p.min))).toBe(true);
    expect(() => roiStatistics(labels, geometry, [phases[0], new Int16Array(5)])).toThrow(/phase 1 has 5 voxels/);
  });
});
