/**
 * De-identified exports: every patient id replaced by a study code (S001, S002, ...) in the
 * features CSVs and the clinical CSV, the key (id -> code) written to a separate file that
 * stays with whoever may re-identify. Codes are dealt in a seeded random order, so a code
 * says nothing about the id or the order patients were added; the caller draws the seed
 * (the app: crypto.getRandomValues) and it is not kept.
 *
 * Only the id column changes (and the rows are put in code order): diagnostics_* columns hold no patient identifiers (image and
 * mask hashes, geometry and settings), and the clinical columns are the study's variables.
 */
import { formatCsv, parseCsv, quoteCsvField } from '../io/csv.ts';
import { mulberry32, shuffled } from '../stats/split.ts';

export class DeidentifyError extends Error {}

/** id -> study code, codes S001... dealt in a seeded random order. */
export function studyCodes(ids: readonly string[], seed: number): Map<string, string> {
  const unique = [...new Set(ids)];
  const width = Math.max(3, String(unique.length).length);
  const order = shuffled(unique, mulberry32(seed));
  return new Map(order.map((id, k) => [id, `S${String(k + 1).padStart(width, '0')}`]));
}

/** The key file: `id,study_code`, in code order. */
export function keyCsv(codes: ReadonlyMap<string, string>): string {
  const rows = [...codes].sort((a, b) => (a[1] < b[1] ? -1 : 1));
  return formatCsv([['id', 'study_code'], ...rows.map(([id, code]) => [id, code])]);
}

/**
 * A CSV (features or clinical format: an `id` or `ID` column) with each id replaced by its
 * code, rows sorted by code; an id without a code is an error naming the file and row.
 * Other cells are kept byte for byte.
 */
export function replaceIds(csv: string, codes: ReadonlyMap<string, string>, source: string): string {
  const table = parseCsv(csv);
  if (table.length === 0) return csv;
  const idCol = table[0].findIndex((h) => h.trim() === 'id' || h.trim() === 'ID');
  if (idCol < 0) throw new DeidentifyError(`${source}: no 'id' column`);
  const rows: string[][] = [];
  for (let r = 1; r < table.length; r++) {
    const row = table[r].slice();
    const code = codes.get(row[idCol].trim());
    if (code === undefined) throw new DeidentifyError(`${source}: row ${r + 1}: patient '${row[idCol]}' has no study code`);
    row[idCol] = code;
    rows.push(row);
  }
  // rows in code order, so that the file's order says nothing about the original one
  rows.sort((a, b) => (a[idCol] < b[idCol] ? -1 : a[idCol] > b[idCol] ? 1 : 0));
  return [table[0], ...rows].map((row) => row.map(quoteCsvField).join(',')).join('\n') + '\n';
}
