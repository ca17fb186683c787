/**
 * The measured TIC in the cohort (issue 6 -> issue 9), in the built app on Debian's Chromium:
 * - after the demo cohort's extraction every patient shows a measured TIC type, and it is the
 *   type the generator intended (the demo clinical CSV's `tic` column is the generated type);
 * - the cohort's choice of TIC source is kept across a reload, and the exported clinical CSV
 *   uses the chosen type and says which in its tic_measured column;
 * - a workspace whose patients have features but no measured TIC: "Extract" measures the TIC
 *   only (no patient is extracted again) and every patient gets it;
 * - imported studies (two patients' DICOM folders and masks): the measured TIC equals
 *   `her2 cohort --out-tic` on the same folders (type and change).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { demoCohortRows, demoSpec } from '../workers/cohort/demo-cohort.ts';
import { parseWorkspace, serializeWorkspace } from '../workers/cohort/workspace.ts';
import { parseCsv } from '../workers/io/csv.ts';
import { importStudiesWithMasks, writeDemoStudies } from './demo-folders.ts';
import { expect, openApp, test } from './helpers.ts';

const EXTRACTION_TIMEOUT = 600_000;
const HER2 = join(process.cwd(), 'bin', 'her2.mjs');

async function openCohortTab(page: Page): Promise<void> {
  await page.getByTestId('tab-cohort').click();
  await expect(page.getByTestId('panel-cohort')).toBeVisible();
}

async function save(page: Page, testId: string, path: string): Promise<string> {
  const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  await d.saveAs(path);
  return path;
}

async function extractAndWait(page: Page): Promise<void> {
  await page.getByTestId('extract-cohort').click();
  await expect(page.getByTestId('cohort-progress')).toHaveAttribute('data-running', '0', { timeout: EXTRACTION_TIMEOUT });
  await expect(page.locator('[data-testid="cohort-patient"][data-features="1"]')).toHaveCount(30);
}

/** Each row's TIC cell: measured, clinical, used, source, mismatch. */
async function ticCells(page: Page): Promise<Record<string, { measured: string; clinical: string; used: string; source: string; mismatch: string }>> {
  return page.getByTestId('cohort-patient').evaluateAll((rows) =>
    Object.fromEntries(
      rows.map((r) => {
        const c = r.querySelector('[data-testid="cohort-tic"]')!;
        const a = (n: string) => c.getAttribute(n) ?? '';
        return [r.getAttribute('data-id')!, { measured: a('data-tic-measured'), clinical: a('data-tic-clinical'), used: a('data-tic-used'), source: a('data-tic-source'), mismatch: a('data-tic-mismatch') }];
      }),
    ),
  );
}

/** id -> [tic, tic_measured] of an exported clinical CSV. */
function ticOfCsv(path: string): Map<string, [string, string]> {
  const t = parseCsv(readFileSync(path, 'utf8'));
  const tic = t[0].indexOf('tic');
  const measured = t[0].indexOf('tic_measured');
  expect(tic).toBeGreaterThan(0);
  expect(measured).toBeGreaterThan(0);
  return new Map(t.slice(1).map((r) => [r[0], [r[tic], r[measured]]]));
}

test('demo cohort: every patient gets its measured TIC, the type the generator intended; the TIC source choice persists and reaches the clinical CSV; a features-only workspace gets the TIC alone', async ({ page }) => {
  test.setTimeout(900_000);
  const dir = mkdtempSync(join(tmpdir(), 'her2-e2e-cohort-tic-'));
  const intended = new Map(demoCohortRows(demoSpec('subset')).map((r) => [r.id, String(r.tic)]));
  try {
    await openApp(page);
    await openCohortTab(page);
    await page.getByTestId('open-demo-cohort').click();
    await expect(page.getByTestId('cohort-patient')).toHaveCount(30);
    // before the extraction: only the CSV's type
    const before = await ticCells(page);
    expect(Object.values(before).every((c) => c.measured === '' && c.source === 'clinical')).toBe(true);

    const t0 = Date.now();
    await extractAndWait(page);
    const seconds = (Date.now() - t0) / 1000;
    await expect(page.getByTestId('cohort-error')).toHaveCount(0);
    const after = await ticCells(page);
    expect(Object.keys(after).sort()).toEqual([...intended.keys()].sort());
    for (const [id, c] of Object.entries(after)) {
      expect({ id, ...c }).toEqual({ id, measured: intended.get(id), clinical: intended.get(id), used: intended.get(id), source: 'measured', mismatch: '0' });
    }
    await expect(page.getByTestId('tic-summary')).toContainText('measured 30/30');
    await expect(page.getByTestId('tic-mismatch')).toHaveCount(0);

    // the exported clinical CSV: the measured type (tic_measured 1)
    for (const [id, [tic, m]] of ticOfCsv(await save(page, 'export-clinical', join(dir, 'clinical-auto.csv')))) expect([id, tic, m]).toEqual([id, intended.get(id), '1']);

    // the choice: the clinical CSV's, kept across a reload and stated in the exported CSV
    await page.getByTestId('tic-source').selectOption('clinical');
    await expect(page.locator('[data-testid="cohort-tic"][data-tic-source="clinical"]')).toHaveCount(30);
    await page.reload();
    await page.waitForFunction(() => '__her2' in window);
    await openCohortTab(page);
    await expect(page.getByTestId('tic-source')).toHaveValue('clinical');
    await expect(page.locator('[data-testid="cohort-tic"][data-tic-source="clinical"]')).toHaveCount(30);
    for (const [id, [tic, m]] of ticOfCsv(await save(page, 'export-clinical', join(dir, 'clinical-csv.csv')))) expect([id, tic, m]).toEqual([id, intended.get(id), '0']);
    // one patient's own choice overrides the cohort's
    const first = [...intended.keys()][0];
    const firstRow = page.locator(`[data-testid="cohort-patient"][data-id="${first}"]`);
    await firstRow.getByTestId('tic-override').selectOption('measured');
    await expect(firstRow.getByTestId('cohort-tic')).toHaveAttribute('data-tic-source', 'measured');
    expect(ticOfCsv(await save(page, 'export-clinical', join(dir, 'clinical-override.csv'))).get(first)).toEqual([intended.get(first), '1']);
    await page.getByTestId('tic-source').selectOption('auto');

    // a workspace with the features but no measured TIC (as one saved before this existed)
    const ws = parseWorkspace(readFileSync(await save(page, 'export-workspace', join(dir, 'ws.zip'))));
    expect(ws.cohort!.patients.every((p) => p.measuredTic && 'type' in p.measuredTic)).toBe(true);
    const stripped = { ...ws, cohort: { ...ws.cohort!, patients: ws.cohort!.patients.map(({ measuredTic: _t, ticSource: _s, ...p }) => p) } };
    const strippedPath = join(dir, 'ws-no-tic.zip');
    writeFileSync(strippedPath, serializeWorkspace(stripped));
    await page.getByTestId('workspace-input').setInputFiles(strippedPath);
    await expect(page.getByTestId('cohort-notice')).toContainText('workspace restored');
    await expect(page.locator('[data-testid="cohort-tic"][data-tic-measured=""]')).toHaveCount(30);
    await expect(page.locator('[data-testid="cohort-patient"][data-features="1"]')).toHaveCount(30);
    await page.getByTestId('extract-cohort').click();
    const bar = page.getByTestId('cohort-progress');
    await expect(bar).toHaveAttribute('data-running', '0', { timeout: EXTRACTION_TIMEOUT });
    await expect(bar).toHaveAttribute('data-for-features', '0');
    await expect(bar).toHaveAttribute('data-for-tic', '30');
    await expect(bar).toHaveAttribute('data-done', '30');
    await expect(page.getByTestId('cohort-error')).toHaveCount(0);
    const again = await ticCells(page);
    for (const [id, c] of Object.entries(again)) expect([id, c.measured, c.source]).toEqual([id, intended.get(id), 'measured']);
    console.log(`cohort TIC e2e: 30 demo patients extracted with their TIC in ${seconds.toFixed(1)} s; measured type = generated type for 30 of 30`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('imported studies: the measured TIC equals her2 cohort --out-tic on the same folders', async ({ page }) => {
  test.setTimeout(300_000);
  const spec = demoSpec('subset');
  // a washout and a persistent lesion
  const rows = [3, 1].map((t) => demoCohortRows(spec).find((r) => r.tic === t)!);
  const dir = mkdtempSync(join(tmpdir(), 'her2-e2e-tic-imported-'));
  try {
    const cohortDir = join(dir, 'cohort');
    writeDemoStudies(spec, rows, cohortDir);
    await openApp(page);
    await importStudiesWithMasks(page, cohortDir, rows.map((r) => r.id));
    await openCohortTab(page);
    await page.getByTestId('add-open-studies').click();
    await expect(page.getByTestId('cohort-patient')).toHaveCount(2);
    await page.getByTestId('extract-cohort').click();
    await expect(page.getByTestId('cohort-progress')).toHaveAttribute('data-running', '0', { timeout: 240_000 });
    await expect(page.getByTestId('cohort-error')).toHaveCount(0);

    const cliCsv = join(dir, 'tic.csv');
    execFileSync(process.execPath, [HER2, 'cohort', '--dir', cohortDir, '--out-tic', cliCsv], { stdio: ['ignore', 'ignore', 'pipe'] });
    const cli = parseCsv(readFileSync(cliCsv, 'utf8')).slice(1);
    expect(cli.map((r) => r[0]).sort()).toEqual(rows.map((r) => r.id).sort());
    for (const row of rows) {
      const cell = page.locator(`[data-testid="cohort-patient"][data-id="${row.id}"]`).getByTestId('cohort-tic');
      const c = cli.find((r) => r[0] === row.id)!;
      expect(c[1]).toBe(String(row.tic));
      await expect(cell).toHaveAttribute('data-tic-measured', c[1]);
      // the same change: the CLI writes 100 x change in its shortest exact form
      const change = Number(await cell.getAttribute('data-tic-change'));
      expect(String(100 * change)).toBe(c[2]);
      // no clinical CSV: the measured type is the one used
      await expect(cell).toHaveAttribute('data-tic-source', 'measured');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
