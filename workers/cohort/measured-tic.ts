/**
 * A cohort patient's measured time-intensity curve type (DOM-free): the TIC engine
 * (workers/dce/tic.ts, docs/tic.md: whole ROI, the default rule) on the patient's DCE phases
 * and reader 1's lesion, kept as the type, the change and the warnings. The batch extraction
 * stores it with the patient (app/cohort), `her2 cohort --out-tic` writes it as a CSV:
 *
 *   id,tic,change_percent,warnings
 *
 * (tic 1/2/3, change_percent = 100 (S_del - S_init) / S_init in its shortest exact form,
 * warnings joined by '; '; a patient whose curve could not be measured has empty tic and
 * change and 'error: <reason>' as its warnings).
 */
import { formatCsv, formatNumber } from '../io/csv.ts';
import type { Volume } from '../io/volume.ts';
import type { TicResult, TicType } from '../dce/tic.ts';

export interface MeasuredTic {
  type: TicType;
  /** (S_del - S_init) / S_init, a fraction (0.1 = +10 %) */
  change: number;
  warnings: string[];
}

/** What the extraction keeps for a patient: the measured TIC, or why it could not be measured. */
export type PatientTic = MeasuredTic | { error: string };

export function isMeasured(t: PatientTic | null | undefined): t is MeasuredTic {
  return !!t && 'type' in t;
}

/** The part of a TIC result the cohort keeps; `before` are warnings of the reading (import) step. */
export function measuredTicOf(r: TicResult, before: readonly string[] = []): MeasuredTic {
  return { type: r.type, change: r.change, warnings: [...before, ...r.warnings] };
}

export interface TicCsvRow {
  id: string;
  tic: PatientTic;
}

/** The `--out-tic` CSV: id,tic,change_percent,warnings. */
export function formatTicCsv(rows: readonly TicCsvRow[]): string {
  const out: string[][] = [['id', 'tic', 'change_percent', 'warnings']];
  for (const { id, tic } of rows) {
    if (isMeasured(tic)) out.push([id, String(tic.type), formatNumber(100 * tic.change), tic.warnings.join('; ')]);
    else out.push([id, '', '', `error: ${tic.error}`]);
  }
  return formatCsv(out);
}

/** The bounding box (inclusive voxel indices) of a mask's nonzero voxels, or null when it has none. */
export function maskBox(mask: Volume): { lo: [number, number, number]; hi: [number, number, number] } | null {
  const [nx, ny, nz] = mask.size;
  const lo: [number, number, number] = [nx, ny, nz];
  const hi: [number, number, number] = [-1, -1, -1];
  const d = mask.data;
  let i = 0;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let x = 0; x < nx; x++, i++) {
        if (d[i] === 0) continue;
        if (x < lo[0]) lo[0] = x;
        if (x > hi[0]) hi[0] = x;
        if (j < lo[1]) lo[1] = j;
        if (j > hi[1]) hi[1] = j;
        if (k < lo[2]) lo[2] = k;
        if (k > hi[2]) hi[2] = k;
      }
  return hi[0] < 0 ? null : { lo, hi };
}

