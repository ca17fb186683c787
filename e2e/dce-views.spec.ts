/**
 * Phases, subtraction and MIP on the Siemens sample (one enhanced instance per time point,
 * TemporalPositionIndex 1..4 = our phases 0..3): the readout over the subtraction view is
 * post_k - pre, and over the axial MIP the maximum of that difference along the slices,
 * both computed independently from the files with pydicom.
 */
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, filesUnder, importFiles, openApp, python, readoutAtVoxel, renderCount, SAMPLES, test, waitForRenderAfter } from './helpers.ts';

const SIEMENS = join(SAMPLES, 'siemens-xa10-enhanced-4tp');

// Stored pixels (rescale is identity in this sample, checked below) of the frames of time
// point `tpi` (FrameContentSequence.TemporalPositionIndex), keyed by slice position.
const DIFFERENCES = `
import sys, json, glob, numpy as np, pydicom
folder, point, post_tpi, pre_tpi = sys.argv[1], np.array(json.loads(sys.argv[2])), int(sys.argv[3]), int(sys.argv[4])
frames = {}
for path in sorted(glob.glob(folder + '/*.dcm')):
    ds = pydicom.dcmread(path)
    arr = ds.pixel_array
    shared = ds.SharedFunctionalGroupsSequence[0]
    for f, fg in enumerate(ds.PerFrameFunctionalGroupsSequence):
        tpi = int(fg.FrameContentSequence[0].TemporalPositionIndex)
        ipp = np.array(fg.PlanePositionSequence[0].ImagePositionPatient, dtype=float)
        iop = np.array((fg.get('PlaneOrientationSequence') or shared.PlaneOrientationSequence)[0].ImageOrientationPatient, dtype=float)
        pm = (fg.get('PixelMeasuresSequence') or shared.PixelMeasuresSequence)[0]
        pvt = fg.get('PixelValueTransformationSequence') or shared.get('PixelValueTransformationSequence')
        slope, intercept = (float(pvt[0].RescaleSlope), float(pvt[0].RescaleIntercept)) if pvt else (1.0, 0.0)
        frames.setdefault(tpi, []).append((ipp, iop, [float(x) for x in pm.PixelSpacing], arr[f] * slope + intercept))
def pixel(entry, p):
    ipp, iop, spacing, img = entry
    d = p - ipp
    return img[int(round(d @ iop[3:] / spacing[0])), int(round(d @ iop[:3] / spacing[1]))]
def plane_distance(entry, p):
    ipp, iop = entry[0], entry[1]
    return abs((p - ipp) @ np.cross(iop[:3], iop[3:]))
def at_position(tpi, ipp):
    return next(e for e in frames[tpi] if np.allclose(e[0], ipp, atol=1e-3))
post = min(frames[post_tpi], key=lambda e: plane_distance(e, point))
difference = float(pixel(post, point) - pixel(at_position(pre_tpi, post[0]), point))
mip = max(float(pixel(e, point) - pixel(at_position(pre_tpi, e[0]), point)) for e in frames[post_tpi])
print(json.dumps({'difference': difference, 'mip': mip, 'distance': float(plane_distance(post, point))}))
`;

async function clickAndRender(page: Page, testId: string): Promise<void> {
  const before = await renderCount(page);
  await page.getByTestId(testId).click();
  await waitForRenderAfter(page, before);
}

test('subtraction and MIP views read post_k - pre and its maximum along the slices', async ({ page }) => {
  await openApp(page);
  await importFiles(page, filesUnder(SIEMENS));
  await expect(page.getByTestId('series-item')).toHaveAttribute('data-phases', '4');

  await clickAndRender(page, 'view-subtraction');
  const before = await renderCount(page);
  await page.getByTestId('phase-slider').fill('2');
  await waitForRenderAfter(page, before);
  await expect(page.getByTestId('phase-slider')).toHaveValue('2');

  for (const ijk of [
    [32, 32, 3],
    [20, 40, 1],
  ] as [number, number, number][]) {
    const r = await readoutAtVoxel(page, 'axial', ijk);
    const ref = python<{ difference: number; mip: number; distance: number }>(DIFFERENCES, [
      SIEMENS,
      JSON.stringify(r.lps),
      '3',
      '1',
    ]);
    expect(ref.distance).toBeLessThan(0.01);
    expect(r.value, `subtraction at ${ijk}`).toBe(ref.difference);
  }

  await clickAndRender(page, 'view-mip');
  const size = await page.evaluate(() =>
    (window as unknown as { __her2: { displayedSize(n: string): number[] } }).__her2.displayedSize('axial'),
  );
  expect(size).toEqual([64, 64, 1]);
  for (const ij of [
    [32, 32],
    [20, 40],
  ]) {
    const r = await readoutAtVoxel(page, 'axial', [ij[0], ij[1], 0]);
    const ref = python<{ mip: number }>(DIFFERENCES, [SIEMENS, JSON.stringify(r.lps), '3', '1']);
    expect(r.value, `MIP at ${ij}`).toBe(ref.mip);
  }
});

test('the phase slider and the phase panel: reorder and exclude keep phases numbered from 0, and the views follow the order', async ({ page }) => {
  await openApp(page);
  await importFiles(page, filesUnder(SIEMENS));
  await expect(page.getByTestId('phase-row')).toHaveCount(4);
  await page.getByRole('button', { name: 'Exclude phase 3' }).click();
  await expect(page.getByTestId('phase-row')).toHaveCount(3);
  await expect(page.getByTestId('phase-slider')).toHaveAttribute('max', '2');
  await page.getByRole('button', { name: 'Move phase 2 up' }).click();
  await expect(page.getByTestId('phase-row')).toHaveCount(3);
  expect(await page.getByTestId('phase-row').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.raw))).toEqual(['0', '2', '1']);
  // what is shown follows the new order: display phase 1 is now the file's time point 3, and
  // its subtraction reads time point 3 - time point 1 (pydicom)
  await clickAndRender(page, 'view-subtraction');
  await page.getByTestId('phase-slider').fill('1');
  await expect(page.getByTestId('phase-slider')).toHaveValue('1');
  const ijk: [number, number, number] = [32, 32, 3];
  const lps = (await readoutAtVoxel(page, 'axial', ijk)).lps;
  const ref = python<{ difference: number; distance: number }>(DIFFERENCES, [SIEMENS, JSON.stringify(lps), '3', '1']);
  expect(ref.distance).toBeLessThan(0.01);
  // (time point 2, the old phase 1, reads otherwise there: the check tells the orders apart)
  expect(python<{ difference: number }>(DIFFERENCES, [SIEMENS, JSON.stringify(lps), '2', '1']).difference).not.toBe(ref.difference);
  await expect.poll(async () => (await readoutAtVoxel(page, 'axial', ijk)).value).toBe(ref.difference);
  await clickAndRender(page, 'view-phase');
  await page.getByTestId('phase-include').click();
  await expect(page.getByTestId('phase-row')).toHaveCount(4);
  // The series item still reports what the files hold.
  await expect(page.getByTestId('series-item')).toHaveAttribute('data-phases', '4');
});
