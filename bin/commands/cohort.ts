/**
 * `her2 cohort --dir DIR --params P.yaml --out features.csv [--out-reader2 features-r2.csv]
 * [--out-tic tic.csv] [--jobs N] [--phase N]`: the features of every patient of a cohort
 * folder laid out as `her2 demo` writes one (docs/demo.md):
 *
 *   DIR/<id>/phase-<N>/        the DICOM files of phase N (0 = pre-contrast; default 2)
 *   DIR/<id>/mask.nrrd         reader 1's lesion mask on the phases' grid
 *   DIR/<id>/mask-reader2.nrrd reader 2's mask (the reproducibility subset only)
 *
 * Every sub-folder of DIR is a patient, its name the id. The extraction runs on the worker
 * pool in cohort mode: one patient per worker at a time, read (../cohort-source.ts) and
 * extracted in the worker; rows are written in id order whatever the completion order, in the
 * features CSV format (docs/features-csv.md) that `her2 fit` reads. A patient that fails is
 * named on stderr with the reason and the others go on; the exit code is then 1.
 *
 * `--out-tic` also measures each patient's TIC type as `her2 tic --phases DIR/<id> --mask
 * DIR/<id>/mask.nrrd` does (the DICOM files of the patient's phase-N folders read as one DCE
 * series, the whole ROI, the default rule of docs/tic.md) and writes
 * id,tic,change_percent,warnings (workers/cohort/measured-tic.ts). Without `--out`, only the
 * TIC is measured.
 */
import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { CliError, one, parseArgs, required } from '../cli-args.ts';
import { paramsFromArgs } from '../inputs.ts';
import { READER1_MASK, READER2_MASK, type PatientSource } from '../cohort-source.ts';
import { parseJobs } from '../jobs.ts';
import { readDicomDir } from '../dicom-dir.ts';
import { loadPhaseVolume, scanDicom } from '../../workers/io/dicom/index.ts';
import type { DicomSource, SeriesItem } from '../../workers/io/dicom/types.ts';
import type { Volume } from '../../workers/io/volume.ts';
import { computeTic } from '../../workers/dce/tic.ts';
import { formatTicCsv, measuredTicOf, type PatientTic } from '../../workers/cohort/measured-tic.ts';
import { readNrrd } from '../../workers/io/nrrd.ts';
import { formatFeaturesCsv, type FeatureRow } from '../../workers/io/features-csv.ts';
import type { CohortCase, CohortResult } from '../../workers/radiomics/pool/pool.ts';
import { createNodeExtractionPool } from '../../workers/radiomics/pool/node.ts';

export const USAGE = `usage: her2 cohort --dir DIR --params P.yaml --out features.csv [options]

  --dir DIR               the cohort folder: DIR/<id>/phase-<N>/ (DICOM), DIR/<id>/mask.nrrd,
                          DIR/<id>/mask-reader2.nrrd for the second reader's subset
  --params P.yaml         a PyRadiomics parameter file (the study's: public/params/her2-dce-paper.yaml)
  --out FILE.csv          reader 1's features, one row per patient (id = folder name), id order
  --out-reader2 FILE.csv  reader 2's features for the patients that have mask-reader2.nrrd
  --out-tic FILE.csv      each patient's measured TIC type: id,tic,change_percent,warnings, as
                          \`her2 tic --phases DIR/<id> --mask DIR/<id>/mask.nrrd\` measures it
                          (all the patient's phase folders); without --out, only the TIC
  --phase N               the DCE phase whose image is used (folder phase-N; default 2)
  --jobs N                worker threads, one patient each at a time (default: one per core)
  --label N               the ROI's label value (default: the params' label, else 1; the TIC:
                          every nonzero voxel, as her2 tic)
  --setting key=value     a PyRadiomics setting on top of the params (repeatable)

Progress goes to stderr. A patient that fails is named there with the reason; the others
are written, and the exit code is 1.`;

const READER1 = READER1_MASK;
const READER2 = READER2_MASK;
const SOURCE_MODULE = new URL('../cohort-source.ts', import.meta.url).href;

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/** The patient folders of DIR, sorted by id (code-point order, so the same on every machine). */
export async function patientIds(dir: string): Promise<string[]> {
  if (!(await isDirectory(dir))) throw new CliError(`--dir ${dir}: not a folder`);
  const entries = await readdir(dir, { withFileTypes: true });
  const ids = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name);
  if (ids.length === 0) throw new CliError(`--dir ${dir}: no patient folders (expected DIR/<id>/phase-N and DIR/<id>/${READER1})`);
  return ids.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** One patient, read in a worker by ../cohort-source.ts (its DICOM decoding runs in parallel too). */
function patientCase(dir: string, id: string, phase: number, reader2: boolean): CohortCase {
  const arg: PatientSource = { dir, id, phase, reader2 };
  return { id, source: { module: SOURCE_MODULE, arg } };
}

function clock(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** stderr progress: a redrawn bar on a terminal, one line per patient otherwise. */
function progressReporter(total: number, title = 'her2 cohort'): { done(id: string, done: number): void; log(line: string): void; end(): void } {
  const started = performance.now();
  const tty = Boolean(process.stderr.isTTY);
  let drawn = false;
  const clear = () => {
    if (drawn) process.stderr.write('\r\x1b[K');
    drawn = false;
  };
  return {
    done(id, done) {
      const elapsed = (performance.now() - started) / 1000;
      const eta = done < total ? `ETA ${clock((elapsed / done) * (total - done))}` : `${clock(elapsed)} in all`;
      if (tty) {
        const width = 30;
        const fill = Math.round((width * done) / total);
        clear();
        process.stderr.write(`${title} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${done}/${total} patients, ${eta}`);
        drawn = true;
      } else process.stderr.write(`${title}: ${done}/${total} patients (${id}), ${eta}\n`);
    },
    log(line) {
      clear();
      process.stderr.write(`${line}\n`);
    },
    end() {
      if (drawn) process.stderr.write('\n');
      drawn = false;
    },
  };
}

/** The DICOM files of the patient's phase-N folders, scanned together: its DCE series and every phase's volume. */
async function loadPatientPhases(folder: string, onWarning: (w: string) => void): Promise<{ item: SeriesItem; volumes: Volume[] }> {
  const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
  const phaseDirs = entries
    .filter((e) => e.isDirectory() && /^phase-\d+$/.test(e.name))
    .map((e) => e.name)
    .sort((a, b) => Number(a.slice(6)) - Number(b.slice(6)));
  if (phaseDirs.length === 0) throw new Error(`no phase-N folders (expected ${join(folder, 'phase-0')} ... with the DICOM files of each phase)`);
  const sources: DicomSource[] = [];
  const problems: string[] = [];
  for (const d of phaseDirs) {
    const r = await readDicomDir(join(folder, d));
    for (const s of r.sources) sources.push({ ...s, name: `${d}/${s.name}` });
    for (const e of r.errors) problems.push(e.message);
  }
  const scanned = scanDicom(sources);
  const dce = scanned.series.filter((s) => s.kind === 'dce');
  if (dce.length !== 1) {
    const what = dce.length ? `${dce.length} dynamic series` : 'no dynamic (DCE) series';
    throw new Error(`${phaseDirs.join(', ')}: ${what}${scanned.errors.length ? ` (${scanned.errors[0].message})` : ''}`);
  }
  for (const m of [...problems, ...scanned.errors.map((e) => e.message), ...dce[0].warnings]) onWarning(m);
  const bytes = new Map(sources.map((s) => [s.name, s.bytes]));
  const volumes: Volume[] = [];
  for (const p of dce[0].phases) volumes.push(await loadPhaseVolume(dce[0], p.index, (name) => bytes.get(name)!));
  return { item: dce[0], volumes };
}

/**
 * A patient's measured TIC, as `her2 tic --phases DIR/<id> --mask DIR/<id>/mask.nrrd [--label N]`
 * computes it (the import's warnings first); a patient whose TIC cannot be measured gets the
 * reason (first line) instead.
 */
export async function measurePatientTic(dir: string, id: string, label?: number): Promise<PatientTic> {
  const folder = join(dir, id);
  try {
    const maskPath = join(folder, READER1);
    const maskBytes = await readFile(maskPath).catch((e: NodeJS.ErrnoException) => {
      throw new Error(`${READER1}: ${e.code === 'ENOENT' ? 'not found' : e.message}`);
    });
    const mask = readNrrd(maskBytes, `${id}/${READER1}`);
    const importWarnings: string[] = [];
    const { item, volumes } = await loadPatientPhases(folder, (w) => importWarnings.push(w));
    const result = computeTic({
      phases: item.phases.map((p, k) => ({ volume: volumes[k], time: p.time, label: p.label || `phase ${p.index}` })),
      mask,
      label,
      contrastBolusStartTime: item.contrastBolusStartTime,
    });
    return measuredTicOf(result, importWarnings);
  } catch (e) {
    return { error: (e as Error).message.split('\n')[0] };
  }
}

/** The TIC of each patient, one after the other (the DICOM of all phases is decoded here), in id order. */
async function measureCohortTic(dir: string, ids: string[], label: number | undefined, failed: string[]): Promise<{ id: string; tic: PatientTic }[]> {
  const progress = progressReporter(ids.length, 'her2 cohort (TIC)');
  const rows: { id: string; tic: PatientTic }[] = [];
  try {
    for (const id of ids) {
      const tic = await measurePatientTic(dir, id, label);
      if ('error' in tic) {
        progress.log(`her2 cohort: ${id}: TIC: ${tic.error}`);
        failed.push(id);
      } else for (const w of tic.warnings) progress.log(`her2 cohort: warning: ${id} (TIC): ${w}`);
      rows.push({ id, tic });
      progress.done(id, rows.length);
    }
  } finally {
    progress.end();
  }
  return rows;
}

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ['dir', 'params', 'out', 'out-reader2', 'out-tic', 'phase', 'jobs', 'label', 'setting'], flags: ['help'] });
  if (args.flags.has('help')) {
    console.log(USAGE);
    return 0;
  }
  if (args.positional.length) throw new CliError(`unexpected argument '${args.positional[0]}'`);
  const dir = required(args, 'dir');
  const outTic = one(args, 'out-tic');
  // the features' params are always stated; the TIC alone needs none
  const out = outTic === undefined || one(args, 'out') !== undefined || one(args, 'out-reader2') !== undefined ? required(args, 'out') : undefined;
  if (out !== undefined) required(args, 'params');
  const outReader2 = one(args, 'out-reader2');
  for (const [opt, path] of [['out', out], ['out-reader2', outReader2], ['out-tic', outTic]] as const)
    if (path !== undefined && !/\.csv$/i.test(path)) throw new CliError(`--${opt} ${path}: give a .csv file name`);
  const phaseText = one(args, 'phase') ?? '2';
  const phase = Number(phaseText);
  if (!(Number.isInteger(phase) && phase >= 0)) throw new CliError(`--phase: '${phaseText}' is not a phase number (0 = pre-contrast, 1, 2, ...)`);
  const labelText = one(args, 'label');
  const ticLabel = labelText === undefined ? undefined : Number(labelText);
  if (ticLabel !== undefined && !Number.isInteger(ticLabel)) throw new CliError(`--label: '${labelText}' is not an integer label value`);
  const jobs = parseJobs(one(args, 'jobs'), availableParallelism());
  const params = out !== undefined ? await paramsFromArgs(args) : null;
  const ids = await patientIds(dir);
  const failed: string[] = [];
  if (out !== undefined) await extractFeatures(dir, ids, phase, jobs, params!, out, outReader2, failed);
  if (outTic !== undefined) {
    const rows = await measureCohortTic(dir, ids, ticLabel, failed);
    await writeFile(outTic, formatTicCsv(rows));
    console.error(`her2 cohort: TIC of ${rows.filter((r) => !('error' in r.tic)).length} of ${ids.length} patients written to ${outTic}`);
  }
  if (failed.length) {
    console.error(`her2 cohort: ${new Set(failed).size} patient(s) failed: ${[...new Set(failed)].join(', ')}`);
    return 1;
  }
  return 0;
}

async function extractFeatures(
  dir: string,
  ids: string[],
  phase: number,
  jobs: number,
  params: Awaited<ReturnType<typeof paramsFromArgs>>,
  out: string,
  outReader2: string | undefined,
  failed: string[],
): Promise<void> {
  const progress = progressReporter(ids.length);
  const warn = (m: string) => progress.log(`her2 cohort: warning: ${m}`);
  const cases = ids.map((id) => patientCase(dir, id, phase, outReader2 !== undefined));
  const pool = createNodeExtractionPool(Math.min(jobs, ids.length));
  let results: CohortResult[];
  try {
    results = await pool.extractCohort(cases, params, {
      onCaseDone: (r, done) => {
        const problems = r.error ? [r.error] : r.masks.filter((m) => m.error).map((m) => `${m.name === 'reader1' ? READER1 : READER2}: ${m.error}`);
        for (const w of r.warnings ?? []) warn(`${r.id}: ${w}`);
        for (const p of problems) progress.log(`her2 cohort: ${r.id}: ${p}`);
        if (problems.length) failed.push(r.id);
        for (const m of r.masks) for (const w of m.result?.warnings ?? []) warn(`${r.id} (${m.name}): ${w}`);
        progress.done(r.id, done);
      },
    });
  } finally {
    pool.close();
    progress.end();
  }

  const rows = (name: string): FeatureRow[] =>
    results.flatMap((r) => r.masks.filter((m) => m.name === name && m.result).map((m) => ({ id: r.id, diagnostics: m.result!.diagnostics, features: m.result!.features })));
  const reader1 = rows('reader1');
  await writeFile(out, formatFeaturesCsv(reader1));
  console.error(`her2 cohort: ${reader1.length} of ${ids.length} patients written to ${out}`);
  if (outReader2 !== undefined) {
    const reader2 = rows('reader2');
    await writeFile(outReader2, formatFeaturesCsv(reader2));
    console.error(`her2 cohort: ${reader2.length} patients with ${READER2} written to ${outReader2}`);
    if (reader2.length === 0) console.error(`her2 cohort: warning: no patient folder has a readable ${READER2}`);
  }
}
