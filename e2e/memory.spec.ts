/**
 * Going from study to study: the phases of a study no longer on screen are released once
 * the studies not on screen exceed the memory budget (here `?memoryMB=1`, so at once), and
 * decoded again when it is shown again, with the same voxels; its ROI stays, and an edit
 * made just before switching is autosaved for that study, not the next one.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { demoCohortRows, demoSpec } from '../workers/cohort/demo-cohort.ts';
import { loadPhaseVolume, scanDicom } from '../workers/io/dicom/index.ts';
import { writeDemoStudies } from './demo-folders.ts';
import { expect, readoutAtVoxel, test } from './helpers.ts';

const registered = (page: Page) => page.evaluate(() => (window as unknown as { __her2: { registeredVolumes(): number } }).__her2.registeredVolumes());
const roiState = (page: Page) =>
  page.evaluate(() => (window as unknown as { __her2roi: { state(): { seriesKey: string | null; savedAt: number | null; unsaved: boolean } } }).__her2roi.state());
const roiCount = (page: Page) => page.evaluate(() => (window as unknown as { __her2: { roiVoxelCount(): number } }).__her2.roiVoxelCount());

async function open(page: Page): Promise<void> {
  await page.goto('/?demo=0&memoryMB=1');
  await page.waitForFunction(() => '__her2' in window);
  await expect(page.getByTestId('viewport-axial')).toBeVisible();
}

/** Shows the DCE series of patient `id` (the list's order is not kept across reloads). */
async function showSeries(page: Page, id: string): Promise<void> {
  const item = page.getByTestId('study').filter({ hasText: `DEMO^${id}` }).getByTestId('series-item');
  await item.click();
  const key = await item.getAttribute('data-series-key');
  await expect.poll(() => roiState(page).then((s) => s.seriesKey)).toBe(key);
  // every phase decoded (7 volumes of this study) before the next step
  await expect(item).not.toContainText('loaded)', { timeout: 60_000 });
}

test('a study not on screen is released beyond the memory budget and comes back with the same voxels and its ROI', async ({ page }) => {
  test.setTimeout(240_000);
  const spec = demoSpec('subset');
  const rows = demoCohortRows(spec).slice(0, 2);
  const dir = mkdtempSync(join(tmpdir(), 'her2-e2e-memory-'));
  const bundles = writeDemoStudies(spec, rows, dir);
  // the reference: study A's phase 3 read in Node by the same DICOM library
  const filesA = bundles[0].files.filter((x) => x.name.includes('/phase-'));
  const scan = scanDicom(filesA.map((f) => ({ name: f.name, bytes: f.bytes })));
  const bytesOf = new Map(filesA.map((f) => [f.name, f.bytes]));
  const phase3 = await loadPhaseVolume(scan.series[0], 3, (n) => bytesOf.get(n)!);
  const ijk: [number, number, number] = [60, 70, 20];
  const expected = phase3.data[ijk[0] + phase3.size[0] * (ijk[1] + phase3.size[1] * ijk[2])];

  await open(page);
  for (const [n, row] of rows.entries()) {
    await page.getByTestId('dicom-folder-input').setInputFiles(join(dir, row.id));
    await expect(page.getByTestId('series-item')).toHaveCount(n + 1, { timeout: 120_000 });
  }
  await showSeries(page, rows[0].id);
  await page.getByTestId('tab-lesion').click();
  await page.getByTestId('mask-input').setInputFiles(join(dir, rows[0].id, 'mask.nrrd'));
  await expect(page.getByTestId('roi-voxel-count')).not.toHaveText('0', { timeout: 60_000 });
  await expect.poll(() => roiState(page).then((s) => s.savedAt !== null && !s.unsaved), { timeout: 60_000 }).toBe(true);
  const imported = await roiCount(page);
  // an edit (a sphere brush click away from the lesion), then at once the next study
  await page.getByTestId('tool-RoiBrush').click();
  await page.getByTestId('brush-shape').selectOption('sphere');
  await page.getByTestId('brush-radius').fill('5');
  await page.getByTestId('brush-radius').blur();
  const xy = (await page.evaluate(`window.__her2.voxelToClient('axial', [20, 20, 20], true)`)) as { x: number; y: number };
  await page.mouse.move(xy.x, xy.y);
  await page.mouse.down();
  await page.waitForTimeout(400);
  await page.mouse.up();
  // the stroke is in the label map (read directly, not through the statistics or the autosave)
  await expect.poll(() => roiCount(page), { intervals: [50] }).toBeGreaterThan(imported);
  await showSeries(page, rows[1].id); // at once: well within the autosave's 800 ms

  // study A is released: only B's seven phases are registered
  await expect.poll(() => registered(page), { timeout: 30_000 }).toBe(7);

  // the edit made just before the switch was saved for study A (not for B): a reload brings it back
  await page.reload();
  await expect(page.getByTestId('series-item')).toHaveCount(2, { timeout: 60_000 });
  await showSeries(page, rows[0].id);
  await expect.poll(() => roiCount(page), { timeout: 30_000 }).toBeGreaterThan(imported);
  const edited = await roiCount(page);

  // B, then A again: A is released, decoded again with the same voxel values, and keeps its ROI
  await showSeries(page, rows[1].id);
  await expect.poll(() => registered(page), { timeout: 30_000 }).toBe(7);
  await showSeries(page, rows[0].id);
  await expect.poll(() => roiCount(page), { timeout: 30_000 }).toBe(edited);
  await page.getByTestId('phase-slider').fill('3');
  await expect(page.getByTestId('phase-slider')).toHaveValue('3');
  await expect.poll(async () => (await readoutAtVoxel(page, 'axial', ijk)).value).toBe(expected);
  await expect.poll(() => registered(page), { timeout: 30_000 }).toBe(7);
});
