/**
 * A DCE study picked as bare files from its phase folders, where every folder holds files of
 * the same names (IM0001.dcm ... in phase-0 .. phase-6, as `her2 demo` writes them and as
 * many exports do): the picker gives no folder names, yet each phase must be built from its
 * own files. The readout at a lesion voxel in phases 0 and 6 equals what the DICOM library
 * reads in Node from those phases' files.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { generateDemoPatient } from '../workers/demo/index.ts';
import { loadPhaseVolume, scanDicom } from '../workers/io/dicom/index.ts';
import { expect, filesUnder, importFiles, openApp, readoutAtVoxel, test } from './helpers.ts';

test('files of the same name in different phase folders: each phase reads its own files', async ({ page }) => {
  const patient = generateDemoPatient({ seed: 42, index: 3 });
  const dir = mkdtempSync(join(tmpdir(), 'her2-e2e-names-'));
  for (const f of patient.files) {
    const path = join(dir, f.name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, new Uint8Array(f.bytes));
  }
  const files = filesUnder(dir);
  const baseNames = new Set(files.map((p) => p.slice(p.lastIndexOf('/') + 1)));
  expect(baseNames.size * 7).toBe(files.length); // the same names in all seven folders

  // Reference: phases 0 and 6 read in Node by the same DICOM library.
  const scan = scanDicom(patient.files.map((f) => ({ name: f.name, bytes: f.bytes })));
  expect(scan.series).toHaveLength(1);
  const item = scan.series[0];
  const bytesOf = new Map(patient.files.map((f) => [f.name, f.bytes]));
  const pre = await loadPhaseVolume(item, 0, (n) => bytesOf.get(n)!);
  const last = await loadPhaseVolume(item, 6, (n) => bytesOf.get(n)!);
  // The lesion voxel where the two phases differ most.
  const [nx, ny] = pre.size;
  let best = -1;
  let diff = -1;
  for (let i = 0; i < pre.data.length; i++) {
    if (!patient.mask.data[i]) continue;
    const d = Math.abs(last.data[i] - pre.data[i]);
    if (d > diff) {
      diff = d;
      best = i;
    }
  }
  expect(diff).toBeGreaterThan(0);
  const ijk: [number, number, number] = [best % nx, Math.floor(best / nx) % ny, Math.floor(best / (nx * ny))];

  await openApp(page);
  await importFiles(page, files);
  await expect(page.getByTestId('series-item')).toHaveCount(1);
  await expect(page.getByTestId('series-item')).toHaveAttribute('data-phases', '7');
  await expect(page.getByTestId('import-error')).toHaveCount(0);

  await page.getByTestId('phase-slider').fill('0');
  await expect(page.getByTestId('phase-slider')).toHaveValue('0');
  expect((await readoutAtVoxel(page, 'axial', ijk)).value).toBe(pre.data[best]);
  await page.getByTestId('phase-slider').fill('6');
  await expect(page.getByTestId('phase-slider')).toHaveValue('6');
  await expect.poll(async () => (await readoutAtVoxel(page, 'axial', ijk)).value).toBe(last.data[best]);
});
