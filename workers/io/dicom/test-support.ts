/**
 * Test support for workers/io/dicom (Node only, used by the *.test.ts files): the shared
 * samples, pydicom (Debian's python3-pydicom, run with /usr/bin/python3) and dcmtk as
 * independent reference readers and encoders, and small file helpers.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { readNpy, type NpyArray } from '../npy.ts';
import type { DicomSource } from './types.ts';

export const REPO = resolve(import.meta.dirname, '../../..');
export const SAMPLES = resolve(REPO, '../shared/dicom-samples');
export const PYDICOM_FILES = '/usr/lib/python3/dist-packages/pydicom/data/test_files';
export const PYTHON = '/usr/bin/python3';

export function hasPydicom(): boolean {
  try {
    execFileSync(PYTHON, ['-c', 'import pydicom, numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function hasTool(name: string): boolean {
  try {
    execFileSync('which', [name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `her2-${prefix}-`));
}

/** Run a Python snippet with Debian's python3 (pydicom, numpy); returns stdout. */
export function python(code: string, args: string[] = []): string {
  return execFileSync(PYTHON, ['-c', code, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
}

/** Every file under `dir` as DicomSources named relative to `dir`. */
export function sourcesOf(dir: string, filter: (name: string) => boolean = () => true): DicomSource[] {
  const walk = (d: string): string[] =>
    readdirSync(d)
      .sort()
      .flatMap((n) => {
        const p = join(d, n);
        return statSync(p).isDirectory() ? walk(p) : [p];
      });
  return walk(dir)
    .map((p) => ({ name: relative(dir, p), path: p }))
    .filter((x) => filter(x.name))
    .map((x) => ({ name: x.name, bytes: fileBytes(x.path) }));
}

export function fileBytes(path: string): ArrayBuffer {
  const b = readFileSync(path);
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

export function bytesReader(dir: string) {
  return (name: string) => fileBytes(join(dir, name));
}

/**
 * pydicom's stored pixel values of a file (pixel_array: before the modality LUT), as an npy
 * array of shape (frames, rows, columns) or (rows, columns).
 */
export function pydicomPixels(path: string, outDir: string): NpyArray {
  const out = join(outDir, `${path.replace(/[^A-Za-z0-9]/g, '_')}.npy`);
  if (!existsSync(out)) {
    python(
      'import sys, numpy, pydicom\nds = pydicom.dcmread(sys.argv[1])\nnumpy.save(sys.argv[2], numpy.ascontiguousarray(ds.pixel_array))',
      [path, out],
    );
  }
  return readNpy(readFileSync(out), out);
}
