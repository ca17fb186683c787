/**
 * DICOM folders for the command line (Node only): the same importer as the app
 * (workers/io/dicom), fed from the file system.
 *
 *   scanDicomDir(dir)                        -> ImportResult (files read recursively)
 *   loadSeriesVolume(dir, { series, phase }) -> Volume of one series item / phase
 *   loadDcePhases(dir, { series })           -> the DCE item and one Volume per phase (0 = pre-contrast)
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { loadPhaseVolume, scanDicom } from '../workers/io/dicom/index.ts';
import type { DicomSource, ImportIssue, ImportResult, SeriesItem } from '../workers/io/dicom/types.ts';
import type { Volume } from '../workers/io/volume.ts';

/** Every regular file under `dir` (recursively), skipping hidden files and folders (.DS_Store, .git). */
async function listFiles(dir: string, errors: ImportIssue[], skip?: (path: string) => boolean): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch (e) {
      errors.push({ file: d, message: `${d}: cannot list the folder (${(e as Error).message})` });
      return;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) {
        if (!skip?.(p)) out.push(p);
      } else if (e.isSymbolicLink()) {
        const s = await stat(p).catch(() => undefined);
        if (s?.isFile()) {
          if (!skip?.(p)) out.push(p);
        } else if (s?.isDirectory()) await walk(p);
      }
    }
  };
  await walk(dir);
  return out;
}

/** Names as the user knows them: relative to the folder, with '/' separators. */
function sourceName(dir: string, path: string): string {
  return relative(dir, path).split(sep).join('/');
}

/** Read a folder into DicomSources; files that cannot be read become issues; `skip(path)` leaves files out. */
export async function readDicomDir(dir: string, skip?: (path: string) => boolean): Promise<{ sources: DicomSource[]; errors: ImportIssue[] }> {
  const errors: ImportIssue[] = [];
  const s = await stat(dir).catch(() => undefined);
  if (!s) throw new Error(`${dir}: no such file or folder`);
  const files = s.isDirectory() ? await listFiles(dir, errors, skip) : [dir];
  const base = s.isDirectory() ? dir : join(dir, '..');
  const sources: DicomSource[] = [];
  for (const path of files) {
    const name = sourceName(base, path);
    try {
      const buf = await readFile(path);
      sources.push({ name, bytes: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer });
    } catch (e) {
      errors.push({ file: name, message: `${name}: cannot be read (${(e as Error).message})` });
    }
  }
  return { sources, errors };
}

export async function scanDicomDir(dir: string, skip?: (path: string) => boolean): Promise<ImportResult> {
  const { sources, errors } = await readDicomDir(dir, skip);
  const result = scanDicom(sources);
  return { series: result.series, errors: [...errors, ...result.errors] };
}

function describeItem(s: SeriesItem): string {
  const phases = s.phases.length > 1 ? `, ${s.phases.length} phases` : '';
  return `${s.seriesNumber} '${s.seriesDescription}' [${s.id}] (${s.slices} slices${phases}, ${s.rows}x${s.columns})`;
}

/** The item named by `series` (its id, a SeriesInstanceUID, SeriesNumber or SeriesDescription), or the only one. */
function chooseItem(dir: string, result: ImportResult, series: string | undefined, want?: (s: SeriesItem) => boolean): SeriesItem {
  let candidates = result.series.filter((s) => !want || want(s));
  if (series !== undefined) {
    candidates = candidates.filter(
      (s) => s.id === series || s.seriesInstanceUIDs.includes(series) || String(s.seriesNumber) === series || s.seriesDescription === series,
    );
  }
  if (candidates.length === 1) return candidates[0];
  const list = result.series.map((s) => `  ${describeItem(s)}`).join('\n');
  if (candidates.length === 0) {
    const problems = result.errors.length ? `\n${result.errors.map((e) => `  ${e.message}`).join('\n')}` : '';
    const what = series !== undefined ? `no series matches '${series}'` : want ? 'no dynamic (DCE) series' : 'no image series';
    throw new Error(`${dir}: ${what}${list ? `; the folder holds:\n${list}` : ''}${problems}`);
  }
  throw new Error(`${dir}: holds ${candidates.length} series; choose one (by number, description or id):\n${list}`);
}

export interface LoadOptions {
  /** phase number, 0 = pre-contrast (required when the series has several phases) */
  phase?: number;
  /** series number, description, SeriesInstanceUID or item id (required when the folder holds several) */
  series?: string;
  /** receives the import's problems and the chosen series' warnings */
  onWarning?: (message: string) => void;
  /** files of the folder not to read (e.g. the mask and other non-DICOM siblings); see notDicomSibling in inputs.ts */
  skip?: (path: string) => boolean;
}

function bytesReader(dir: string) {
  return async (name: string): Promise<ArrayBuffer> => {
    const buf = await readFile(join(dir, ...name.split('/')));
    return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
  };
}

async function baseDir(dir: string): Promise<string> {
  const s = await stat(dir);
  return s.isDirectory() ? dir : join(dir, '..');
}

/** One phase of one series item as a Volume. */
export async function loadSeriesVolume(dir: string, opts: LoadOptions = {}): Promise<Volume> {
  const result = await scanDicomDir(dir, opts.skip);
  const item = chooseItem(dir, result, opts.series);
  for (const e of result.errors) opts.onWarning?.(e.message);
  for (const w of item.warnings) opts.onWarning?.(w);
  let phase = opts.phase;
  if (phase === undefined) {
    if (item.phases.length > 1) {
      throw new Error(`${dir}: series ${describeItem(item)} has ${item.phases.length} phases; choose one (0 = pre-contrast ... ${item.phases.length - 1})`);
    }
    phase = 0;
  }
  if (!item.phases.some((p) => p.index === phase)) {
    throw new Error(`${dir}: series ${describeItem(item)} has no phase ${phase} (phases 0 ... ${item.phases.length - 1}, 0 = pre-contrast)`);
  }
  return loadPhaseVolume(item, phase, bytesReader(await baseDir(dir)));
}

/** The dynamic series item of a folder and every phase's volume, in phase order (0 = pre-contrast). */
export async function loadDcePhases(dir: string, opts: Omit<LoadOptions, 'phase'> = {}): Promise<{ item: SeriesItem; volumes: Volume[] }> {
  const result = await scanDicomDir(dir, opts.skip);
  const item = chooseItem(dir, result, opts.series, (s) => s.kind === 'dce');
  for (const e of result.errors) opts.onWarning?.(e.message);
  for (const w of item.warnings) opts.onWarning?.(w);
  const read = bytesReader(await baseDir(dir));
  const volumes: Volume[] = [];
  for (const p of item.phases) volumes.push(await loadPhaseVolume(item, p.index, read));
  return { item, volumes };
}
