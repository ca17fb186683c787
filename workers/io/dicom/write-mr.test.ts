/**
 * The MR writer against the references: dciodvfy (dicom3tools) validates each file
 * against the MR Image IOD; pydicom (an independent reader) reads the pixels and the
 * geometry and acquisition attributes back; the project's own importer (scanDicom +
 * loadPhaseVolume) rebuilds the same grid and voxels.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { indexToPhysical, type Mat3, sameGeometry, type Volume } from '../volume.ts';
import { dciodvfy, warningSummary } from './dciodvfy-support.ts';
import { loadPhaseVolume, scanDicom } from './index.ts';
import { formatDS, formatTM } from './part10-writer.ts';
import { randomUid, uidFromParts } from './uid.ts';
import { type MrSeriesHeader, writeMrSeries } from './write-mr.ts';

const PYTHON = '/usr/bin/python3';

function header(tag: string, withContrast: boolean): MrSeriesHeader {
  return {
    patient: { name: 'TEST^WRITER', id: 'W1', birthDate: '19700101', sex: 'F', age: '052Y', weightKg: 61.5 },
    study: { instanceUID: uidFromParts('test', tag, 'study'), date: '20220315', time: '093000', id: '7', accessionNumber: 'ACC7', description: 'writer test' },
    series: { instanceUID: uidFromParts('test', tag, 'series'), number: 12, description: 'dyn post1', patientPosition: 'HFP', bodyPartExamined: 'BREAST', imageLaterality: 'L' },
    frameOfReferenceUID: uidFromParts('test', tag, 'for'),
    equipment: { manufacturer: 'SIEMENS', model: 'Skyra', softwareVersions: 'syngo MR E11', deviceSerialNumber: '1' },
    acquisition: {
      date: '20220315', time: formatTM(34305.25), number: 2, repetitionTime: 4.12, echoTime: 1.61, flipAngle: 10,
      scanningSequence: ['GR'], sequenceVariant: ['SP', 'OSP'], scanOptions: ['PFP', 'FS'], mrAcquisitionType: '3D',
      sequenceName: '*fl3d1', magneticFieldStrength: 3, acquisitionMatrix: [0, 384, 384, 0], inPlanePhaseEncodingDirection: 'ROW',
    },
    contrast: withContrast ? { agent: 'Gd-DOTA', startTime: formatTM(34290), volume: 12.4, totalDose: 6.2, flowRate: 2.5, ingredient: 'GADOLINIUM' } : undefined,
    sopInstanceUID: (k) => uidFromParts('test', tag, 'image', k),
    window: { center: 600, width: 1200 },
    imageComments: 'writer test',
  };
}

/** A rotation about z by `deg` then about x by `tilt` (columns = index axes). */
function rotation(deg: number, tilt: number): Mat3 {
  const a = (deg * Math.PI) / 180;
  const b = (tilt * Math.PI) / 180;
  const rz = [Math.cos(a), -Math.sin(a), 0, Math.sin(a), Math.cos(a), 0, 0, 0, 1];
  const rx = [1, 0, 0, 0, Math.cos(b), -Math.sin(b), 0, Math.sin(b), Math.cos(b)];
  const m = new Array(9).fill(0);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) for (let k = 0; k < 3; k++) m[r * 3 + c] += rx[r * 3 + k] * rz[k * 3 + c];
  return m as Mat3;
}

function writeSeries(dir: string, vol: Volume, h: MrSeriesHeader): string[] {
  return writeMrSeries(vol, h).map((bytes, k) => {
    const p = join(dir, `IM${k + 1}.dcm`);
    writeFileSync(p, bytes);
    return p;
  });
}

interface PydicomView {
  pixels: number[];
  ipp: number[];
  iop: number[];
  spacing: number[];
  thickness: number;
  tr: number;
  te: number;
  flip: number;
  acq: string;
  bolus: string | null;
  bitsStored: number;
  pixelRep: number;
  series: number;
  modality: string;
  sop: string;
}

function pydicomRead(files: string[]): PydicomView[] {
  const code = `
import sys, json, pydicom
out = []
for f in sys.argv[1:]:
    ds = pydicom.dcmread(f)
    out.append(dict(pixels=[int(v) for v in ds.pixel_array.flatten()], ipp=[float(v) for v in ds.ImagePositionPatient],
        iop=[float(v) for v in ds.ImageOrientationPatient], spacing=[float(v) for v in ds.PixelSpacing],
        thickness=float(ds.SliceThickness), tr=float(ds.RepetitionTime), te=float(ds.EchoTime), flip=float(ds.FlipAngle),
        acq=str(ds.AcquisitionTime), bolus=(str(ds.ContrastBolusStartTime) if 'ContrastBolusStartTime' in ds else None),
        bitsStored=int(ds.BitsStored), pixelRep=int(ds.PixelRepresentation), series=int(ds.SeriesNumber),
        modality=str(ds.Modality), sop=str(ds.SOPInstanceUID)))
print(json.dumps(out))`;
  return JSON.parse(execFileSync(PYTHON, ['-c', code, ...files], { encoding: 'utf8', maxBuffer: 64 << 20 })) as PydicomView[];
}

describe('writeMrSeries', () => {
  const dir = mkdtempSync(join(tmpdir(), 'her2-write-mr-'));
  const nx = 7;
  const ny = 5;
  const nz = 3;

  it('writes unsigned axial slices that dciodvfy accepts and pydicom reads back exactly', () => {
    const data = new Uint16Array(nx * ny * nz);
    for (let i = 0; i < data.length; i++) data[i] = (i * 37) % 4000;
    const vol: Volume = { data, size: [nx, ny, nz], spacing: [1.5, 1.25, 3.5], origin: [-10.5, 20.25, -68], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };
    const h = header('u16', true);
    const sub = mkdtempSync(join(dir, 'u16-'));
    const files = writeSeries(sub, vol, h);
    const reports = files.map(dciodvfy);
    console.log(`dciodvfy (unsigned series): ${reports.reduce((a, r) => a + r.errors.length, 0)} errors; warnings:\n  ${warningSummary(reports).join('\n  ')}`);
    for (const r of reports) expect(r.errors, r.file).toEqual([]);
    const views = pydicomRead(files);
    views.forEach((v, k) => {
      expect(v.pixels).toEqual(Array.from(data.subarray(k * nx * ny, (k + 1) * nx * ny)));
      const p = indexToPhysical(vol, 0, 0, k);
      v.ipp.forEach((x, a) => expect(x).toBeCloseTo(p[a], 10));
      expect(v.iop).toEqual([1, 0, 0, 0, 1, 0]);
      expect(v.spacing).toEqual([1.25, 1.5]);
      expect(v.thickness).toBe(3.5);
      expect([v.tr, v.te, v.flip]).toEqual([4.12, 1.61, 10]);
      expect(v.acq).toBe('093145.25');
      expect(v.bolus).toBe('093130');
      expect([v.bitsStored, v.pixelRep, v.series, v.modality]).toEqual([12, 0, 12, 'MR']);
      expect(v.sop).toBe(h.sopInstanceUID(k));
    });
  });

  it('writes signed oblique slices whose grid the importer rebuilds voxel for voxel', async () => {
    const data = new Int16Array(nx * ny * nz);
    for (let i = 0; i < data.length; i++) data[i] = ((i * 7919) % 3001) - 1500;
    const vol: Volume = { data, size: [nx, ny, nz], spacing: [0.885, 0.9, 1.6], origin: [12.3, -45.6, 7.89], direction: rotation(20, 15) };
    const sub = mkdtempSync(join(dir, 'i16-'));
    const files = writeSeries(sub, vol, header('i16', false));
    const reports = files.map(dciodvfy);
    console.log(`dciodvfy (signed oblique series): ${reports.reduce((a, r) => a + r.errors.length, 0)} errors; warnings:\n  ${warningSummary(reports).join('\n  ')}`);
    for (const r of reports) expect(r.errors, r.file).toEqual([]);
    const views = pydicomRead(files);
    views.forEach((v, k) => {
      expect(v.pixels).toEqual(Array.from(data.subarray(k * nx * ny, (k + 1) * nx * ny)));
      expect([v.bitsStored, v.pixelRep, v.bolus]).toEqual([16, 1, null]);
      const p = indexToPhysical(vol, 0, 0, k);
      v.ipp.forEach((x, a) => expect(x).toBeCloseTo(p[a], 10));
    });

    const sources = files.map((f, k) => ({ name: `IM${k + 1}.dcm`, bytes: new Uint8Array(writeMrSeries(vol, header('i16', false))[k]).buffer }));
    const scan = scanDicom(sources);
    expect(scan.errors).toEqual([]);
    expect(scan.series).toHaveLength(1);
    const item = scan.series[0];
    expect(sameGeometry(item.phases[0].geometry, vol, 1e-9)).toBe(true);
    const loaded = await loadPhaseVolume(item, 0, (name) => sources.find((s) => s.name === name)!.bytes);
    expect(Array.from(loaded.data)).toEqual(Array.from(data));
  });
});

describe('formatDS', () => {
  it('keeps every value within 16 characters and as close as 16 characters allow', () => {
    for (const x of [1 / 3, -2 / 3, 0.885, 1e-20, -123456789.12345679, 1e21, 0, -0, 340 / 384, 1.2345678901234568e17, -1.2345678901234568e17]) {
      const s = formatDS(x);
      expect(s.length).toBeLessThanOrEqual(16);
      expect(/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s), s).toBe(true);
      // Exact when the shortest round-trip text fits; else as many significant digits as
      // 16 characters hold (at least 11, for '-1.2345678901e17'), correctly rounded.
      if (Number(s) === x) continue;
      const digits = s.replace(/^[+-]/, '').replace(/[eE].*$/, '').replace('.', '').replace(/^0+/, '').length;
      expect(digits).toBeGreaterThanOrEqual(11);
      expect(Math.abs(Number(s) - x)).toBeLessThanOrEqual(Math.abs(x) * 0.5 * 10 ** (1 - digits) * (1 + 1e-9));
    }
  });
});

describe('UIDs', () => {
  const ROOT = /^2\.25\.(0|[1-9]\d*)$/;
  it('derives the same valid 2.25 UID from the same parts, and version-8 UUID bits', () => {
    const a = uidFromParts('her2-demo', 42, 'P001', 'image', 2, 17);
    expect(a).toBe(uidFromParts('her2-demo', 42, 'P001', 'image', 2, 17));
    expect(a).not.toBe(uidFromParts('her2-demo', 42, 'P001', 'image', 2, 18));
    expect(a).toMatch(ROOT);
    expect(a.length).toBeLessThanOrEqual(64);
    const n = BigInt(a.slice(5));
    expect(n < 1n << 128n).toBe(true);
    expect((n >> 76n) & 0xfn).toBe(8n);
    expect((n >> 62n) & 0x3n).toBe(2n);
  });

  it('gives distinct UIDs for 100000 names and random version-4 UIDs', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 100000; i++) seen.add(uidFromParts('p', i));
    expect(seen.size).toBe(100000);
    const r = randomUid();
    expect(r).toMatch(ROOT);
    expect((BigInt(r.slice(5)) >> 76n) & 0xfn).toBe(4n);
    expect(randomUid()).not.toBe(r);
  });
});
