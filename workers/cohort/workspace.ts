/**
 * The whole workspace in one file (DOM-free): the cohort, every patient's extracted features,
 * the ROIs and the models. A ZIP (fflate) with a fixed entry order and timestamps, so that
 * export -> import -> export gives the same bytes:
 *
 *   workspace.json     format, cohort, model list, active model, ROI list
 *   features.json      the feature records (diagnostics as text, features as numbers)
 *   models/<n>.json    each MODEL.json, byte for byte as it was imported or trained
 *   rois/<n>/<k>.bin   each saved ROI record's binary parts (e.g. each reader's packed label
 *                      map), byte for byte as its owner (app/lesion) stored them
 *
 * Numbers are JSON numbers (shortest round-trip text, exact); NaN, the infinities and -0, which
 * JSON lacks, are written {"$number": "NaN" | "Infinity" | "-Infinity" | "-0"}.
 */
import { strFromU8, strToU8, unzipSync, zipSync, type Zippable } from 'fflate';
import type { FeatureRow } from '../io/features-csv.ts';
import { COHORT_SCHEMA, type Cohort } from './cohort.ts';

export const WORKSPACE_FORMAT = 'her2-workspace/1';

export class WorkspaceError extends Error {}

export interface StoredFeatures {
  patientId: string;
  reader: 'reader1' | 'reader2';
  /** the parameter file's name and the phase the features were extracted with */
  params: string;
  phase: number;
  row: FeatureRow;
}

export interface StoredModel {
  id: string;
  name: string;
  /** 'trained' in this workspace, 'imported' from a file, 'demo' the embedded demo model */
  origin: 'trained' | 'imported' | 'demo';
  addedAt: string;
  /** the MODEL.json text */
  json: string;
}

export interface StoredRoi {
  /** its owner's key (the series' SeriesInstanceUIDs) */
  key: string;
  /** the record's JSON-able part (lesions, grid size, readers...) */
  meta: unknown;
  /** the record's binary parts, in order */
  data: Uint8Array[];
}

export interface Workspace {
  cohort: Cohort | null;
  features: StoredFeatures[];
  models: StoredModel[];
  activeModelId: string | null;
  rois: StoredRoi[];
}

/** 1980-01-01, the ZIP format's earliest date: a fixed stamp keeps the bytes reproducible. */
const FIXED_MTIME = new Date(1980, 0, 1, 0, 0, 0);

function encodeNumbers(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && (!Number.isFinite(value) || Object.is(value, -0))) return { $number: Object.is(value, -0) ? '-0' : String(value) };
  return value;
}

function decodeNumbers(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === '$number') {
      const t = (value as { $number: unknown }).$number;
      if (t === 'NaN') return NaN;
      if (t === 'Infinity') return Infinity;
      if (t === '-Infinity') return -Infinity;
      if (t === '-0') return -0;
      throw new WorkspaceError(`workspace: '${String(t)}' is not a number`);
    }
  }
  return value;
}

export function stringifyExact(value: unknown): string {
  return JSON.stringify(value, encodeNumbers);
}

export function parseExact<T>(text: string, source: string): T {
  try {
    return JSON.parse(text, decodeNumbers) as T;
  } catch (e) {
    if (e instanceof WorkspaceError) throw new WorkspaceError(`${source}: ${e.message}`);
    throw new WorkspaceError(`${source}: not valid JSON (${(e as Error).message})`);
  }
}

interface WorkspaceIndex {
  format: typeof WORKSPACE_FORMAT;
  cohort: Cohort | null;
  models: Omit<StoredModel, 'json'>[];
  activeModelId: string | null;
  rois: (Omit<StoredRoi, 'data'> & { parts: number })[];
}

export function serializeWorkspace(ws: Workspace): Uint8Array {
  const index: WorkspaceIndex = {
    format: WORKSPACE_FORMAT,
    cohort: ws.cohort,
    models: ws.models.map(({ json: _json, ...m }) => m),
    activeModelId: ws.activeModelId,
    rois: ws.rois.map(({ data, ...r }) => ({ ...r, parts: data.length })),
  };
  const files: Zippable = {
    'workspace.json': strToU8(stringifyExact(index)),
    'features.json': strToU8(stringifyExact(ws.features)),
  };
  ws.models.forEach((m, i) => (files[`models/${i}.json`] = strToU8(m.json)));
  ws.rois.forEach((r, i) => r.data.forEach((d, k) => (files[`rois/${i}/${k}.bin`] = [d, { level: 0 }])));
  return zipSync(files, { level: 6, mtime: FIXED_MTIME });
}

export function parseWorkspace(bytes: Uint8Array, source = 'workspace file'): Workspace {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
  } catch (e) {
    throw new WorkspaceError(`${source}: not a workspace file (${(e as Error).message})`);
  }
  const text = (name: string): string => {
    const b = entries[name];
    if (!b) throw new WorkspaceError(`${source}: '${name}' is missing`);
    return strFromU8(b);
  };
  const index = parseExact<WorkspaceIndex>(text('workspace.json'), `${source}: workspace.json`);
  if (index.format !== WORKSPACE_FORMAT) throw new WorkspaceError(`${source}: format '${String(index.format)}' is not ${WORKSPACE_FORMAT}`);
  if (index.cohort && index.cohort.schema !== COHORT_SCHEMA) throw new WorkspaceError(`${source}: cohort schema '${String(index.cohort.schema)}' is not ${COHORT_SCHEMA}`);
  const features = parseExact<StoredFeatures[]>(text('features.json'), `${source}: features.json`);
  const models = index.models.map((m, i) => ({ ...m, json: text(`models/${i}.json`) }));
  const rois = index.rois.map(({ parts, ...r }, i) => {
    const data = Array.from({ length: parts }, (_, k) => {
      const d = entries[`rois/${i}/${k}.bin`];
      if (!d) throw new WorkspaceError(`${source}: 'rois/${i}/${k}.bin' (ROI '${r.key}') is missing`);
      return d;
    });
    return { ...r, data };
  });
  return { cohort: index.cohort, features, models, activeModelId: index.activeModelId, rois };
}
