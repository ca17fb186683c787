/**
 * The Training tab's settings are `her2 fit --config`'s: on the demo cohort (30 patients),
 * settings changed in the tab (5 CV folds, Mann-Whitney p < 0.1, Welch's t) are saved as a
 * FIT.yaml holding just those, the model trained with them records them, and `her2 fit
 * --config` with that FIT.yaml on the tab's exported CSVs writes the same MODEL.json (every
 * number within 1e-9, but its date). A FIT.yaml with a bad setting is refused, naming it.
 * The workspace (cohort, features, ROIs, models) exported, imported into a fresh browser
 * profile and exported again gives the same bytes.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import yaml from 'js-yaml';
import { expect, openApp, test } from './helpers.ts';
import { compareJson, withoutDate } from './model-compare.ts';

const HER2 = join(process.cwd(), 'bin', 'her2.mjs');

async function save(page: Page, testId: string, path: string): Promise<string> {
  const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  await d.saveAs(path);
  return path;
}

async function extractDemoCohort(page: Page): Promise<void> {
  await page.getByTestId('tab-cohort').click();
  await page.getByTestId('open-demo-cohort').click();
  await expect(page.getByTestId('cohort-patient')).toHaveCount(30);
  await page.getByTestId('extract-cohort').click();
  await expect(page.getByTestId('cohort-progress')).toHaveAttribute('data-running', '0', { timeout: 400_000 });
  await expect(page.locator('[data-testid="cohort-patient"][data-features="1"]')).toHaveCount(30);
}

test('settings changed in the Training tab: saved as FIT.yaml, recorded in the model, and her2 fit --config gives the same MODEL.json', async ({ page }) => {
  test.setTimeout(600_000);
  const dir = mkdtempSync(join(tmpdir(), 'her2-e2e-fit-settings-'));
  try {
    await openApp(page);
    await extractDemoCohort(page);

    await page.getByTestId('tab-training').click();
    const settings = page.getByTestId('fit-settings');
    await settings.locator('summary').click();
    // a bad FIT.yaml first: refused, naming the setting
    const bad = join(dir, 'bad-FIT.yaml');
    writeFileSync(bad, 'cv_folds: 1\n');
    await page.getByTestId('fit-config-input').setInputFiles(bad);
    await expect(page.getByTestId('fit-config-error')).toContainText("bad-FIT.yaml: setting 'cv_folds' must be an integer in [3, 1000], not 1");
    await expect(settings.locator('summary')).toContainText("(the study's)");
    // three settings changed by hand
    await page.getByTestId('fit-cv_folds').fill('5');
    await page.getByTestId('fit-mwu_alpha').fill('0.1');
    await page.getByTestId('fit-continuous-test').selectOption('welch');
    await expect(settings.locator('summary')).toContainText('3 changed');
    const fitYaml = await save(page, 'fit-config-export', join(dir, 'FIT.yaml'));
    expect(yaml.load(readFileSync(fitYaml, 'utf8'))).toEqual({ cv_folds: 5, mwu_alpha: 0.1, univariate_tests: { continuous: 'welch', categorical: 'chisq' } });

    await page.getByTestId('train-model').click();
    await expect(page.getByTestId('table-metrics')).toBeVisible({ timeout: 120_000 });
    await expect(page.getByTestId('training-progress')).toHaveCount(0, { timeout: 120_000 });
    await expect(page.getByTestId('training-error')).toHaveCount(0);
    const browserModel = JSON.parse(readFileSync(await save(page, 'export-model', join(dir, 'browser-MODEL.json')), 'utf8'));
    expect(browserModel.config.cv_folds).toBe(5);
    expect(browserModel.config.mwu_alpha).toBe(0.1);
    expect(browserModel.config.univariate_tests.continuous).toBe('welch');
    expect(browserModel.lasso.nfolds).toBe(5);

    // the command line on the tab's training CSVs with the saved FIT.yaml
    const features = await save(page, 'export-training-features', join(dir, 'features.csv'));
    const reader2 = await save(page, 'export-training-reader2', join(dir, 'features-reader2.csv'));
    const clinical = await save(page, 'export-training-clinical', join(dir, 'clinical.csv'));
    const cliPath = join(dir, 'cli-MODEL.json');
    execFileSync(process.execPath, [HER2, 'fit', '--features', features, '--reader2', reader2, '--clinical', clinical, '--config', fitYaml, '--phase', '2', '--synthetic', '--out', cliPath], { stdio: ['ignore', 'ignore', 'pipe'] });
    const cliModel = JSON.parse(readFileSync(cliPath, 'utf8'));
    const diff = compareJson(withoutDate(browserModel), withoutDate(cliModel));
    console.log(`training settings: MODEL.json browser vs her2 fit --config: ${diff.numbers} numbers, ${diff.exact} identical, largest relative difference ${diff.maxRel.toExponential(2)}`);
    expect(diff.mismatches).toEqual([]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the workspace exported, imported into a fresh browser profile and exported again is the same file', async ({ page, browser, baseURL }) => {
  test.setTimeout(600_000);
  const dir = mkdtempSync(join(tmpdir(), 'her2-e2e-workspace-'));
  try {
    await openApp(page);
    await extractDemoCohort(page);
    await page.getByTestId('tab-training').click();
    await page.getByTestId('train-model').click();
    await expect(page.getByTestId('table-metrics')).toBeVisible({ timeout: 120_000 });
    await expect(page.getByTestId('training-progress')).toHaveCount(0, { timeout: 120_000 });
    await page.getByTestId('tab-cohort').click();
    const first = await save(page, 'export-workspace', join(dir, 'workspace-1.zip'));

    const context = await browser.newContext({ baseURL });
    const fresh = await context.newPage();
    try {
      await openApp(fresh);
      await fresh.getByTestId('tab-cohort').click();
      await fresh.getByTestId('workspace-input').setInputFiles(first);
      await expect(fresh.getByTestId('cohort-notice')).toContainText('workspace restored', { timeout: 60_000 });
      await expect(fresh.locator('[data-testid="cohort-patient"][data-features="1"]')).toHaveCount(30);
      // after a reload, from the fresh profile's own IndexedDB
      await fresh.reload();
      await fresh.waitForFunction(() => '__her2' in window);
      await fresh.getByTestId('tab-cohort').click();
      await expect(fresh.locator('[data-testid="cohort-patient"][data-features="1"]')).toHaveCount(30, { timeout: 60_000 });
      const second = await save(fresh, 'export-workspace', join(dir, 'workspace-2.zip'));
      const a = readFileSync(first);
      const b = readFileSync(second);
      console.log(`workspace: ${a.length} bytes exported, ${b.length} bytes after an import into a fresh profile and a reload`);
      expect(b.equals(a)).toBe(true);
    } finally {
      await context.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
