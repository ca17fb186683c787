/**
 * Each real DICOM sample in ../shared/dicom-samples shows the series items, slices per
 * phase, phases, rows and columns that the samples' README table gives (the table is
 * read from the README itself), and renders.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canvasStats, expect, filesUnder, importFiles, openApp, SAMPLES, seriesItems, test } from './helpers.ts';

interface Expected {
  sample: string;
  items: number;
  slices: number;
  phases: number;
  rows: number;
  columns: number;
}

function readmeTable(): Expected[] {
  const text = readFileSync(join(SAMPLES, 'README.md'), 'utf8');
  const section = text.split('## What the workstation should show for each sample')[1].split('\n## ')[0];
  const rows: Expected[] = [];
  for (const line of section.split('\n')) {
    const m = line.match(/^\|\s*([\w.-]+)\s*\|\s*(\d+)[^|]*\|\s*(\d+) x (\d+)(?: each)?, (\d+) x (\d+)\s*\|/);
    if (!m) continue;
    rows.push({ sample: m[1], items: +m[2], slices: +m[3], phases: +m[4], rows: +m[5], columns: +m[6] });
  }
  return rows;
}

const TABLE = readmeTable();

test('the README table lists the four samples', () => {
  expect(TABLE.map((r) => r.sample).sort()).toEqual([
    'ge-signa-multiphase-10tp',
    'ibsi-sts002-mr-t1-rtstruct',
    'philips-enhanced-mr-fieldmap',
    'siemens-xa10-enhanced-4tp',
  ]);
});

for (const row of TABLE) {
  test(`${row.sample}: ${row.items} item(s) of ${row.slices} slices x ${row.phases} phases, ${row.rows} x ${row.columns}`, async ({
    page,
  }) => {
    await openApp(page);
    await importFiles(page, filesUnder(join(SAMPLES, row.sample)));
    await expect(page.getByTestId('series-item')).toHaveCount(row.items);
    const items = await seriesItems(page);
    for (const item of items) {
      expect(item).toEqual({ slices: row.slices, phases: row.phases, rows: row.rows, columns: row.columns });
    }
    await expect(page.getByTestId('import-error')).toHaveCount(0);
    for (const name of ['axial', 'sagittal', 'coronal']) {
      const stats = await canvasStats(page, name);
      expect(stats.levels, `${name} canvas shows an image`).toBeGreaterThan(1);
    }
  });
}

test('the MR T1 sample: the axial viewport shows the image and the RTSTRUCT is an annotation', async ({ page }) => {
  await openApp(page);
  await importFiles(page, filesUnder(join(SAMPLES, 'ibsi-sts002-mr-t1-rtstruct')));
  await expect(page.getByTestId('series-item')).toHaveCount(1);
  await expect(page.getByTestId('series-annotation')).toHaveCount(1);
  await expect(page.getByTestId('series-annotation')).toContainText('RTSTRUCT');
  const stats = await canvasStats(page, 'axial');
  // Real anatomy fills most of the viewport with many grey levels.
  expect(stats.nonBlack / (stats.width * stats.height)).toBeGreaterThan(0.2);
  expect(stats.levels).toBeGreaterThan(50);
});
