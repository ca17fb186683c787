/**
 * Demo patients as a user's own studies: written to disk in the layout `her2 demo` writes
 * (DIR/<id>/phase-0..6 DICOM, DIR/<id>/mask.nrrd), and opened in the app one folder at a
 * time with reader 1's mask imported in the Lesion tab.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Page } from '@playwright/test';
import type { DemoCohortSpec } from '../workers/cohort/cohort.ts';
import { demoStudyBundle, type DemoStudyBundle } from '../workers/cohort/demo-cohort.ts';
import { expect } from './helpers.ts';

/** Writes the patients' phase folders and masks under `dir`; their bundles, in order. */
export function writeDemoStudies(spec: DemoCohortSpec, rows: readonly { id: string; index: number }[], dir: string): DemoStudyBundle[] {
  return rows.map((row) => {
    const bundle = demoStudyBundle(spec, row.index);
    for (const f of bundle.files.filter((x) => x.name.includes('/phase-'))) {
      mkdirSync(dirname(join(dir, f.name)), { recursive: true });
      writeFileSync(join(dir, f.name), new Uint8Array(f.bytes));
    }
    writeFileSync(join(dir, row.id, 'mask.nrrd'), new Uint8Array(bundle.maskNrrd));
    return bundle;
  });
}

/** The ROI hook's state (app/lesion/roiTestHooks.ts). */
export function roiState(page: Page): Promise<{ seriesKey: string | null; savedAt: number | null; unsaved: boolean }> {
  return page.evaluate(() => (window as unknown as { __her2roi: { state(): { seriesKey: string | null; savedAt: number | null; unsaved: boolean } } }).__her2roi.state());
}

/** Opens each patient's folder, imports its mask.nrrd as reader 1, and waits for the autosave. */
export async function importStudiesWithMasks(page: Page, dir: string, ids: readonly string[]): Promise<void> {
  for (const [n, id] of ids.entries()) {
    await page.getByTestId('dicom-folder-input').setInputFiles(join(dir, id));
    await expect(page.getByTestId('series-item')).toHaveCount(n + 1, { timeout: 120_000 });
    await page.getByTestId('series-item').nth(n).click();
    await page.getByTestId('tab-lesion').click();
    await expect.poll(() => roiState(page).then((s) => s.seriesKey)).not.toBeNull();
    await page.getByTestId('mask-input').setInputFiles(join(dir, id, 'mask.nrrd'));
    await expect(page.getByTestId('roi-voxel-count')).not.toHaveText('0', { timeout: 60_000 });
    await expect.poll(() => roiState(page).then((s) => s.savedAt !== null && !s.unsaved), { timeout: 60_000 }).toBe(true);
  }
}
