/**
 * What the commands read, in one place: files with one-line errors naming them, NRRD/NIfTI
 * volumes, masks (NRRD/NIfTI label maps, or DICOM SEG placed on the image's grid), the
 * --image of extract/filter (a file or a DICOM folder), and the extraction params from
 * --params, --setting key=value and --label.
 */
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CliError, all, one, type ParsedArgs } from './cli-args.ts';
import { loadSeriesVolume } from './dicom-dir.ts';
import { readNifti } from '../workers/io/nifti.ts';
import { readNrrd } from '../workers/io/nrrd.ts';
import { geometryOf, type Geometry, type Volume } from '../workers/io/volume.ts';
import { detectMaskFormat, importMask, segGrid, type MaskImport } from '../workers/roi/mask-import.ts';
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

/** An NRRD or NIfTI volume from its bytes (by extension, else by content). */
function volumeFromBytes(bytes: Uint8Array, path: string, what: string, formats: string): Volume {
  const lower = path.toLowerCase();
  const nrrd = lower.endsWith('.nrrd') || (!lower.endsWith('.nii') && !lower.endsWith('.nii.gz') && String.fromCharCode(...bytes.subarray(0, 4)) === 'NRRD');
  const nifti = !nrrd && (lower.endsWith('.nii') || lower.endsWith('.nii.gz') || looksLikeNifti(bytes));
  try {
    if (nrrd) return readNrrd(bytes, path);
    if (nifti) return readNifti(bytes, path);
  } catch (e) {
    throw new CliError(`${what} ${(e as Error).message}`);
  }
  throw new CliError(`${what} ${path}: unknown format (give ${formats})`);
}

/** Reads an NRRD or NIfTI volume (by extension, else by content). */
export async function readVolumeFile(path: string, what: string): Promise<Volume> {
  const formats = `an NRRD (.nrrd), NIfTI-1 (.nii, .nii.gz) file${what === 'image' ? ' or a DICOM folder' : ''}`;
  return volumeFromBytes(await bytesOf(path, what), path, what, formats);
}

/** The image a mask goes on, for masks that carry their own geometry (DICOM SEG). */
export interface MaskTarget {
  /** the image's grid (a SEG's frames are placed on it by their positions) */
  grid: Geometry;
  /** only this label (SEG: SegmentNumber); default: every segment, voxel value = its SegmentNumber */
  label?: number;
  /** the image's FrameOfReferenceUID: a SEG in another one gets a warning */
  frameOfReferenceUID?: string;
  /**
   * SOPInstanceUIDs of the image's slices, one list per candidate (e.g. per DCE phase): places
   * the frames of a SEG that carry no position by the image they reference
   */
  sliceSopInstanceUIDs?: string[][];
  onWarning?: (message: string) => void;
}

function isDicomFile(bytes: Uint8Array, path: string): boolean {
  return (bytes.length > 132 && String.fromCharCode(...bytes.subarray(128, 132)) === 'DICM') || path.toLowerCase().endsWith('.dcm');
}

/**
 * --mask: an NRRD / NIfTI label map (returned as it is; the command checks it against the
 * image), or a DICOM SEG put on `target.grid` by workers/roi/mask-import.ts (its frames'
 * positions, orientation and pixel spacing). A SEG whose frames do not fall on the grid's
 * voxels (it would need resampling) is refused, as a label map on another grid is.
 */
export async function readMask(path: string, target: MaskTarget): Promise<Volume> {
  const bytes = await bytesOf(path, 'mask');
  if (!isDicomFile(bytes, path)) return volumeFromBytes(bytes, path, 'mask', 'an NRRD (.nrrd), NIfTI-1 (.nii, .nii.gz) or DICOM SEG (.dcm) file');
  return segMask(bytes, path, target);
}

function segMask(bytes: Uint8Array, path: string, target: MaskTarget): Volume {
  let imported: MaskImport | undefined;
  try {
    if (detectMaskFormat(bytes, path) === 'rtstruct') {
      throw new Error(`${path}: an RT Structure Set (contours); give a DICOM SEG or a label map (the app rasterises RTSTRUCTs and exports SEG / NRRD)`);
    }
    // Frames without positions are placed through the slices they reference: try each candidate.
    const candidates = segGrid(bytes, path) || !target.sliceSopInstanceUIDs?.length ? [undefined] : target.sliceSopInstanceUIDs;
    let lastError: Error | undefined;
    for (const uids of candidates) {
      try {
        imported = importMask(bytes, path, target.grid, { frameOfReferenceUID: target.frameOfReferenceUID, sliceSopInstanceUIDs: uids });
        break;
      } catch (e) {
        lastError = e as Error;
      }
    }
    if (!imported) throw lastError!;
  } catch (e) {
    const msg = (e as Error).message;
    throw new CliError(`mask ${msg.startsWith(path) ? msg : `${path}: ${msg}`}`);
  }
  if (imported.placement !== 'exact') {
    throw new CliError(
      `mask ${path}: the SEG's frames do not lie on the image's voxels (${imported.warnings.find((w) => w.includes('resampled')) ?? 'another grid'}); ` +
        'resample the image or the SEG so that they share a grid',
    );
  }
  for (const w of imported.warnings) target.onWarning?.(w);
  const segments = target.label === undefined ? imported.segments : imported.segments.filter((s) => s.value === target.label);
  if (segments.length === 0) {
    const have = imported.segments.map((s) => `${s.value} '${s.name}'`).join(', ');
    throw new CliError(
      target.label === undefined
        ? `mask ${path}: no segment has a voxel on the image`
        : `mask ${path}: no segment ${target.label} with voxels on the image (the SEG has ${have || 'none'})`,
    );
  }
  const n = target.grid.size[0] * target.grid.size[1] * target.grid.size[2];
  const data = Math.max(...segments.map((s) => s.value)) > 255 ? new Uint16Array(n) : new Uint8Array(n);
  // A label map: each voxel takes the first segment (SEG order) that covers it.
  for (let s = segments.length - 1; s >= 0; s--) {
    const { mask, value } = segments[s];
    for (let v = 0; v < n; v++) if (mask[v]) data[v] = value;
  }
  return { ...geometryOf(target.grid), data };
}

/** Files named like these are never DICOM images: a folder scan leaves them out. */
const NOT_DICOM = /\.(nrrd|nhdr|raw|raw\.gz|nii|nii\.gz|csv|tsv|json|ya?ml|txt|md)$/i;

/**
 * Which files a DICOM folder scan skips: the --mask file itself (a SEG beside the phases is
 * not one of them) and label maps, tables and notes by their extension (mask.nrrd,
 * clinical.csv, tic.json...), so a patient folder can be given as it is. Anything else,
 * DICOM or not, is read, and its problems are reported.
 */
export function notDicomSibling(maskPath?: string): (path: string) => boolean {
  const mask = maskPath === undefined ? undefined : resolve(maskPath);
  return (path) => NOT_DICOM.test(path) || (mask !== undefined && resolve(path) === mask);
}

/** --image: an NRRD/NIfTI file, or a folder of DICOM files (--series / --phase choose in it). */
export async function readImage(
  path: string,
  series: string | undefined,
  phase: number | undefined,
  warn?: (m: string) => void,
  maskPath?: string,
): Promise<Volume> {
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
    return await loadSeriesVolume(path, { series, phase, onWarning: warn, skip: notDicomSibling(maskPath) });
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
