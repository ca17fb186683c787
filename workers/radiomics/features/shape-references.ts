/**
 * Test support for the shape classes: PyRadiomics's reference values and test masks from
 * ../shared/conformance (read-only), and the comparison rule of the project (1e-6 relative,
 * 1e-9 absolute where the reference is ~0). Node only (reads files); not used by the engine.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsv, parseNumber } from '../../io/csv.ts';
import { readNrrd } from '../../io/nrrd.ts';
import type { Vec3 } from '../../io/volume.ts';
import { maskBoundingBox } from '../mesh/grid.ts';

export const CONFORMANCE = join(import.meta.dirname, '../../../../shared/conformance');
export const PYRADIOMICS = join(CONFORMANCE, 'pyradiomics');
export const PYRADIOMICS_FULL = join(CONFORMANCE, 'pyradiomics-full');

/** One column of a transposed baseline CSV (rows are keys, columns are test cases). */
export interface BaselineColumn {
  name: string;
  cells: Map<string, string>;
}

export function readBaselineColumns(file: string): BaselineColumn[] {
  const rows = parseCsv(readFileSync(join(PYRADIOMICS, 'baseline', file), 'utf8'));
  const header = rows[0];
  return header.slice(1).map((name, c) => ({ name, cells: new Map(rows.slice(1).map((r) => [r[0], r[c + 1]])) }));
}

/** diagnostics_Configuration_Settings (a Python dict literal) as an object. */
export function columnSettings(col: BaselineColumn): Record<string, unknown> {
  const text = col.cells.get('diagnostics_Configuration_Settings');
  if (!text) throw new Error(`${col.name}: no diagnostics_Configuration_Settings`);
  return JSON.parse(text.replace(/'/g, '"').replace(/\bNone\b/g, 'null').replace(/\bTrue\b/g, 'true').replace(/\bFalse\b/g, 'false'));
}

/** The rows of a PyRadiomics batch CSV (pyradiomics-full), keyed by case ID. */
export function readBatchRows(file: string): Map<string, Map<string, string>> {
  const rows = parseCsv(readFileSync(join(PYRADIOMICS_FULL, file), 'utf8'));
  const header = rows[0];
  return new Map(rows.slice(1).map((r) => [r[0], new Map(header.map((h, i) => [h, r[i]]))]));
}

/** Features `<prefix><name>` of a key -> cell map, as numbers. */
export function featureCells(cells: Map<string, string>, prefix: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, v] of cells) {
    if (!k.startsWith(prefix)) continue;
    const x = parseNumber(v);
    if (x === undefined) throw new Error(`${k}: '${v}' is not a number`);
    out.set(k.slice(prefix.length), x);
  }
  return out;
}

export interface CroppedMask {
  mask: Uint8Array;
  size: Vec3;
  spacing: Vec3;
}

/** A test label file, the voxels equal to `label` cropped to their bounding box (PyRadiomics's cropToTumorMask). */
export function readCroppedLabel(file: string, label: number): CroppedMask {
  const vol = readNrrd(readFileSync(join(PYRADIOMICS, 'data', file)), file);
  const box = maskBoundingBox(vol.data, vol.size, label);
  if (!box) throw new Error(`${file}: label ${label} not present`);
  const [bx, by, bz] = box.size;
  const mask = new Uint8Array(bx * by * bz);
  const [nx, ny] = vol.size;
  let i = 0;
  for (let z = 0; z < bz; z++) {
    for (let y = 0; y < by; y++) {
      for (let x = 0; x < bx; x++, i++) {
        mask[i] = vol.data[box.lower[0] + x + nx * (box.lower[1] + y + ny * (box.lower[2] + z))] === label ? 1 : 0;
      }
    }
  }
  return { mask, size: box.size, spacing: vol.spacing };
}

export interface Comparison {
  what: string;
  value: number;
  reference: number;
  /** |value - reference| / |reference|, or the absolute difference when the reference is 0 */
  error: number;
  ok: boolean;
}

export function compare(what: string, value: number, reference: number, relTol = 1e-6, absTol = 1e-9): Comparison {
  const diff = Math.abs(value - reference);
  const error = reference === 0 ? diff : diff / Math.abs(reference);
  const ok = Number.isFinite(value) && (reference === 0 || Math.abs(reference) < absTol ? diff <= absTol : error <= relTol);
  return { what, value, reference, error, ok };
}

export function printComparisons(title: string, rows: readonly Comparison[]): void {
  const lines = rows.map(
    (r) => `${r.ok ? '  ' : '✗ '}${r.what.padEnd(48)} ${String(r.value).padEnd(22)} ref ${String(r.reference).padEnd(22)} err ${r.error.toExponential(2)}`,
  );
  console.log(`${title}\n${lines.join('\n')}`);
}
