/**
 * What the commands read, in one place: files with one-line errors naming them, NRRD/NIfTI
 * volumes, the --image of extract/filter (a file or a DICOM folder), and the extraction
 * params from --params, --setting key=value and --label.
 */
import { readFile, stat } from 'node:fs/promises';
import { CliError, all, one, type ParsedArgs } from './cli-args.ts';
import { loadSeriesVolume } from './dicom-dir.ts';
import { readNifti } from '../workers/io/nifti.ts';
import { readNrrd } from '../workers/io/nrrd.ts';
import type { Volume } from '../workers/io/volume.ts';
import { defaultParams, parseParams, parseSettingArg, withSettings, type ExtractionParams, type GivenValue } from '../workers/radiomics/settings.ts';

/** A file's bytes, or a one-line error naming it. */
export async function bytesOf(path: string, what: string): Promise<Uint8Array> {
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

/** --image: an NRRD/NIfTI file, or a folder of DICOM files (--series / --phase choose in it). */
export async function readImage(path: string, series: string | undefined, phase: number | undefined, warn?: (m: string) => void): Promise<Volume> {
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

/** --phase N (0 = pre-contrast), or undefined when not given. */
export function phaseArg(args: ParsedArgs): number | undefined {
  const text = one(args, 'phase');
  if (text === undefined) return undefined;
  const phase = Number(text);
  if (!(Number.isInteger(phase) && phase >= 0)) throw new CliError(`--phase: '${text}' is not a phase number (0 = pre-contrast, 1, 2, ...)`);
  return phase;
}

/**
 * The extraction params: the --params file (PyRadiomics's defaults without one), then every
 * --setting key=value and --label N on top. A bad file or setting is a one-line error.
 */
export async function paramsFromArgs(args: ParsedArgs): Promise<ExtractionParams> {
  const path = one(args, 'params');
  try {
    let params = path === undefined ? defaultParams() : parseParams(new TextDecoder().decode(await bytesOf(path, 'params')), path);
    const extra: [string, GivenValue][] = all(args, 'setting').map(parseSettingArg);
    const labelText = one(args, 'label');
    if (labelText !== undefined) {
      const label = Number(labelText);
      if (!(Number.isInteger(label) && label > 0)) throw new CliError(`--label: '${labelText}' is not a positive integer label`);
      extra.push(['label', label]);
    }
    if (extra.length) params = withSettings(params, extra);
    return params;
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError((e as Error).message);
  }
}
