/**
 * Pixel decoding against independent readers: Debian's pydicom test files decode to the
 * same stored values as the uncompressed reference (MR_small.dcm) or as pydicom reads them;
 * more variants are made at test time with dcmtk's encoders (dcmcjpeg, dcmcjpls, dcmcrle),
 * including multi-frame encapsulated data; lossy JPEG is compared with dcmtk's dcmdjpeg
 * (IJG libjpeg) output with a tolerance of 1 (integer vs floating-point IDCT rounding).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPhaseVolume, scanDicom } from './index.ts';
import { openjphModule } from './codecs.ts';
import type { Volume } from '../volume.ts';
import { fileBytes, pydicomPixels, python, PYDICOM_FILES, SAMPLES, tempDir } from './test-support.ts';

const tmp = tempDir('decode');

async function loadFile(path: string, name = path.split('/').pop()!): Promise<Volume> {
  const r = scanDicom([{ name, bytes: fileBytes(path) }]);
  expect(r.errors).toEqual([]);
  expect(r.series.length).toBe(1);
  return loadPhaseVolume(r.series[0], 0, () => fileBytes(path));
}

/** Stored values (no modality LUT) of a single-frame file, via our loader: the rescale of these files is identity. */
function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): { max: number; count: number } {
  expect(a.length).toBe(b.length);
  let max = 0;
  let count = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (d > 0) count++;
    if (d > max) max = d;
  }
  return { max, count };
}

function dcmtk(tool: string, args: string[]): void {
  execFileSync(tool, args, { stdio: 'ignore' });
}

describe('lossless and uncompressed variants of MR_small decode to MR_small.dcm', () => {
  let reference: Volume;
  beforeAll(async () => {
    reference = await loadFile(join(PYDICOM_FILES, 'MR_small.dcm'));
    // the reference itself agrees with pydicom
    const py = pydicomPixels(join(PYDICOM_FILES, 'MR_small.dcm'), tmp);
    expect(maxAbsDiff(reference.data, py.data).max).toBe(0);
    dcmtk('dcmcjpeg', ['+e1', join(PYDICOM_FILES, 'MR_small.dcm'), join(tmp, 'MR_small_jpeg_sv1.dcm')]);
    dcmtk('dcmcjpeg', ['+el', join(PYDICOM_FILES, 'MR_small.dcm'), join(tmp, 'MR_small_jpeg_p14.dcm')]);
    dcmtk('dcmcjpls', [join(PYDICOM_FILES, 'MR_small.dcm'), join(tmp, 'MR_small_dcmcjpls.dcm')]);
    dcmtk('dcmcrle', [join(PYDICOM_FILES, 'MR_small.dcm'), join(tmp, 'MR_small_dcmcrle.dcm')]);
  });
  const cases: [string, string][] = [
    ['MR_small_implicit.dcm', 'Implicit VR Little Endian'],
    ['MR_small_bigendian.dcm', 'Explicit VR Big Endian'],
    ['MR_small_expb.dcm', 'Explicit VR Big Endian'],
    ['MR_small_RLE.dcm', 'RLE Lossless'],
    ['MR_small_jpeg_ls_lossless.dcm', 'JPEG-LS Lossless'],
    ['MR_small_jp2klossless.dcm', 'JPEG 2000 Lossless'],
  ];
  for (const [file, ts] of cases) {
    it(`${file} (${ts})`, async () => {
      const v = await loadFile(join(PYDICOM_FILES, file));
      expect(v.size).toEqual(reference.size);
      expect(maxAbsDiff(v.data, reference.data).max).toBe(0);
    });
  }
  for (const [file, ts] of [
    ['MR_small_jpeg_sv1.dcm', 'JPEG Lossless SV1 (dcmcjpeg +e1)'],
    ['MR_small_jpeg_p14.dcm', 'JPEG Lossless process 14 (dcmcjpeg +el)'],
    ['MR_small_dcmcjpls.dcm', 'JPEG-LS Lossless (dcmcjpls)'],
    ['MR_small_dcmcrle.dcm', 'RLE Lossless (dcmcrle)'],
  ]) {
    it(`${file} (${ts})`, async () => {
      const v = await loadFile(join(tmp, file));
      expect(maxAbsDiff(v.data, reference.data).max).toBe(0);
    });
  }
});

describe('other pydicom test files decode as pydicom reads them', () => {
  // [file, rescale slope, intercept] as the files give them (CT_small and 693_J2KI: -1024)
  for (const file of ['CT_small.dcm', 'image_dfl.dcm', 'JPEG2000.dcm', '693_J2KI.dcm']) {
    it(file, async () => {
      const path = join(PYDICOM_FILES, file);
      const v = await loadFile(path);
      const py = pydicomPixels(path, tmp);
      const r = scanDicom([{ name: file, bytes: fileBytes(path) }]);
      const { rescaleSlope, rescaleIntercept } = r.series[0].phases[0].frames[0];
      const expected = Float64Array.from(py.data, (x) => x * rescaleSlope + rescaleIntercept);
      expect(maxAbsDiff(v.data, expected).max).toBe(0);
    });
  }
});

describe('lossy JPEG against dcmtk dcmdjpeg (tolerance 1: libjpeg integer IDCT vs ours / libjpeg-turbo)', () => {
  const cases: [string, string][] = [
    [join(PYDICOM_FILES, 'JPGExtended.dcm'), 'JPEG Extended 12-bit'],
    [join(PYDICOM_FILES, 'JPEG-lossy.dcm'), 'JPEG Extended 12-bit (SOS quirk)'],
  ];
  beforeAll(() => {
    dcmtk('dcmconv', ['+te', join(PYDICOM_FILES, 'image_dfl.dcm'), join(tmp, 'dfl_le.dcm')]);
    dcmtk('dcmcjpeg', ['+eb', join(tmp, 'dfl_le.dcm'), join(tmp, 'baseline8.dcm')]);
  });
  cases.push([join(tmp, 'baseline8.dcm'), 'JPEG Baseline 8-bit (dcmcjpeg +eb)']);
  for (const [path, what] of cases) {
    it(`${path.split('/').pop()} (${what})`, async () => {
      const out = join(tmp, `${path.split('/').pop()}.dcmdjpeg.dcm`);
      dcmtk('dcmdjpeg', [path, out]);
      const v = await loadFile(path);
      const ref = await loadFile(out);
      const { max, count } = maxAbsDiff(v.data, ref.data);
      console.log(`${what}: ${count} of ${v.data.length} pixels differ from dcmdjpeg, max ${max}`);
      expect(max).toBeLessThanOrEqual(1);
    });
  }
});

describe('multi-frame encapsulated (Philips enhanced MR re-encoded by dcmtk) decodes to the uncompressed volumes', () => {
  const original = join(SAMPLES, 'philips-enhanced-mr-fieldmap', 'IM_0027_fMAP.dcm');
  const variants: [string, string, string[]][] = [
    ['dcmcjpls', 'philips_jls.dcm', []],
    ['dcmcrle', 'philips_rle.dcm', []],
    ['dcmcjpeg', 'philips_sv1.dcm', ['+e1']],
  ];
  for (const [tool, file, args] of variants) {
    it(`${tool} ${args.join(' ')}`, async () => {
      dcmtk(tool, [...args, original, join(tmp, file)]);
      const a = scanDicom([{ name: 'orig.dcm', bytes: fileBytes(original) }]);
      const b = scanDicom([{ name: file, bytes: fileBytes(join(tmp, file)) }]);
      expect(b.series.map((s) => s.frameType)).toEqual(a.series.map((s) => s.frameType));
      for (let s = 0; s < a.series.length; s++) {
        const va = await loadPhaseVolume(a.series[s], 0, () => fileBytes(original));
        const vb = await loadPhaseVolume(b.series[s], 0, () => fileBytes(join(tmp, file)));
        expect(maxAbsDiff(vb.data, va.data).max).toBe(0);
      }
    });
  }
});

describe('HTJ2K (no public sample here: MR_small encoded with OpenJPH\'s own encoder, wrapped by pydicom)', () => {
  it('decodes to MR_small.dcm (round trip through the same library: checks the DICOM wiring, signedness and fragments)', async () => {
    const reference = await loadFile(join(PYDICOM_FILES, 'MR_small.dcm'));
    const codec = (await openjphModule()) as Record<string, new () => {
      getDecodedBuffer(info: object): Uint8Array;
      setQuality(lossless: boolean, q: number): void;
      encode(): void;
      getEncodedBuffer(): Uint8Array;
    }>;
    const encoder = new codec.HTJ2KEncoder();
    const pixels = Int16Array.from(reference.data);
    encoder.getDecodedBuffer({ width: 64, height: 64, bitsPerSample: 16, componentCount: 1, isSigned: true, isUsingColorTransform: false })
      .set(new Uint8Array(pixels.buffer));
    encoder.setQuality(true, 0);
    encoder.encode();
    writeFileSync(join(tmp, 'MR_small.j2c'), encoder.getEncodedBuffer());
    python(
      `import sys, pydicom, pydicom._uid_dict
from pydicom.encaps import encapsulate
from pydicom.uid import UID
# pydicom 2.3 predates HTJ2K: register its transfer syntax so the file can be written
pydicom._uid_dict.UID_dictionary['1.2.840.10008.1.2.4.201'] = ('HTJ2K Lossless', 'Transfer Syntax', '', '', 'HTJ2KLossless')
d = pydicom.dcmread(sys.argv[1])
d.PixelData = encapsulate([open(sys.argv[2], 'rb').read()])
d['PixelData'].is_undefined_length = True
d['PixelData'].VR = 'OB'
d.file_meta.TransferSyntaxUID = UID('1.2.840.10008.1.2.4.201')
d.is_little_endian = True
d.is_implicit_VR = False
d.save_as(sys.argv[3])`,
      [join(PYDICOM_FILES, 'MR_small.dcm'), join(tmp, 'MR_small.j2c'), join(tmp, 'MR_small_htj2k.dcm')],
    );
    const v = await loadFile(join(tmp, 'MR_small_htj2k.dcm'));
    expect(maxAbsDiff(v.data, reference.data).max).toBe(0);
  });
});
