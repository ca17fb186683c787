/**
 * The four real MR samples in ../shared/dicom-samples: series items, slices, phases, rows and
 * columns as the sample README's table gives them (parsed from the README), phase grouping
 * checked against the headers as pydicom reads them, the Philips per-frame modality LUT,
 * the IBSI T1 volume against its voxel-identical NIfTI twin, and the RTSTRUCT rasterised
 * against IBSI's own mask.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as nifti from 'nifti-reader-js';
import { loadPhaseVolume, rasterizeRtStruct, readRtStruct, scanDicom } from './index.ts';
import type { ImportResult, SeriesItem } from './types.ts';
import { bytesReader, fileBytes, pydicomPixels, python, SAMPLES, sourcesOf, tempDir } from './test-support.ts';

interface Expected {
  items: number;
  slices: number;
  phases: number;
  rows: number;
  columns: number;
}

/** The README's "What the workstation should show for each sample" table. */
function readmeTable(): Map<string, Expected> {
  const text = readFileSync(join(SAMPLES, 'README.md'), 'utf8');
  const section = text.split('## What the workstation should show for each sample')[1].split('\n## ')[0];
  const table = new Map<string, Expected>();
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length < 4 || !/^[a-z][a-z0-9-]+$/.test(cells[1]) || cells[1] === 'sample') continue;
    const items = Number(cells[2].match(/^\d+/)?.[0]);
    const m = cells[3].match(/(\d+)\s*x\s*(\d+)[^,]*,\s*(\d+)\s*x\s*(\d+)/);
    if (!m) throw new Error(`cannot read the README row: ${line}`);
    table.set(cells[1], { items, slices: Number(m[1]), phases: Number(m[2]), rows: Number(m[3]), columns: Number(m[4]) });
  }
  return table;
}

const table = readmeTable();
const results = new Map<string, ImportResult>();
function scanSample(name: string): ImportResult {
  let r = results.get(name);
  if (!r) {
    r = scanDicom(sourcesOf(join(SAMPLES, name)));
    results.set(name, r);
  }
  return r;
}

describe('shared DICOM samples match the README table', () => {
  it('the README lists the four samples', () => {
    expect([...table.keys()].sort()).toEqual([
      'ge-signa-multiphase-10tp',
      'ibsi-sts002-mr-t1-rtstruct',
      'philips-enhanced-mr-fieldmap',
      'siemens-xa10-enhanced-4tp',
    ]);
  });
  for (const [name, want] of table) {
    it(`${name}: ${want.items} item(s), ${want.slices} slices x ${want.phases} phases, ${want.rows} x ${want.columns}`, async () => {
      const r = scanSample(name);
      expect(r.series.length).toBe(want.items);
      for (const s of r.series) {
        expect({ slices: s.slices, phases: s.phases.length, rows: s.rows, columns: s.columns }).toEqual({
          slices: want.slices,
          phases: want.phases,
          rows: want.rows,
          columns: want.columns,
        });
        expect(s.warnings).toEqual([]);
        for (const p of s.phases) expect(p.frames.length).toBe(want.slices);
        // every phase decodes to a volume of that size
        const v = await loadPhaseVolume(s, s.phases.length - 1, bytesReader(join(SAMPLES, name)));
        expect(v.size).toEqual([want.columns, want.rows, want.slices]);
      }
      // the licence and README files are reported, by name, as not DICOM; nothing else is
      for (const e of r.errors) expect(e.message).toMatch(/^(LICENSE|README|nifti\/).*not a DICOM file/);
    });
  }
});

describe('phase grouping against the headers (pydicom)', () => {
  let headers: Record<string, { tpi: number; trigger: number; acq: number; z: number }>;
  beforeAll(() => {
    const code = `
import sys, os, json, pydicom
out = {}
for root, _, files in os.walk(sys.argv[1]):
    for f in files:
        if not f.endswith('.dcm'): continue
        p = os.path.join(root, f)
        d = pydicom.dcmread(p, stop_before_pixels=True)
        out[os.path.relpath(p, sys.argv[1])] = {
            'tpi': int(d.get('TemporalPositionIdentifier', 0) or 0),
            'trigger': float(d.get('TriggerTime', 0) or 0),
            'acq': int(d.get('AcquisitionNumber', 0) or 0),
            'z': float(d.ImagePositionPatient[2]) if 'ImagePositionPatient' in d else 0.0,
        }
print(json.dumps(out))`;
    headers = {
      ...JSON.parse(python(code, [join(SAMPLES, 'ge-signa-multiphase-10tp')])),
      ...JSON.parse(python(code, [join(SAMPLES, 'siemens-xa10-enhanced-4tp')])),
    };
  });

  it('GE: one DCE item whose phase k holds the files with TemporalPositionIdentifier k+1, TriggerTime increasing with the phase', () => {
    const [s] = scanSample('ge-signa-multiphase-10tp').series;
    expect(s.kind).toBe('dce');
    expect(s.phaseSource).toBe('TemporalPositionIdentifier');
    s.phases.forEach((p, k) => {
      expect(p.index).toBe(k);
      for (const f of p.frames) expect(headers[f.source].tpi).toBe(k + 1);
      // slices sorted along the normal (axial: z ascending)
      const z = p.frames.map((f) => headers[f.source].z);
      expect(z).toEqual([...z].sort((a, b) => a - b));
      expect(new Set(z).size).toBe(z.length);
    });
    // at each position, TriggerTime increases with the phase number
    for (let slice = 0; slice < s.slices; slice++) {
      const t = s.phases.map((p) => headers[p.frames[slice].source].trigger);
      expect(t).toEqual([...t].sort((a, b) => a - b));
    }
    // the phases are told apart by TriggerTime when AcquisitionTime is identical
    const times = s.phases.map((p) => p.time!);
    for (let k = 1; k < times.length; k++) expect(times[k]).toBeGreaterThan(times[k - 1]);
  });

  it('Siemens XA enhanced: one DCE item, phase k is the instance with AcquisitionNumber k+1', () => {
    const [s] = scanSample('siemens-xa10-enhanced-4tp').series;
    expect(s.kind).toBe('dce');
    s.phases.forEach((p, k) => {
      const files = new Set(p.frames.map((f) => f.source));
      expect(files.size).toBe(1);
      expect(headers[[...files][0]].acq).toBe(k + 1);
      expect(p.frames.map((f) => f.temporalPositionIndex)).toEqual(p.frames.map(() => k + 1));
    });
  });
});

describe('Philips enhanced MR: frame types and per-frame rescale', () => {
  let frames: { type: string; slope: number; intercept: number }[];
  let stored: ReturnType<typeof pydicomPixels>;
  const file = join(SAMPLES, 'philips-enhanced-mr-fieldmap', 'IM_0027_fMAP.dcm');
  beforeAll(() => {
    frames = JSON.parse(
      python(
        `import sys, json, pydicom
d = pydicom.dcmread(sys.argv[1])
print(json.dumps([{'type': f.MRImageFrameTypeSequence[0].FrameType[3],
  'slope': float(f.PixelValueTransformationSequence[0].RescaleSlope),
  'intercept': float(f.PixelValueTransformationSequence[0].RescaleIntercept)} for f in d.PerFrameFunctionalGroupsSequence]))`,
        [file],
      ),
    );
    stored = pydicomPixels(file, tempDir('philips'));
  });

  it('splits the 64 frames into magnitude and field map items by FrameType', () => {
    const r = scanSample('philips-enhanced-mr-fieldmap');
    const byType = new Map(r.series.map((s) => [s.frameType, s]));
    expect([...byType.keys()].sort()).toEqual([...new Set(frames.map((f) => f.type))].sort());
    for (const [type, s] of byType) {
      for (const f of s.phases[0].frames) expect(frames[f.frameIndex].type).toBe(type);
    }
  });

  it('each voxel equals that frame\'s stored value x its slope + intercept (pydicom)', async () => {
    const r = scanSample('philips-enhanced-mr-fieldmap');
    const [, rows, cols] = stored.shape;
    for (const s of r.series) {
      const v = await loadPhaseVolume(s, 0, bytesReader(join(SAMPLES, 'philips-enhanced-mr-fieldmap')));
      expect(v.data).toBeInstanceOf(Float32Array);
      let checked = 0;
      s.phases[0].frames.forEach((f, k) => {
        const { slope, intercept } = frames[f.frameIndex];
        for (const [i, j] of [[0, 0], [31, 29], [40, 17], [cols - 1, rows - 1]]) {
          const raw = stored.data[(f.frameIndex * rows + j) * cols + i];
          expect(v.data[(k * rows + j) * cols + i]).toBe(Math.fround(raw * slope + intercept));
          checked++;
        }
      });
      expect(checked).toBe(32 * 4);
    }
    // the two kinds really have different rescales: one global slope would be wrong for half the frames
    expect(new Set(frames.map((f) => f.slope)).size).toBe(2);
  });
});

describe('IBSI STS_002 MR T1: DICOM volume vs its NIfTI twin, RTSTRUCT vs IBSI mask', () => {
  const dir = join(SAMPLES, 'ibsi-sts002-mr-t1-rtstruct');
  function readNiftiFile(path: string) {
    let buf = fileBytes(path);
    if (nifti.isCompressed(buf)) buf = nifti.decompress(buf) as ArrayBuffer;
    const header = nifti.readHeader(buf)!;
    const raw = nifti.readImage(header, buf);
    const data = header.datatypeCode === 16 ? new Float32Array(raw) : new Uint8Array(raw);
    return { header, data };
  }
  let item: SeriesItem;
  beforeAll(() => {
    item = scanSample('ibsi-sts002-mr-t1-rtstruct').series[0];
  });

  it('is voxel-identical to MR_T1_image.nii.gz (i = column, j = row, k = IPP z ascending)', async () => {
    const v = await loadPhaseVolume(item, 0, bytesReader(dir));
    const { header, data } = readNiftiFile(join(dir, 'nifti', 'MR_T1_image.nii.gz'));
    expect(v.size).toEqual([header.dims[1], header.dims[2], header.dims[3]]);
    let diff = 0;
    for (let i = 0; i < data.length; i++) diff = Math.max(diff, Math.abs(v.data[i] - data[i]));
    expect(diff).toBe(0);
    // NIfTI's affine is RAS; ours is LPS: x and y flip sign.
    const a = header.affine;
    const lps = [-a[0][3], -a[1][3], a[2][3]];
    for (let c = 0; c < 3; c++) expect(v.origin[c]).toBeCloseTo(lps[c], 3);
    expect(v.spacing[0]).toBeCloseTo(Math.abs(a[0][0]), 5);
    expect(v.spacing[1]).toBeCloseTo(Math.abs(a[1][1]), 5);
    expect(v.spacing[2]).toBeCloseTo(Math.abs(a[2][2]), 4);
    expect(v.direction.map((x) => Math.round(x))).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
  });

  it('the RTSTRUCT is an annotation of the series, and rasterises onto it with Dice >= 0.9 against MR_T1_mask.nii.gz', () => {
    expect(item.annotations.map((a) => [a.kind, a.roiNames])).toEqual([['RTSTRUCT', ['GTV_Mass_MR_T1']]]);
    const rt = readRtStruct('RS.dcm', fileBytes(join(dir, 'dicom', 'mask', 'RS.dcm')));
    const mask = rasterizeRtStruct(rt, 'GTV_Mass_MR_T1', item.phases[0].geometry, { frameOfReferenceUID: item.frameOfReferenceUID });
    expect(mask.warnings).toEqual([]);
    const ref = readNiftiFile(join(dir, 'nifti', 'MR_T1_mask.nii.gz')).data;
    let both = 0;
    let a = 0;
    let b = 0;
    for (let i = 0; i < ref.length; i++) {
      const x = mask.data[i] ? 1 : 0;
      const y = ref[i] ? 1 : 0;
      a += x;
      b += y;
      both += x & y;
    }
    const dice = (2 * both) / (a + b);
    console.log(`RTSTRUCT rasterisation: ${a} voxels vs IBSI mask ${b}, overlap ${both}, Dice ${dice.toFixed(4)}`);
    expect(mask.voxelCount).toBe(a);
    expect(dice).toBeGreaterThanOrEqual(0.9);
  });
});
