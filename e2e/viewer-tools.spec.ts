/**
 * Viewer tools on the MR T1 sample: window/level by drag, the length caliper (mm, against
 * the file's PixelSpacing read with pydicom), slice scrolling with the wheel, and import
 * by drag-and-drop.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, filesUnder, importFiles, openApp, PYDICOM_FILES, python, SAMPLES, seriesItems, test } from './helpers.ts';

const T1 = join(SAMPLES, 'ibsi-sts002-mr-t1-rtstruct', 'dicom', 'image');

async function clientOf(page: Page, ijk: [number, number, number], focus: boolean): Promise<{ x: number; y: number }> {
  const xy = await page.evaluate(
    ([v, f]) =>
      (
        window as unknown as { __her2: { voxelToClient(n: string, v: number[], f: boolean): Promise<{ x: number; y: number } | null> } }
      ).__her2.voxelToClient('axial', v as number[], f as boolean),
    [ijk, focus] as const,
  );
  if (!xy) throw new Error(`voxel ${ijk} not shown`);
  return xy;
}

test('window/level changes by dragging on a viewport', async ({ page }) => {
  await openApp(page);
  await importFiles(page, filesUnder(T1));
  const voi = page.getByTestId('voi');
  const before = await voi.textContent();
  const box = (await page.getByTestId('viewport-axial').boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 60, box.y + box.height / 2 + 40, { steps: 6 });
  await page.mouse.up();
  await expect(voi).not.toHaveText(before!);
});

test('the length caliper measures in mm', async ({ page }) => {
  await openApp(page);
  await importFiles(page, filesUnder(T1));
  const spacing = python<number[]>(
    `import sys, json, pydicom; print(json.dumps([float(x) for x in pydicom.dcmread(sys.argv[1], stop_before_pixels=True).PixelSpacing]))`,
    [filesUnder(T1)[0]],
  );
  await page.getByTestId('tool-Length').click();
  // Two voxel centres 24 columns apart on one row: PixelSpacing[1] (between columns) x 24.
  await clientOf(page, [45, 45, 17], true);
  const a = await clientOf(page, [33, 45, 17], false);
  const b = await clientOf(page, [57, 45, 17], false);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  // Cornerstone holds a mouse-down back while it waits for a possible double click, and
  // applies drags once per frame: pause on each end point, as a hand does.
  await page.waitForTimeout(600);
  await page.mouse.move(b.x, b.y, { steps: 24 });
  await page.waitForTimeout(600);
  await page.mouse.move(b.x, b.y);
  await page.mouse.up();
  const length = page.getByTestId('caliper-length');
  await expect(length).toHaveCount(1);
  const mm = Number(await length.getAttribute('data-value'));
  // The end points are placed by mouse at 8 screen pixels per voxel: within a pixel,
  // i.e. 1/8 of a voxel, at each end.
  expect(Math.abs(mm - 24 * spacing[1]), `caliper ${mm} mm from ${JSON.stringify(a)} to ${JSON.stringify(b)}`).toBeLessThanOrEqual(
    (2 / 8) * spacing[1],
  );
});

test('the mouse wheel scrolls through the slices', async ({ page }) => {
  await openApp(page);
  await importFiles(page, filesUnder(T1));
  const label = page.getByTestId('slice-axial');
  const before = await label.textContent();
  const box = (await page.getByTestId('viewport-axial').boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, 300);
  await expect(label).not.toHaveText(before!);
});

test('files dropped on the window are imported', async ({ page }) => {
  await openApp(page);
  const bytes = [...readFileSync(join(PYDICOM_FILES, 'CT_small.dcm'))];
  const before = await page.evaluate(() => (window as unknown as { __her2: { renderCount(): number } }).__her2.renderCount());
  await page.evaluate((data) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(data)], 'CT_small.dcm'));
    for (const type of ['dragenter', 'dragover', 'drop']) {
      window.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
    }
  }, bytes);
  await page.waitForFunction((n) => (window as unknown as { __her2: { renderCount(): number } }).__her2.renderCount() > n, before);
  expect(await seriesItems(page)).toEqual([{ slices: 1, phases: 1, rows: 128, columns: 128 }]);
});
