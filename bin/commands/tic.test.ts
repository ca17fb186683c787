import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { writeSeg, type SegSource } from '../../workers/io/dicom/seg.ts';
import { writeMrSeries, type MrSeriesHeader } from '../../workers/io/dicom/write-mr.ts';
import { writeNrrd } from '../../workers/io/nrrd.ts';
import type { Mat3, Vec3, Volume } from '../../workers/io/volume.ts';
import { main } from '../her2.ts';
import { parseHotSpot } from './tic.ts';

/**
 * A synthetic DCE study written with the project's MR writer: one series per phase (pre + 4 post),
 * 16 x 12 x 4 voxels, a 4 x 4 x 2 lesion that enhances 100 -> 250 at phase 1 and washes out to
 * 200 at phase 4 (-20 %), background 50; ContrastBolusStartTime 10:00:30, phases at 10:00:00,
 * 10:01:30, 10:02:30, 10:03:30, 10:04:30.
 */
const SIZE: Vec3 = [16, 12, 4];
const GEOMETRY = { size: SIZE, spacing: [0.75, 0.75, 2.5] as Vec3, origin: [-60.5, -20.25, 33] as Vec3, direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] as Mat3 };
const LESION = [100, 250, 235, 215, 200];
const TIMES = ['100000', '100130', '100230', '100330', '100430'];
const inLesion = (i: number, j: number, k: number) => i >= 6 && i < 10 && j >= 4 && j < 8 && k >= 1 && k < 3;

let dir: string;

/** The DICOM SEG of `mask` referencing phase `p`'s images (slice k = image k), as the app exports it. */
function segOf(mask: Volume, p: number): Uint8Array {
  const h = header(p);
  const source: SegSource = {
    sopClassUID: '1.2.840.10008.5.1.4.1.1.4',
    sopInstanceUIDs: Array.from({ length: SIZE[2] }, (_, k) => h.sopInstanceUID!(k)),
    seriesInstanceUID: h.series.instanceUID,
    studyInstanceUID: h.study.instanceUID,
    frameOfReferenceUID: h.frameOfReferenceUID,
    patient: { name: 'TIC^Test', id: 'TIC001', birthDate: '', sex: '' },
    study: { date: '20240101', time: '100000' },
  };
  return writeSeg(mask, source, [{ label: 1, name: 'Lesion' }], { date: '20240101', time: '101000' });
}

function header(p: number): MrSeriesHeader {
  return {
    patient: { name: 'TIC^Test', id: 'TIC001' },
    study: { instanceUID: '2.25.1234567890123', date: '20240101', time: '100000', description: 'DCE test' },
    series: { instanceUID: `2.25.99887766${p}`, number: 10 + p, description: p ? `dyn post ${p}` : 'dyn pre', patientPosition: 'HFP' },
    frameOfReferenceUID: '2.25.55555',
    equipment: { manufacturer: 'HER2 test' },
    acquisition: {
      date: '20240101',
      time: TIMES[p],
      repetitionTime: 4.5,
      echoTime: 2.1,
      flipAngle: 10,
      scanningSequence: ['GR'],
      sequenceVariant: ['SP'],
      scanOptions: [],
      mrAcquisitionType: '3D',
    },
    contrast: p ? { agent: 'Gd', startTime: '100030' } : undefined,
    sopInstanceUID: (k) => `2.25.77${p}${k}1`,
  };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'her2-tic-'));
  mkdirSync(join(dir, 'dicom'));
  const n = SIZE[0] * SIZE[1] * SIZE[2];
  const mask = new Uint8Array(n);
  LESION.forEach((s, p) => {
    const data = new Uint16Array(n).fill(50);
    for (let k = 0; k < SIZE[2]; k++)
      for (let j = 0; j < SIZE[1]; j++)
        for (let i = 0; i < SIZE[0]; i++) {
          if (!inLesion(i, j, k)) continue;
          data[i + SIZE[0] * (j + SIZE[1] * k)] = s;
          mask[i + SIZE[0] * (j + SIZE[1] * k)] = 1;
        }
    const files = writeMrSeries({ ...GEOMETRY, data }, header(p));
    for (const folder of ['dicom', 'patient']) {
      mkdirSync(join(dir, folder, `phase${p}`), { recursive: true });
      files.forEach((f, k) => writeFileSync(join(dir, folder, `phase${p}`, `IM${k}.dcm`), f));
    }
  });
  writeFileSync(join(dir, 'mask.nrrd'), writeNrrd({ ...GEOMETRY, data: mask } as Volume));
  const shifted = { ...GEOMETRY, origin: [400, 400, 400] as Vec3, data: mask } as Volume;
  writeFileSync(join(dir, 'far.nrrd'), writeNrrd(shifted));
  writeFileSync(join(dir, 'mask.seg.dcm'), segOf({ ...GEOMETRY, data: mask } as Volume, 2));
  // A patient folder as `her2 demo` writes it: the phases, the masks and notes beside them.
  writeFileSync(join(dir, 'patient', 'mask.nrrd'), writeNrrd({ ...GEOMETRY, data: mask } as Volume));
  writeFileSync(join(dir, 'patient', 'mask.seg.dcm'), segOf({ ...GEOMETRY, data: mask } as Volume, 2));
  writeFileSync(join(dir, 'patient', 'lesion.nii.gz'), new Uint8Array([0x1f, 0x8b, 8, 0]));
  writeFileSync(join(dir, 'patient', 'clinical.csv'), 'id,tic\nTIC001,3\n');
  writeFileSync(join(dir, 'patient', 'tic.json'), '{}\n');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function her2(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true));
  const log = vi.spyOn(console, 'log').mockImplementation((...a) => void (stdout += a.join(' ') + '\n'));
  const err = vi.spyOn(console, 'error').mockImplementation((...a) => void (stderr += a.join(' ') + '\n'));
  try {
    return { code: await main(args), stdout, stderr };
  } finally {
    out.mockRestore();
    log.mockRestore();
    err.mockRestore();
  }
}

describe('her2 tic', () => {
  it('reads the phases from DICOM and the mask from NRRD, and prints the type, curve and times', async () => {
    const r = await her2(['tic', '--phases', join(dir, 'dicom'), '--mask', join(dir, 'mask.nrrd')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.type).toBe(3);
    expect(j.typeName).toBe('washout');
    expect(j.roi.voxels).toBe(32);
    expect(j.roi.signal).toEqual(LESION);
    expect(j.roi.enhancement).toEqual([0, 150, 135, 115, 100]);
    // t0 = ContrastBolusStartTime 10:00:30; phases 1 (60 s) and 2 (120 s) are initial
    expect(j.t0).toEqual({ source: 'ContrastBolusStartTime', secondsSinceMidnight: 36030 });
    expect(j.times).toEqual([-30, 60, 120, 180, 240]);
    expect(j.initialPhases).toEqual([1, 2]);
    expect(j.change).toBeCloseTo(200 / 250 - 1, 12);
  });

  it('writes --out, takes the threshold, the window and a hot spot', async () => {
    const out = join(dir, 'tic.json');
    const r = await her2(['tic', '--phases', join(dir, 'dicom'), '--mask', join(dir, 'mask.nrrd'), '--out', out, '--threshold', '25', '--hotspot', '3']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/type 2 \(plateau\), change -20\.0 %; written to/);
    const j = JSON.parse(readFileSync(out, 'utf8'));
    expect(j.type).toBe(2);
    expect(j.rule.threshold).toBe(0.25);
    expect(j.typedCurve).toBe('hotSpot');
    // the 4 x 4 x 2 lesion cannot hold 3 x 3 x 3: clipped; all centres enhance alike, the fullest wins
    expect(j.hotSpot.voxels).toBe(18);
    expect(j.warnings.join(' ')).toMatch(/cannot hold a hot spot/);
  });

  it('reads a DICOM SEG mask: the same JSON as with the NRRD mask', async () => {
    const nrrd = await her2(['tic', '--phases', join(dir, 'dicom'), '--mask', join(dir, 'mask.nrrd'), '--hotspot', '3']);
    const seg = await her2(['tic', '--phases', join(dir, 'dicom'), '--mask', join(dir, 'mask.seg.dcm'), '--hotspot', '3']);
    expect(seg.code).toBe(0);
    expect(seg.stderr).toBe(nrrd.stderr);
    const a = JSON.parse(nrrd.stdout);
    const b = JSON.parse(seg.stdout);
    expect(b.source.mask).toMatch(/mask\.seg\.dcm$/);
    expect({ ...b, source: null }).toEqual({ ...a, source: null });
    expect(b.type).toBe(3);
    expect(b.roi.signal).toEqual(LESION);
    // SegmentNumber as --label; a segment the SEG lacks is named in the error
    const one = await her2(['tic', '--phases', join(dir, 'dicom'), '--mask', join(dir, 'mask.seg.dcm'), '--label', '1']);
    expect(JSON.parse(one.stdout).roi).toEqual(JSON.parse((await her2(['tic', '--phases', join(dir, 'dicom'), '--mask', join(dir, 'mask.seg.dcm')])).stdout).roi);
    // frames without ImagePositionPatient (pydicom removes it): placed by the phase-2 images they reference
    execFileSync('/usr/bin/python3', [
      '-c',
      `import sys, pydicom
ds = pydicom.dcmread(sys.argv[1])
for fg in ds.PerFrameFunctionalGroupsSequence: del fg.PlanePositionSequence
ds.save_as(sys.argv[2])`,
      join(dir, 'mask.seg.dcm'),
      join(dir, 'nopos.seg.dcm'),
    ]);
    const nopos = await her2(['tic', '--phases', join(dir, 'dicom'), '--mask', join(dir, 'nopos.seg.dcm'), '--hotspot', '3']);
    expect(nopos.stderr).toBe(nrrd.stderr);
    expect({ ...JSON.parse(nopos.stdout), source: null }).toEqual({ ...a, source: null });
    const two = await her2(['tic', '--phases', join(dir, 'dicom'), '--mask', join(dir, 'mask.seg.dcm'), '--label', '2']);
    expect(two.code).toBe(2);
    expect(two.stderr).toMatch(/^her2 tic: mask \S+mask\.seg\.dcm: no segment 2 with voxels on the image \(the SEG has 1 'Lesion'\)\n$/);
  });

  it('a patient folder as --phases: the mask, label maps, tables and JSON beside the phases are not scanned as DICOM', async () => {
    const patient = join(dir, 'patient');
    for (const mask of ['mask.nrrd', 'mask.seg.dcm']) {
      const r = await her2(['tic', '--phases', patient, '--mask', join(patient, mask)]);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      expect(JSON.parse(r.stdout).warnings).toEqual([]);
      expect(JSON.parse(r.stdout).roi.signal).toEqual(LESION);
    }
    // ...but a broken DICOM file among them is still reported, by name
    writeFileSync(join(patient, 'phase1', 'IM9.dcm'), 'not DICOM');
    try {
      const r = await her2(['tic', '--phases', patient, '--mask', join(patient, 'mask.nrrd')]);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).warnings).toEqual([expect.stringMatching(/^phase1\/IM9\.dcm: not a DICOM file/)]);
    } finally {
      rmSync(join(patient, 'phase1', 'IM9.dcm'));
    }
  });

  it('fails with one clear line for a ROI outside the image and for bad options', async () => {
    const far = await her2(['tic', '--phases', join(dir, 'dicom'), '--mask', join(dir, 'far.nrrd')]);
    expect(far.code).toBe(1);
    expect(far.stderr).toMatch(/^her2 tic: phase 0 \(.*\): the ROI lies outside this phase's image/);
    expect(far.stderr.trim().split('\n')).toHaveLength(1);
    const noMask = await her2(['tic', '--phases', join(dir, 'dicom')]);
    expect(noMask.code).toBe(2);
    expect(noMask.stderr).toBe('her2 tic: --mask is required\n');
    const badFormat = await her2(['tic', '--phases', join(dir, 'dicom'), '--mask', join(dir, 'tic.json')]);
    expect(badFormat.stderr).toMatch(/^her2 tic: mask \S+tic\.json: unknown format/);
    expect(() => parseHotSpot('big')).toThrow(/--hotspot: 'big'/);
    expect(parseHotSpot('5mm')).toEqual({ kind: 'sphere', diameterMm: 5 });
    expect(parseHotSpot('3x3x3')).toEqual({ kind: 'cube', voxels: 3 });
  });
});
