/**
 * A cohort of imported studies (not the demo cohort): two patients' DICOM folders opened in
 * the workstation, each lesion's mask imported in the Lesion tab, then a reload, so that
 * at most the study on screen has its ROI in the viewer and the other's comes from the
 * autosave. "Add open studies" and "Extract features" in the Cohort tab must extract both
 * patients, and the exported features must equal `her2 cohort` run on the same folders
 * (the layout `her2 demo` writes: DICOM phases and mask.nrrd per patient). The study not on
 * screen is decoded for the extraction only: no volume stays registered for it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { demoCohortRows, demoSpec } from '../workers/cohort/demo-cohort.ts';
import { parseCsv } from '../workers/io/csv.ts';
import { importStudiesWithMasks, writeDemoStudies } from './demo-folders.ts';
import { expect, openApp, test } from './helpers.ts';

const HER2 = join(process.cwd(), 'bin', 'her2.mjs');
const PARAMS = join(process.cwd(), 'public', 'params', 'her2-dce-paper.yaml');

async function openTab(page: Page, id: 'lesion' | 'cohort'): Promise<void> {
  await page.getByTestId(`tab-${id}`).click();
  await expect(page.getByTestId(`panel-${id}`)).toBeVisible();
}

test('a cohort of imported studies is extracted from the autosaved ROIs, as her2 cohort extracts the same folders', async ({ page }) => {
  test.setTimeout(300_000);
  const spec = demoSpec('subset');
  const rows = demoCohortRows(spec).slice(0, 2);
  const dir = mkdtempSync(join(tmpdir(), 'her2-e2e-imported-'));
  const cohortDir = join(dir, 'cohort');
  writeDemoStudies(spec, rows, cohortDir);

  await openApp(page);
  await importStudiesWithMasks(page, cohortDir, rows.map((r) => r.id));

  await page.reload();
  await expect(page.getByTestId('series-item')).toHaveCount(2, { timeout: 60_000 });
  await openTab(page, 'cohort');
  await page.getByTestId('add-open-studies').click();
  await expect(page.getByTestId('cohort-patient')).toHaveCount(2);
  for (const row of rows) await expect(page.locator(`[data-testid="cohort-patient"][data-id="${row.id}"]`)).toHaveCount(1);
  const registered = () => page.evaluate(() => (window as unknown as { __her2: { registeredVolumes(): number } }).__her2.registeredVolumes());
  // the study on screen has all its phases loaded once the background decoding is done
  await expect.poll(registered, { timeout: 60_000 }).toBeGreaterThanOrEqual(7);
  await page.waitForTimeout(1000);
  const volumesBefore = await registered();
  await page.getByTestId('extract-cohort').click();
  await expect(page.getByTestId('cohort-progress')).toHaveAttribute('data-running', '0', { timeout: 240_000 });
  await expect(page.getByTestId('cohort-error')).toHaveCount(0);
  await expect(page.locator('[data-testid="cohort-patient"][data-features="1"]')).toHaveCount(2);
  // the study not on screen was decoded for the extraction only, not kept
  expect(await registered()).toBe(volumesBefore);

  const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-features').click()]);
  const browserCsv = join(dir, 'browser-features.csv');
  await d.saveAs(browserCsv);
  const cliCsv = join(dir, 'cli-features.csv');
  execFileSync(process.execPath, [HER2, 'cohort', '--dir', cohortDir, '--params', PARAMS, '--out', cliCsv], { stdio: ['ignore', 'ignore', 'pipe'] });

  const browser = parseCsv(readFileSync(browserCsv, 'utf8'));
  const cli = parseCsv(readFileSync(cliCsv, 'utf8'));
  expect(browser[0]).toEqual(cli[0]);
  expect(browser.slice(1).map((r) => r[0]).sort()).toEqual(cli.slice(1).map((r) => r[0]).sort());
  let compared = 0;
  let identical = 0;
  let maxRel = 0;
  for (const b of browser.slice(1)) {
    const c = cli.find((r) => r[0] === b[0])!;
    for (let k = 1; k < b.length; k++) {
      const x = Number(b[k]);
      const y = Number(c[k]);
      if (!Number.isFinite(x) || !Number.isFinite(y)) {
        expect(b[k], `${b[0]} ${cli[0][k]}`).toBe(c[k]);
        continue;
      }
      compared++;
      if (x === y) identical++;
      const rel = Math.abs(x - y) / Math.max(Math.abs(y), 1e-300);
      maxRel = Math.max(maxRel, x === y ? 0 : rel);
      expect(rel, `${b[0]} ${cli[0][k]}: browser ${x}, her2 cohort ${y}`).toBeLessThan(1e-12);
    }
  }
  console.log(`imported cohort: ${compared} feature values compared, ${identical} identical, largest relative difference ${maxRel.toExponential(2)}`);
  expect(compared).toBeGreaterThan(2 * 900);
});
