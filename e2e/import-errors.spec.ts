/**
 * Bad input never blanks the app: a text file and a truncated DICOM file imported with a
 * valid series give one named error each, and the valid series still loads and renders;
 * a DCE phase with a slice missing loads with the gap named.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { generateDemoPatient } from '../workers/demo/index.ts';
import { canvasStats, expect, importFiles, openApp, PYDICOM_FILES, seriesItems, test } from './helpers.ts';

test('a text file and a truncated DICOM beside a valid series: two named errors, the series loads', async ({ page }) => {
  const dir = mkdtempSync(join(tmpdir(), 'her2-bad-'));
  try {
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'This is not a DICOM file.\n');
    await openApp(page);
    await importFiles(page, [join(PYDICOM_FILES, 'MR_small.dcm'), text, join(PYDICOM_FILES, 'MR_truncated.dcm')]);
    const errors = page.getByTestId('import-error');
    await expect(errors).toHaveCount(2);
    await expect(errors.filter({ hasText: 'notes.txt' })).toHaveCount(1);
    await expect(errors.filter({ hasText: 'MR_truncated.dcm' })).toHaveCount(1);
    await expect(page.getByTestId('series-item')).toHaveCount(1);
    expect(await seriesItems(page)).toEqual([{ slices: 1, phases: 1, rows: 64, columns: 64 }]);
    const stats = await canvasStats(page, 'axial');
    expect(stats.levels).toBeGreaterThan(10);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an import of nothing but bad files leaves the app working', async ({ page }) => {
  const dir = mkdtempSync(join(tmpdir(), 'her2-bad-'));
  try {
    const text = join(dir, 'readme.md');
    writeFileSync(text, '# not an image\n');
    await openApp(page);
    await importFiles(page, [text], false);
    await expect(page.getByTestId('import-error')).toHaveCount(1);
    await expect(page.getByTestId('import-error')).toContainText('readme.md');
    // The app still imports a good file afterwards.
    await importFiles(page, [join(PYDICOM_FILES, 'CT_small.dcm')]);
    await expect(page.getByTestId('series-item')).toHaveCount(1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a DCE phase missing a slice: the study loads without it, and the gap is named with its series and files', async ({ page }) => {
  const dir = mkdtempSync(join(tmpdir(), 'her2-gap-'));
  try {
    // a demo patient written as its phase folders, with one middle slice of phase 3 left out
    const patient = generateDemoPatient({ seed: 42, index: 1 });
    const dropped = patient.files.find((f) => f.name.endsWith('/phase-3/IM0020.dcm'))!;
    expect(dropped).toBeDefined();
    const files: string[] = [];
    for (const f of patient.files) {
      if (f === dropped) continue;
      const path = join(dir, f.name);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, new Uint8Array(f.bytes));
      files.push(path);
    }
    await openApp(page);
    await importFiles(page, files);
    // the study keeps its six complete phases; the incomplete one is listed on its own, not as a phase
    await expect(page.getByTestId('series-item')).toHaveCount(2);
    await expect(page.getByTestId('series-item').filter({ hasText: '40 slices x 6 phases' })).toHaveCount(1);
    await expect(page.getByTestId('series-item').filter({ hasText: '39 slices' })).toHaveCount(1);
    const errors = page.getByTestId('import-error');
    await expect(errors.filter({ hasText: "'t1_fl3d_tra_fs_dyn_post3'" }).filter({ hasText: 'not included as a phase' })).toHaveCount(1);
    const gap = errors.filter({ hasText: 'missing slice' });
    await expect(gap).toHaveCount(1);
    await expect(gap).toContainText("'t1_fl3d_tra_fs_dyn_post3'");
    await expect(gap).toContainText('IM0019.dcm');
    await expect(gap).toContainText('IM0021.dcm');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
