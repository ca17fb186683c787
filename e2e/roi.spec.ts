/**
 * The ROI tools on the IBSI MR T1 sample (115 x 90 x 35 voxels of 0.977 x 0.977 x 3.27 mm,
 * an RTSTRUCT, and IBSI's own NIfTI rasterisation of it):
 *   - a sphere brush click fills exactly the voxels whose centres lie within the radius of
 *     the voxel clicked (the brush centre snaps to that voxel);
 *   - the NIfTI mask lands on the DICOM series with its 17090 voxels; the RTSTRUCT,
 *     rasterised with one click, overlaps it with Dice >= 0.9;
 *   - SEG (checked by dciodvfy), NRRD and NIfTI exports re-import to the same voxels, and
 *     the files hold those voxels on the image grid;
 *   - features extracted in the browser equal `her2 extract` on the same image and mask;
 *   - a reload brings the study and both readers' ROIs back;
 *   - the threshold brush paints within the typed range, or the range picked around the click;
 *   - the rectangle and circle scissors fill the voxels whose centres lie in the shape
 *     dragged, on its slice; a stroke shows in the other two views once it ends.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { dciodvfy } from '../workers/io/dicom/dciodvfy-support.ts';
import { readNifti } from '../workers/io/nifti.ts';
import { readNrrd } from '../workers/io/nrrd.ts';
import { planDemoCohort } from '../workers/demo/index.ts';
import { interpolateBetweenSlices } from '../workers/roi/interpolate.ts';
import { expect, filesUnder, python, test } from './helpers.ts';
import { labels, NIFTI_MASK, openT1, roiHook, selectReader, voxelClient, T1, type Geometry, type Labels } from './roi-helpers.ts';

const PARAMS = join(process.cwd(), 'public', 'params', 'her2-dce-paper.yaml');

async function importMask(page: Page, file: string, expectedCount: number): Promise<void> {
  await page.getByTestId('mask-input').setInputFiles(file);
  await expect(page.getByTestId('roi-voxel-count')).toHaveText(String(expectedCount), { timeout: 60_000 });
}

/**
 * Clicks the centre of voxel ijk. The cursor is first put there until the voxel readout
 * names that voxel: moving the mouse changes the status bar's text, which can change the
 * viewports' height and so move the image under a position computed before.
 */
async function clickVoxel(page: Page, name: string, ijk: number[]): Promise<void> {
  await hoverVoxel(page, name, ijk);
  await page.mouse.down();
  await page.waitForTimeout(400); // Cornerstone holds a mouse-down back while it waits for a double click
  await page.mouse.up();
}

/**
 * Presses the left button at `from`, moves to `to` in `steps` moves as a hand would, and
 * releases it unless `release` is false (the caller then checks the stroke in progress).
 */
async function drag(page: Page, from: { x: number; y: number }, to: { x: number; y: number }, steps: number, release = true): Promise<void> {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.waitForTimeout(400); // Cornerstone holds a mouse-down back while it waits for a double click
  for (let s = 1; s <= steps; s++) {
    await page.mouse.move(from.x + ((to.x - from.x) * s) / steps, from.y + ((to.y - from.y) * s) / steps);
    await page.waitForTimeout(20);
  }
  if (release) await page.mouse.up();
}

/** Puts the cursor on voxel ijk's centre (its slice shown) until the layout has settled. */
async function hoverVoxel(page: Page, name: string, ijk: number[]): Promise<void> {
  let xy = await voxelClient(page, name, ijk, true);
  const readout = page.getByTestId('voxel-readout');
  for (let attempt = 0; ; attempt++) {
    await page.mouse.move(xy.x - 2, xy.y - 2);
    await page.mouse.move(xy.x, xy.y);
    await page.waitForTimeout(300);
    const next = await voxelClient(page, name, ijk, false);
    const settled = Math.hypot(next.x - xy.x, next.y - xy.y) < 0.5 && (await readout.getAttribute('data-ijk')) === ijk.join(',');
    xy = next;
    if (settled) break;
    if (attempt === 5) throw new Error(`the cursor could not be put on voxel ${ijk}`);
  }
}

async function download(page: Page, testId: string, dir: string): Promise<string> {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  const path = join(dir, dl.suggestedFilename());
  await dl.saveAs(path);
  return path;
}

/** The dense label array of a hook result. */
function dense(l: Labels, n: number): Uint8Array {
  const out = new Uint8Array(n);
  l.indices.forEach((i, m) => (out[i] = l.values[m]));
  return out;
}

test('a sphere brush click fills the voxels whose centres lie within the radius of the clicked voxel', async ({ page }) => {
  await openT1(page);
  const g = (await roiHook<Geometry>(page, 'geometry()'))!;
  // The grid, independently: PixelSpacing, and the slice step from the first and last ImagePositionPatient.
  const files = filesUnder(join(T1, 'dicom', 'image'));
  const ref = python<{ ps: number[]; step: number }>(
    `import sys, json, pydicom
z = sorted(float(pydicom.dcmread(f, stop_before_pixels=True).ImagePositionPatient[2]) for f in sys.argv[1:])
ps = [float(x) for x in pydicom.dcmread(sys.argv[1], stop_before_pixels=True).PixelSpacing]
print(json.dumps({'ps': ps, 'step': (z[-1] - z[0]) / (len(z) - 1)}))`,
    files,
  );
  expect(g.spacing[0]).toBeCloseTo(ref.ps[1], 9);
  expect(g.spacing[1]).toBeCloseTo(ref.ps[0], 9);
  expect(g.spacing[2]).toBeCloseTo(ref.step, 9);

  const radius = 6;
  const centre = [57, 45, 17];
  // Expected: every voxel (i, j, k) with sum(((i - c) * spacing)^2) <= r^2, counted on the grid.
  // The comparison is exact; it is sound because no voxel centre lies within 1e-6 mm^2 of
  // the sphere (checked here), so rounding in the app cannot move one across it.
  const want = new Set<number>();
  let closest = Infinity;
  const reach = g.spacing.map((s) => Math.ceil(radius / s) + 1);
  for (let dk = -reach[2]; dk <= reach[2]; dk++)
    for (let dj = -reach[1]; dj <= reach[1]; dj++)
      for (let di = -reach[0]; di <= reach[0]; di++) {
        const d2 = (di * g.spacing[0]) ** 2 + (dj * g.spacing[1]) ** 2 + (dk * g.spacing[2]) ** 2;
        closest = Math.min(closest, Math.abs(d2 - radius * radius));
        if (d2 <= radius * radius) want.add(centre[0] + di + g.size[0] * (centre[1] + dj + g.size[1] * (centre[2] + dk)));
      }
  expect(closest).toBeGreaterThan(1e-6);
  const sphereVoxels = ((4 / 3) * Math.PI * radius ** 3) / (g.spacing[0] * g.spacing[1] * g.spacing[2]);
  console.log(
    `sphere r = ${radius} mm on ${g.spacing.map((s) => s.toFixed(6)).join(' x ')} mm: ${want.size} voxel centres inside ` +
      `(continuous volume / voxel volume = ${sphereVoxels.toFixed(1)}, discretisation difference ${(((want.size - sphereVoxels) / sphereVoxels) * 100).toFixed(1)} %)`,
  );

  await page.getByTestId('tool-RoiBrush').click();
  await page.getByTestId('brush-shape').selectOption('sphere');
  await page.getByTestId('brush-radius').fill(String(radius - 1));
  // ] grows the brush by 1 mm above 5 mm ([ shrinks it)
  await page.getByTestId('brush-radius').blur(); // keys typed in a field are the field's
  await page.keyboard.press(']');
  await page.keyboard.press(']');
  await page.keyboard.press('[');
  await expect(page.getByTestId('brush-radius')).toHaveValue(String(radius));
  await clickVoxel(page, 'axial', centre);
  await expect(page.getByTestId('roi-voxel-count')).toHaveText(String(want.size), { timeout: 30_000 });
  const got = await labels(page, 1);
  expect(new Set(got.indices)).toEqual(want);
  expect(new Set(got.values)).toEqual(new Set([1]));

  // Undo removes the stroke, redo brings it back.
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('roi-voxel-count')).toHaveText('0');
  await page.keyboard.press('Control+y');
  await expect(page.getByTestId('roi-voxel-count')).toHaveText(String(want.size));
});

test("the MR T1 NIfTI mask lands on its DICOM series with the mask's voxels; the RTSTRUCT rasterised overlaps it with Dice >= 0.9", async ({ page }) => {
  await openT1(page);
  const nii = readNifti(readFileSync(NIFTI_MASK));
  let count = 0;
  for (let i = 0; i < nii.data.length; i++) if (nii.data[i] !== 0) count++;
  expect(count).toBe(17090);
  await importMask(page, NIFTI_MASK, count);
  const r1 = await labels(page, 1);
  // Voxel for voxel: the NIfTI's i, j, k are the DICOM grid's (the sample README).
  const expected: number[] = [];
  for (let i = 0; i < nii.data.length; i++) if (nii.data[i] !== 0) expected.push(i);
  expect(r1.indices).toEqual(expected);

  await selectReader(page, 2);
  await page.getByTestId('rasterise-rtstruct').click();
  await expect(page.getByTestId('roi-voxel-count')).not.toHaveText('0', { timeout: 60_000 });
  const r2 = await labels(page, 2);
  const a = new Set(r1.indices);
  const both = r2.indices.filter((i) => a.has(i)).length;
  const dice = (2 * both) / (r1.indices.length + r2.indices.length);
  console.log(`RTSTRUCT rasterised: ${r2.indices.length} voxels, IBSI mask ${r1.indices.length}, Dice ${dice.toFixed(4)}`);
  expect(dice).toBeGreaterThanOrEqual(0.9);
});

test('SEG, NRRD and NIfTI exports hold the ROI on the image grid and re-import to the same voxels; dciodvfy accepts the SEG', async ({ page }) => {
  const dir = mkdtempSync(join(tmpdir(), 'her2-e2e-roi-'));
  await openT1(page);
  await importMask(page, NIFTI_MASK, 17090);
  const r1 = await labels(page, 1);
  const g = (await roiHook<Geometry>(page, 'geometry()'))!;
  const n = g.size[0] * g.size[1] * g.size[2];
  const want = dense(r1, n);

  const seg = await download(page, 'export-seg', dir);
  const nrrd = await download(page, 'export-nrrd', dir);
  const nifti = await download(page, 'export-nifti', dir);

  const report = dciodvfy(seg);
  if (report.warnings.length) console.log(`dciodvfy warnings on the exported SEG:\n  ${report.warnings.join('\n  ')}`);
  expect(report.errors).toEqual([]);
  for (const [file, vol] of [
    [nrrd, readNrrd(readFileSync(nrrd))],
    [nifti, readNifti(readFileSync(nifti))],
  ] as const) {
    expect(vol.size, file).toEqual(g.size);
    for (let a = 0; a < 3; a++) {
      expect(vol.spacing[a]).toBeCloseTo(g.spacing[a], 5);
      expect(vol.origin[a]).toBeCloseTo(g.origin[a], 4);
    }
    expect(Uint8Array.from(vol.data as ArrayLike<number>)).toEqual(want);
  }

  await selectReader(page, 2);
  for (const file of [seg, nrrd, nifti]) {
    await importMask(page, file, 17090);
    const r2 = await labels(page, 2);
    expect(r2.indices, file).toEqual(r1.indices);
    expect(r2.values, file).toEqual(r1.values);
    await page.getByTestId('lesion-row').first().getByRole('button', { name: 'Clear' }).click();
    await expect(page.getByTestId('roi-voxel-count')).toHaveText('0');
  }
});

test('features extracted in the browser equal her2 extract on the same image and mask', async ({ page }) => {
  const dir = mkdtempSync(join(tmpdir(), 'her2-e2e-features-'));
  await openT1(page);
  await importMask(page, NIFTI_MASK, 17090);
  const mask = await download(page, 'export-nrrd', dir);

  await page.getByTestId('tab-features').click();
  await expect(page.getByTestId('extract-phase')).toHaveValue('0');
  await page.getByTestId('extract-features').click();
  await expect(page.getByTestId('feature-row')).toHaveCount(960, { timeout: 170_000 });
  const browser = await page.getByTestId('feature-row').evaluateAll((rows) =>
    rows.map((r) => [(r as HTMLElement).dataset.feature!, (r as HTMLElement).dataset.value!] as const),
  );

  // The same image (the DICOM series, read by the same importer) and the same mask (the
  // browser's export, voxel-identical to the NIfTI mask: previous test), in Node.
  const out = join(dir, 'cli.json');
  execFileSync('npx', ['her2', 'extract', '--image', join(T1, 'dicom', 'image'), '--mask', mask, '--params', PARAMS, '--out', out], { stdio: 'pipe' });
  const cli = JSON.parse(readFileSync(out, 'utf8')) as Record<string, number | string>;
  const names = Object.keys(cli).filter((k) => k !== 'id' && !k.startsWith('diagnostics_'));
  expect(browser.map(([name]) => name)).toEqual(names);
  let worst = 0;
  const unequal: string[] = [];
  for (const [name, text] of browser) {
    const b = Number(text);
    const c = cli[name] as number;
    const rel = b === c ? 0 : Math.abs(b - c) / Math.max(Math.abs(b), Math.abs(c));
    if (rel > 0) unequal.push(`${name} (${rel.toExponential(1)})`);
    worst = Math.max(worst, rel);
    expect(rel, `${name}: browser ${text}, her2 extract ${c}`).toBeLessThanOrEqual(1e-12);
  }
  console.log(
    `${names.length} features: ${names.length - unequal.length} identical to her2 extract, ${unequal.length} not (largest relative difference ${worst}): ${unequal.slice(0, 12).join(', ')}`,
  );

  // For the record: the NIfTI pair itself (float32 headers: spacing 0.9765620231628418 vs
  // the DICOM's 0.976562) puts the 3 mm resampling grid elsewhere; not asserted.
  const pair = join(dir, 'pair.json');
  execFileSync('npx', ['her2', 'extract', '--image', join(T1, 'nifti', 'MR_T1_image.nii.gz'), '--mask', NIFTI_MASK, '--params', PARAMS, '--out', pair], {
    stdio: 'pipe',
  });
  const p = JSON.parse(readFileSync(pair, 'utf8')) as Record<string, number>;
  let differ = 0;
  let pairWorst = 0;
  for (const [name, text] of browser) {
    const b = Number(text);
    const rel = b === p[name] ? 0 : Math.abs(b - p[name]) / Math.max(Math.abs(b), Math.abs(p[name]));
    if (rel > 1e-12) differ++;
    pairWorst = Math.max(pairWorst, rel);
  }
  console.log(`vs her2 extract on the NIfTI pair (float32 geometry): ${differ} of ${names.length} features differ by more than 1e-12, at most ${pairWorst.toExponential(2)} relative`);
});

test('a reload brings back the study and both readers’ ROIs', async ({ page }) => {
  await openT1(page);
  await importMask(page, NIFTI_MASK, 17090);
  await selectReader(page, 2);
  await page.getByTestId('rasterise-rtstruct').click();
  await expect(page.getByTestId('roi-voxel-count')).not.toHaveText('0', { timeout: 60_000 });
  const before = { 1: await labels(page, 1), 2: await labels(page, 2) };
  await expect(page.getByTestId('study')).toContainText('saved in this browser', { timeout: 60_000 });
  // The autosave follows the edits after a short pause: wait until it has caught up.
  await expect.poll(() => roiHook<{ savedAt: number | null; unsaved: boolean }>(page, 'state()').then((s) => s.savedAt !== null && !s.unsaved), { timeout: 30_000 }).toBe(true);

  await page.reload();
  await expect(page.getByTestId('series-item')).toHaveCount(1, { timeout: 60_000 });
  await expect.poll(() => roiHook<Labels | null>(page, 'labels(1)').then((l) => l?.indices.length ?? -1), { timeout: 60_000 }).toBe(before[1].indices.length);
  expect(await labels(page, 1)).toEqual(before[1]);
  await selectReader(page, 2);
  expect(await labels(page, 2)).toEqual(before[2]);
  await expect(page.getByTestId('roi-voxel-count')).toHaveText(String(before[2].indices.length));
});

test('"Fill between slices" fills the slices between two drawn discs as the interpolation module does', async ({ page }) => {
  await openT1(page);
  await page.getByTestId('tool-RoiBrush').click();
  await page.getByTestId('brush-shape').selectOption('circle');
  await page.getByTestId('brush-radius').fill('4');
  await clickVoxel(page, 'axial', [55, 44, 12]);
  await expect(page.getByTestId('roi-voxel-count')).not.toHaveText('0');
  await page.getByTestId('brush-radius').fill('8');
  await clickVoxel(page, 'axial', [60, 48, 18]);
  const before = await labels(page, 1);
  await expect(page.getByTestId('roi-voxel-count')).toHaveText(String(before.indices.length));
  const g = (await roiHook<Geometry>(page, 'geometry()'))!;
  const n = g.size[0] * g.size[1] * g.size[2];
  const expected = dense(before, n);
  // (the discs overlap in projection, so every slice between keeps their intersection)
  const result = interpolateBetweenSlices(expected, g.size as [number, number, number], g.spacing as [number, number, number], 1, 2);
  expect(result.keySlices).toEqual([12, 18]);
  expect(result.filledSlices).toEqual([13, 14, 15, 16, 17]);

  await page.getByTestId('interpolate').click();
  await expect(page.getByTestId('roi-voxel-count')).toHaveText(String(before.indices.length + result.addedVoxels), { timeout: 30_000 });
  expect(dense(await labels(page, 1), n)).toEqual(expected);
  // one undoable step
  await page.getByTestId('undo').click();
  await expect(page.getByTestId('roi-voxel-count')).toHaveText(String(before.indices.length));
});

test("the demo lesion's time-intensity curve and the type its generator intended", async ({ page }) => {
  // The app opens on the demo study (seed 42, patient 0), its ground-truth mask as Reader 1's lesion.
  const intended = planDemoCohort({ seed: 42 })[0].tic;
  await page.goto('/');
  await page.waitForFunction(() => '__her2roi' in window);
  await expect(page.getByTestId('roi-status')).toHaveAttribute('data-voxels', /^[1-9]/, { timeout: 120_000 });
  const tic = page.getByTestId('tic');
  await expect(tic).toHaveAttribute('data-type', String(intended), { timeout: 120_000 });
  await expect(page.getByTestId('tic-chart').locator('.main-svg').first()).toBeVisible();
  await expect(page.getByTestId('lesion-largest')).toHaveCount(1);
  // ...and the 3D view shows the lesion's surface
  await expect(page.getByTestId('viewport-3d')).toHaveAttribute('data-lesions', '1', { timeout: 60_000 });
  // The study delineates on phase 2: the first ROI tool chosen on the pre-contrast phase shows it.
  await expect(page.getByTestId('phase-slider')).toHaveValue('0');
  await page.getByTestId('tool-RoiBrush').click();
  await expect(page.getByTestId('phase-slider')).toHaveValue('2');
});

/** Stored pixel values of slice k of the MR T1 series (x fastest), read with pydicom. */
function t1Slice(g: Geometry, k: number): Int32Array {
  const files = filesUnder(join(T1, 'dicom', 'image'));
  const flat = python<number[]>(
    `import sys, json, pydicom
ds = sorted((pydicom.dcmread(f) for f in sys.argv[2:]), key=lambda d: float(d.ImagePositionPatient[2]))
print(json.dumps([int(v) for v in ds[int(sys.argv[1])].pixel_array.reshape(-1)]))`,
    [String(k), ...files],
  );
  expect(flat.length).toBe(g.size[0] * g.size[1]);
  return Int32Array.from(flat);
}

/**
 * What a threshold-brush click (6 mm circle) at `centre` must paint: only voxels of the
 * clicked slice within `range` and the radius, and every in-range voxel well inside the
 * circle connected to the clicked one.
 */
async function expectThresholdPaint(page: Page, g: Geometry, centre: number[], pixels: Int32Array, range: [number, number]): Promise<void> {
  await expect(page.getByTestId('roi-voxel-count')).not.toHaveText('0', { timeout: 30_000 });
  const got = await labels(page, 1);
  const painted = new Set(got.indices);
  const at = (i: number, j: number) => i + g.size[0] * (j + g.size[1] * centre[2]);
  const inRange = (i: number, j: number) => {
    const value = pixels[i + g.size[0] * j];
    return value >= range[0] && value <= range[1];
  };
  const dist = (i: number, j: number) => Math.hypot((i - centre[0]) * g.spacing[0], (j - centre[1]) * g.spacing[1]);
  // Cornerstone's circle is centred on the click (not snapped to the voxel): allow half a
  // voxel diagonal either way at its edge.
  const slack = Math.hypot(g.spacing[0], g.spacing[1]) / 2;
  // Every painted voxel: on the clicked slice, within the range, within the radius.
  for (const v of got.indices) {
    const k = Math.floor(v / (g.size[0] * g.size[1]));
    const i = v % g.size[0];
    const j = Math.floor((v % (g.size[0] * g.size[1])) / g.size[0]);
    expect(k).toBe(centre[2]);
    expect(inRange(i, j), `voxel ${i},${j} value ${pixels[i + g.size[0] * j]} outside ${range}`).toBe(true);
    expect(dist(i, j)).toBeLessThanOrEqual(6 + slack);
  }
  // Cornerstone's threshold circle keeps the region connected to the click (island removal):
  // every in-range voxel well inside the circle that connects to the clicked voxel through
  // in-range voxels (4-neighbours, the strictest) is painted.
  const seen = new Set<number>([at(centre[0], centre[1])]);
  const queue = [[centre[0], centre[1]]];
  while (queue.length) {
    const [i, j] = queue.pop()!;
    expect(painted.has(at(i, j)), `voxel ${i},${j} (value ${pixels[i + g.size[0] * j]}, ${dist(i, j).toFixed(2)} mm) should be painted`).toBe(true);
    for (const [a, b] of [[i + 1, j], [i - 1, j], [i, j + 1], [i, j - 1]]) {
      if (seen.has(at(a, b)) || !inRange(a, b) || dist(a, b) >= 6 - slack) continue;
      seen.add(at(a, b));
      queue.push([a, b]);
    }
  }
  expect(seen.size).toBeGreaterThan(10);
  expect(painted.size).toBeLessThan((Math.PI * 36) / (g.spacing[0] * g.spacing[1]) + 20);
}

test('the threshold brush paints only voxels within the typed range, around the click', async ({ page }) => {
  await openT1(page);
  const g = (await roiHook<Geometry>(page, 'geometry()'))!;
  const centre = [57, 45, 17];
  const pixels = t1Slice(g, centre[2]);
  const c = pixels[centre[0] + g.size[0] * centre[1]];
  const range: [number, number] = [c - 60, c + 60];
  await page.getByTestId('tool-RoiThreshold').click();
  await page.getByTestId('brush-shape').selectOption('circle');
  await page.getByTestId('brush-radius').fill('6');
  await page.getByTestId('threshold-from-click').uncheck();
  await page.getByTestId('threshold-lower').fill(String(range[0]));
  await page.getByTestId('threshold-upper').fill(String(range[1]));
  await clickVoxel(page, 'axial', centre);
  await expectThresholdPaint(page, g, centre, pixels, range);
});

test('the threshold brush picks its range from the voxels around the click, and paints within it', async ({ page }) => {
  await openT1(page);
  const g = (await roiHook<Geometry>(page, 'geometry()'))!;
  const centre = [57, 45, 17];
  const pixels = t1Slice(g, centre[2]);
  // Cornerstone's dynamic threshold: the range of the clicked slice's voxels within 2 voxels
  // (index distance) of the clicked one (app/viewer/roiEditing.ts, dynamicRadius 2)
  const range: [number, number] = [Infinity, -Infinity];
  for (let dj = -2; dj <= 2; dj++)
    for (let di = -2; di <= 2; di++) {
      if (di * di + dj * dj > 4) continue;
      const v = pixels[centre[0] + di + g.size[0] * (centre[1] + dj)];
      range[0] = Math.min(range[0], v);
      range[1] = Math.max(range[1], v);
    }
  expect(range[1]).toBeGreaterThan(range[0]);
  await page.getByTestId('tool-RoiThreshold').click();
  await page.getByTestId('brush-shape').selectOption('circle');
  await page.getByTestId('brush-radius').fill('6');
  await expect(page.getByTestId('threshold-from-click')).toBeChecked();
  await clickVoxel(page, 'axial', centre);
  const picked = page.getByTestId('threshold-picked');
  await expect(picked).toHaveAttribute('data-lower', String(range[0]), { timeout: 30_000 });
  await expect(picked).toHaveAttribute('data-upper', String(range[1]));
  await expectThresholdPaint(page, g, centre, pixels, range);
});

test('a freehand contour is filled into the lesion on its slice', async ({ page }) => {
  await openT1(page);
  const g = (await roiHook<Geometry>(page, 'geometry()'))!;
  await page.getByTestId('tool-RoiFreehand').click();
  // A square from voxel (45, 35) to (65, 55) on slice 17, drawn with the mouse and closed.
  const corners = [
    [45, 35],
    [65, 35],
    [65, 55],
    [45, 55],
  ];
  await hoverVoxel(page, 'axial', [45, 35, 17]);
  const pts = [];
  for (const ij of corners) pts.push(await voxelClient(page, 'axial', [ij[0], ij[1], 17], false));
  await page.mouse.move(pts[0].x, pts[0].y);
  await page.mouse.down();
  await page.waitForTimeout(400);
  for (const p of [...pts.slice(1), pts[0]]) {
    await page.mouse.move(p.x, p.y, { steps: 20 });
    await page.waitForTimeout(100);
  }
  await page.mouse.up();
  await expect(page.getByTestId('roi-voxel-count')).not.toHaveText('0', { timeout: 30_000 });
  const got = await labels(page, 1);
  // The voxel centres strictly inside the square (rows/columns 46..64), give or take the
  // contour's edge, which the mouse draws to within a pixel (1/8 voxel).
  const plane = g.size[0] * g.size[1];
  for (const v of got.indices) {
    expect(Math.floor(v / plane)).toBe(17);
    const i = v % g.size[0];
    const j = Math.floor((v % plane) / g.size[0]);
    expect(i >= 45 && i <= 65 && j >= 35 && j <= 55, `voxel ${i},${j}`).toBe(true);
  }
  const core = new Set(got.indices);
  for (let j = 36; j <= 54; j++) for (let i = 46; i <= 64; i++) expect(core.has(i + g.size[0] * (j + g.size[1] * 17)), `voxel ${i},${j}`).toBe(true);
  // and the contour itself is gone (it was only the pen)
  await page.getByTestId('undo').click();
  await expect(page.getByTestId('roi-voxel-count')).toHaveText('0');
});

/**
 * Pixels of a page region whose colour is not grey (the image is grey; the label map is
 * drawn in its segment's colour), from a real screenshot decoded by the browser.
 */
async function colouredPixels(page: Page, centre: { x: number; y: number }, half: number): Promise<number> {
  const png = await page.screenshot({ clip: { x: centre.x - half, y: centre.y - half, width: 2 * half, height: 2 * half } });
  return page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width;
    c.height = img.height;
    const ctx = c.getContext('2d')!;
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let p = 0; p < d.length; p += 4) if (Math.max(d[p], d[p + 1], d[p + 2]) - Math.min(d[p], d[p + 1], d[p + 2]) > 40) n++;
    return n;
  }, png.toString('base64'));
}

test('a stroke painted on the axial view shows in the sagittal and coronal views once it ends', async ({ page }) => {
  // During a stroke only the view painted on is redrawn (app/viewer/strokeRendering.ts);
  // the other two must be redrawn with the new voxels when the button is released.
  await openT1(page);
  await page.getByTestId('tool-RoiBrush').click();
  await page.getByTestId('brush-shape').selectOption('circle');
  await page.getByTestId('brush-radius').fill('6');
  await page.getByTestId('brush-radius').blur();
  const from = [50, 45, 17];
  const to = [64, 45, 17];
  const mid = [57, 45, 17];
  await hoverVoxel(page, 'axial', from);
  const end = await voxelClient(page, 'axial', to, false);
  // the sagittal view shows slice i = 57 and the coronal view slice j = 45: the stroke crosses both
  const other = { sagittal: await voxelClient(page, 'sagittal', mid, false), coronal: await voxelClient(page, 'coronal', mid, false) };
  const before = { sagittal: await colouredPixels(page, other.sagittal, 30), coronal: await colouredPixels(page, other.coronal, 30) };
  const start = await voxelClient(page, 'axial', from, false);
  await drag(page, start, end, 20, false);
  await page.waitForTimeout(500);
  // mid-stroke, the other views still show the label map as it was
  expect(await colouredPixels(page, other.sagittal, 30)).toBe(before.sagittal);
  expect(await colouredPixels(page, other.coronal, 30)).toBe(before.coronal);
  await page.mouse.up();
  await expect.poll(() => labels(page, 1).then((l) => l.indices.length), { timeout: 30_000 }).toBeGreaterThan(0);
  const g = (await roiHook<Geometry>(page, 'geometry()'))!;
  const painted = dense(await labels(page, 1), g.size[0] * g.size[1] * g.size[2]);
  expect(painted[mid[0] + g.size[0] * (mid[1] + g.size[1] * mid[2])], 'the stroke painted the voxel both views show').toBe(1);
  for (const name of ['sagittal', 'coronal'] as const) {
    await expect
      .poll(() => colouredPixels(page, other[name], 30), { message: `${name} view shows the stroke`, timeout: 10_000 })
      .toBeGreaterThan(before[name] + 10);
  }
});

test('the rectangle scissors fill the rectangle dragged, on its slice only', async ({ page }) => {
  await openT1(page);
  const g = (await roiHook<Geometry>(page, 'geometry()'))!;
  await page.getByTestId('tool-RoiRectScissors').click();
  const a = [50, 40, 17];
  const b = [60, 48, 17];
  await hoverVoxel(page, 'axial', a);
  const pb = await voxelClient(page, 'axial', b, false);
  const pa = await voxelClient(page, 'axial', a, false);
  // corners a quarter voxel outside a's and b's centres, so that no voxel centre lies on an edge
  const perI = (pb.x - pa.x) / (b[0] - a[0]);
  const perJ = (pb.y - pa.y) / (b[1] - a[1]);
  const start = { x: pa.x - perI / 4, y: pa.y - perJ / 4 };
  const end = { x: pb.x + perI / 4, y: pb.y + perJ / 4 };
  await drag(page, start, end, 10);
  // the voxels whose centres lie in the rectangle from a's centre to b's: i 50..60, j 40..48, slice 17
  const want = new Set<number>();
  for (let j = a[1]; j <= b[1]; j++) for (let i = a[0]; i <= b[0]; i++) want.add(i + g.size[0] * (j + g.size[1] * a[2]));
  await expect(page.getByTestId('roi-voxel-count')).not.toHaveText('0', { timeout: 30_000 });
  const got = await labels(page, 1);
  const slices = [...new Set(got.indices.map((n) => Math.floor(n / (g.size[0] * g.size[1]))))].sort((x, y) => x - y);
  console.log(`rectangle scissors: ${got.indices.length} voxels on slices ${slices.join(', ')}; expected ${want.size} on slice ${a[2]}`);
  expect(new Set(got.indices)).toEqual(want);
});

test('the circle scissors fill the voxels of the slice whose centres lie within the circle dragged', async ({ page }) => {
  await openT1(page);
  const g = (await roiHook<Geometry>(page, 'geometry()'))!;
  expect(g.spacing[0]).toBeCloseTo(g.spacing[1], 9); // square pixels: the radius in voxels is the same along i and j
  await page.getByTestId('tool-RoiCircleScissors').click();
  const c = [57, 45, 17];
  // the radius, 4.75 voxels: the nearest voxel centres are 4.47 (inside) and 5.00 (outside) voxels away,
  // two screen pixels or more from the circle at 8 pixels per voxel
  const radius = 4.75;
  await hoverVoxel(page, 'axial', c);
  const pc = await voxelClient(page, 'axial', c, false);
  const pn = await voxelClient(page, 'axial', [c[0] + 1, c[1], c[2]], false);
  const perI = pn.x - pc.x;
  await drag(page, pc, { x: pc.x + perI * radius, y: pc.y }, 10);
  const want = new Set<number>();
  for (let dj = -5; dj <= 5; dj++) for (let di = -5; di <= 5; di++) if (di * di + dj * dj <= radius * radius) want.add(c[0] + di + g.size[0] * (c[1] + dj + g.size[1] * c[2]));
  await expect(page.getByTestId('roi-voxel-count')).toHaveText(String(want.size), { timeout: 30_000 });
  expect(new Set((await labels(page, 1)).indices)).toEqual(want);
});
