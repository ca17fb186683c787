/**
 * `her2 extract --image IMG --mask MASK [--params P.yaml] [--label N] [--setting key=value ...]
 * [--id ID] [--out OUT.csv|OUT.json]`: PyRadiomics's features of one image and mask, in the one
 * features format (docs/features-csv.md).
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { CliError, all, one, parseArgs, required } from '../cli-args.ts';
import { loadSeriesVolume } from '../dicom-dir.ts';
import { formatFeaturesCsv, featureRowToJson, type FeatureRow } from '../../workers/io/features-csv.ts';
import { readNifti } from '../../workers/io/nifti.ts';
import { readNrrd } from '../../workers/io/nrrd.ts';
import type { Volume } from '../../workers/io/volume.ts';
import { extractWithJobs, parseJobs } from '../jobs.ts';
import { defaultParams, parseParams, parseSettingArg, withSettings, type GivenValue } from '../../workers/radiomics/settings.ts';

export const USAGE = `usage: her2 extract --image IMG --mask MASK [options]

  --image IMG          the image: .nrrd, .nii or .nii.gz, or a folder of DICOM files (one series)
  --mask MASK          the label map on the image's grid: .nrrd, .nii or .nii.gz
  --params P.yaml      a PyRadiomics parameter file (imageType / featureClass / setting sections);
                       default: PyRadiomics's defaults (Original image, every class but shape2D)
  --label N            the ROI's label value (default: the params' label, else 1)
  --setting key=value  a PyRadiomics setting on top of the params (repeatable), e.g.
                       --setting binWidth=10 --setting resampledPixelSpacing=[2,2,2]
  --id ID              the row's id (default: the image's file or folder name)
  --out FILE           write FILE.csv or FILE.json (default: CSV to standard output)
  --series S           DICOM folder holding several series: the one to use (number, description, id)
  --phase N            DICOM series with several phases: the phase (0 = pre-contrast)
  --jobs N             worker threads sharing the case's image types (default 1: this
                       thread; 'auto' = one per core); the values are the same either way

The CSV has the columns id, the diagnostics_* as PyRadiomics writes them, then the features
(<image type>_<class>_<feature>) in PyRadiomics's order; the JSON is one object with the same
names. See docs/features-csv.md.`;

/** A file's bytes, or a one-line error naming it. */
async function bytesOf(path: string, what: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(`${what} ${path}: ${code === 'ENOENT' ? 'file not found' : `cannot be read (${(e as Error).message})`}`);
  }
}

function looksLikeNifti(b: Uint8Array): boolean {
  if (b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b) return true; // gzip: .nii.gz
  if (b.length < 348) return false;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return dv.getInt32(0, true) === 348 || dv.getInt32(0, false) === 348;
}

/** Reads an NRRD or NIfTI volume (by extension, else by content). */
export async function readVolumeFile(path: string, what: string): Promise<Volume> {
  const bytes = await bytesOf(path, what);
  const lower = path.toLowerCase();
  const nrrd = lower.endsWith('.nrrd') || (!lower.endsWith('.nii') && !lower.endsWith('.nii.gz') && String.fromCharCode(...bytes.subarray(0, 4)) === 'NRRD');
  const nifti = !nrrd && (lower.endsWith('.nii') || lower.endsWith('.nii.gz') || looksLikeNifti(bytes));
  try {
    if (nrrd) return readNrrd(bytes, path);
    if (nifti) return readNifti(bytes, path);
  } catch (e) {
    throw new CliError(`${what} ${(e as Error).message}`);
  }
  throw new CliError(`${what} ${path}: unknown format (give an NRRD (.nrrd), NIfTI-1 (.nii, .nii.gz) file${what === 'image' ? ' or a DICOM folder' : ''})`);
}

async function readImage(path: string, series: string | undefined, phase: number | undefined, warn: (m: string) => void): Promise<Volume> {
  let isDir = false;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch {
    throw new CliError(`image ${path}: file not found`);
  }
  if (!isDir) {
    if (series !== undefined || phase !== undefined) throw new CliError('--series and --phase apply to a DICOM folder given as --image');
    return readVolumeFile(path, 'image');
  }
  try {
    return await loadSeriesVolume(path, { series, phase, onWarning: warn });
  } catch (e) {
    throw new CliError(`image ${(e as Error).message.split('\n')[0]}`);
  }
}

/** The default id: the image's name without its extension. */
export function defaultId(imagePath: string): string {
  const b = basename(imagePath.replace(/[/\\]+$/, ''));
  return b.replace(/\.nii\.gz$/i, '').replace(/\.(nrrd|nhdr|nii)$/i, '');
}

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, {
    values: ['image', 'mask', 'params', 'label', 'setting', 'id', 'out', 'series', 'phase', 'jobs'],
    flags: ['help'],
  });
  if (args.flags.has('help')) {
    console.log(USAGE);
    return 0;
  }
  if (args.positional.length) throw new CliError(`unexpected argument '${args.positional[0]}'`);
  const imagePath = required(args, 'image');
  const maskPath = required(args, 'mask');
  const outPath = one(args, 'out');
  if (outPath !== undefined && !/\.(csv|json)$/i.test(outPath)) throw new CliError(`--out ${outPath}: give a .csv or .json file name`);
  const jobs = parseJobs(one(args, 'jobs'), 1);
  const phaseText = one(args, 'phase');
  const phase = phaseText === undefined ? undefined : Number(phaseText);
  if (phase !== undefined && !(Number.isInteger(phase) && phase >= 0)) throw new CliError(`--phase: '${phaseText}' is not a phase number (0, 1, ...)`);

  // Settings first: a bad parameter file fails before any image is read.
  const paramsPath = one(args, 'params');
  let params;
  try {
    params = paramsPath === undefined ? defaultParams() : parseParams(new TextDecoder().decode(await bytesOf(paramsPath, 'params')), paramsPath);
    const extra: [string, GivenValue][] = all(args, 'setting').map(parseSettingArg);
    const labelText = one(args, 'label');
    if (labelText !== undefined) {
      const label = Number(labelText);
      if (!(Number.isInteger(label) && label > 0)) throw new CliError(`--label: '${labelText}' is not a positive integer label`);
      extra.push(['label', label]);
    }
    if (extra.length) params = withSettings(params, extra);
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError((e as Error).message);
  }

  const warnings: string[] = [];
  const image = await readImage(imagePath, one(args, 'series'), phase, (m) => warnings.push(m));
  const mask = await readVolumeFile(maskPath, 'mask');
  let result;
  try {
    result = await extractWithJobs(image, mask, params, jobs);
  } catch (e) {
    throw new CliError(`${imagePath} with mask ${maskPath}: ${(e as Error).message.split('\n')[0]}`);
  }
  warnings.push(...result.warnings);
  for (const w of warnings) console.error(`her2 extract: warning: ${w}`);

  const row: FeatureRow = { id: one(args, 'id') ?? defaultId(imagePath), diagnostics: result.diagnostics, features: result.features };
  const text = outPath?.toLowerCase().endsWith('.json') ? JSON.stringify(featureRowToJson(row), null, 2) + '\n' : formatFeaturesCsv([row]);
  if (outPath === undefined) process.stdout.write(text);
  else {
    await writeFile(outPath, text);
    console.error(`her2 extract: ${Object.keys(result.features).length} features of '${row.id}' written to ${outPath}`);
  }
  return 0;
}
