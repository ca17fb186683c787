/**
 * Debian python3-pydicom's test files, uncompressed and compressed (JPEG baseline and
 * extended, JPEG 2000, JPEG-LS, RLE), import and render; at a few voxels the readout equals
 * an independent decode: pydicom's pixel_array x RescaleSlope + RescaleIntercept, after
 * dcmtk's dcmdjpls / dcmdjpeg has decompressed what Debian's pydicom cannot decode.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canvasStats, expect, importFiles, openApp, python, PYDICOM_FILES, readoutAtVoxel, seriesItems, test } from './helpers.ts';

interface Case {
  file: string;
  what: string;
  /** dcmtk tool that decompresses it for the reference, when pydicom cannot */
  decompress?: 'dcmdjpls' | 'dcmdjpeg';
  /**
   * Largest difference allowed from the reference decode. 0 (exact) for lossless and
   * uncompressed data; lossy JPEG is decoded by a different IDCT here (libjpeg's 12-bit
   * decoder in dcmtk vs ours), which may differ by one grey level.
   */
  tolerance: number;
  /** compare values (false for colour images shown as luminance) */
  values: boolean;
}

const CASES: Case[] = [
  { file: 'CT_small.dcm', what: 'uncompressed CT', tolerance: 0, values: true },
  { file: 'MR_small.dcm', what: 'uncompressed MR', tolerance: 0, values: true },
  { file: 'MR_small_RLE.dcm', what: 'RLE lossless', tolerance: 0, values: true },
  { file: 'MR_small_jp2klossless.dcm', what: 'JPEG 2000 lossless', tolerance: 0, values: true },
  { file: 'JPEG2000.dcm', what: 'JPEG 2000', tolerance: 0, values: true },
  { file: 'MR_small_jpeg_ls_lossless.dcm', what: 'JPEG-LS lossless', decompress: 'dcmdjpls', tolerance: 0, values: true },
  { file: 'JPEG-lossy.dcm', what: 'JPEG extended 12-bit (lossy)', decompress: 'dcmdjpeg', tolerance: 1, values: true },
  { file: 'SC_rgb_jpeg_dcmtk.dcm', what: 'JPEG baseline (colour, shown as luminance)', tolerance: 0, values: false },
];

const HEADER = `
import sys, json, pydicom
ds = pydicom.dcmread(sys.argv[1], stop_before_pixels=True)
print(json.dumps({'rows': int(ds.Rows), 'columns': int(ds.Columns)}))
`;

const REFERENCE = `
import sys, json, pydicom
ds = pydicom.dcmread(sys.argv[1])
points = json.loads(sys.argv[2])
arr = ds.pixel_array
slope = float(getattr(ds, 'RescaleSlope', 1) or 1)
intercept = float(getattr(ds, 'RescaleIntercept', 0) or 0)
frame = arr if arr.ndim == 2 else arr[0]
print(json.dumps({
  'rows': int(ds.Rows), 'columns': int(ds.Columns),
  'values': [float(frame[j, i]) * slope + intercept for i, j in points] if frame.ndim == 2 else [],
}))
`;

for (const c of CASES) {
  test(`${c.file} (${c.what}) imports, renders and reads back its values`, async ({ page }) => {
    const path = join(PYDICOM_FILES, c.file);
    const header = python<{ rows: number; columns: number }>(HEADER, [path]);
    await openApp(page);
    await importFiles(page, [path]);
    await expect(page.getByTestId('series-item')).toHaveCount(1);
    const [item] = await seriesItems(page);
    expect(item).toEqual({ slices: 1, phases: 1, rows: header.rows, columns: header.columns });
    const stats = await canvasStats(page, 'axial');
    expect(stats.levels, 'the axial viewport shows an image').toBeGreaterThan(10);
    if (!c.values) return;

    const points: [number, number][] = [
      [Math.floor(header.columns / 2), Math.floor(header.rows / 2)],
      [Math.floor(header.columns / 4), Math.floor(header.rows / 3)],
      [Math.floor((3 * header.columns) / 4), Math.floor((2 * header.rows) / 3)],
    ];
    let referenceFile = path;
    const dir = mkdtempSync(join(tmpdir(), 'her2-e2e-'));
    try {
      if (c.decompress) {
        referenceFile = join(dir, 'decompressed.dcm');
        execFileSync(c.decompress, [path, referenceFile]);
      }
      const ref = python<{ values: number[] }>(REFERENCE, [referenceFile, JSON.stringify(points)]);
      for (let p = 0; p < points.length; p++) {
        const [i, j] = points[p];
        const r = await readoutAtVoxel(page, 'axial', [i, j, 0]);
        expect(Math.abs(r.value - ref.values[p]), `voxel (${i}, ${j}): app ${r.value}, reference ${ref.values[p]}`).toBeLessThanOrEqual(
          c.tolerance,
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
