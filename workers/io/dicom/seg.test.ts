/**
 * The SEG writer and reader against the references: dciodvfy validates what we write
 * against the Segmentation IOD; the reader reads back our files and the SEGs that dcmjs
 * writes for OHIF (bit-packed BINARY, and the RLE "FRACTIONAL" variant of its
 * rleEncode option) voxel for voxel; geometry that does not match is an error naming the
 * file. (dcmqi/Slicer files were checked by hand against their NRRD label maps: see the
 * report of this module; they are not stored in the repository.)
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Geometry, Mat3, Vec3, Volume } from '../volume.ts';
import { dciodvfy } from './dciodvfy-support.ts';
import { execFileSync } from 'node:child_process';
import { scanDicom } from './index.ts';
import { dicomLabToRgb, readSeg, rgbToDicomLab, SEG_CODES, type SegSegment, type SegSource, segSourceForPhase, writeSeg } from './seg.ts';
import { formatTM } from './part10-writer.ts';
import { uidFromParts } from './uid.ts';
import { MR_IMAGE_STORAGE, writeMrSeries } from './write-mr.ts';

const dir = mkdtempSync(join(tmpdir(), 'her2-seg-'));

// 7 x 5 pixels: 35 bits a frame, so frames do not start on byte boundaries.
const NX = 7;
const NY = 5;
const NZ = 4;

function grid(direction: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1], origin: Vec3 = [-3.5, 12.25, -40]): Geometry {
  return { size: [NX, NY, NZ], spacing: [1.5, 1.25, 3.5], origin, direction };
}

/** Rotation about z by 30 degrees, then x by 10 (columns = index axes). */
const OBLIQUE: Mat3 = (() => {
  const a = Math.PI / 6;
  const b = Math.PI / 18;
  const rz = [Math.cos(a), -Math.sin(a), 0, Math.sin(a), Math.cos(a), 0, 0, 0, 1];
  const rx = [1, 0, 0, 0, Math.cos(b), -Math.sin(b), 0, Math.sin(b), Math.cos(b)];
  const m = new Array(9).fill(0);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) for (let k = 0; k < 3; k++) m[r * 3 + c] += rx[r * 3 + k] * rz[k * 3 + c];
  return m as Mat3;
})();

function labelMask(g: Geometry): Volume<Uint8Array> {
  const data = new Uint8Array(NX * NY * NZ);
  for (let k = 1; k < NZ; k++) {
    for (let j = 0; j < NY; j++) {
      for (let i = 0; i < NX; i++) {
        const v = (i * 3 + j * 5 + k * 7) % 6;
        data[i + NX * (j + NY * k)] = v === 1 || v === 4 ? 1 : v === 2 ? 2 : v === 5 && k === 2 ? 3 : 0;
      }
    }
  }
  return { ...g, data };
}

function source(tag: string): SegSource {
  return {
    sopClassUID: MR_IMAGE_STORAGE,
    sopInstanceUIDs: Array.from({ length: NZ }, (_, k) => uidFromParts('seg-test', tag, 'image', k)),
    seriesInstanceUID: uidFromParts('seg-test', tag, 'series'),
    studyInstanceUID: uidFromParts('seg-test', tag, 'study'),
    frameOfReferenceUID: uidFromParts('seg-test', tag, 'for'),
    patient: { name: 'TEST^SEG', id: 'S1', birthDate: '19700101', sex: 'F' },
    study: { date: '20220315', time: '093000', id: '1', accessionNumber: 'A1' },
  };
}

const SEGMENTS: SegSegment[] = [
  { label: 1, name: 'Lesion', color: [230, 40, 40] },
  { label: 2, name: 'Second lesion', color: [40, 200, 60], algorithmType: 'SEMIAUTOMATIC', algorithmName: 'threshold brush' },
  { label: 3, name: 'Model output', color: [60, 80, 240], algorithmType: 'AUTOMATIC', algorithmName: 'demo', anatomicRegion: SEG_CODES.breast },
];

function saveAndValidate(name: string, bytes: Uint8Array): void {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  const report = dciodvfy(path);
  if (report.warnings.length) console.log(`dciodvfy ${name} warnings:\n  ${report.warnings.join('\n  ')}`);
  expect(report.errors, `dciodvfy ${name}`).toEqual([]);
}

function expectLabels(masks: Volume<Uint8Array>[], expected: Volume<Uint8Array>, labels: number[], map?: (i: number, j: number, k: number) => number): void {
  labels.forEach((label, s) => {
    let mismatches = 0;
    for (let k = 0; k < NZ; k++) {
      for (let j = 0; j < NY; j++) {
        for (let i = 0; i < NX; i++) {
          const src = i + NX * (j + NY * k);
          const dst = map ? map(i, j, k) : src;
          if ((expected.data[src] === label ? 1 : 0) !== masks[s].data[dst]) mismatches++;
        }
      }
    }
    expect(mismatches, `segment ${label}`).toBe(0);
  });
}

describe('writeSeg / readSeg', () => {
  it('writes a multi-segment SEG on an oblique grid that dciodvfy accepts and reads back identical voxels', () => {
    const g = grid(OBLIQUE, [10.2, -33.3, 5.5]);
    const mask = labelMask(g);
    const bytes = writeSeg(mask, source('oblique'), SEGMENTS, { date: '20220315', time: '101500', sopInstanceUID: uidFromParts('seg-test', 'sop') });
    saveAndValidate('oblique.seg.dcm', bytes);
    const r = readSeg(bytes, g, 'oblique.seg.dcm');
    expect(r.segmentationType).toBe('BINARY');
    expect(r.segments.map((s) => [s.number, s.label, s.algorithmType, s.algorithmName])).toEqual([
      [1, 'Lesion', 'MANUAL', undefined],
      [2, 'Second lesion', 'SEMIAUTOMATIC', 'threshold brush'],
      [3, 'Model output', 'AUTOMATIC', 'demo'],
    ]);
    expect(r.segments[0].category).toEqual(SEG_CODES.morphologicallyAlteredStructure);
    expect(r.segments[0].type).toEqual(SEG_CODES.mass);
    r.segments.forEach((s, i) => s.color!.forEach((c, a) => expect(Math.abs(c - SEGMENTS[i].color![a])).toBeLessThanOrEqual(1)));
    expect(r.referencedSeriesInstanceUIDs).toEqual([source('oblique').seriesInstanceUID]);
    expectLabels(r.masks, mask, [1, 2, 3]);
  });

  it('treats a single segment as binary (every non-zero voxel) and keeps an empty segment listed', () => {
    const g = grid();
    const mask = labelMask(g);
    const bytes = writeSeg(mask, source('binary'), [{ label: 1, name: 'ROI' }], { date: '20220315', time: '101500' });
    saveAndValidate('binary.seg.dcm', bytes);
    const r = readSeg(bytes, g, 'binary.seg.dcm');
    let mismatches = 0;
    for (let i = 0; i < mask.data.length; i++) if ((mask.data[i] !== 0 ? 1 : 0) !== r.masks[0].data[i]) mismatches++;
    expect(mismatches).toBe(0);

    const empty = { ...g, data: new Uint8Array(NX * NY * NZ) };
    const emptyBytes = writeSeg(empty, source('empty'), [{ label: 1, name: 'Nothing yet' }], { date: '20220315', time: '101500' });
    saveAndValidate('empty.seg.dcm', emptyBytes);
    const e = readSeg(emptyBytes, g, 'empty.seg.dcm');
    expect(e.segments.map((s) => s.label)).toEqual(['Nothing yet']);
    expect(e.masks[0].data.every((v) => v === 0)).toBe(true);
  });

  it('places frames on a target grid whose slice axis runs the other way', () => {
    const g = grid();
    const mask = labelMask(g);
    const bytes = writeSeg(mask, source('flip'), SEGMENTS, { date: '20220315', time: '101500' });
    // The same voxels indexed with k reversed: origin at the last slice, third axis negated.
    const flipped: Geometry = {
      size: g.size,
      spacing: g.spacing,
      origin: [g.origin[0], g.origin[1], g.origin[2] + (NZ - 1) * g.spacing[2]],
      direction: [1, 0, 0, 0, 1, 0, 0, 0, -1],
    };
    const r = readSeg(bytes, flipped, 'flip.seg.dcm');
    expectLabels(r.masks, mask, [1, 2, 3], (i, j, k) => i + NX * (j + NY * (NZ - 1 - k)));
  });

  it('names the file when the SEG does not lie on the image grid', () => {
    const g = grid();
    const bytes = writeSeg(labelMask(g), source('shift'), SEGMENTS, { date: '20220315', time: '101500' });
    const shifted: Geometry = { ...g, origin: [g.origin[0] + 0.75, g.origin[1], g.origin[2]] };
    expect(() => readSeg(bytes, shifted, 'P007/mask.seg.dcm')).toThrow(/^P007\/mask\.seg\.dcm: frame 1 .*does not lie on the image grid/);
    const small: Geometry = { ...g, size: [NX, NY, 2] };
    expect(() => readSeg(bytes, small, 'P007/mask.seg.dcm')).toThrow(/^P007\/mask\.seg\.dcm: frame \d+ has segment voxels outside the image grid/);
    expect(() => readSeg(new Uint8Array(300), g, 'junk.dcm')).toThrow(/^junk\.dcm: /);
  });

  it('converts sRGB to DICOM CIELab and back within one level', () => {
    for (const rgb of [[255, 0, 0], [0, 255, 0], [0, 0, 255], [128, 128, 128], [255, 255, 255], [0, 0, 0], [221, 130, 101]] as [number, number, number][]) {
      const back = dicomLabToRgb(rgbToDicomLab(rgb));
      back.forEach((c, a) => expect(Math.abs(c - rgb[a])).toBeLessThanOrEqual(1));
    }
    // White is L* = 100, a* = b* = 0 in D50: [65535, 32896, 32896] (128/255 x 65535 = 32896).
    expect(rgbToDicomLab([255, 255, 255])).toEqual([65535, 32896, 32896]);
  });
});

describe('readSeg on SEG files written by dcmjs (OHIF)', () => {
  it('reads dcmjs BINARY and RLE FRACTIONAL exports voxel for voxel', async () => {
    // dcmjs has no type declarations; load it untyped.
    const dcmjs = (await import('dcmjs' as string)) as { default: { adapters: { Cornerstone: { Segmentation: { generateSegmentation: (...a: unknown[]) => Blob } } } } };
    const g = grid();
    const mask = labelMask(g);
    const images = writeMrSeries({ ...g, data: new Uint16Array(NX * NY * NZ).fill(300) }, {
      patient: { name: 'TEST^DCMJS', id: 'D1' },
      study: { instanceUID: uidFromParts('dcmjs', 'study'), date: '20220101', time: '100000' },
      series: { instanceUID: uidFromParts('dcmjs', 'series'), number: 1, description: 'source', patientPosition: 'HFP', imageLaterality: 'L' },
      frameOfReferenceUID: uidFromParts('dcmjs', 'for'),
      equipment: { manufacturer: 'SIEMENS' },
      acquisition: { date: '20220101', time: '100000', repetitionTime: 4.12, echoTime: 1.61, flipAngle: 10, scanningSequence: ['GR'], sequenceVariant: ['SP'], scanOptions: ['FS'], mrAcquisitionType: '3D' },
      sopInstanceUID: (k) => uidFromParts('dcmjs', 'image', k),
    }).map((bytes, k) => ({ imageId: `image-${k}`, data: { byteArray: { buffer: bytes.buffer } } }));
    // Cornerstone legacy labelmap: one 2D labelmap per frame that holds segments. dcmjs
    // numbers the frames as its ImageNormalizer sorts the source images: by decreasing
    // distance along the slice normal (frame f is our slice NZ - 1 - f).
    const labelmaps2D = Array.from({ length: NZ }, (_, f) => {
      const k = NZ - 1 - f;
      const pixelData = new Uint16Array(NX * NY);
      const segs = new Set<number>();
      for (let p = 0; p < NX * NY; p++) {
        pixelData[p] = mask.data[k * NX * NY + p];
        if (pixelData[p]) segs.add(pixelData[p]);
      }
      return segs.size ? { pixelData, segmentsOnLabelmap: [...segs], rows: NY, columns: NX } : undefined;
    });
    const meta = (n: number) => ({
      SegmentedPropertyCategoryCodeSequence: { CodeValue: '49755003', CodingSchemeDesignator: 'SCT', CodeMeaning: 'Morphologically Altered Structure' },
      SegmentNumber: n,
      SegmentLabel: `Segment ${n}`,
      SegmentAlgorithmType: 'MANUAL',
      RecommendedDisplayCIELabValue: rgbToDicomLab([200, 50, 50]),
      SegmentedPropertyTypeCodeSequence: { CodeValue: '4147007', CodingSchemeDesignator: 'SCT', CodeMeaning: 'Mass' },
    });
    for (const rleEncode of [false, true]) {
      const blob = dcmjs.default.adapters.Cornerstone.Segmentation.generateSegmentation(images, { labelmaps2D, metadata: [undefined, meta(1), meta(2), meta(3)] }, { rleEncode });
      const bytes = new Uint8Array(await blob.arrayBuffer());
      const r = readSeg(bytes, g, `dcmjs-${rleEncode ? 'rle' : 'binary'}.seg.dcm`);
      expect(r.segmentationType).toBe(rleEncode ? 'FRACTIONAL' : 'BINARY');
      expect(r.segments.map((s) => s.label)).toEqual(['Segment 1', 'Segment 2', 'Segment 3']);
      expectLabels(r.masks, mask, [1, 2, 3]);
    }
  });
});

describe('segSourceForPhase', () => {
  it('references an imported series (non-ASCII name kept in UTF-8) so that dciodvfy and pydicom accept the SEG', async () => {
    const g = grid();
    const series = writeMrSeries({ ...g, data: new Uint16Array(NX * NY * NZ).fill(200) }, {
      patient: { name: 'Müller^Anna', id: 'Ü1', birthDate: '19650301', sex: 'F' },
      study: { instanceUID: uidFromParts('src', 'study'), date: '20220301', time: '081500', id: '12', accessionNumber: 'A12', description: 'Mamma MRT' },
      series: { instanceUID: uidFromParts('src', 'series'), number: 5, description: 'dyn', patientPosition: 'HFP', imageLaterality: 'L' },
      frameOfReferenceUID: uidFromParts('src', 'for'),
      equipment: { manufacturer: 'SIEMENS' },
      acquisition: { date: '20220301', time: formatTM(30000), repetitionTime: 4.12, echoTime: 1.61, flipAngle: 10, scanningSequence: ['GR'], sequenceVariant: ['SP'], scanOptions: ['FS'], mrAcquisitionType: '3D' },
      sopInstanceUID: (k) => uidFromParts('src', 'image', k),
    });
    saveAndValidate('utf8-source.dcm', series[0]);
    const sources = series.map((b, k) => ({ name: `src/IM${k + 1}.dcm`, bytes: b.slice().buffer }));
    const scan = scanDicom(sources);
    expect(scan.errors).toEqual([]);
    const item = scan.series[0];
    const src = await segSourceForPhase(item, 0, (name) => sources.find((x) => x.name === name)!.bytes);
    expect(src.sopInstanceUIDs).toEqual(Array.from({ length: NZ }, (_, k) => uidFromParts('src', 'image', k)));
    expect(src.frameNumbers).toBeUndefined();
    expect([src.sopClassUID, src.seriesInstanceUID, src.frameOfReferenceUID]).toEqual([MR_IMAGE_STORAGE, uidFromParts('src', 'series'), uidFromParts('src', 'for')]);
    expect(src.patient.name).toBe('Müller^Anna');
    const mask = labelMask({ ...item.phases[0].geometry });
    const bytes = writeSeg(mask, src, [{ label: 1, name: 'Läsion' }], { date: '20220301', time: '090000' });
    saveAndValidate('utf8.seg.dcm', bytes);
    const py = execFileSync('/usr/bin/python3', ['-c', 'import sys, pydicom; ds = pydicom.dcmread(sys.argv[1]); print(ds.PatientName); print(ds.SegmentSequence[0].SegmentLabel); print(ds.SpecificCharacterSet)', join(dir, 'utf8.seg.dcm')], { encoding: 'utf8' });
    expect(py.trim().split('\n')).toEqual(['Müller^Anna', 'Läsion', 'ISO_IR 192']);
    const r = readSeg(bytes, item.phases[0].geometry, 'utf8.seg.dcm');
    let mismatches = 0;
    for (let i = 0; i < mask.data.length; i++) if ((mask.data[i] ? 1 : 0) !== r.masks[0].data[i]) mismatches++;
    expect(mismatches).toBe(0);
    expect(r.referencedSeriesInstanceUIDs).toEqual([uidFromParts('src', 'series')]);
  });
});
