/**
 * A research group's clinical spreadsheet (CSV) read into the cohort, whatever its column
 * names and spellings: the user maps columns to the study's variables (a guess is offered),
 * each cell is read by the variable's kind, and the result is the one clinical CSV the
 * modelling engine reads (workers/io/clinical-csv.ts):
 *
 *   id,label,split,age,diameter,stage,aln,er,pr,ki67,tic,ihc,ish
 *
 * with numbers only: stage and tic 1/2/3, aln/er/pr 0/1, ki67 0/1 (high > 14%, the study's
 * Table 1 cut, when the column holds percentages), ihc 0..3, ish 1/0/empty. The label is
 * derived from IHC and ISH (./her2-label.ts) when those are mapped, else read from a label
 * column. A cell that cannot be read is an error naming its row and column.
 */
import { formatCsv, formatNumber, parseCsv, parseNumber } from '../io/csv.ts';
import { deriveHer2Label, labelFromGiven, type Her2Label } from './her2-label.ts';

export type ClinicalVariable = 'age' | 'diameter' | 'stage' | 'aln' | 'er' | 'pr' | 'ki67' | 'tic' | 'ihc' | 'ish';
export type MappedField = 'id' | 'label' | 'split' | ClinicalVariable;

type Kind = 'id' | 'label' | 'split' | 'number' | 'stage' | 'tic' | 'binary' | 'ki67' | 'ihc' | 'ish';

export interface ClinicalField {
  key: MappedField;
  title: string;
  kind: Kind;
  /** header spellings recognised by guessMapping (compared without case, spaces or punctuation) */
  synonyms: string[];
}

export const CLINICAL_FIELDS: readonly ClinicalField[] = [
  { key: 'id', title: 'Patient id', kind: 'id', synonyms: ['id', 'patient', 'patientid', 'patient id', 'case', 'caseid', 'subject', 'mrn'] },
  { key: 'label', title: 'Label (1 = HER2-low, 0 = HER2-zero)', kind: 'label', synonyms: ['label', 'class', 'her2low', 'outcome'] },
  { key: 'split', title: 'Split (train / test)', kind: 'split', synonyms: ['split', 'set', 'dataset', 'partition'] },
  { key: 'age', title: 'Age (years)', kind: 'number', synonyms: ['age', 'ageyears', 'ageyear', 'agey'] },
  { key: 'diameter', title: 'Maximum diameter (mm)', kind: 'number', synonyms: ['diameter', 'maximumdiameter', 'maxdiameter', 'diametermm', 'size', 'tumorsize', 'tumoursize', 'maximumdiametermm'] },
  { key: 'stage', title: 'Clinical stage (I-III)', kind: 'stage', synonyms: ['stage', 'clinicalstage', 'tnmstage'] },
  { key: 'aln', title: 'Axillary lymph nodes (metastatic = 1)', kind: 'binary', synonyms: ['aln', 'alnstatus', 'axillarynodes', 'axillarylymphnodes', 'nodes', 'ln', 'lymphnode', 'lymphnodes', 'nodalstatus'] },
  { key: 'er', title: 'ER (positive = 1)', kind: 'binary', synonyms: ['er', 'erstatus', 'estrogenreceptor', 'oestrogenreceptor'] },
  { key: 'pr', title: 'PR (positive = 1)', kind: 'binary', synonyms: ['pr', 'prstatus', 'pgr', 'progesteronereceptor'] },
  { key: 'ki67', title: 'Ki-67 (high > 14% = 1)', kind: 'ki67', synonyms: ['ki67', 'ki67index', 'ki67status', 'ki67percent'] },
  { key: 'tic', title: 'TIC type (I-III)', kind: 'tic', synonyms: ['tic', 'tictype', 'curvetype', 'dcemritic', 'timeintensitycurve'] },
  { key: 'ihc', title: 'HER2 IHC score (0, 1+, 2+, 3+)', kind: 'ihc', synonyms: ['ihc', 'her2ihc', 'ihcscore', 'her2ihcscore', 'her2'] },
  { key: 'ish', title: 'HER2 ISH result (positive / negative)', kind: 'ish', synonyms: ['ish', 'fish', 'her2ish', 'ishresult', 'sish', 'cish', 'her2fish'] },
];

export const CLINICAL_VARIABLES: readonly ClinicalVariable[] = ['age', 'diameter', 'stage', 'aln', 'er', 'pr', 'ki67', 'tic', 'ihc', 'ish'];

/** field -> the CSV column (header text as in the file) that holds it, or null */
export type ColumnMapping = Partial<Record<MappedField, string | null>>;

export interface ClinicalRecord {
  id: string;
  /** 1-based line in the file */
  line: number;
  /** every clinical variable, NaN when missing or not mapped */
  values: Record<ClinicalVariable, number>;
  /** from a label column */
  givenLabel: 0 | 1 | null;
  /** from a split column */
  givenSplit: 'train' | 'test' | null;
}

export interface ClinicalImport {
  source: string;
  header: string[];
  mapping: ColumnMapping;
  records: ClinicalRecord[];
  /** how a Ki-67 column of percentages was read (null when 0/1 or not mapped) */
  ki67Note: string | null;
}

export class ClinicalImportError extends Error {}

/** The study's Ki-67 cut (Table 1: high > 14%, low < 14%). */
export const KI67_HIGH_ABOVE = 14;

const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/** A mapping guessed from header names (each column used at most once). */
export function guessMapping(header: readonly string[]): ColumnMapping {
  const mapping: ColumnMapping = {};
  const used = new Set<number>();
  for (const f of CLINICAL_FIELDS) {
    const wanted = new Set(f.synonyms.map(squash));
    const c = header.findIndex((h, i) => !used.has(i) && wanted.has(squash(h)));
    mapping[f.key] = c >= 0 ? header[c] : null;
    if (c >= 0) used.add(c);
  }
  return mapping;
}

const BINARY: Record<string, number> = {
  '1': 1, '0': 0, positive: 1, negative: 0, pos: 1, neg: 0, '+': 1, '-': 0, yes: 1, no: 0, y: 1, n: 0, true: 1, false: 0,
  metastatic: 1, nonmetastatic: 0, 'non-metastatic': 0, 'not metastatic': 0, present: 1, absent: 0,
  n0: 0, n1: 1, n2: 1, n3: 1,
};
const ROMAN: Record<string, number> = { i: 1, ii: 2, iii: 3, iv: 4 };
const ISH: Record<string, number> = {
  positive: 1, pos: 1, '+': 1, amplified: 1, '1': 1,
  negative: 0, neg: 0, '-': 0, 'not amplified': 0, 'non-amplified': 0, nonamplified: 0, '0': 0,
  'not done': NaN, 'not performed': NaN, nd: NaN, 'n/a': NaN, none: NaN,
};

const isMissing = (t: string) => t === '' || /^(na|nan|n\/a|null|missing|unknown|\?)$/i.test(t);

/** Reads one cell; returns undefined when the text is not a value of this kind. */
function readCell(kind: Kind, text: string): number | undefined {
  const t = text.trim();
  if (kind === 'ish') {
    const k = t.toLowerCase();
    if (k in ISH) return ISH[k];
    return isMissing(t) ? NaN : undefined;
  }
  if (isMissing(t)) return NaN;
  const lower = t.toLowerCase();
  switch (kind) {
    case 'number':
    case 'ki67': {
      const v = parseNumber(t.replace(/%$/, ''));
      if (kind === 'ki67' && v === undefined) return lower === 'high' ? 1 : lower === 'low' ? 0 : undefined;
      return v !== undefined && Number.isFinite(v) ? v : undefined;
    }
    case 'binary':
      return lower in BINARY ? BINARY[lower] : undefined;
    case 'stage':
    case 'tic': {
      const m = /^(?:stage|type)?\s*([0-9]+|i{1,3}|iv)[abc]?$/i.exec(lower);
      if (!m) return undefined;
      const v = m[1] in ROMAN ? ROMAN[m[1]] : Number(m[1]);
      const max = kind === 'tic' ? 3 : 4;
      return v >= 1 && v <= max ? v : undefined;
    }
    case 'ihc': {
      const m = /^(?:ihc\s*)?([0-3])\s*\+?$/.exec(lower);
      return m ? Number(m[1]) : undefined;
    }
    default:
      return undefined;
  }
}

function expected(kind: Kind): string {
  switch (kind) {
    case 'number': return 'a number';
    case 'ki67': return 'a percentage, 0/1 or high/low';
    case 'binary': return '1/0, positive/negative or yes/no';
    case 'stage': return 'a stage I-IV (or 1-4)';
    case 'tic': return 'a TIC type I, II or III (or 1-3)';
    case 'ihc': return '0, 1+, 2+ or 3+';
    case 'ish': return 'positive, negative or not done';
    default: return 'a value';
  }
}

/**
 * Reads a clinical CSV with a column mapping (guessMapping's when none is given). Errors
 * name the file, row and column: an empty or repeated id, an unreadable cell, a mapped
 * column that is not in the header.
 */
export function readClinical(text: string, source: string, mapping?: ColumnMapping): ClinicalImport {
  const table = parseCsv(text);
  if (table.length === 0) throw new ClinicalImportError(`${source}: the file is empty`);
  const header = table[0].map((h) => h.trim());
  const map = mapping ?? guessMapping(header);
  const col = (f: MappedField): number => {
    const name = map[f];
    if (name === undefined || name === null || name === '') return -1;
    const c = header.indexOf(name);
    if (c < 0) throw new ClinicalImportError(`${source}: the column '${name}' mapped to ${f} is not in the header`);
    return c;
  };
  const idCol = col('id');
  if (idCol < 0) throw new ClinicalImportError(`${source}: no column is mapped to the patient id (header: ${header.join(', ')})`);
  const fieldCols = CLINICAL_FIELDS.filter((f) => f.key !== 'id').map((f) => ({ f, c: col(f.key) }));
  const records: ClinicalRecord[] = [];
  const seen = new Map<string, number>();
  const ki67Raw: number[] = [];
  for (let r = 1; r < table.length; r++) {
    const row = table[r];
    const line = r + 1;
    const id = (row[idCol] ?? '').trim();
    if (id === '') throw new ClinicalImportError(`${source}: row ${line} has an empty patient id (column '${header[idCol]}')`);
    if (seen.has(id)) throw new ClinicalImportError(`${source}: row ${line}: patient '${id}' appears twice (also row ${seen.get(id)})`);
    seen.set(id, line);
    const values = Object.fromEntries(CLINICAL_VARIABLES.map((v) => [v, NaN])) as Record<ClinicalVariable, number>;
    let givenLabel: 0 | 1 | null = null;
    let givenSplit: 'train' | 'test' | null = null;
    for (const { f, c } of fieldCols) {
      if (c < 0) continue;
      const cell = row[c] ?? '';
      const t = cell.trim();
      const where = `${source}: row ${line} (patient '${id}'), column '${header[c]}'`;
      if (f.kind === 'label') {
        const k = t.toLowerCase();
        if (isMissing(t)) givenLabel = null;
        else if (k === '1' || k === 'her2-low' || k === 'her2low' || k === 'low') givenLabel = 1;
        else if (k === '0' || k === 'her2-zero' || k === 'her2zero' || k === 'zero' || k === 'her2-0') givenLabel = 0;
        else throw new ClinicalImportError(`${where}: '${cell}' is not 1 (HER2-low) or 0 (HER2-zero)`);
      } else if (f.kind === 'split') {
        const k = t.toLowerCase();
        if (isMissing(t)) givenSplit = null;
        else if (k === 'train' || k === 'training') givenSplit = 'train';
        else if (k === 'test' || k === 'testing' || k === 'validation') givenSplit = 'test';
        else throw new ClinicalImportError(`${where}: '${cell}' is not train or test`);
      } else {
        const v = readCell(f.kind, cell);
        if (v === undefined) throw new ClinicalImportError(`${where}: '${cell}' is not ${expected(f.kind)}`);
        if (f.kind === 'number' && v < 0) throw new ClinicalImportError(`${where}: '${cell}' is negative`);
        values[f.key as ClinicalVariable] = v;
        if (f.key === 'ki67' && !Number.isNaN(v)) ki67Raw.push(v);
      }
    }
    records.push({ id, line, values, givenLabel, givenSplit });
  }
  // Ki-67 as the study uses it: high (> 14%) = 1, low = 0, when the column holds percentages.
  let ki67Note: string | null = null;
  if (ki67Raw.some((v) => v !== 0 && v !== 1)) {
    for (const rec of records) {
      const v = rec.values.ki67;
      if (v < 0 || v > 100) throw new ClinicalImportError(`${source}: row ${rec.line} (patient '${rec.id}'), column '${map.ki67}': ${v}% is not a percentage`);
      if (!Number.isNaN(v)) rec.values.ki67 = v > KI67_HIGH_ABOVE ? 1 : 0;
    }
    ki67Note = `Ki-67 read as a percentage: high (> ${KI67_HIGH_ABOVE}%) = 1, low = 0, as in the study's Table 1`;
  }
  return { source, header, mapping: map, records, ki67Note };
}

/**
 * The patient's label: derived from IHC/ISH when the IHC column is mapped (a given label
 * that disagrees is an error naming the row), else the label column.
 */
export function labelOf(rec: ClinicalRecord, ihcMapped: boolean, source = 'clinical CSV'): Her2Label {
  if (!ihcMapped) return labelFromGiven(rec.givenLabel);
  const derived = deriveHer2Label(rec.values.ihc, rec.values.ish);
  if (rec.givenLabel !== null && derived.label !== null && derived.label !== rec.givenLabel) {
    throw new ClinicalImportError(
      `${source}: row ${rec.line} (patient '${rec.id}'): the label column says ${rec.givenLabel} but IHC ${rec.values.ihc} / ISH gives ${derived.class}`,
    );
  }
  if (derived.class === 'unknown' && rec.givenLabel !== null) return labelFromGiven(rec.givenLabel);
  return derived;
}

export interface ClinicalCsvRow {
  id: string;
  label: 0 | 1 | null;
  split: 'train' | 'test' | null;
  values: Record<ClinicalVariable, number>;
}

/** A numeric column written after the variables (one value per row, NaN = empty). */
export interface ExtraColumn {
  name: string;
  values: readonly number[];
}

/**
 * The modelling engine's clinical CSV (id,label,split, then the variables that any row has,
 * in CLINICAL_VARIABLES order, then any extra columns); numbers in their shortest exact form,
 * missing as empty.
 */
export function formatClinicalCsv(rows: readonly ClinicalCsvRow[], variables?: readonly ClinicalVariable[], extra: readonly ExtraColumn[] = []): string {
  const vars = variables ?? CLINICAL_VARIABLES.filter((v) => rows.some((r) => !Number.isNaN(r.values[v])));
  const cell = (x: number) => (Number.isNaN(x) ? '' : formatNumber(x));
  const out: string[][] = [['id', 'label', 'split', ...vars, ...extra.map((e) => e.name)]];
  rows.forEach((r, i) => {
    out.push([
      r.id,
      r.label === null ? '' : String(r.label),
      r.split ?? '',
      ...vars.map((v) => cell(r.values[v])),
      ...extra.map((e) => cell(e.values[i])),
    ]);
  });
  return formatCsv(out);
}
