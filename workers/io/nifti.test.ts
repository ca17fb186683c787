/**
 * NIfTI-1 reader and writer: the IBSI digital phantom against its voxel table
 * (phantom_voxels.csv: NIfTI index, world RAS position, intensity, mask), round trips with
 * oblique directions and every written type, gzip, big-endian, scl_slope, and clear errors.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv.ts';
import { NiftiError, readNifti, writeNifti } from './nifti.ts';
import { readNrrd } from './nrrd.ts';
import { indexToPhysical, type Mat3, type Volume } from './volume.ts';

const PHANTOM = resolve(process.cwd(), '../shared/conformance/ibsi/digital_phantom');

describe('readNifti', () => {
  it('the IBSI phantom: every voxel value and world position as phantom_voxels.csv lists them (RAS there, LPS here)', () => {
    const image = readNifti(readFileSync(join(PHANTOM, 'nifti/image/phantom.nii.gz')), 'phantom.nii.gz');
    const mask = readNifti(readFileSync(join(PHANTOM, 'nifti/mask/mask.nii.gz')), 'mask.nii.gz');
    expect(image.size).toEqual([5, 4, 4]);
    expect(image.spacing).toEqual([2, 2, 2]);
    const rows = parseCsv(readFileSync(join(PHANTOM, 'phantom_voxels.csv'), 'utf8'));
    const h = rows[0];
    const c = (k: string) => h.indexOf(k);
    expect(rows.length - 1).toBe(80);
    for (const r of rows.slice(1)) {
      const [i, j, k] = [Number(r[c('i')]), Number(r[c('j')]), Number(r[c('k')])];
      const idx = i + 5 * (j + 4 * k);
      expect(image.data[idx]).toBe(Number(r[c('intensity')]));
      expect(mask.data[idx]).toBe(Number(r[c('mask')]));
      const p = indexToPhysical(image, i, j, k);
      expect([-p[0] + 0, -p[1] + 0, p[2]]).toEqual([Number(r[c('x_mm')]), Number(r[c('y_mm')]), Number(r[c('z_mm')])]);
    }
  });

  it('errors name the file and the problem', () => {
    const good = writeNifti({ size: [2, 2, 2], spacing: [1, 1, 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], data: new Int16Array(8) });
    expect(() => readNifti(good.subarray(0, 200), 'a.nii')).toThrow(NiftiError);
    expect(() => readNifti(good.subarray(0, 200), 'a.nii')).toThrow(/a.nii: too short/);
    expect(() => readNifti(good.subarray(0, 360), 'b.nii')).toThrow(/b.nii: truncated/);
    expect(() => readNifti(new Uint8Array(400), 'c.nii')).toThrow(/c.nii: not a NIfTI-1 file/);
    const four = good.slice();
    new DataView(four.buffer).setInt16(40, 4, true);
    new DataView(four.buffer).setInt16(48, 3, true);
    expect(() => readNifti(four, 'd.nii')).toThrow(/d.nii: 4-D images/);
    const complex = good.slice();
    new DataView(complex.buffer).setInt16(70, 32, true);
    expect(() => readNifti(complex, 'e.nii')).toThrow(/e.nii: NIfTI datatype 32 \(complex64\) is not supported/);
    const pair = good.slice();
    pair.set([0x6e, 0x69, 0x31, 0], 344);
    expect(() => readNifti(pair, 'f.hdr')).toThrow(/pairs are not supported/);
    const two = good.slice();
    new DataView(two.buffer).setInt32(0, 540, true);
    expect(() => readNifti(two, 'g.nii')).toThrow(/NIfTI-2/);
    expect(() => readNifti(Uint8Array.of(0x1f, 0x8b, 1, 2, 3), 'h.nii.gz')).toThrow(/h.nii.gz: gzip data is corrupt/);
  });

  it('scl_slope / scl_inter give float32 values; big-endian files read the same', () => {
    const v: Volume = { size: [3, 1, 1], spacing: [1, 1, 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], data: Int16Array.of(1, 2, -3) };
    const bytes = writeNifti(v);
    const dv = new DataView(bytes.buffer);
    dv.setFloat32(112, 2, true);
    dv.setFloat32(116, 0.5, true);
    const scaled = readNifti(bytes, 's.nii');
    expect(scaled.data).toBeInstanceOf(Float32Array);
    expect(Array.from(scaled.data)).toEqual([2.5, 4.5, -5.5]);
    // the same file with every header field and voxel byte-swapped
    const le = writeNifti(v);
    const be = le.slice();
    const swap = (off: number, n: number) => be.subarray(off, off + n).reverse();
    swap(0, 4);
    for (let k = 0; k < 8; k++) swap(40 + 2 * k, 2);
    swap(70, 2);
    swap(72, 2);
    for (let k = 0; k < 8; k++) swap(76 + 4 * k, 4);
    for (const off of [108, 112, 116]) swap(off, 4);
    swap(252, 2);
    swap(254, 2);
    for (let k = 0; k < 18; k++) swap(256 + 4 * k, 4);
    for (let k = 0; k < 3; k++) swap(352 + 2 * k, 2);
    const r = readNifti(be, 'be.nii');
    expect(Array.from(r.data)).toEqual([1, 2, -3]);
  });
});

describe('writeNifti', () => {
  const c = Math.cos(0.3);
  const s = Math.sin(0.3);
  const oblique: Mat3 = [c, -s, 0, s, c, 0, 0, 0, -1];
  for (const [name, data] of [
    ['uint8', Uint8Array.of(0, 1, 2, 255, 4, 5, 6, 7)],
    ['int16', Int16Array.of(-32768, 1, 2, 32767, 4, 5, 6, 7)],
    ['int32', Int32Array.of(-5, 1, 2, 3, 4, 5, 6, 7)],
    ['uint32', Uint32Array.of(4294967295, 1, 2, 3, 4, 5, 6, 7)],
    ['float32', Float32Array.of(0.5, 1, 2, 3, 4, 5, 6, -7.25)],
    ['float64', Float64Array.of(Math.PI, 1, 2, 3, 4, 5, 6, 7)],
  ] as const) {
    it(`${name}: values, type and geometry survive a round trip (oblique, left-handed direction; gzip)`, () => {
      const v: Volume = { size: [2, 2, 2], spacing: [0.7, 0.8, 2.5], origin: [-10.5, 20.25, 3], direction: oblique, data };
      for (const gzip of [false, true]) {
        const r = readNifti(writeNifti(v, { gzip }), 'rt.nii');
        expect(r.data.constructor).toBe(data.constructor);
        expect(Array.from(r.data)).toEqual(Array.from(data));
        expect(r.size).toEqual(v.size);
        for (let i = 0; i < 3; i++) expect(r.spacing[i]).toBeCloseTo(v.spacing[i], 6);
        for (let i = 0; i < 3; i++) expect(r.origin[i]).toBeCloseTo(v.origin[i], 4);
        for (let i = 0; i < 9; i++) expect(r.direction[i]).toBeCloseTo(v.direction[i], 6);
      }
    });
  }

  it('a PyRadiomics test label map written as NIfTI keeps every voxel at the same physical position', () => {
    const label = readNrrd(readFileSync(resolve(process.cwd(), '../shared/conformance/pyradiomics/data/brain1_label.nrrd')), 'brain1_label.nrrd');
    const back = readNifti(writeNifti(label, { gzip: true }), 'brain1_label.nii.gz');
    let differ = 0;
    for (let i = 0; i < label.data.length; i++) if (back.data[i] !== label.data[i]) differ++;
    expect(back.data.constructor).toBe(label.data.constructor);
    expect(differ).toBe(0);
    for (const [i, j, k] of [[0, 0, 0], [255, 255, 24], [170, 100, 12]] as const) {
      const a = indexToPhysical(label, i, j, k);
      const b = indexToPhysical(back, i, j, k);
      for (let d = 0; d < 3; d++) expect(b[d]).toBeCloseTo(a[d], 3);
    }
    // qform and sform are both written (scanner anatomical), so readers that prefer either agree
    const raw = writeNifti(label);
    const dv = new DataView(raw.buffer);
    expect([dv.getInt16(252, true), dv.getInt16(254, true)]).toEqual([1, 1]);
    expect(readNifti(gzipSync(raw), 'x.nii.gz').transform).toBe('sform');
  });
});
