/**
 * The voxel readout applies the modality LUT per frame: on the Philips enhanced MR sample
 * (magnitude frames slope 1.27985, field-map frames slope 0.24420 / intercept -500) the
 * value under the cursor equals the stored value x that frame's slope + intercept, read
 * independently with pydicom from the frame whose plane holds the voxel's position.
 */
import { join } from 'node:path';
import { expect, importFiles, openApp, python, readoutAtVoxel, SAMPLES, test } from './helpers.ts';

const PHILIPS = join(SAMPLES, 'philips-enhanced-mr-fieldmap', 'IM_0027_fMAP.dcm');

// For a patient point (LPS mm) and a frame type: the frame whose plane holds the point
// (per-frame PlanePosition/PlaneOrientation/PixelMeasures), the pixel there, and its
// per-frame PixelValueTransformation.
const FRAME_VALUE = `
import sys, json, numpy as np, pydicom
ds = pydicom.dcmread(sys.argv[1])
p = np.array(json.loads(sys.argv[2]), dtype=float)
kind = sys.argv[3]
arr = ds.pixel_array
best = None
for f, fg in enumerate(ds.PerFrameFunctionalGroupsSequence):
    ftype = fg.MRImageFrameTypeSequence[0].FrameType
    if ftype[-1] != kind and not (kind == 'M' and ftype[-1] in ('M', 'MAGNITUDE')):
        continue
    ipp = np.array(fg.PlanePositionSequence[0].ImagePositionPatient, dtype=float)
    iop = fg.get('PlaneOrientationSequence') or ds.SharedFunctionalGroupsSequence[0].PlaneOrientationSequence
    iop = np.array(iop[0].ImageOrientationPatient, dtype=float)
    pm = fg.get('PixelMeasuresSequence') or ds.SharedFunctionalGroupsSequence[0].PixelMeasuresSequence
    spacing = [float(x) for x in pm[0].PixelSpacing]
    row, col = iop[:3], iop[3:]
    normal = np.cross(row, col)
    d = p - ipp
    dist = abs(float(d @ normal))
    if best is None or dist < best[0]:
        c = int(round(float(d @ row) / spacing[1]))
        r = int(round(float(d @ col) / spacing[0]))
        pvt = fg.PixelValueTransformationSequence[0]
        best = (dist, f, r, c, int(arr[f, r, c]), float(pvt.RescaleSlope), float(pvt.RescaleIntercept))
dist, f, r, c, stored, slope, intercept = best
print(json.dumps({'frame': f, 'row': r, 'column': c, 'distance': dist, 'stored': stored,
                  'slope': slope, 'intercept': intercept, 'value': stored * slope + intercept}))
`;

interface FrameValue {
  frame: number;
  row: number;
  column: number;
  distance: number;
  stored: number;
  slope: number;
  intercept: number;
  value: number;
}

for (const kind of ['M', 'FIELD_MAP'] as const) {
  test(`Philips enhanced MR, ${kind} frames: readout = stored x that frame's slope + intercept`, async ({ page }) => {
    await openApp(page);
    await importFiles(page, [PHILIPS]);
    await expect(page.getByTestId('series-item')).toHaveCount(2);
    const item = page.locator(`[data-testid="series-item"][data-frame-type="${kind}"]`);
    await expect(item).toHaveCount(1);
    const before = await page.evaluate(() => (window as unknown as { __her2: { renderCount(): number } }).__her2.renderCount());
    await item.click();
    await page.waitForFunction((n) => (window as unknown as { __her2: { renderCount(): number } }).__her2.renderCount() > n, before);

    for (const ijk of [
      [32, 32, 16],
      [20, 40, 8],
      [40, 25, 24],
    ] as [number, number, number][]) {
      const r = await readoutAtVoxel(page, 'axial', ijk);
      const ref = python<FrameValue>(FRAME_VALUE, [PHILIPS, JSON.stringify(r.lps), kind]);
      // The voxel centre lies on the frame's plane (4 mm slices).
      expect(ref.distance).toBeLessThan(0.01);
      // Our volumes are Float32: the reference rounded to float32 (Math.fround) is exact.
      expect(r.value, `voxel ${ijk} = frame ${ref.frame} (${ref.row}, ${ref.column}): ${ref.stored} x ${ref.slope} + ${ref.intercept}`).toBe(
        Math.fround(ref.value),
      );
    }
  });
}
