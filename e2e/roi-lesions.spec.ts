/**
 * Lesions and readers on the IBSI MR T1 sample (115 x 90 x 35 voxels of 0.977 x 0.977 x
 * 3.27 mm), edited as a radiologist used to Slicer's Segment Editor would:
 *   - Reader 1 draws two lesions (the larger is marked largest), Reader 2 draws one;
 *     Ctrl+Z after switching reader never touches the hidden reader's label map;
 *   - the eraser erases only the lesion being edited; with the brush chosen again,
 *     nothing is locked;
 *   - deleting a lesion, then undo, brings back its voxels in both readers AND its row;
 *   - a SEG exported just after painting a new lesion contains it, and re-imports into an
 *     empty reader with the same labels; a multi-label NRRD {1, 3} into an empty reader
 *     gives lesions 1 and 3 (undo removes them and lesion 3's row); a one-label file into a
 *     reader with voxels replaces the lesion being edited;
 *   - opacity and outline survive a reload.
 * Expected voxels are the sphere brush's definition (voxel centres within the radius of
 * the voxel clicked: e2e/roi.spec.ts), computed here on the grid.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { readNifti } from '../workers/io/nifti.ts';
import { writeNrrd } from '../workers/io/nrrd.ts';
import type { Volume } from '../workers/io/volume.ts';
import { expect, test } from './helpers.ts';
import { labels, NIFTI_MASK, openT1, roiHook, selectReader, voxelClient, type Geometry, type Labels } from './roi-helpers.ts';


/** Clicks the centre of voxel ijk on the axial view once the voxel readout names it (e2e/roi.spec.ts). */
async function clickVoxel(page: Page, ijk: number[]): Promise<void> {
  let xy = await voxelClient(page, 'axial', ijk, true);
  const readout = page.getByTestId('voxel-readout');
  for (let attempt = 0; ; attempt++) {
    await page.mouse.move(xy.x - 2, xy.y - 2);
    await page.mouse.move(xy.x, xy.y);
    await page.waitForTimeout(300);
    const next = await voxelClient(page, 'axial', ijk, false);
    const settled = Math.hypot(next.x - xy.x, next.y - xy.y) < 0.5 && (await readout.getAttribute('data-ijk')) === ijk.join(',');
    xy = next;
    if (settled) break;
    if (attempt === 5) throw new Error(`the cursor could not be put on voxel ${ijk}`);
  }
  await page.mouse.down();
  await page.waitForTimeout(400); // Cornerstone holds a mouse-down back while it waits for a double click
  await page.mouse.up();
}

async function useTool(page: Page, tool: 'RoiBrush' | 'RoiEraser', radius: number): Promise<void> {
  await page.getByTestId(`tool-${tool}`).click();
  await page.getByTestId('brush-shape').selectOption('sphere');
  await page.getByTestId('brush-radius').fill(String(radius));
  await page.getByTestId('brush-radius').blur();
}

/** The voxels whose centres lie within `radius` mm of voxel `centre` (no centre within 1e-6 mm^2 of the sphere). */
function sphere(g: Geometry, centre: number[], radius: number): Set<number> {
  const out = new Set<number>();
  const reach = g.spacing.map((s) => Math.ceil(radius / s) + 1);
  for (let dk = -reach[2]; dk <= reach[2]; dk++)
    for (let dj = -reach[1]; dj <= reach[1]; dj++)
      for (let di = -reach[0]; di <= reach[0]; di++) {
        const d2 = (di * g.spacing[0]) ** 2 + (dj * g.spacing[1]) ** 2 + (dk * g.spacing[2]) ** 2;
        expect(Math.abs(d2 - radius * radius)).toBeGreaterThan(1e-6);
        if (d2 <= radius * radius) out.add(centre[0] + di + g.size[0] * (centre[1] + dj + g.size[1] * (centre[2] + dk)));
      }
  return out;
}

/** A label map as {index: label} from sets painted in order (a later set overwrites). */
function expected(...painted: [Set<number>, number][]): Labels {
  const m = new Map<number, number>();
  for (const [set, value] of painted)
    for (const i of set) {
      if (value) m.set(i, value);
      else m.delete(i);
    }
  const indices = [...m.keys()].sort((a, b) => a - b);
  return { indices, values: indices.map((i) => m.get(i)!) };
}

function only(l: Labels, value: number): Set<number> {
  return new Set(l.indices.filter((_, n) => l.values[n] === value));
}

async function rows(page: Page): Promise<number[]> {
  return page.getByTestId('lesion-row').evaluateAll((r) => r.map((e) => Number((e as HTMLElement).dataset.lesion)));
}

test('two readers: the largest lesion is marked, Ctrl+Z stays with the reader shown, the eraser erases only the active lesion, Delete is undone with its row', async ({ page }) => {
  const g = await openT1(page);
  const s1 = sphere(g, [48, 45, 17], 6);
  const s2 = sphere(g, [62, 45, 17], 4);
  await useTool(page, 'RoiBrush', 6);
  await clickVoxel(page, [48, 45, 17]);
  await expect(page.getByTestId('roi-voxel-count')).toHaveText(String(s1.size), { timeout: 30_000 });
  await page.getByTestId('lesion-select').selectOption('new');
  await page.getByTestId('brush-radius').fill('4');
  await page.getByTestId('brush-radius').blur();
  await clickVoxel(page, [62, 45, 17]);
  await expect(page.getByTestId('roi-voxel-count')).toHaveText(String(s2.size), { timeout: 30_000 });
  const r1 = expected([s1, 1], [s2, 2]);
  expect(await labels(page, 1)).toEqual(r1);
  expect(s1.size).toBeGreaterThan(s2.size);
  await expect(page.locator('[data-testid="lesion-row"][data-lesion="1"] [data-testid="lesion-largest"]')).toHaveCount(1);
  await expect(page.getByTestId('lesion-largest')).toHaveCount(1);

  // Reader 2: nothing to undo yet; Ctrl+Z leaves Reader 1's (hidden) map alone.
  await selectReader(page, 2);
  await expect(page.getByTestId('undo')).toBeDisabled();
  await page.keyboard.press('Control+z');
  await page.waitForTimeout(500);
  expect(await labels(page, 1)).toEqual(r1);
  // Reader 2 draws lesion 2 (the lesion being edited); undo and redo are its own.
  const s3 = sphere(g, [60, 45, 17], 5);
  await page.getByTestId('brush-radius').fill('5');
  await page.getByTestId('brush-radius').blur();
  await clickVoxel(page, [60, 45, 17]);
  await expect(page.getByTestId('roi-voxel-count')).toHaveText(String(s3.size), { timeout: 30_000 });
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('roi-voxel-count')).toHaveText('0');
  await page.keyboard.press('Control+z');
  await page.waitForTimeout(500);
  expect(await labels(page, 1)).toEqual(r1);
  await page.keyboard.press('Control+y');
  await expect(page.getByTestId('roi-voxel-count')).toHaveText(String(s3.size));
  const r2 = expected([s3, 2]);
  expect(await labels(page, 2)).toEqual(r2);
  // Back on Reader 1: Reader 2's stroke cannot be undone from here.
  await selectReader(page, 1);
  await expect(page.getByTestId('undo')).toBeDisabled();
  await page.keyboard.press('Control+z');
  await page.waitForTimeout(500);
  expect(await labels(page, 2)).toEqual(r2);
  expect(await labels(page, 1)).toEqual(r1);

  // The eraser over both lesions, lesion 2 being edited: only lesion 2 loses voxels.
  const e = sphere(g, [55, 45, 17], 8);
  expect([...e].some((i) => s1.has(i)) && [...e].some((i) => s2.has(i))).toBe(true);
  await useTool(page, 'RoiEraser', 8);
  await clickVoxel(page, [55, 45, 17]);
  const erased2 = expected([s1, 1], [s2, 2], [new Set([...e].filter((i) => s2.has(i))), 0]);
  await expect.poll(() => labels(page, 1), { timeout: 30_000 }).toEqual(erased2);
  // The lock follows the lesion being edited: lesion 1 now, lesion 2 kept.
  await page.getByTestId('lesion-select').selectOption('1');
  await clickVoxel(page, [55, 45, 17]);
  const erasedBoth = expected([s1, 1], [s2, 2], [e, 0]);
  await expect.poll(() => labels(page, 1), { timeout: 30_000 }).toEqual(erasedBoth);
  expect(await labels(page, 2)).toEqual(r2);
  // Another tool: nothing locked (the brush paints lesion 1 over lesion 2, Cornerstone's default).
  const b = sphere(g, [62, 45, 17], 2);
  await useTool(page, 'RoiBrush', 2);
  await clickVoxel(page, [62, 45, 17]);
  const painted = expected([s1, 1], [s2, 2], [e, 0], [b, 1]);
  expect([...b].some((i) => s2.has(i) && !e.has(i))).toBe(true);
  await expect.poll(() => labels(page, 1), { timeout: 30_000 }).toEqual(painted);

  // Delete lesion 2 (both readers), then one undo: its voxels in both readers and its row.
  await page.locator('[data-testid="lesion-row"][data-lesion="2"]').getByRole('button', { name: 'Delete' }).click();
  await expect.poll(() => rows(page)).toEqual([1]);
  expect(only(await labels(page, 1), 2).size).toBe(0);
  expect((await labels(page, 2)).indices).toEqual([]);
  await page.getByTestId('undo').click();
  await expect.poll(() => rows(page)).toEqual([1, 2]);
  expect(await labels(page, 1)).toEqual(painted);
  expect(await labels(page, 2)).toEqual(r2);
  await page.getByTestId('redo').click();
  await expect.poll(() => rows(page)).toEqual([1]);
  expect(only(await labels(page, 1), 2).size).toBe(0);
});

test('SEG export right after painting a new lesion holds it; imports keep label values into an empty reader and replace the active lesion otherwise; opacity and outline survive a reload', async ({ page }) => {
  const dir = mkdtempSync(join(tmpdir(), 'her2-e2e-lesions-'));
  const g = await openT1(page);
  const n = g.size[0] * g.size[1] * g.size[2];
  const s1 = sphere(g, [48, 45, 17], 5);
  const s2 = sphere(g, [64, 45, 17], 4);
  await useTool(page, 'RoiBrush', 5);
  await clickVoxel(page, [48, 45, 17]);
  await expect(page.getByTestId('roi-voxel-count')).toHaveText(String(s1.size), { timeout: 30_000 });
  await page.getByTestId('lesion-select').selectOption('new');
  await page.getByTestId('brush-radius').fill('4');
  await page.getByTestId('brush-radius').blur();
  await clickVoxel(page, [64, 45, 17]);
  // at once: no wait for the statistics to count lesion 2
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-seg').click()]);
  const seg = join(dir, dl.suggestedFilename());
  await dl.saveAs(seg);
  const r1 = expected([s1, 1], [s2, 2]);
  expect(await labels(page, 1)).toEqual(r1);

  // A NRRD with labels {1, 3} into the empty Reader 2: lesions 1 and 3; undo takes both back, row included.
  const a = sphere(g, [30, 40, 10], 4);
  const c = sphere(g, [80, 50, 20], 4);
  const multi = expected([a, 1], [c, 3]);
  const data = new Uint8Array(n);
  multi.indices.forEach((i, m) => (data[i] = multi.values[m]));
  const nrrd = join(dir, 'labels-1-3.nrrd');
  writeFileSync(nrrd, writeNrrd({ ...g, data } as unknown as Volume));
  await selectReader(page, 2);
  await page.getByTestId('mask-input').setInputFiles(nrrd);
  await expect.poll(() => labels(page, 2), { timeout: 60_000 }).toEqual(multi);
  await expect.poll(() => rows(page)).toEqual([1, 2, 3]);
  await page.getByTestId('undo').click();
  await expect.poll(() => labels(page, 2).then((l) => l.indices.length)).toBe(0);
  await expect.poll(() => rows(page)).toEqual([1, 2]);

  // The SEG into the empty Reader 2: the same labels as Reader 1.
  await page.getByTestId('mask-input').setInputFiles(seg);
  await expect.poll(() => labels(page, 2), { timeout: 60_000 }).toEqual(r1);

  // A one-label file into Reader 2, which has voxels, lesion 2 being edited: it replaces lesion 2.
  await page.getByTestId('lesion-select').selectOption('2');
  const nii = readNifti(readFileSync(NIFTI_MASK));
  const mask = new Set<number>();
  for (let i = 0; i < nii.data.length; i++) if (nii.data[i] !== 0) mask.add(i);
  await page.getByTestId('mask-input').setInputFiles(NIFTI_MASK);
  await expect.poll(() => labels(page, 2), { timeout: 60_000 }).toEqual(expected([s1, 1], [mask, 2]));
  await expect(page.getByTestId('roi-message').filter({ hasText: 'replaced lesion 2 of Reader 2' })).toHaveCount(1);

  // Opacity and outline, saved with the ROIs.
  await page.getByTestId('roi-opacity').fill('0.2');
  await page.getByTestId('roi-outline').uncheck();
  const changedAt = Date.now();
  await expect
    .poll(() => roiHook<{ savedAt: number | null; unsaved: boolean }>(page, 'state()').then((s) => (s.savedAt ?? 0) > changedAt && !s.unsaved), { timeout: 30_000 })
    .toBe(true);
  await page.reload();
  await expect.poll(() => roiHook<Labels | null>(page, 'labels(1)').then((l) => l?.indices.length ?? -1), { timeout: 60_000 }).toBe(r1.indices.length);
  await expect(page.getByTestId('roi-opacity')).toHaveValue('0.2');
  await expect(page.getByTestId('roi-outline')).not.toBeChecked();
});
