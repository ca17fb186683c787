/**
 * The newcomer's path, with nothing typed: the app opens on the demo study with its
 * ground-truth ROI, the Nomogram tab uses the embedded demo model, measures the TIC from the
 * ROI by itself (the type the generator intended), extracts the features on a click, and
 * shows a probability equal to `her2 predict --model public/demo/model.json` on the same
 * study (written to disk in Node by the same generator), the same mask and that TIC.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { generateDemoPatient, maskNrrd } from '../workers/demo/index.ts';
import { parseCsv } from '../workers/io/csv.ts';
import { expect, openApp, test } from './helpers.ts';

const HER2 = join(process.cwd(), 'bin', 'her2.mjs');
const her2 = (...args: string[]) => execFileSync(process.execPath, [HER2, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

test('the embedded demo model scores the demo study with the TIC measured from the ROI, as her2 predict does', async ({ page }) => {
  test.setTimeout(300_000);
  // the demo study the app opens on: seed 42, patient 0 (e2e/tic.spec.ts says the same)
  const patient = generateDemoPatient({ seed: 42, index: 0 });
  const dir = mkdtempSync(join(tmpdir(), 'her2-e2e-nomogram-demo-'));
  try {
    for (const f of patient.files) {
      mkdirSync(dirname(join(dir, f.name)), { recursive: true });
      writeFileSync(join(dir, f.name), new Uint8Array(f.bytes));
    }
    const maskPath = join(dir, 'mask.nrrd');
    writeFileSync(maskPath, maskNrrd(patient.mask));

    await openApp(page, { demo: true });
    await expect(page.getByTestId('roi-voxel-count')).not.toHaveText('0', { timeout: 120_000 });
    await page.getByTestId('tab-nomogram').click();
    await expect(page.getByTestId('nomogram-patient')).toHaveAttribute('data-patient-id', patient.id, { timeout: 60_000 });
    // the TIC, measured without a click, is the generator's
    await expect(page.getByTestId('nomogram-tic-measured')).toHaveAttribute('data-type', String(patient.ticType), { timeout: 120_000 });
    await page.getByTestId('nomogram-extract').click();
    const probability = page.getByTestId('nomogram-probability');
    await expect(probability).toHaveAttribute('data-value', /\d/, { timeout: 200_000 });
    await expect(page.getByTestId('nomogram-result')).toContainText('(measured from the ROI)');
    const value = Number(await probability.getAttribute('data-value'));

    // the command line on the same study: features of phase 2 with the study's params, the measured TIC
    const features = join(dir, 'features.csv');
    her2('extract', '--image', join(dir, patient.id, 'phase-2'), '--mask', maskPath, '--params', join('public', 'params', 'her2-dce-paper.yaml'), '--id', patient.id, '--out', features);
    const clinical = join(dir, 'clinical.csv');
    writeFileSync(clinical, `id,tic\n${patient.id},${patient.ticType}\n`);
    const pred = join(dir, 'pred.csv');
    her2('predict', '--model', join('public', 'demo', 'model.json'), '--features', features, '--clinical', clinical, '--phase', '2', '--out', pred);
    const rows = parseCsv(readFileSync(pred, 'utf8'));
    const cli = Number(rows[1][rows[0].indexOf('probability_nomogram')]);
    console.log(`demo study ${patient.id}: TIC type ${patient.ticType}; panel p = ${value}, her2 predict ${cli} (|diff| ${Math.abs(value - cli).toExponential(2)})`);
    expect(Math.abs(value - cli)).toBeLessThanOrEqual(1e-12);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
