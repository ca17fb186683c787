/**
 * Viewer tools on the MR T1 sample: window/level by drag, the length caliper (mm, against
 * the file's PixelSpacing read with pydicom), slice scrolling with the wheel, import by
 * drag-and-drop, pan and zoom, the window presets (full range against pydicom's values), the
 * metadata panel; and cine on the demo study.
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

async function dragOn(page: Page, from: { x: number; y: number }, dx: number, dy: number): Promise<void> {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.waitForTimeout(400); // Cornerstone holds a mouse-down back while it waits for a double click
  await page.mouse.move(from.x + dx, from.y + dy, { steps: 12 });
  await page.waitForTimeout(300);
  await page.mouse.up();
  await page.waitForTimeout(200);
}

test('pan moves the image with the mouse; zoom scales it about the same in both directions', async ({ page }) => {
  await openApp(page);
  await importFiles(page, filesUnder(T1));
  await clientOf(page, [57, 45, 17], true);
  await page.getByTestId('tool-Pan').click();
  const a0 = await clientOf(page, [57, 45, 17], false);
  await dragOn(page, { x: a0.x + 10, y: a0.y + 10 }, 50, 30);
  const a1 = await clientOf(page, [57, 45, 17], false);
  expect(Math.abs(a1.x - a0.x - 50)).toBeLessThanOrEqual(1);
  expect(Math.abs(a1.y - a0.y - 30)).toBeLessThanOrEqual(1);

  await page.getByTestId('tool-Zoom').click();
  const p = await clientOf(page, [50, 40, 17], false);
  const q = await clientOf(page, [60, 50, 17], false);
  await dragOn(page, { x: a1.x, y: a1.y }, 0, -60);
  const p2 = await clientOf(page, [50, 40, 17], false);
  const q2 = await clientOf(page, [60, 50, 17], false);
  const sx = (q2.x - p2.x) / (q.x - p.x);
  const sy = (q2.y - p2.y) / (q.y - p.y);
  expect(Math.abs(sx - 1)).toBeGreaterThan(0.05); // the drag zoomed
  expect(Math.abs(sx - sy)).toBeLessThan(0.02); // and kept the aspect ratio
});

test('the full-range window preset spans the stored values pydicom reads; the narrower presets narrow it', async ({ page }) => {
  await openApp(page);
  await importFiles(page, filesUnder(T1));
  // the series' smallest and largest stored value (no rescale in these files)
  const [lo, hi] = python<number[]>(
    `import sys, json, pydicom
v = [pydicom.dcmread(f).pixel_array for f in sys.argv[1:]]
print(json.dumps([int(min(a.min() for a in v)), int(max(a.max() for a in v))]))`,
    filesUnder(T1),
  );
  const width = async () => Number(/W (\S+)/.exec((await page.getByTestId('voi').textContent()) ?? '')![1]);
  await page.getByTestId('voi-preset').selectOption('full');
  await expect(page.getByTestId('voi')).toHaveText(`W ${(hi - lo).toPrecision(4)} L ${((hi + lo) / 2).toPrecision(4)}`);
  const full = await width();
  await page.getByTestId('voi-preset').selectOption('auto');
  await expect.poll(width).toBeLessThan(full);
  const auto = await width();
  await page.getByTestId('voi-preset').selectOption('contrast');
  await expect.poll(width).toBeLessThan(auto);
});

test('the metadata panel shows the series as its files describe it', async ({ page }) => {
  await openApp(page);
  await importFiles(page, filesUnder(T1));
  const ref = python<{ description: string; number: number; rows: number; columns: number; spacing: number[] }>(
    `import sys, json, pydicom
d = pydicom.dcmread(sys.argv[1], stop_before_pixels=True)
print(json.dumps({'description': d.SeriesDescription, 'number': int(d.SeriesNumber), 'rows': d.Rows, 'columns': d.Columns, 'spacing': [float(x) for x in d.PixelSpacing]}))`,
    [filesUnder(T1)[0]],
  );
  const panel = page.getByTestId('metadata-panel');
  await panel.locator('summary').click();
  await expect(panel).toContainText(`${ref.number} ${ref.description}`);
  await expect(panel).toContainText(`${ref.rows} x ${ref.columns}`);
  await expect(panel).toContainText(`${ref.spacing[1].toFixed(3)} x ${ref.spacing[0].toFixed(3)}`);
});

test('cine steps through the phases of the demo study until stopped', async ({ page }) => {
  await openApp(page, { demo: true });
  const slider = page.getByTestId('phase-slider');
  await expect(slider).toBeVisible({ timeout: 60_000 });
  const seen = new Set<string>();
  await page.getByTestId('cine').click();
  await expect
    .poll(
      async () => {
        seen.add(await slider.inputValue());
        return seen.size;
      },
      { timeout: 30_000, intervals: [100] },
    )
    .toBeGreaterThanOrEqual(3);
  await page.getByTestId('cine').click();
  await expect(page.getByTestId('cine')).toHaveAttribute('aria-pressed', 'false');
  const stopped = await slider.inputValue();
  await page.waitForTimeout(1500);
  expect(await slider.inputValue()).toBe(stopped);
});
