import { describe, expect, it } from 'vitest';
import { generateAngles } from './angles.ts';

describe('generateAngles (cmatrices.c build_angles)', () => {
  it('enumerates (dz, dy, dx) from +1 to -1 with axis 0 slowest, as the C source documents', () => {
    const all = generateAngles([10, 10, 10], { bidirectional: true });
    const expected: number[][] = [];
    for (const dz of [1, 0, -1]) for (const dy of [1, 0, -1]) for (const dx of [1, 0, -1]) if (dz || dy || dx) expected.push([dz, dy, dx]);
    expect(all).toEqual(expected);
    // one direction per pair: the first half (13)
    expect(generateAngles([10, 10, 10], { bidirectional: false })).toEqual(expected.slice(0, 13));
  });
  it('gives 13 angles for distance 1 and 49 for distance 2 in 3D (glcm.py docstring)', () => {
    expect(generateAngles([10, 10, 10], { distances: [1], bidirectional: false })).toHaveLength(13);
    expect(generateAngles([10, 10, 10], { distances: [2], bidirectional: false })).toHaveLength(49);
    expect(generateAngles([10, 10, 10], { distances: [1, 2], bidirectional: true })).toHaveLength(2 * (13 + 49));
  });
  it('keeps only in-plane offsets with force2D (4 directions, 8 neighbours)', () => {
    const a = generateAngles([10, 10, 10], { force2D: true, force2Ddimension: 0, bidirectional: false });
    expect(a).toHaveLength(4);
    expect(a.every((o) => o[0] === 0)).toBe(true);
    expect(generateAngles([10, 10, 10], { force2D: true, force2Ddimension: 0, bidirectional: true })).toHaveLength(8);
  });
  it('drops offsets that do not fit in the crop (one slice: no z offsets)', () => {
    const a = generateAngles([10, 10, 1], { bidirectional: false });
    expect(a).toHaveLength(4);
    expect(a.every((o) => o[0] === 0)).toBe(true);
  });
  it('names the setting when no offset fits or a distance is invalid', () => {
    expect(() => generateAngles([1, 1, 1], { bidirectional: false })).toThrow(/no neighbour offset fits/);
    expect(() => generateAngles([5, 5, 5], { distances: [0], bidirectional: false })).toThrow(/setting distances/);
  });
});
