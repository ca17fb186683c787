/**
 * Resampling properties that hold for ITK's interpolators. PyRadiomics-level exactness of
 * the B-spline path (and of nearest neighbour for masks) is checked against the references
 * in conformance.test.ts (`_resampling` columns, the interpolated diagnostics, exampleMR_5mm).
 */
import { describe, expect, it } from 'vitest';
import type { Geometry, Volume } from '../io/volume.ts';
import { resampleVolume } from './resample.ts';

// dyadic spacings and origins: continuous indices of the grid points are exact integers (in ITK too)
const grid: Geometry = { size: [7, 6, 5], spacing: [0.5, 0.75, 2], origin: [-3, 4, 10], direction: [1, 0, 0, 0, -1, 0, 0, 0, 1] };
const values = Float64Array.from({ length: 7 * 6 * 5 }, (_, i) => Math.sin(i * 0.37) * 100 + (i % 7) * 3);
const image: Volume = { ...grid, data: values };

describe('resampleVolume', () => {
  it('onto its own grid: nearest and linear give the input exactly; the cubic B-spline interpolates it', () => {
    expect(Array.from(resampleVolume(image, grid, 'nearest').data)).toEqual(Array.from(values));
    expect(Array.from(resampleVolume(image, grid, 'linear').data)).toEqual(Array.from(values));
    const b = resampleVolume(image, grid, 'bspline').data;
    for (let i = 0; i < values.length; i++) expect(Math.abs(b[i] - values[i])).toBeLessThan(1e-9);
  });

  it('linear: halfway between two voxels along x is their mean; outside the image is 0', () => {
    const shifted: Geometry = { ...grid, size: [6, 6, 5], origin: [grid.origin[0] + 0.25, grid.origin[1], grid.origin[2]] };
    const r = resampleVolume(image, shifted, 'linear').data;
    expect(r[0]).toBeCloseTo((values[0] + values[1]) / 2, 10);
    const outside: Geometry = { ...grid, origin: [100, 100, 100] };
    expect(Array.from(resampleVolume(image, outside, 'bspline').data).every((v) => v === 0)).toBe(true);
  });

  it("keeps the input's pixel type: integer output is clamped, then truncated toward zero", () => {
    const ints: Volume = { ...grid, data: Int16Array.from(values, (v) => Math.round(v)) };
    const half: Geometry = { ...grid, origin: [grid.origin[0] + 0.25, grid.origin[1], grid.origin[2]], size: [6, 6, 5] };
    const r = resampleVolume(ints, half, 'linear').data;
    expect(r).toBeInstanceOf(Int16Array);
    const exact = (ints.data[0] + ints.data[1]) / 2;
    expect(r[0]).toBe(Math.trunc(exact));
    const big: Volume = { ...grid, data: new Uint8Array(values.length).fill(250) };
    expect(Math.max(...resampleVolume(big, half, 'bspline').data)).toBeLessThanOrEqual(255);
  });
});
