/**
 * Bad input never blanks the app: a text file and a truncated DICOM file imported with a
 * valid series give one named error each, and the valid series still loads and renders.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
