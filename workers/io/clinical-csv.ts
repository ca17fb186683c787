/**
 * The clinical CSV of `her2 fit` / `her2 predict` and of the app's cohort view:
 *
 *   id,label,split,age,diameter,stage,aln,tic,er,pr,ki67,ihc,ish
 *
 * - `id` (or `ID`): the patient, as in the features CSV;
 * - `label`: 1 = HER2-low, 0 = HER2-zero (empty = unknown, e.g. a new patient to score);
 * - `split`: `train` or `test` (empty when the split is to be drawn, or for scoring);
 * - every other column is a clinical variable with numeric cells (empty / NA = missing):
 *   age (years), diameter (mm), stage (1/2/3), aln (0/1), tic (1/2/3), er, pr, ki67 (0/1)...
 *   The HER2 columns `ihc` (0, 1+, 2+, 3+ or 0-3) and `ish` (positive/negative or 1/0) are read
 *   as numbers too; they define the label and are never predictors.
 * Column names are case-insensitive and used in lower case. A bad cell is an error naming its
 * row and column.
 */
import { parseCsv, parseNumber } from './csv.ts';

export interface ClinicalTable {
  source: string;
  ids: string[];
  /** 1 = HER2-low, 0 = HER2-zero, null = not given */
  label: (0 | 1 | null)[];
  split: ('train' | 'test' | null)[];
  /** the variable columns, lower case, in file order */
  variables: string[];
  /** variable -> one value per patient (NaN = missing) */
  values: Record<string, Float64Array>;
  /** 1-based line of each patient in the file, for messages */
  line: number[];
}

export class ClinicalCsvError extends Error {}

const IHC_TEXT: Record<string, number> = { '0': 0, '1+': 1, '2+': 2, '3+': 3 };
const ISH_TEXT: Record<string, number> = {
  positive: 1, pos: 1, '+': 1, amplified: 1,
  negative: 0, neg: 0, '-': 0, 'not amplified': 0,
  // an ISH that was not performed is missing, not an error (it is only needed for IHC 2+)
  'not done': NaN, 'not performed': NaN, nd: NaN, 'n/a': NaN,
};

function parseCell(column: string, cell: string): number | undefined {
  const t = cell.trim();
  if (t === '' || t.toUpperCase() === 'NA') return NaN;
  if (column === 'ihc' && t in IHC_TEXT) return IHC_TEXT[t];
  if (column === 'ish' && t.toLowerCase() in ISH_TEXT) return ISH_TEXT[t.toLowerCase()];
  const v = parseNumber(t);
  return v === undefined || !Number.isFinite(v) ? undefined : v;
}

export function parseClinicalCsv(text: string, source = 'clinical CSV'): ClinicalTable {
  const table = parseCsv(text);
  if (table.length === 0) throw new ClinicalCsvError(`${source}: the file is empty`);
  const header = table[0].map((h) => h.trim().toLowerCase());
  const idCol = header.indexOf('id');
  if (idCol < 0) throw new ClinicalCsvError(`${source}: no 'id' column in the header`);
  const dup = header.find((h, i) => h !== '' && header.indexOf(h) !== i);
  if (dup) throw new ClinicalCsvError(`${source}: column '${dup}' appears twice`);
  const labelCol = header.indexOf('label');
  const splitCol = header.indexOf('split');
  const varCols: number[] = [];
  header.forEach((h, c) => {
    if (c !== idCol && c !== labelCol && c !== splitCol && h !== '') varCols.push(c);
  });
  const variables = varCols.map((c) => header[c]);
  const n = table.length - 1;
  const values: Record<string, Float64Array> = {};
  for (const v of variables) values[v] = new Float64Array(n);
  const ids: string[] = [];
  const label: (0 | 1 | null)[] = [];
  const split: ('train' | 'test' | null)[] = [];
  const line: number[] = [];
  const seen = new Set<string>();
  for (let r = 1; r < table.length; r++) {
    const row = table[r];
    const where = `row ${r + 1}`;
    const id = (row[idCol] ?? '').trim();
    if (id === '') throw new ClinicalCsvError(`${source}: ${where} has an empty id`);
    if (seen.has(id)) throw new ClinicalCsvError(`${source}: id '${id}' appears twice (${where})`);
    seen.add(id);
    ids.push(id);
    line.push(r + 1);
    if (labelCol >= 0) {
      const t = (row[labelCol] ?? '').trim();
      if (t === '' || t.toUpperCase() === 'NA') label.push(null);
      else if (t === '1' || t === '0') label.push(t === '1' ? 1 : 0);
      else throw new ClinicalCsvError(`${source}: ${where} (id '${id}'), column 'label': '${t}' is not 1 (HER2-low) or 0 (HER2-zero)`);
    } else label.push(null);
    if (splitCol >= 0) {
      const t = (row[splitCol] ?? '').trim().toLowerCase();
      if (t === '') split.push(null);
      else if (t === 'train' || t === 'test') split.push(t);
      else throw new ClinicalCsvError(`${source}: ${where} (id '${id}'), column 'split': '${row[splitCol]}' is not train or test`);
    } else split.push(null);
    varCols.forEach((c, k) => {
      const cell = row[c] ?? '';
      const v = parseCell(variables[k], cell);
      if (v === undefined) throw new ClinicalCsvError(`${source}: ${where} (id '${id}'), column '${variables[k]}': '${cell}' is not a number`);
      values[variables[k]][r - 1] = v;
    });
  }
  return { source, ids, label, split, variables, values, line };
}

/**
 * The study's label from the HER2 test results: IHC 0 -> 0 (HER2-zero); IHC 1+, or 2+ with a
 * negative ISH -> 1 (HER2-low); IHC 3+ or a positive ISH -> 'positive' (HER2-positive, outside
 * the study); null when the results do not decide (IHC 2+ without ISH, or no IHC).
 */
export function her2LabelFromIhc(ihc: number, ish: number): 0 | 1 | 'positive' | null {
  if (Number.isNaN(ihc)) return null;
  if (ish === 1 || ihc === 3) return 'positive';
  if (ihc === 0) return 0;
  if (ihc === 1) return 1;
  if (ihc === 2) return ish === 0 ? 1 : null;
  return null;
}

export interface FoldsTable {
  source: string;
  ids: string[];
  /** fold of each patient, 1..K */
  fold: number[];
  /** 1-based line of each entry in the file */
  line: number[];
}

/** The folds CSV of `her2 fit --folds`: columns `id,fold`, fold an integer 1..K. */
export function parseFoldsCsv(text: string, source = 'folds CSV'): FoldsTable {
  const table = parseCsv(text);
  if (table.length === 0) throw new ClinicalCsvError(`${source}: the file is empty`);
  const header = table[0].map((h) => h.trim().toLowerCase());
  const idCol = header.indexOf('id');
  const foldCol = header.indexOf('fold');
  if (idCol < 0 || foldCol < 0) throw new ClinicalCsvError(`${source}: the header needs columns 'id' and 'fold'`);
  const out: FoldsTable = { source, ids: [], fold: [], line: [] };
  for (let r = 1; r < table.length; r++) {
    const id = (table[r][idCol] ?? '').trim();
    const cell = (table[r][foldCol] ?? '').trim();
    if (id === '') throw new ClinicalCsvError(`${source}: row ${r + 1} has an empty id`);
    const f = parseNumber(cell);
    if (f === undefined || !Number.isInteger(f) || f < 1) throw new ClinicalCsvError(`${source}: row ${r + 1} (id '${id}'), column 'fold': '${cell}' is not an integer >= 1`);
    out.ids.push(id);
    out.fold.push(f);
    out.line.push(r + 1);
  }
  return out;
}
