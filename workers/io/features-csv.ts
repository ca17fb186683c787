/**
 * The one features format (docs/features-csv.md): CSV columns `id`, then the
 * `diagnostics_*` columns as PyRadiomics writes them, then the features in PyRadiomics's
 * order, one row per case. Readers accept `ID` for `id` and ignore `Image`, `Mask` and
 * `diagnostics_*` columns, so PyRadiomics's own batch CSVs read too.
 */
import { formatCsv, formatNumber, parseCsv, parseNumber } from './csv.ts';

export interface FeatureRow {
  id: string;
  /** diagnostics_* keys in PyRadiomics's order; values as PyRadiomics prints them. */
  diagnostics: Record<string, string>;
  /** feature name -> value, in PyRadiomics's order. */
  features: Record<string, number>;
}

export interface FeatureTable {
  ids: string[];
  /** feature names (no diagnostics), in file order */
  names: string[];
  /** one row per id, aligned with names; a missing cell is NaN */
  rows: Float64Array[];
}

const IGNORED = new Set(['image', 'mask']);

/** Columns: the union over rows in first-seen order (diagnostics first, then features). */
export function formatFeaturesCsv(rows: readonly FeatureRow[]): string {
  const diag: string[] = [];
  const feat: string[] = [];
  const seenD = new Set<string>();
  const seenF = new Set<string>();
  for (const r of rows) {
    for (const k of Object.keys(r.diagnostics)) {
      if (!seenD.has(k)) {
        seenD.add(k);
        diag.push(k);
      }
    }
    for (const k of Object.keys(r.features)) {
      if (!seenF.has(k)) {
        seenF.add(k);
        feat.push(k);
      }
    }
  }
  const out: string[][] = [['id', ...diag, ...feat]];
  for (const r of rows) {
    const line = [r.id];
    for (const k of diag) line.push(r.diagnostics[k] ?? '');
    for (const k of feat) line.push(k in r.features ? formatNumber(r.features[k]) : '');
    out.push(line);
  }
  return formatCsv(out);
}

/** JSON form: one object {name: value} in the same order (diagnostics as strings, features as numbers). */
export function featureRowToJson(r: FeatureRow): Record<string, string | number> {
  const o: Record<string, string | number> = { id: r.id };
  for (const [k, v] of Object.entries(r.diagnostics)) o[k] = v;
  for (const [k, v] of Object.entries(r.features)) o[k] = v;
  return o;
}

export class FeaturesCsvError extends Error {}

/**
 * Reads a features CSV. `source` names the file in error messages. A non-numeric feature
 * cell is an error naming its row and column; an empty cell is NaN (missing).
 */
export function parseFeaturesCsv(text: string, source = 'features CSV'): FeatureTable {
  const table = parseCsv(text);
  if (table.length === 0) throw new FeaturesCsvError(`${source}: the file is empty`);
  const header = table[0].map((h) => h.trim());
  const idCol = header.findIndex((h) => h === 'id' || h === 'ID');
  if (idCol < 0) throw new FeaturesCsvError(`${source}: no 'id' (or 'ID') column in the header`);
  const cols: number[] = [];
  const names: string[] = [];
  header.forEach((h, c) => {
    if (c === idCol || IGNORED.has(h.toLowerCase()) || h.startsWith('diagnostics_') || h === '') return;
    cols.push(c);
    names.push(h);
  });
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new FeaturesCsvError(`${source}: column '${dup}' appears twice`);
  const ids: string[] = [];
  const rows: Float64Array[] = [];
  const seen = new Set<string>();
  for (let r = 1; r < table.length; r++) {
    const line = table[r];
    const id = (line[idCol] ?? '').trim();
    if (id === '') throw new FeaturesCsvError(`${source}: row ${r + 1} has an empty id`);
    if (seen.has(id)) throw new FeaturesCsvError(`${source}: id '${id}' appears twice (row ${r + 1})`);
    seen.add(id);
    const values = new Float64Array(cols.length);
    for (let j = 0; j < cols.length; j++) {
      const cell = line[cols[j]] ?? '';
      const v = parseNumber(cell);
      if (v === undefined) {
        if (cell.trim() === '') values[j] = NaN;
        else
          throw new FeaturesCsvError(
            `${source}: row ${r + 1} (id '${id}'), column '${names[j]}': '${cell}' is not a number`,
          );
      } else values[j] = v;
    }
    ids.push(id);
    rows.push(values);
  }
  return { ids, names, rows };
}
