/**
 * Grouping, DCE phase detection and the import checks on series made at test time with
 * pydicom from the IBSI T1 sample (35 axial slices): one series per phase (with a
 * subtraction series and a phase missing a slice), phases inside one series told apart by
 * AcquisitionNumber or AcquisitionTime, a missing slice, duplicate and mixed-orientation
 * images, and bad files (text, truncated) beside a valid series.
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPhaseVolume, scanDicom } from './index.ts';
import { indexToPhysical } from '../volume.ts';
import { bytesReader, fileBytes, python, PYDICOM_FILES, SAMPLES, sourcesOf, tempDir } from './test-support.ts';

const IBSI = join(SAMPLES, 'ibsi-sts002-mr-t1-rtstruct', 'dicom', 'image');

/**
 * Writes copies of the IBSI slices: argv = out folder, then a JSON list of series
 * {name, n (slices kept, by index list), attrs: {keyword: value}, add (added to the pixels)}.
 */
const MAKE_SERIES = `
import sys, os, json, glob, pydicom, numpy
from pydicom.uid import generate_uid
src = sorted(glob.glob(os.path.join(sys.argv[1], '*.dcm')))
out = sys.argv[2]
for spec in json.loads(sys.argv[3]):
    folder = os.path.join(out, spec['name'])
    os.makedirs(folder, exist_ok=True)
    series_uid = generate_uid()
    for k in spec.get('slices', range(len(src))):
        d = pydicom.dcmread(src[k])
        d.SeriesInstanceUID = series_uid
        d.SOPInstanceUID = generate_uid()
        d.file_meta.MediaStorageSOPInstanceUID = d.SOPInstanceUID
        for key, value in spec.get('attrs', {}).items():
            setattr(d, key, value)
        for key, value in spec.get('per_slice', {}).items():
            setattr(d, key, value[k] if isinstance(value, list) else value)
        if spec.get('add'):
            a = d.pixel_array.astype(numpy.int16) + spec['add']
            d.PixelData = a.tobytes()
        d.save_as(os.path.join(folder, 'IM%03d.dcm' % k))
`;

function makeSeries(out: string, specs: object[]): void {
  python(MAKE_SERIES, [IBSI, out, JSON.stringify(specs)]);
}

const acquisition = { RepetitionTime: '4.5', EchoTime: '2.1', FlipAngle: '12', ScanningSequence: 'GR', ImageType: ['ORIGINAL', 'PRIMARY', 'M', 'ND'] };

describe('one series per phase -> one DCE item', () => {
  const dir = tempDir('series-per-phase');
  beforeAll(() => {
    const phases = [0, 1, 2, 3].map((p) => ({
      name: `phase${p}`,
      // SeriesNumber runs against time, so the order must come from AcquisitionTime
      attrs: { ...acquisition, SeriesNumber: 20 - p, AcquisitionTime: `1000${p}0.000`, ContrastBolusStartTime: '100005' },
      add: 100 * p,
    }));
    makeSeries(dir, [
      ...phases,
      {
        name: 'sub',
        attrs: { ...acquisition, SeriesNumber: 30, ImageType: ['DERIVED', 'PRIMARY', 'M', 'SUB'], AcquisitionTime: '100010.000' },
      },
      {
        name: 'phase4-missing-slice',
        slices: [...Array(35).keys()].filter((k) => k !== 17),
        attrs: { ...acquisition, SeriesNumber: 16, AcquisitionTime: '100040.000' },
      },
    ]);
  });

  it('groups the 4 phases in AcquisitionTime order, keeps the subtraction and the incomplete series apart and says why', async () => {
    const r = scanDicom(sourcesOf(dir));
    expect(r.errors).toEqual([]);
    const dce = r.series.filter((s) => s.kind === 'dce');
    expect(dce.length).toBe(1);
    const item = dce[0];
    expect(item.phaseSource).toBe('series');
    expect(item.phases.length).toBe(4);
    expect(item.slices).toBe(35);
    expect(item.seriesInstanceUIDs.length).toBe(4);
    expect(item.phases.map((p) => p.frames[0].source.split('/')[0])).toEqual(['phase0', 'phase1', 'phase2', 'phase3']);
    expect(item.phases.map((p) => p.time)).toEqual([36000, 36010, 36020, 36030]);
    expect(item.contrastBolusStartTime).toBe(36005);
    expect(item.phases.map((p) => p.index)).toEqual([0, 1, 2, 3]);
    // the pixels follow the phases (phase p was written with +100 p)
    const v0 = await loadPhaseVolume(item, 0, bytesReader(dir));
    const v3 = await loadPhaseVolume(item, 3, bytesReader(dir));
    for (let i = 0; i < v0.data.length; i += 997) expect(v3.data[i] - v0.data[i]).toBe(300);
    // the 34-slice series has the acquisition but not the geometry: named in the DCE item
    expect(item.warnings.some((w) => /series 16 .*different geometry.*not included as a phase/.test(w))).toBe(true);
    const others = r.series.filter((s) => s.kind !== 'dce');
    expect(others.map((s) => s.seriesNumber).sort()).toEqual([16, 30]);
    const incomplete = others.find((s) => s.seriesNumber === 16)!;
    expect(incomplete.warnings.some((w) => /series 16 .*missing slice.*gap of 6\.54 mm/.test(w))).toBe(true);
  });
});

describe('phases inside one series', () => {
  const dir = tempDir('in-series');
  beforeAll(() => {
    // two series, each holding 2 phases of the 35 slices: told apart by AcquisitionNumber, or only by AcquisitionTime
    makeSeries(dir, [
      { name: 'acqnum-a', attrs: { ...acquisition, SeriesNumber: 5, AcquisitionNumber: 1, AcquisitionTime: '120000' } },
      { name: 'acqnum-b', attrs: { ...acquisition, SeriesNumber: 5, AcquisitionNumber: 2, AcquisitionTime: '120100' }, add: 50 },
      // (another flip angle: series of one study with the same acquisition and grid would be merged as phases)
      { name: 'time-a', attrs: { ...acquisition, FlipAngle: '15', SeriesNumber: 6, AcquisitionNumber: 1, AcquisitionTime: '130100' }, add: 70 },
      { name: 'time-b', attrs: { ...acquisition, FlipAngle: '15', SeriesNumber: 6, AcquisitionNumber: 1, AcquisitionTime: '130000' } },
    ]);
    // put each pair in one series
    python(
      `import sys, glob, os, pydicom
for a, b in (('acqnum-a', 'acqnum-b'), ('time-a', 'time-b')):
    uid = pydicom.dcmread(glob.glob(os.path.join(sys.argv[1], a, '*.dcm'))[0]).SeriesInstanceUID
    for f in glob.glob(os.path.join(sys.argv[1], b, '*.dcm')):
        d = pydicom.dcmread(f); d.SeriesInstanceUID = uid; d.save_as(f)`,
      [dir],
    );
  });

  it('AcquisitionNumber when it varies; else slices grouped by position and ordered by AcquisitionTime', async () => {
    const r = scanDicom(sourcesOf(dir));
    expect(r.errors).toEqual([]);
    const bySeries = new Map(r.series.map((s) => [s.seriesNumber, s]));
    const a = bySeries.get(5)!;
    expect([a.kind, a.phaseSource, a.phases.length, a.slices]).toEqual(['dce', 'AcquisitionNumber', 2, 35]);
    const t = bySeries.get(6)!;
    expect([t.kind, t.phaseSource, t.phases.length, t.slices]).toEqual(['dce', 'AcquisitionTime', 2, 35]);
    // phase 0 is the earlier acquisition (time-b, written without offset)
    expect(t.phases[0].frames.every((f) => f.source.startsWith('time-b/'))).toBe(true);
    const v0 = await loadPhaseVolume(t, 0, bytesReader(dir));
    const v1 = await loadPhaseVolume(t, 1, bytesReader(dir));
    for (let i = 0; i < v0.data.length; i += 991) expect(v1.data[i] - v0.data[i]).toBe(70);
    expect(a.warnings).toEqual([]);
    expect(t.warnings).toEqual([]);
  });
});

describe('checks: missing slice, duplicate position, mixed orientation, phases off the grid', () => {
  const dir = tempDir('checks');
  beforeAll(() => {
    makeSeries(dir, [
      { name: 'missing', slices: [...Array(35).keys()].filter((k) => k !== 10), attrs: { SeriesNumber: 41, SeriesDescription: 'gap' } },
      {
        name: 'mixed',
        attrs: { SeriesNumber: 42 },
        // the first 5 images sagittal, at 5 positions along x
        per_slice: {
          ImageOrientationPatient: [...Array(35).keys()].map((k) => (k < 5 ? [0, 1, 0, 0, 0, -1] : [1, 0, 0, 0, 1, 0])),
          ImagePositionPatient: [...Array(35).keys()].map((k) => (k < 5 ? [3 * k, 88.867, -550] : [30.273312, 88.86703, -609.4174 + 3.269955 * k])),
        },
      },
    ]);
    // a duplicate of one slice (new SOPInstanceUID, same position) in the 'missing' series
    python(
      `import sys, os, pydicom
from pydicom.uid import generate_uid
d = pydicom.dcmread(os.path.join(sys.argv[1], 'missing', 'IM020.dcm'))
d.SOPInstanceUID = generate_uid(); d.file_meta.MediaStorageSOPInstanceUID = d.SOPInstanceUID
d.save_as(os.path.join(sys.argv[1], 'missing', 'IM020-copy.dcm'))`,
      [dir],
    );
  });

  it('names the series and the gap, the duplicate, and splits mixed orientations', () => {
    const r = scanDicom(sourcesOf(dir));
    const gap = r.series.find((s) => s.seriesNumber === 41)!;
    expect(gap.kind).toBe('static');
    expect(gap.warnings.some((w) => /^series 41 'gap' .*missing slice.*gap of 6\.54 mm between .*IM009\.dcm, missing\/IM011\.dcm/.test(w))).toBe(true);
    expect(gap.warnings.some((w) => /^series 41 'gap' .*duplicate slice position .*IM020/.test(w))).toBe(true);
    const mixed = r.series.filter((s) => s.seriesNumber === 42);
    expect(mixed.map((s) => s.slices).sort((x, y) => x - y)).toEqual([5, 30]);
    for (const s of mixed) expect(s.warnings.some((w) => /^series 42 .*mixed orientation/.test(w))).toBe(true);
  });

  it('GE multiphase with one file removed: the short phase is named', () => {
    const ge = join(SAMPLES, 'ge-signa-multiphase-10tp');
    const r = scanDicom(sourcesOf(ge, (n) => n.endsWith('.dcm') && n !== '0035.dcm'));
    const [s] = r.series;
    expect(s.phases.length).toBe(10);
    expect(s.warnings.some((w) => /phase 3 has 9 slices, phase 0 has 10/.test(w))).toBe(true);
    expect(s.warnings.some((w) => /phase 3: missing slice/.test(w))).toBe(true);
  });
});

describe('uneven spacing, and GE multiphase without TemporalPositionIdentifier', () => {
  const dir = tempDir('uneven-and-ge');
  beforeAll(() => {
    // axial slices 3 mm apart, but the step from slice 20 to 21 is 3.6 mm (20 % more: uneven, not a gap)
    const z = [...Array(35).keys()].map((k) => -600 + 3 * k + (k > 20 ? 0.6 : 0));
    makeSeries(dir, [
      {
        name: 'uneven',
        attrs: { SeriesNumber: 61, SeriesDescription: 'uneven', ImageOrientationPatient: [1, 0, 0, 0, 1, 0] },
        per_slice: { ImagePositionPatient: z.map((zk) => [30.273312, 88.86703, zk]) },
      },
    ]);
    // the GE sample's files with TemporalPositionIdentifier removed: phases must come from
    // the images at each position ordered by TriggerTime; the removed tag is kept aside as the truth
    python(
      `import sys, os, glob, json, pydicom
src, out = sys.argv[1], sys.argv[2]
os.makedirs(os.path.join(out, 'ge'), exist_ok=True)
truth = {}
for f in sorted(glob.glob(os.path.join(src, '*.dcm'))):
    d = pydicom.dcmread(f)
    truth['ge/' + os.path.basename(f)] = int(d.TemporalPositionIdentifier)
    del d.TemporalPositionIdentifier
    d.save_as(os.path.join(out, 'ge', os.path.basename(f)))
json.dump(truth, open(os.path.join(out, 'ge-truth.json'), 'w'))
print('[]')`,
      [join(SAMPLES, 'ge-signa-multiphase-10tp'), dir],
    );
  });

  it('names the uneven step, with both files', () => {
    const r = scanDicom(sourcesOf(dir, (n) => n.startsWith('uneven/')));
    const [s] = r.series;
    expect(s.warnings).toHaveLength(1);
    expect(s.warnings[0]).toMatch(/^series 61 'uneven'.*uneven slice spacing: 3\.6 mm between .*uneven\/IM020\.dcm, uneven\/IM021\.dcm.*median 3 mm/);
  });

  it('splits the GE series into its 10 phases by TriggerTime, each phase the files of one TemporalPositionIdentifier', () => {
    const truth = JSON.parse(readFileSync(join(dir, 'ge-truth.json'), 'utf8')) as Record<string, number>;
    const r = scanDicom(sourcesOf(dir, (n) => n.startsWith('ge/')));
    expect(r.series).toHaveLength(1);
    const [s] = r.series;
    expect(s.kind).toBe('dce');
    expect(s.phases).toHaveLength(10);
    s.phases.forEach((p, k) => {
      expect(p.frames).toHaveLength(10);
      for (const f of p.frames) expect(truth[f.source], f.source).toBe(k + 1);
    });
  });
});

describe('bad files beside a valid series', () => {
  const dir = tempDir('bad-files');
  beforeAll(() => {
    mkdirSync(join(dir, 'series'));
    for (const f of readdirSync(IBSI)) copyFileSync(join(IBSI, f), join(dir, 'series', f));
    copyFileSync(join(PYDICOM_FILES, 'MR_truncated.dcm'), join(dir, 'MR_truncated.dcm'));
    writeFileSync(join(dir, 'notes.txt'), 'this is not DICOM\n');
    writeFileSync(join(dir, 'empty.dcm'), '');
  });

  it('a text file, an empty file and a truncated DICOM are named issues; the valid series still loads', async () => {
    const r = scanDicom(sourcesOf(dir));
    expect(r.errors.map((e) => e.file).sort()).toEqual(['MR_truncated.dcm', 'empty.dcm', 'notes.txt']);
    for (const e of r.errors) expect(e.message.startsWith(`${e.file}: `)).toBe(true);
    expect(r.errors.find((e) => e.file === 'MR_truncated.dcm')!.message).toMatch(/truncated/);
    expect(r.errors.find((e) => e.file === 'notes.txt')!.message).toMatch(/not a DICOM file/);
    expect(r.series.length).toBe(1);
    const v = await loadPhaseVolume(r.series[0], 0, bytesReader(dir));
    expect(v.size).toEqual([115, 90, 35]);
  });

  it('a file whose bytes are gone at load time fails with its name', async () => {
    const r = scanDicom(sourcesOf(join(dir, 'series')));
    await expect(
      loadPhaseVolume(r.series[0], 0, (name) => (name.endsWith('000010.dcm') ? fileBytes(join(PYDICOM_FILES, 'MR_truncated.dcm')) : fileBytes(join(dir, 'series', name)))),
    ).rejects.toThrow(/000010\.dcm: the file is truncated/);
  });
});

describe('geometry follows the DICOM definition (PS3.3 C.7.6.2.1.1) on an oblique-free coronal series stored in reverse order', () => {
  const dir = tempDir('coronal');
  let truth: Record<string, { ipp: number[]; iop: number[]; ps: number[]; px: number[] }>;
  beforeAll(() => {
    // coronal: rows along +x, columns along -z; slices step along y; file names run against the normal
    makeSeries(dir, [
      {
        name: 'coronal',
        attrs: { SeriesNumber: 50, ImageOrientationPatient: [1, 0, 0, 0, 0, -1], PixelSpacing: [0.8, 0.6] },
        per_slice: { ImagePositionPatient: [...Array(35).keys()].map((k) => [-20.5, 40 - 2.5 * k, 15.25]) },
      },
    ]);
    truth = JSON.parse(
      python(
        `import sys, os, glob, json, pydicom
out = {}
for f in glob.glob(os.path.join(sys.argv[1], 'coronal', '*.dcm')):
    d = pydicom.dcmread(f)
    a = d.pixel_array
    out['coronal/' + os.path.basename(f)] = {'ipp': [float(x) for x in d.ImagePositionPatient], 'iop': [float(x) for x in d.ImageOrientationPatient],
      'ps': [float(x) for x in d.PixelSpacing], 'px': [int(a[3, 7]), int(a[60, 100])]}
print(json.dumps(out))`,
        [dir],
      ),
    );
  });

  it('voxel (i, j, k) sits at IPP_k + i * PixelSpacing[1] * row + j * PixelSpacing[0] * column, with slices ascending along row x column', async () => {
    const r = scanDicom(sourcesOf(dir));
    const [item] = r.series;
    expect(item.warnings).toEqual([]);
    const g = item.phases[0].geometry;
    const v = await loadPhaseVolume(item, 0, bytesReader(dir));
    const normal = [0, 1, 0]; // (1,0,0) x (0,0,-1)
    let last = -Infinity;
    item.phases[0].frames.forEach((f, k) => {
      const t = truth[f.source];
      const along = t.ipp[0] * normal[0] + t.ipp[1] * normal[1] + t.ipp[2] * normal[2];
      expect(along).toBeGreaterThan(last);
      last = along;
      for (const [i, j] of [[0, 0], [7, 3], [100, 60]]) {
        const p = indexToPhysical(g, i, j, k);
        for (let c = 0; c < 3; c++) {
          expect(p[c]).toBeCloseTo(t.ipp[c] + i * t.ps[1] * t.iop[c] + j * t.ps[0] * t.iop[3 + c], 6);
        }
      }
      expect(v.data[(k * g.size[1] + 3) * g.size[0] + 7]).toBe(t.px[0]);
      expect(v.data[(k * g.size[1] + 60) * g.size[0] + 100]).toBe(t.px[1]);
    });
  });
});
