/**
 * NRRD reading (NRRD file format 5, teem.sourceforge.net/nrrd/format.html) on files whose
 * data NumPy encodes: each type, both endiannesses, raw and gzip, and `space directions`
 * with negative and non-diagonal vectors. The voxel values must be NumPy's, the geometry
 * what the header states (spacing = |direction vector|, direction = its unit vector).
 */
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { NrrdError, readNrrd } from './nrrd.ts';

/** Values and their bytes as NumPy writes them: argv = dtype (e.g. '>i4'), count. */
const ENCODE = `
import sys, json, numpy as np
dt, n = np.dtype(sys.argv[1]), int(sys.argv[2])
rng = np.random.default_rng(7)
if dt.kind == 'f':
    v = (rng.standard_normal(n) * 1000).astype(dt)
else:
    info = np.iinfo(dt)
    v = rng.integers(info.min, int(info.max) + 1, n, dtype=np.int64).astype(dt)
    v[0], v[1] = info.min, info.max
print(json.dumps({'values': [float(x) for x in v], 'hex': v.tobytes().hex()}))
`;

function numpy(dtype: string, n: number): { values: number[]; bytes: Uint8Array } {
  const out = JSON.parse(execFileSync('/usr/bin/python3', ['-c', ENCODE, dtype, String(n)], { encoding: 'utf8' })) as { values: number[]; hex: string };
  return { values: out.values, bytes: Uint8Array.from(out.hex.match(/../g)!.map((h) => parseInt(h, 16))) };
}

function nrrd(header: string[], data: Uint8Array): Uint8Array {
  const text = new TextEncoder().encode(`NRRD0004\n${header.join('\n')}\n\n`);
  const out = new Uint8Array(text.length + data.length);
  out.set(text);
  out.set(data, text.length);
  return out;
}

const SIZE = [3, 4, 5];
const N = 60;

describe('readNrrd', () => {
  const cases: [string, string, string][] = [
    ['int8', 'signed char', 'i1'],
    ['uint8', 'uchar', 'u1'],
    ['int16', 'short', 'i2'],
    ['uint16', 'unsigned short', 'u2'],
    ['int32', 'int', 'i4'],
    ['uint32', 'uint', 'u4'],
    ['float32', 'float', 'f4'],
    ['float64', 'double', 'f8'],
  ];
  for (const [name, nrrdType, code] of cases) {
    for (const endian of ['little', 'big'] as const) {
      for (const encoding of ['raw', 'gzip'] as const) {
        if (code.endsWith('1') && endian === 'big') continue; // one byte: no endianness
        it(`${name} (${nrrdType}), ${endian} endian, ${encoding}`, () => {
          const ref = numpy(`${endian === 'big' ? '>' : '<'}${code}`, N);
          const header = [`type: ${nrrdType}`, 'dimension: 3', `sizes: ${SIZE.join(' ')}`, `encoding: ${encoding}`, 'space: left-posterior-superior'];
          if (!code.endsWith('1')) header.push(`endian: ${endian}`);
          header.push('space directions: (1.5,0,0) (0,0.75,0) (0,0,2.5)', 'space origin: (-10,20.5,-30)');
          const img = readNrrd(nrrd(header, encoding === 'gzip' ? gzipSync(ref.bytes) : ref.bytes), 'test.nrrd');
          expect(img.size).toEqual(SIZE);
          expect(Array.from(img.data, Number)).toEqual(ref.values);
          expect(img.spacing).toEqual([1.5, 0.75, 2.5]);
          expect(img.origin).toEqual([-10, 20.5, -30]);
        });
      }
    }
  }

  it('negative and non-diagonal space directions: spacing is each vector\'s length, direction its unit vector (columns = index axes)', () => {
    const ref = numpy('<i2', N);
    // index axis i runs along -y (1.5 mm), j along x rotated in the xz plane (3-4-5: 2.5 mm), k along -z (3 mm)
    const header = [
      'type: short',
      'dimension: 3',
      `sizes: ${SIZE.join(' ')}`,
      'encoding: raw',
      'endian: little',
      'space: left-posterior-superior',
      'space directions: (0,-1.5,0) (1.5,0,2) (0,0,-3)',
      'space origin: (1,2,3)',
    ];
    const img = readNrrd(nrrd(header, ref.bytes), 'oblique.nrrd');
    expect(img.spacing[0]).toBe(1.5);
    expect(img.spacing[1]).toBeCloseTo(2.5, 15);
    expect(img.spacing[2]).toBe(3);
    const d = img.direction;
    const column = (c: number) => [d[c], d[3 + c], d[6 + c]];
    expect(column(0)).toEqual([0, -1, 0]);
    column(1).forEach((v, r) => expect(v).toBeCloseTo([0.6, 0, 0.8][r], 15));
    expect(column(2)).toEqual([0, 0, -1]);
    expect(Array.from(img.data)).toEqual(ref.values);
  });

  it('refuses what it cannot read, naming the file', () => {
    const ref = numpy('<i2', N);
    const base = ['type: short', 'dimension: 3', `sizes: ${SIZE.join(' ')}`, 'endian: little', 'space directions: (1,0,0) (0,1,0) (0,0,1)'];
    expect(() => readNrrd(nrrd([...base, 'encoding: bzip2'], ref.bytes), 'b.nrrd')).toThrow(NrrdError);
    expect(() => readNrrd(nrrd([...base, 'encoding: bzip2'], ref.bytes), 'b.nrrd')).toThrow(/b\.nrrd/);
    expect(() => readNrrd(nrrd([...base, 'encoding: raw'], ref.bytes.subarray(0, 50)), 'short.nrrd')).toThrow(/short\.nrrd/);
    expect(() => readNrrd(nrrd([...base, 'encoding: raw', 'data file: x.raw'], new Uint8Array(0)), 'd.nhdr')).toThrow(/detached/);
  });
});
