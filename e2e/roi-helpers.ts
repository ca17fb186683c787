/**
 * What the ROI specs share: the IBSI MR T1 sample (DICOM series, RTSTRUCT, and IBSI's NIfTI
 * pair) and the read-only ROI hook (`window.__her2roi`, app/lesion/roiTestHooks.ts).
 */
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, filesUnder, importFiles, openApp, SAMPLES } from './helpers.ts';

export const T1 = join(SAMPLES, 'ibsi-sts002-mr-t1-rtstruct');
export const NIFTI_MASK = join(T1, 'nifti', 'MR_T1_mask.nii.gz');

export interface Labels {
  indices: number[];
  values: number[];
}
export interface Geometry {
  size: number[];
  spacing: number[];
  origin: number[];
  direction: number[];
}

export function roiHook<T>(page: Page, expr: string): Promise<T> {
  return page.evaluate(`window.__her2roi.${expr}`) as Promise<T>;
}

export async function labels(page: Page, reader: 1 | 2): Promise<Labels> {
  const l = await roiHook<Labels | null>(page, `labels(${reader})`);
  if (!l) throw new Error(`reader ${reader} has no label map`);
  return l;
}

/** Opens the MR T1 series (image + RTSTRUCT), waits for its empty Reader 1 label map; its grid. */
export async function openT1(page: Page): Promise<Geometry> {
  await openApp(page);
  await importFiles(page, filesUnder(join(T1, 'dicom')));
  await expect.poll(() => roiHook<Labels | null>(page, 'labels(1)').then((l) => l !== null), { timeout: 60_000 }).toBe(true);
  return (await roiHook<Geometry>(page, 'geometry()'))!;
}

/** Shows a reader's label map and waits until it exists. */
export async function selectReader(page: Page, reader: 1 | 2): Promise<void> {
  await page.getByTestId(`reader-${reader}`).click();
  await expect.poll(() => roiHook<{ reader: number }>(page, 'state()').then((s) => s.reader)).toBe(reader);
  await expect.poll(() => roiHook<Labels | null>(page, `labels(${reader})`).then((l) => l !== null)).toBe(true);
}

/** Page position of voxel ijk's centre in a viewport; `focus` first shows its slice at 8 screen pixels per voxel. */
export async function voxelClient(page: Page, name: string, ijk: number[], focus: boolean): Promise<{ x: number; y: number }> {
  const xy = await page.evaluate(
    ([n, v, f]) =>
      (window as unknown as { __her2: { voxelToClient(n: string, v: number[], f: boolean): Promise<{ x: number; y: number } | null> } }).__her2.voxelToClient(
        n as string,
        v as number[],
        f as boolean,
      ),
    [name, ijk, focus] as const,
  );
  if (!xy) throw new Error(`voxel ${ijk} is not shown in the ${name} viewport`);
  return xy;
}
