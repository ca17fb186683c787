/**
 * Masks as the commands read them (bin/inputs.ts): a DICOM SEG is placed on the image's grid
 * by its own frame positions and gives the same extraction as the label map it was written
 * from; a SEG off the image's voxels, an RTSTRUCT or an image given as --mask are refused,
 * naming the file.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from './her2.ts';
import { notDicomSibling, readMask } from './inputs.ts';
import { writeSeg, type SegSource } from '../workers/io/dicom/seg.ts';
import { parseFeaturesCsv } from '../workers/io/features-csv.ts';
import { readNrrd, writeNrrd } from '../workers/io/nrrd.ts';
import type { Vec3, Volume } from '../workers/io/volume.ts';

const SHARED = resolve(process.cwd(), '../shared');
const IMAGE = join(SHARED, 'conformance/pyradiomics/data/breast1_image.nrrd');
const LABEL = join(SHARED, 'conformance/pyradiomics/data/breast1_label.nrrd');
const T1 = join(SHARED, 'dicom-samples/ibsi-sts002-mr-t1-rtstruct/dicom');

let tmp: string;
let label: Volume;

/** A SEG of `mask` (every nonzero voxel: segment 1) referencing made-up images, one per slice. */
function segOf(mask: Volume): Uint8Array {
  const source: SegSource = {
    sopClassUID: '1.2.840.10008.5.1.4.1.1.4',
    sopInstanceUIDs: Array.from({ length: mask.size[2] }, (_, k) => `2.25.4242${k + 1}`),
    seriesInstanceUID: '2.25.4243',
    studyInstanceUID: '2.25.4244',
    frameOfReferenceUID: '2.25.4245',
    patient: { name: 'SEG^Test', id: 'B1', birthDate: '', sex: '' },
    study: { date: '20240101', time: '100000' },
  };
  return writeSeg(mask, source, [{ label: 1, name: 'Lesion' }], { date: '20240101', time: '101000' });
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'her2-inputs-'));
  label = readNrrd(readFileSync(LABEL), LABEL);
  writeFileSync(join(tmp, 'label.seg.dcm'), segOf(label));
  // the same voxels as an 8-bit label map (the SEG's mask is 8-bit, and PyRadiomics hashes the mask's bytes)
  writeFileSync(join(tmp, 'label-u8.nrrd'), writeNrrd({ ...label, data: Uint8Array.from(label.data) }));
  // half a voxel off the image's columns: not on its voxels
  const shifted = { ...label, origin: [label.origin[0] + label.spacing[0] / 2, label.origin[1], label.origin[2]] as Vec3 };
  writeFileSync(join(tmp, 'shifted.seg.dcm'), segOf(shifted));
  writeFileSync(join(tmp, 'not-a-mask.json'), '{}');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let stdout: string;
let stderr: string[];
beforeEach(() => {
  stdout = '';
  stderr = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void stderr.push(a.join(' ')));
  vi.spyOn(console, 'log').mockImplementation(() => {});
});
afterEach(() => vi.restoreAllMocks());

async function extract(mask: string): Promise<{ code: number; csv: string; stderr: string[] }> {
  stdout = '';
  stderr = [];
  const code = await main(['extract', '--image', IMAGE, '--mask', mask, '--id', 'breast1']);
  return { code, csv: stdout, stderr: [...stderr] };
}

describe('readMask', () => {
  it('places a SEG on the image grid: the voxels of the label map it was written from', async () => {
    const image = readNrrd(readFileSync(IMAGE), IMAGE);
    const m = await readMask(join(tmp, 'label.seg.dcm'), { grid: image });
    expect(m.size).toEqual(image.size);
    expect(m.origin).toEqual(image.origin);
    let differ = 0;
    let count = 0;
    for (let v = 0; v < label.data.length; v++) {
      if ((label.data[v] !== 0 ? 1 : 0) !== m.data[v]) differ++;
      count += m.data[v];
    }
    expect(count).toBeGreaterThan(0);
    expect(differ).toBe(0);
  });

  it('refuses a SEG off the image voxels, an RTSTRUCT, an image and an unknown file, naming the file', async () => {
    const image = readNrrd(readFileSync(IMAGE), IMAGE);
    await expect(readMask(join(tmp, 'shifted.seg.dcm'), { grid: image })).rejects.toThrow(
      /^mask \S+shifted\.seg\.dcm: the SEG's frames do not lie on the image's voxels \(.*resampled.*\); resample the image or the SEG/,
    );
    await expect(readMask(join(T1, 'mask', 'RS.dcm'), { grid: image })).rejects.toThrow(/^mask \S+RS\.dcm: an RT Structure Set/);
    await expect(readMask(join(T1, 'image', '000000.dcm'), { grid: image })).rejects.toThrow(/^mask \S+000000\.dcm: .*not a DICOM SEG/);
    await expect(readMask(join(tmp, 'not-a-mask.json'), { grid: image })).rejects.toThrow(/^mask \S+not-a-mask\.json: unknown format \(give .*DICOM SEG/);
  });

  it('notDicomSibling: the mask itself and label maps, tables, notes', () => {
    const skip = notDicomSibling('P001/mask.seg.dcm');
    for (const f of ['P001/mask.seg.dcm', 'P001/mask.nrrd', 'a/b.nii', 'a/b.nii.gz', 'clinical.csv', 'tic.json', 'params.yaml']) expect(skip(f), f).toBe(true);
    for (const f of ['P001/phase-0/IM0001.dcm', 'P001/other.seg.dcm', 'DICOMDIR', 'a/IM0001', 'a/b.IMA']) expect(skip(f), f).toBe(false);
  });
});

describe('her2 extract with a DICOM SEG mask', () => {
  it('gives the row of the same mask as an 8-bit NRRD, and the features of the original 16-bit one', async () => {
    const seg = await extract(join(tmp, 'label.seg.dcm'));
    expect(seg.stderr).toEqual([]);
    expect(seg.code).toBe(0);
    const u8 = await extract(join(tmp, 'label-u8.nrrd'));
    expect(u8.code).toBe(0);
    expect(seg.csv).toBe(u8.csv);
    const orig = await extract(LABEL);
    const a = parseFeaturesCsv(seg.csv, 'seg');
    const b = parseFeaturesCsv(orig.csv, 'nrrd');
    expect(a.names.length).toBeGreaterThan(100);
    expect(a.names).toEqual(b.names);
    expect(Array.from(a.rows[0])).toEqual(Array.from(b.rows[0]));
  });

  it('a SEG off the image voxels is one line, exit 2', async () => {
    const r = await extract(join(tmp, 'shifted.seg.dcm'));
    expect(r.code).toBe(2);
    expect(r.stderr).toHaveLength(1);
    expect(r.stderr[0]).toMatch(/^her2 extract: mask \S+shifted\.seg\.dcm: the SEG's frames do not lie on the image's voxels/);
  });
});
