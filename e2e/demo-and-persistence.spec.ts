/**
 * The app opens on the demo study (one DCE study of 7 phases, its ground-truth mask shown
 * as the ROI), which reopens after a reload without generating it again; imported studies
 * persist in the origin-private file system and "Forget study" deletes them.
 */
import { join } from 'node:path';
import { generateDemoPatient } from '../workers/demo/index.ts';
import { expect, filesUnder, importFiles, openApp, SAMPLES, seriesItems, storedStudies, test } from './helpers.ts';

// The app shows patient 0 of the demo cohort of seed 42 (app/import/demoStudy.ts).
function expectedMaskVoxels(): number {
  const p = generateDemoPatient({ seed: 42, index: 0 });
  let n = 0;
  for (let i = 0; i < p.mask.data.length; i++) n += p.mask.data[i] ? 1 : 0;
  return n;
}

test('the demo study: one DCE study of 7 phases with its ROI, reopened after a reload', async ({ page }) => {
  const voxels = expectedMaskVoxels();
  await page.goto('/');
  const item = page.getByTestId('series-item');
  await expect(item).toHaveCount(1, { timeout: 60_000 });
  await expect(item).toHaveAttribute('data-phases', '7');
  await expect(item).toHaveAttribute('data-kind', 'dce');
  await expect(page.getByTestId('study')).toHaveAttribute('data-demo', 'true');
  await expect(page.getByText('synthetic demo data - not for clinical use')).toBeVisible();
  await expect(page.getByTestId('roi-status')).toHaveAttribute('data-voxels', String(voxels), { timeout: 60_000 });
  const before = await seriesItems(page);
  // Saving the study in the browser follows its display: reload once it is saved.
  await expect(page.getByTestId('study')).toContainText('saved in this browser', { timeout: 60_000 });

  await page.reload();
  await expect(page.getByTestId('series-item')).toHaveCount(1, { timeout: 60_000 });
  expect(await seriesItems(page)).toEqual(before);
  await expect(page.getByTestId('roi-status')).toHaveAttribute('data-voxels', String(voxels), { timeout: 60_000 });
  // Reopened from the browser's storage, not generated again: still one study.
  await expect(page.getByTestId('study')).toHaveCount(1);

  // Forgetting the demo deletes it from the browser's storage; it does not come back by itself.
  expect(await storedStudies(page)).toBe(1);
  await page.getByTestId('forget-study').click();
  await expect(page.getByTestId('series-item')).toHaveCount(0);
  await expect.poll(() => storedStudies(page)).toBe(0);
  await page.reload();
  await expect(page.getByTestId('viewport-axial')).toBeVisible();
  await page.waitForTimeout(1000);
  await expect(page.getByTestId('series-item')).toHaveCount(0);
});

test('an imported study reopens after a reload, and "Forget study" deletes it', async ({ page }) => {
  await openApp(page);
  await importFiles(page, filesUnder(join(SAMPLES, 'ge-signa-multiphase-10tp')));
  await expect(page.getByTestId('study')).toContainText('saved in this browser', { timeout: 60_000 });

  await page.reload();
  await expect(page.getByTestId('series-item')).toHaveCount(1, { timeout: 60_000 });
  expect(await seriesItems(page)).toEqual([{ slices: 10, phases: 10, rows: 64, columns: 64 }]);
  expect(await storedStudies(page)).toBe(1);
  await page.getByTestId('forget-study').click();
  await expect(page.getByTestId('series-item')).toHaveCount(0);
  await expect.poll(() => storedStudies(page)).toBe(0);
  await page.reload();
  await expect(page.getByTestId('viewport-axial')).toBeVisible();
  await page.waitForTimeout(1000);
  await expect(page.getByTestId('series-item')).toHaveCount(0);
});

test('the folder picker imports a folder with its sub-folders', async ({ page }) => {
  await openApp(page);
  const before = await page.evaluate(() => (window as unknown as { __her2: { renderCount(): number } }).__her2.renderCount());
  await page.getByTestId('dicom-folder-input').setInputFiles(join(SAMPLES, 'ibsi-sts002-mr-t1-rtstruct', 'dicom'));
  await page.waitForFunction((n) => (window as unknown as { __her2: { renderCount(): number } }).__her2.renderCount() > n, before);
  expect(await seriesItems(page)).toEqual([{ slices: 35, phases: 1, rows: 90, columns: 115 }]);
  await expect(page.getByTestId('series-annotation')).toContainText('RTSTRUCT');
});
