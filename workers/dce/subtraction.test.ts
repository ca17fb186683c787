import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNpy } from '../io/npy.ts';
import { indexToPhysical, type Mat3, type Volume } from '../io/volume.ts';
import { GeometryMismatchError, maximumIntensityProjection, subtractPhases } from './subtraction.ts';

// Reference: NumPy (Debian's /usr/bin/python3) computes float32(post) - float32(pre) and
// the max along each axis of that difference; our arrays are x fastest, NumPy's (z, y, x).
const PYTHON = '/usr/bin/python3';
const NUMPY_REFERENCE = `
import sys, numpy as np
d, nx, ny, nz = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
pre = np.fromfile(d + '/pre.bin', dtype='<u2').reshape(nz, ny, nx).astype(np.float32)
post = np.fromfile(d + '/post.bin', dtype='<u2').reshape(nz, ny, nx).astype(np.float32)
sub = post - pre
np.save(d + '/sub.npy', sub)
for axis_ijk in range(3):
    np.save(d + '/mip%d.npy' % axis_ijk, sub.max(axis=2 - axis_ijk))
`;

function randomVolume(seed: number, size: [number, number, number], direction: Mat3): Volume<Uint16Array> {
  let s = seed >>> 0;
  const data = new Uint16Array(size[0] * size[1] * size[2]);
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s >>> 20; // 0..4095, like 12-bit MR
  }
  return { data, size, spacing: [0.7, 0.8, 2.5], origin: [-10, 20, -30], direction };
}

describe('DCE subtraction', () => {
  // An oblique, orthonormal direction (rotation about z by 30 degrees).
  const c = Math.cos(Math.PI / 6);
  const s = Math.sin(Math.PI / 6);
  const direction: Mat3 = [c, -s, 0, s, c, 0, 0, 0, 1];
  const size: [number, number, number] = [13, 11, 7];
  const pre = randomVolume(1, size, direction);
  const post = randomVolume(2, size, direction);

  it('matches NumPy for post - pre and the MIP along each axis', () => {
    const dir = mkdtempSync(join(tmpdir(), 'her2-sub-'));
    try {
      writeFileSync(join(dir, 'pre.bin'), Buffer.from(pre.data.buffer));
      writeFileSync(join(dir, 'post.bin'), Buffer.from(post.data.buffer));
      execFileSync(PYTHON, ['-c', NUMPY_REFERENCE, dir, ...size.map(String)]);
      const sub = subtractPhases(post, pre);
      expect(sub.data).toBeInstanceOf(Float32Array);
      const ref = readNpy(readFileSync(join(dir, 'sub.npy')));
      expect(ref.shape).toEqual([size[2], size[1], size[0]]);
      expect(Array.from(sub.data)).toEqual(Array.from(ref.data));
      expect(Math.min(...sub.data)).toBeLessThan(0); // signed: the difference is not clipped
      for (const axis of [0, 1, 2] as const) {
        const mip = maximumIntensityProjection(sub, axis);
        const refMip = readNpy(readFileSync(join(dir, `mip${axis}.npy`)));
        expect(Array.from(mip.data)).toEqual(Array.from(refMip.data));
        const expectedSize = [...size];
        expectedSize[axis] = 1;
        expect(mip.size).toEqual(expectedSize);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('places each MIP at the middle of the projected extent, with that extent as its thickness', () => {
    const sub = subtractPhases(post, pre);
    for (const axis of [0, 1, 2] as const) {
      const mip = maximumIntensityProjection(sub, axis);
      const centre: [number, number, number] = [0, 0, 0];
      centre[axis] = (size[axis] - 1) / 2;
      const expected = indexToPhysical(sub, ...centre);
      mip.origin.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 10));
      expect(mip.spacing[axis]).toBeCloseTo(sub.spacing[axis] * size[axis], 10);
      expect(mip.direction).toEqual(sub.direction);
    }
  });

  it('refuses phases on different grids, naming both sizes', () => {
    const other = randomVolume(3, [13, 11, 6], direction);
    expect(() => subtractPhases(other, pre)).toThrow(GeometryMismatchError);
    expect(() => subtractPhases(other, pre)).toThrow(/13x11x6 vs 13x11x7/);
  });
});
