/**
 * The Lesion tab's time-intensity curve options against `her2 tic` on the same study and
 * mask: the demo study the app opens on (seed 42, patient 0) is written to disk in Node by
 * the same generator, and `her2 tic` reads its phases and its DICOM SEG mask (reader 1's
 * mask, the ROI the app shows). Turning the hot spot on gives the CLI's `--hotspot 3` type,
 * change and hot-spot centre; the % enhancement toggle plots the JSON's relative curve; the
 * rule's threshold and initial window give `--threshold` / `--window`'s type and initial
 * phase (with them the hot spot's type differs from the whole ROI's).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Page } from '@playwright/test';
import { generateDemoPatient } from '../workers/demo/index.ts';
import { expect, test } from './helpers.ts';

interface Curve {
  voxels: number;
  signal: number[];
  enhancement: number[];
}
interface TicJson {
  type: number;
  change: number;
  initialPhase: number;
  delayedPhase: number;
  typedCurve: 'roi' | 'hotSpot';
  roi: Curve;
  hotSpot: (Curve & { center: number[] }) | null;
}

/** The demo patient the app opens on, as `her2 demo` writes it; returns its folder. */
function writeDemoPatient(): string {
  const root = mkdtempSync(join(tmpdir(), 'her2-e2e-tic-'));
  const p = generateDemoPatient({ seed: 42, index: 0 });
  for (const f of p.files) {
    const path = join(root, f.name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, new Uint8Array(f.bytes));
  }
  writeFileSync(join(root, p.id, 'mask.seg.dcm'), p.segBytes);
  return join(root, p.id);
}

function her2Tic(patient: string, options: string[]): TicJson {
  const out = execFileSync('npx', ['her2', 'tic', '--phases', patient, '--mask', join(patient, 'mask.seg.dcm'), ...options], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(out) as TicJson;
}

/** What Plotly draws: the typed curve's y, the initial and delayed marks' y, the y axis title. */
async function plotted(page: Page): Promise<{ y: number[]; initial: number; delayed: number; yTitle: string; traces: string[] }> {
  return page.getByTestId('tic-chart').evaluate((el) => {
    const gd = el as unknown as { data?: { y: number[]; name: string }[]; layout?: { yaxis: { title: { text: string } } } };
    if (!gd.data || !gd.layout) return { y: [], initial: NaN, delayed: NaN, yTitle: '', traces: [] };
    return { y: [...gd.data[0].y], initial: gd.data[1].y[0], delayed: gd.data[2].y[0], yTitle: gd.layout.yaxis.title.text, traces: gd.data.map((d) => d.name) };
  });
}

/** The panel's result once it is the one for `want` (same change, same typed curve). */
async function expectTic(page: Page, want: TicJson): Promise<void> {
  const tic = page.getByTestId('tic');
  await expect(tic).toHaveAttribute('data-curve', want.typedCurve, { timeout: 60_000 });
  await expect.poll(async () => Number(await tic.getAttribute('data-change')), { timeout: 60_000 }).toBe(want.change);
  await expect(tic).toHaveAttribute('data-type', String(want.type));
}

async function expectPlot(page: Page, want: TicJson, relative: boolean): Promise<void> {
  const curve = want.typedCurve === 'hotSpot' ? want.hotSpot! : want.roi;
  const y = relative ? curve.enhancement : curve.signal;
  await expect.poll(() => plotted(page).then((p) => p.y), { timeout: 30_000 }).toEqual(y);
  const p = await plotted(page);
  expect(p.initial).toBe(y[want.initialPhase]);
  expect(p.delayed).toBe(y[want.delayedPhase]);
  expect(p.yTitle).toBe(relative ? '% enhancement over pre-contrast' : 'mean signal');
}

test('TIC options in the Lesion tab: hot spot, % enhancement and the rule give what her2 tic gives', async ({ page }) => {
  const patient = writeDemoPatient();
  const roi = her2Tic(patient, []);
  const hot = her2Tic(patient, ['--hotspot', '3']);
  const rule = ['--threshold', '7', '--window', '60'];
  const roiRule = her2Tic(patient, rule);
  const hotRule = her2Tic(patient, ['--hotspot', '3', ...rule]);
  expect(hot.typedCurve).toBe('hotSpot');
  // the rule's settings matter here: the whole ROI is persistent, its hot spot a plateau
  expect([roiRule.type, hotRule.type]).toEqual([1, 2]);
  expect(roiRule.initialPhase).not.toBe(roi.initialPhase);

  await page.goto('/');
  await page.waitForFunction(() => '__her2roi' in window);
  await expect(page.getByTestId('roi-status')).toHaveAttribute('data-voxels', String(roi.roi.voxels), { timeout: 120_000 });
  // defaults: the engine's, as the CLI's
  await expectTic(page, roi);
  await expect(page.getByTestId('tic-threshold')).toHaveValue('10');
  await expect(page.getByTestId('tic-window')).toHaveValue('120');
  await expect(page.getByTestId('tic-untimed')).toHaveValue('1');
  await expect(page.getByTestId('tic-hotspot-size')).toHaveValue('3');
  await expectPlot(page, roi, false);

  // hot spot (3 x 3 x 3 voxels): the CLI's --hotspot 3
  await page.getByTestId('tic-hotspot').check();
  await expectTic(page, hot);
  const info = page.getByTestId('tic-hotspot-info');
  await expect(info).toHaveAttribute('data-center', hot.hotSpot!.center.join(','));
  await expect(info).toHaveAttribute('data-voxels', String(hot.hotSpot!.voxels));
  await expectPlot(page, hot, false);
  expect((await plotted(page)).traces).toContain('whole ROI');

  // % enhancement: the JSON's relative curve (display only: same result)
  await page.getByTestId('tic-relative').check();
  await expect(page.getByTestId('tic')).toHaveAttribute('data-relative', 'true');
  await expectPlot(page, hot, true);

  // the rule: threshold 7 %, initial window 60 s
  await page.getByTestId('tic-options').locator('summary').click();
  await page.getByTestId('tic-threshold').fill('7');
  await page.getByTestId('tic-window').fill('60');
  await expectTic(page, hotRule);
  await expectPlot(page, hotRule, true);

  // ...and the whole ROI under the same rule
  await page.getByTestId('tic-hotspot').uncheck();
  await expectTic(page, roiRule);
  await expectPlot(page, roiRule, true);
  await page.getByTestId('tic-relative').uncheck();
  await expectPlot(page, roiRule, false);

  // back to the defaults
  await page.getByTestId('tic-reset').click();
  await expectTic(page, roi);
});
