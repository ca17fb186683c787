/**
 * What the features were extracted with, as the features CSV states it (docs/features-csv.md):
 * PyRadiomics's `diagnostics_Configuration_Settings` (its `_settings` dict, a Python dict
 * literal) and `diagnostics_Configuration_EnabledImageTypes`. `fit` records it in MODEL.json
 * (`provenance.extraction`), and scoring refuses a patient whose features were extracted
 * otherwise, naming the setting: a feature of the same name computed with another bin width,
 * resampling or filter is another number, and the rad-score would be silently wrong.
 *
 * The enabled feature classes are not part of the record: PyRadiomics does not write them in
 * the diagnostics, and a feature's value does not depend on which other classes ran (each
 * feature the model needs is looked up by its name when scoring).
 */
import { parseCsv } from '../io/csv.ts';
import { sha256 } from './sha256.ts';

export const SETTINGS_COLUMN = 'diagnostics_Configuration_Settings';
export const IMAGE_TYPES_COLUMN = 'diagnostics_Configuration_EnabledImageTypes';

/**
 * Settings that choose the ROI or the output, not how a feature is computed: left out of the
 * hash and the comparison (a cohort extracted with `--label 2` gives the same numbers).
 */
export const NOT_VALUE_SETTINGS: ReadonlySet<string> = new Set(['label', 'label_channel', 'additionalInfo']);

const valueSettings = (s: Record<string, PyValue>): Record<string, PyValue> => Object.fromEntries(Object.entries(s).filter(([k]) => !NOT_VALUE_SETTINGS.has(k)));

export type PyValue = null | boolean | number | string | PyValue[] | { [key: string]: PyValue };

/** MODEL.json's provenance.extraction. */
export interface ExtractionRecord {
  /**
   * SHA-256 of the canonical JSON (keys sorted) of {image_types, settings}, the settings without
   * label, label_channel and additionalInfo; null when the CSV states no settings
   */
  settings_hash: string | null;
  /** diagnostics_Configuration_Settings, parsed (Python None -> null, tuples -> arrays) */
  settings: Record<string, PyValue> | null;
  /** diagnostics_Configuration_EnabledImageTypes, parsed (image type -> its own settings) */
  image_types: Record<string, PyValue> | null;
  /** the DCE phase the features come from (0 = pre-contrast) when stated, else null */
  phase: number | null;
}

/** One patient's (or one CSV row's) extraction, as scoring compares it with the model's. */
export interface PatientExtraction {
  settings: Record<string, PyValue> | null;
  image_types: Record<string, PyValue> | null;
  /** null: not known (the features CSV does not carry the phase) */
  phase: number | null;
}

export class ExtractionRecordError extends Error {}

/** Reads a Python literal as PyRadiomics prints it: dicts, lists, tuples, strings, numbers, None, True, False. */
export function parsePythonLiteral(text: string, what = 'value'): PyValue {
  let i = 0;
  const fail = (msg: string): never => {
    throw new ExtractionRecordError(`${what}: ${msg} at character ${i + 1} of '${text.length > 80 ? text.slice(0, 80) + '...' : text}'`);
  };
  const ws = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const value = (): PyValue => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const out: Record<string, PyValue> = {};
      ws();
      while (text[i] !== '}') {
        const k = value();
        if (typeof k !== 'string') fail('a dict key that is not a string');
        ws();
        if (text[i] !== ':') fail("expected ':'");
        i++;
        out[k as string] = value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== '}') fail("expected ',' or '}'");
        ws();
      }
      i++;
      return out;
    }
    if (c === '[' || c === '(') {
      const close = c === '[' ? ']' : ')';
      i++;
      const out: PyValue[] = [];
      ws();
      while (text[i] !== close) {
        out.push(value());
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== close) fail(`expected ',' or '${close}'`);
        ws();
      }
      i++;
      return out;
    }
    if (c === "'" || c === '"') {
      i++;
      let s = '';
      while (i < text.length && text[i] !== c) {
        if (text[i] === '\\') i++;
        s += text[i++];
      }
      if (i >= text.length) fail('an unterminated string');
      i++;
      return s;
    }
    const m = /^(None|True|False|[-+]?(?:inf|nan|\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?))/.exec(text.slice(i));
    if (!m) return fail('not a Python literal');
    i += m[0].length;
    const t = m[0];
    if (t === 'None') return null;
    if (t === 'True' || t === 'False') return t === 'True';
    if (/inf$/.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
    if (/nan$/.test(t)) return NaN;
    return Number(t);
  };
  const v = value();
  ws();
  if (i !== text.length) fail('unexpected text');
  return v;
}

/** JSON with object keys sorted at every level: the same settings hash the same whatever their order. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

export function settingsHash(settings: Record<string, PyValue> | null, imageTypes: Record<string, PyValue> | null): string | null {
  return settings ? sha256(canonicalJson({ image_types: imageTypes, settings: valueSettings(settings) })) : null;
}

/** The two diagnostics cells of one row (undefined: no such column, or an empty cell). */
export interface DiagnosticsCells {
  settings?: string;
  imageTypes?: string;
}

function parseDict(text: string | undefined, what: string): Record<string, PyValue> | null {
  if (text === undefined || text.trim() === '') return null;
  const v = parsePythonLiteral(text, what);
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new ExtractionRecordError(`${what}: not a dict`);
  return v;
}

/** A row's extraction from its diagnostics cells (phase as the caller knows it). */
export function patientExtraction(cells: DiagnosticsCells | null | undefined, phase: number | null = null, source = 'features'): PatientExtraction {
  return {
    settings: parseDict(cells?.settings, `${source}: ${SETTINGS_COLUMN}`),
    image_types: parseDict(cells?.imageTypes, `${source}: ${IMAGE_TYPES_COLUMN}`),
    phase,
  };
}

/** The diagnostics cells by patient id of a features CSV text (the columns PyRadiomics writes; absent ones give undefined). */
export function readExtractionDiagnostics(csvText: string): Map<string, DiagnosticsCells> {
  const table = parseCsv(csvText);
  const out = new Map<string, DiagnosticsCells>();
  if (table.length === 0) return out;
  const header = table[0].map((h) => h.trim());
  const idCol = header.findIndex((h) => h === 'id' || h === 'ID');
  const sCol = header.indexOf(SETTINGS_COLUMN);
  const tCol = header.indexOf(IMAGE_TYPES_COLUMN);
  if (idCol < 0) return out;
  for (let r = 1; r < table.length; r++) {
    const id = (table[r][idCol] ?? '').trim();
    if (id === '') continue;
    const cell = (c: number) => (c >= 0 && (table[r][c] ?? '').trim() !== '' ? table[r][c] : undefined);
    out.set(id, { settings: cell(sCol), imageTypes: cell(tCol) });
  }
  return out;
}

const show = (v: PyValue | undefined): string => (v === undefined ? '(not set)' : typeof v === 'string' ? `'${v}'` : JSON.stringify(v, (_, x) => (typeof x === 'number' && !Number.isFinite(x) ? String(x) : x)).replaceAll(',', ', ').replaceAll(':', ': '));

const imageTypesText = (t: Record<string, PyValue>): string =>
  Object.entries(t)
    .map(([k, v]) => (v && typeof v === 'object' && Object.keys(v).length ? `${k} ${show(v)}` : k))
    .join(', ') || '(none)';

/**
 * The first difference between two extractions, in words: [what the first has, what the
 * second has], e.g. ['binWidth 5', 'binWidth 25']; null when they agree. Settings are compared
 * key by key (the first's order, then keys only the second has; NOT_VALUE_SETTINGS aside),
 * then the image types, then the phase when both state one.
 */
export function extractionDifference(a: PatientExtraction, b: PatientExtraction): [string, string] | null {
  const sa = valueSettings(a.settings ?? {});
  const sb = valueSettings(b.settings ?? {});
  for (const k of [...Object.keys(sa), ...Object.keys(sb).filter((k) => !(k in sa))]) {
    if (canonicalJson(sa[k]) !== canonicalJson(sb[k])) return [`${k} ${show(sa[k])}`, `${k} ${show(sb[k])}`];
  }
  if (a.image_types && b.image_types && canonicalJson(a.image_types) !== canonicalJson(b.image_types)) {
    return [`image types ${imageTypesText(a.image_types)}`, `image types ${imageTypesText(b.image_types)}`];
  }
  if ((a.image_types === null) !== (b.image_types === null)) {
    const t = (x: PatientExtraction) => (x.image_types ? `image types ${imageTypesText(x.image_types)}` : `no ${IMAGE_TYPES_COLUMN}`);
    return [t(a), t(b)];
  }
  if (a.phase !== null && b.phase !== null && a.phase !== b.phase) return [`DCE phase ${a.phase}`, `DCE phase ${b.phase}`];
  return null;
}

/**
 * The extraction record of a training set: every row must state the same settings (a model
 * fitted on a mix of extractions is refused, naming two patients and the setting). Null when
 * no row states settings and no phase is given.
 */
export function extractionRecordOf(ids: readonly string[], diagnostics: Map<string, DiagnosticsCells> | null | undefined, phase: number | null, source: string): ExtractionRecord | null {
  let first: { id: string; x: PatientExtraction } | null = null;
  for (const id of ids) {
    const x = patientExtraction(diagnostics?.get(id), null, `${source}: patient '${id}'`);
    if (!first) {
      first = { id, x };
      continue;
    }
    if ((first.x.settings === null) !== (x.settings === null)) {
      const [has, lacks] = first.x.settings ? [first.id, id] : [id, first.id];
      throw new ExtractionRecordError(`${source}: patient '${lacks}' has no ${SETTINGS_COLUMN} while patient '${has}' has: a model needs features extracted with one set of settings`);
    }
    const d = extractionDifference(first.x, x);
    if (d) throw new ExtractionRecordError(`${source}: patient '${first.id}' was extracted with ${d[0]}, patient '${id}' with ${d[1]}: a model needs features extracted with one set of settings`);
  }
  const settings = first?.x.settings ?? null;
  const imageTypes = first?.x.image_types ?? null;
  if (!settings && phase === null) return null;
  return { settings_hash: settingsHash(settings, imageTypes), settings, image_types: imageTypes, phase };
}

/**
 * Scoring's check of a patient's extraction against the model's record: throws (via `refuse`)
 * naming the first setting that differs, or when the patient's features state no settings
 * while the model's do. A model without a record (MODEL.json written before it existed, or
 * fitted on a CSV without diagnostics) is accepted: the returned warning says so.
 */
export function checkExtraction(record: ExtractionRecord | null | undefined, patient: PatientExtraction | null | undefined, who: string, refuse: (message: string) => Error): string | null {
  if (!record || !record.settings) {
    if (record && record.phase !== null && patient && patient.phase !== null && patient.phase !== record.phase) {
      throw refuse(`${who}: the model was trained on features of DCE phase ${record.phase}; this patient's were extracted from DCE phase ${patient.phase}`);
    }
    return `the model records no extraction settings (a MODEL.json without provenance.extraction, or trained on features without ${SETTINGS_COLUMN}): the patient's features could not be checked against them`;
  }
  if (!patient || !patient.settings) {
    throw refuse(
      `${who}: the features carry no extraction settings (${SETTINGS_COLUMN}), so they cannot be checked against the model's (settings hash ${record.settings_hash!.slice(0, 12)}); extract them with the model's parameters, keeping PyRadiomics's diagnostics`,
    );
  }
  const d = extractionDifference({ settings: record.settings, image_types: record.image_types, phase: record.phase }, patient);
  if (d) throw refuse(`${who}: the model was trained on features with ${d[0]}; this patient's were extracted with ${d[1]}`);
  return null;
}
