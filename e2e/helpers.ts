/**
 * Shared helpers of the end-to-end tests: the request recorder (nothing may leave the
 * app's origin), opening the app, importing files, reading canvases and the voxel readout,
 * and independent reads of DICOM files with pydicom (Debian's /usr/bin/python3).
 */
import { test as base, expect, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const SAMPLES = join(process.cwd(), '..', 'shared', 'dicom-samples');
export const PYDICOM_FILES = '/usr/lib/python3/dist-packages/pydicom/data/test_files';
export const PYTHON = '/usr/bin/python3';

function ownOrigin(url: string, origin: string): boolean {
  return url.startsWith(`${origin}/`) || url === origin || url.startsWith(`blob:${origin}/`) || url.startsWith('data:');
}

/**
 * `test` with an automatic fixture that records every request of the browser context
 * (pages and their workers) and fails the test if any went to another origin.
 */
export const test = base.extend<{ requests: string[] }>({
  requests: [
    async ({ context, baseURL }, use) => {
      const origin = new URL(baseURL!).origin;
      const all: string[] = [];
      context.on('request', (r) => all.push(r.url()));
      await use(all);
      const foreign = all.filter((u) => !ownOrigin(u, origin));
      expect(foreign, `requests outside ${origin}`).toEqual([]);
    },
    { auto: true },
  ],
});
export { expect };

/** Opens the app without the demo study (unless asked) and waits for the viewer. */
export async function openApp(page: Page, options: { demo?: boolean } = {}): Promise<void> {
  await page.goto(options.demo ? '/' : '/?demo=0');
  await page.waitForFunction(() => '__her2' in window);
  await expect(page.getByTestId('viewport-axial')).toBeVisible();
}

/** Every file under `dir` (recursively) whose name ends with one of `extensions`. */
export function filesUnder(dir: string, extensions = ['.dcm']): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p, extensions));
    else if (extensions.some((e) => name.endsWith(e))) out.push(p);
  }
  return out;
}

export async function renderCount(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { __her2: { renderCount(): number } }).__her2.renderCount());
}

/** Imports files through the stable file input and waits until something new is rendered. */
export async function importFiles(page: Page, files: string[], expectRender = true): Promise<void> {
  const before = await renderCount(page);
  await page.getByTestId('dicom-input').setInputFiles(files);
  if (expectRender) await waitForRenderAfter(page, before);
}

export async function waitForRenderAfter(page: Page, before: number): Promise<void> {
  await page.waitForFunction(
    (n) => (window as unknown as { __her2: { renderCount(): number } }).__her2.renderCount() > n,
    before,
    { timeout: 60_000 },
  );
}

export interface CanvasStats {
  width: number;
  height: number;
  nonBlack: number;
  levels: number;
}

/**
 * Pixels of a viewport's canvas as shown: how many are not black, and how many distinct
 * grey levels (a blank or uniform canvas has one). A canvas is cleared when its viewport
 * is resized and redrawn on the next frame, so a uniform canvas is read again for up to
 * five seconds before it is reported.
 */
export async function canvasStats(page: Page, name: string): Promise<CanvasStats> {
  let stats = await readCanvas(page, name);
  const until = Date.now() + 5000;
  while (stats.levels <= 1 && Date.now() < until) {
    await page.waitForTimeout(100);
    stats = await readCanvas(page, name);
  }
  return stats;
}

async function readCanvas(page: Page, name: string): Promise<CanvasStats> {
  return page.evaluate((testId) => {
    const el = document.querySelector(`[data-testid="${testId}"]`);
    const canvas = el?.querySelector('canvas');
    if (!canvas) throw new Error(`no canvas in ${testId}`);
    const c = document.createElement('canvas');
    c.width = canvas.width;
    c.height = canvas.height;
    const ctx = c.getContext('2d')!;
    ctx.drawImage(canvas, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    let nonBlack = 0;
    const levels = new Set<number>();
    for (let i = 0; i < d.length; i += 4) {
      if (d[i] > 8 || d[i + 1] > 8 || d[i + 2] > 8) nonBlack++;
      levels.add(d[i]);
    }
    return { width: c.width, height: c.height, nonBlack, levels: levels.size };
  }, `viewport-${name}`);
}

export interface Readout {
  value: number;
  ijk: [number, number, number];
  lps: [number, number, number];
}

/** Puts the mouse over voxel ijk of the volume shown in a viewport; returns the readout. */
export async function readoutAtVoxel(page: Page, name: string, ijk: [number, number, number]): Promise<Readout> {
  const xy = await page.evaluate(
    ([n, v]) =>
      (window as unknown as { __her2: { voxelToClient(n: string, v: number[]): { x: number; y: number } | null } }).__her2.voxelToClient(
        n as string,
        v as number[],
      ),
    [name, ijk] as const,
  );
  if (!xy) throw new Error(`voxel ${ijk} is not shown in the ${name} viewport`);
  await page.mouse.move(xy.x - 3, xy.y - 3);
  await page.mouse.move(xy.x, xy.y);
  const readout = page.getByTestId('voxel-readout');
  await expect(readout).toHaveAttribute('data-ijk', ijk.join(','));
  return {
    value: Number(await readout.getAttribute('data-value')),
    ijk: (await readout.getAttribute('data-ijk'))!.split(',').map(Number) as [number, number, number],
    lps: (await readout.getAttribute('data-lps'))!.split(',').map(Number) as [number, number, number],
  };
}

/** Runs a Python snippet with pydicom and NumPy (argv after the script) and parses its JSON. */
export function python<T>(script: string, args: string[] = []): T {
  const out = execFileSync(PYTHON, ['-c', script, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(out) as T;
}

/** The series items shown, as their stable attributes. */
export async function seriesItems(page: Page): Promise<{ slices: number; phases: number; rows: number; columns: number }[]> {
  return page.getByTestId('series-item').evaluateAll((els) =>
    els.map((e) => ({
      slices: Number((e as HTMLElement).dataset.slices),
      phases: Number((e as HTMLElement).dataset.phases),
      rows: Number((e as HTMLElement).dataset.rows),
      columns: Number((e as HTMLElement).dataset.columns),
    })),
  );
}

/** Folders under the app's OPFS "studies" directory (one per saved study). */
export async function storedStudies(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    let dir: FileSystemDirectoryHandle;
    try {
      dir = await root.getDirectoryHandle('studies');
    } catch {
      return 0;
    }
    let n = 0;
    for await (const _entry of (dir as unknown as { keys(): AsyncIterable<string> }).keys()) n++;
    return n;
  });
}
