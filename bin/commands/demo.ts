/**
 * `her2 demo --out DIR [--patients 118] [--seed 42] [--grid 128x128x40 | 384x384x88]
 *            [--zero N] [--train-fraction F] [--reader2 N] [--effect D] [--ktrans-ratio R] [--force]`
 *
 * Writes the synthetic demo cohort (docs/demo.md):
 *   DIR/clinical.csv                 id,label,split,age,diameter,stage,aln,er,pr,ki67,tic,ihc,ish
 *   DIR/<id>/phase-0 .. phase-6/     one DICOM MR series per phase (IM0001.dcm ...)
 *   DIR/<id>/mask.nrrd               reader 1's lesion mask on the phases' grid
 *   DIR/<id>/mask-reader2.nrrd       reader 2's mask (the reproducibility subset only)
 *   DIR/<id>/mask.seg.dcm            reader 1's mask as DICOM SEG (references phase 2)
 * One patient is held in memory at a time, and one phase of it at a time.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CliError, one, parseArgs, required } from '../cli-args.ts';
import {
  type ClassSignal, type DemoGrid, GRIDS, demoClinicalCsv, maskNrrd, planDemoCohort, prepareDemoPatient,
} from '../../workers/demo/index.ts';
import { resolveClassSignal } from '../../workers/demo/cohort.ts';

const USAGE = `usage: her2 demo --out DIR [--patients 118] [--seed 42] [--grid 128x128x40|384x384x88]
                 [--zero N] [--train-fraction F] [--reader2 N] [--effect D] [--ktrans-ratio R] [--force]`;

function intOption(value: string | undefined, name: string, fallback: number | undefined): number | undefined {
  if (value === undefined) return fallback;
  const v = Number(value);
  if (!Number.isInteger(v) || v < 0) throw new CliError(`--${name} must be a non-negative integer (got '${value}')`);
  return v;
}

function numberOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const v = Number(value);
  if (!Number.isFinite(v)) throw new CliError(`--${name} must be a number (got '${value}')`);
  return v;
}

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const args = parseArgs(argv, {
    values: ['out', 'patients', 'seed', 'grid', 'zero', 'train-fraction', 'reader2', 'effect', 'ktrans-ratio'],
    flags: ['force'],
  });
  if (args.positional.length) throw new CliError(`unexpected argument '${args.positional[0]}'\n${USAGE}`);
  const out = required(args, 'out');
  const grid = (one(args, 'grid') ?? '128x128x40') as DemoGrid;
  if (!(grid in GRIDS)) throw new CliError(`--grid must be ${Object.keys(GRIDS).join(' or ')} (got '${grid}')`);
  const seed = intOption(one(args, 'seed'), 'seed', 42)!;
  const patients = intOption(one(args, 'patients'), 'patients', 118)!;
  if (patients < 1) throw new CliError('--patients must be at least 1');
  const trainFraction = numberOption(one(args, 'train-fraction'), 'train-fraction');
  const classSignal: Partial<ClassSignal> = {};
  const effect = numberOption(one(args, 'effect'), 'effect');
  if (effect !== undefined) classSignal.heterogeneityEffect = effect;
  const ratio = numberOption(one(args, 'ktrans-ratio'), 'ktrans-ratio');
  if (ratio !== undefined) {
    if (!(ratio > 0)) throw new CliError('--ktrans-ratio must be positive');
    classSignal.ktransRatio = ratio;
  }
  const cohortOptions = {
    seed,
    patients,
    zero: intOption(one(args, 'zero'), 'zero', undefined),
    trainFraction,
    reader2: intOption(one(args, 'reader2'), 'reader2', undefined),
    classSignal,
  };
  let plan;
  try {
    plan = planDemoCohort(cohortOptions);
  } catch (e) {
    throw new CliError(e instanceof Error ? e.message : String(e));
  }

  if (existsSync(out) && readdirSync(out).length > 0 && !args.flags.has('force')) {
    throw new CliError(`${out} is not empty (use --force to write into it)`);
  }
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'clinical.csv'), demoClinicalCsv(plan));

  const signal = resolveClassSignal(classSignal);
  const started = performance.now();
  for (const row of plan) {
    const parts = prepareDemoPatient(seed, row, grid, signal);
    const dir = join(out, row.id);
    for (let k = 0; k < parts.phaseCount; k++) {
      for (const f of parts.phaseFiles(k)) {
        const path = join(out, f.name);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, f.bytes);
      }
    }
    writeFileSync(join(dir, 'mask.nrrd'), maskNrrd(parts.mask));
    if (parts.maskReader2) writeFileSync(join(dir, 'mask-reader2.nrrd'), maskNrrd(parts.maskReader2));
    writeFileSync(join(dir, 'mask.seg.dcm'), parts.segBytes());
    if (process.stderr.isTTY) process.stderr.write(`\r${row.id} (${row.index + 1}/${plan.length})`);
  }
  if (process.stderr.isTTY) process.stderr.write('\n');
  const seconds = (performance.now() - started) / 1000;
  const nLow = plan.filter((r) => r.label === 1).length;
  console.log(
    `her2 demo: wrote ${plan.length} patients (${nLow} HER2-low, ${plan.length - nLow} HER2-zero; ` +
      `${plan.filter((r) => r.split === 'train').length} train, ${plan.filter((r) => r.reader2).length} with a second reader) ` +
      `on ${grid} to ${out} in ${seconds.toFixed(1)} s (seed ${seed}). Synthetic demo data - not for clinical use.`,
  );
  return 0;
}
