/**
 * Builds the embedded demo model, public/demo/model.json, the way a user would on the command
 * line, and deterministically:
 *
 *   her2 demo --out TMP/demo --seed 42            (the 118-patient demo cohort, default grid)
 *   her2 cohort --dir TMP/demo --params public/params/her2-dce-paper.yaml --phase 2
 *               --out TMP/features.csv --out-reader2 TMP/features-reader2.csv
 *   TMP/clinical.csv = the demo's clinical.csv read by the app's clinical import
 *               (workers/cohort: labels from IHC/ISH, Ki-67 high > 14%), so the model is the
 *               one the app trains on the full demo cohort
 *   her2 fit --features ... --reader2 ... --clinical TMP/clinical.csv --phase 2 --synthetic
 *            --out TMP/model.json
 *               (MODEL.json records the extraction settings of the features CSV, phase 2, and
 *               that the patients are synthetic)
 *
 * then writes TMP/model.json to public/demo/model.json with provenance.date set to a fixed
 * date (the only field that would change from run to run).
 *
 * Run: npx tsx scripts/make-demo-model.ts [--keep DIR]   (a few minutes on 2 cores)
 * With --keep DIR, DIR's demo cohort and features are reused when present (only her2 fit runs
 * again), so a change of MODEL.json's schema alone takes seconds.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cohortClinicalCsv } from '../workers/cohort/cohort.ts';
import { DEMO_COHORT_SEED, demoCohort, demoSpec } from '../workers/cohort/demo-cohort.ts';

export const DEMO_MODEL_PATH = 'public/demo/model.json';
/** provenance.date of the committed demo model: fixed, so the file is reproducible byte for byte */
export const DEMO_MODEL_DATE = '2025-01-01T00:00:00.000Z';
/** the DCE phase the demo model's features are extracted from (the study's; the app's default) */
export const DEMO_MODEL_PHASE = 2;

/** The clinical CSV the demo model is fitted on (the full demo cohort through the app's import). */
export function demoModelClinicalCsv(): string {
  return cohortClinicalCsv(demoCohort(demoSpec('full')));
}

function her2(args: string[]): void {
  console.error(`$ her2 ${args.join(' ')}`);
  execFileSync(process.execPath, [resolve('bin/her2.mjs'), ...args], { stdio: 'inherit' });
}

function main(): void {
  const keep = process.argv.indexOf('--keep');
  const dir = keep >= 0 ? resolve(process.argv[keep + 1]) : mkdtempSync(join(tmpdir(), 'her2-demo-model-'));
  mkdirSync(dir, { recursive: true });
  const t0 = performance.now();
  try {
    const reuse = keep >= 0 && existsSync(join(dir, 'features.csv')) && existsSync(join(dir, 'features-reader2.csv'));
    if (reuse) console.error(`reusing ${dir}/features.csv and features-reader2.csv`);
    if (!reuse) her2(['demo', '--out', join(dir, 'demo'), '--seed', String(DEMO_COHORT_SEED), '--force']);
    if (!reuse) her2(['cohort', '--dir', join(dir, 'demo'), '--params', 'public/params/her2-dce-paper.yaml', '--phase', String(DEMO_MODEL_PHASE), '--out', join(dir, 'features.csv'), '--out-reader2', join(dir, 'features-reader2.csv')]);
    writeFileSync(join(dir, 'clinical.csv'), demoModelClinicalCsv());
    her2(['fit', '--features', join(dir, 'features.csv'), '--reader2', join(dir, 'features-reader2.csv'), '--clinical', join(dir, 'clinical.csv'), '--phase', String(DEMO_MODEL_PHASE), '--synthetic', '--out', join(dir, 'model.json')]);
    const model = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    model.provenance.date = DEMO_MODEL_DATE;
    mkdirSync('public/demo', { recursive: true });
    writeFileSync(DEMO_MODEL_PATH, JSON.stringify(model, null, 1) + '\n');
    console.error(`wrote ${DEMO_MODEL_PATH} in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  } finally {
    if (keep < 0) rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) main();
