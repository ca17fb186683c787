import { describe, expect, it } from 'vitest';
import type { Volume } from '../io/volume.ts';
import { roiBoxCenter } from './roi-center.ts';

const grid = (set: [number, number, number][]): Volume => {
  const size: [number, number, number] = [6, 5, 4];
  const data = new Uint8Array(6 * 5 * 4);
  for (const [i, j, k] of set) data[i + 6 * (j + 5 * k)] = 1;
  return { size, spacing: [1, 1, 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], data };
};

describe('roiBoxCenter', () => {
  it("is the middle of the ROI's bounding box, in voxel indices", () => {
    expect(roiBoxCenter(grid([[1, 1, 0], [5, 3, 2]]))).toEqual([3, 2, 1]);
    expect(roiBoxCenter(grid([[4, 2, 3]]))).toEqual([4, 2, 3]);
  });
  it('is null for an empty ROI', () => {
    expect(roiBoxCenter(grid([]))).toBeNull();
  });
});
