/**
 * Test-only helpers for the texture-class conformance tests: read PyRadiomics's test
 * cases, baseline CSVs and .npy matrices from ../shared/conformance, prepare a crop the way
 * PyRadiomics's tests/testUtils.py does (with the engine's preprocessing modules), run a
 * class on a column and compare.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseCsv, parseNumber } from '../../io/csv.ts';
import { readNpy } from '../../io/npy.ts';
import { readNrrd } from '../../io/nrrd.ts';
import type { Vec3, Volume } from '../../io/volume.ts';
import { binImage, type BinningSettings } from '../discretize.ts';
import { cropArray } from '../crop.ts';
import { boxSize, roiBoundingBox, selectLabel } from '../mask.ts';
import { normalizeImage } from '../normalize.ts';
import { resegmentRoi } from '../resegment.ts';
import type { ResegmentMode } from '../settings.ts';
import type { CroppedRoi, TextureCompute, TextureSettings } from '../types.ts';
import { DEFAULT_TEXTURE_SETTINGS } from '../types.ts';

export const PYRADIOMICS_DIR = resolve(process.cwd(), '../shared/conformance/pyradiomics');
export const BASELINE_DIR = join(PYRADIOMICS_DIR, 'baseline');
export const DATA_DIR = join(PYRADIOMICS_DIR, 'data');

export function readVolume(file: string): Volume {
  return readNrrd(readFileSync(join(DATA_DIR, file)), file);
}

/** A Python dict literal (as PyRadiomics writes settings) read as JSON. */
export function parsePythonDict(text: string): Record<string, unknown> {
  const json = text.replace(/'/g, '"').replace(/\bNone\b/g, 'null').replace(/\bTrue\b/g, 'true').replace(/\bFalse\b/g, 'false');
  return JSON.parse(json) as Record<string, unknown>;
}

export interface BaselineColumn {
  /** column name, e.g. brain1_FBN */
  name: string;
  /** diagnostics_Configuration_TestCase, e.g. brain1 */
  testCase: string;
  settings: Record<string, unknown>;
  /** feature name without prefix -> expected value */
  values: Map<string, number>;
}

/** Reads baseline_<cls>.csv (rows = keys, columns = cases). */
export function readBaseline(cls: string): BaselineColumn[] {
  const rows = parseCsv(readFileSync(join(BASELINE_DIR, `baseline_${cls}.csv`), 'utf8'));
  const header = rows[0];
  const byKey = new Map(rows.slice(1).map((r) => [r[0], r]));
  const prefix = `original_${cls}_`;
  return header.slice(1).map((name, c) => {
    const values = new Map<string, number>();
    for (const [key, row] of byKey) {
      if (!key.startsWith(prefix)) continue;
      const v = parseNumber(row[c + 1]);
      if (v === undefined) throw new Error(`baseline_${cls}.csv: no number for ${key} in column ${name}`);
      values.set(key.slice(prefix.length), v);
    }
    return {
      name,
      testCase: byKey.get('diagnostics_Configuration_TestCase')![c + 1],
      settings: parsePythonDict(byKey.get('diagnostics_Configuration_Settings')![c + 1]),
      values,
    };
  });
}

/** The class settings of a baseline column; absent keys take the class defaults. */
export function textureSettingsOf(s: Record<string, unknown>): TextureSettings {
  const d = DEFAULT_TEXTURE_SETTINGS;
  return {
    force2D: (s.force2D as boolean | undefined) ?? d.force2D,
    force2Ddimension: (s.force2Ddimension as number | undefined) ?? d.force2Ddimension,
    distances: (s.distances as number[] | undefined) ?? d.distances,
    symmetricalGLCM: (s.symmetricalGLCM as boolean | undefined) ?? d.symmetricalGLCM,
    weightingNorm: (s.weightingNorm as TextureSettings['weightingNorm'] | undefined) ?? d.weightingNorm,
    gldm_a: (s.gldm_a as number | undefined) ?? d.gldm_a,
  };
}

export function binningOf(s: Record<string, unknown>): BinningSettings {
  return { binWidth: (s.binWidth as number | undefined) ?? 25, binCount: (s.binCount as number | null | undefined) ?? null };
}

/**
 * Image and ROI of a test case prepared as PyRadiomics's tests/testUtils.py does, with the
 * engine's preprocessing steps (normalize.ts, mask.ts, resegment.ts, crop.ts): normalize
 * over the whole image, ROI of label 1, resegmentRange (its mode) with the bounding box
 * taken after it, crop to that box without padding. Resampling is not covered here.
 */
export function cropCase(testCase: string, settings: Record<string, unknown> = {}, label = 1): CroppedRoi {
  if (settings.interpolator && settings.resampledPixelSpacing) throw new Error('test fixture: resampling is not covered here');
  const original = readVolume(`${testCase}_image.nrrd`);
  const image = settings.normalize
    ? normalizeImage(original, { normalizeScale: (settings.normalizeScale as number | undefined) ?? 1, removeOutliers: (settings.removeOutliers as number | null | undefined) ?? null })
    : original;
  let roi = selectLabel(readVolume(`${testCase}_label.nrrd`), label, `${testCase}_label.nrrd`);
  const range = settings.resegmentRange as number[] | null | undefined;
  if (range) roi = resegmentRoi(image.data, roi, { resegmentRange: range, resegmentMode: (settings.resegmentMode as ResegmentMode | undefined) ?? 'absolute', label });
  const box = roiBoundingBox(roi, image.size);
  if (!box) throw new Error(`${testCase}: empty ROI`);
  return {
    size: boxSize(box),
    spacing: [...image.spacing] as Vec3,
    image: Float64Array.from(cropArray(image.data, image.size, box.lo, box.hi)),
    mask: cropArray(roi, image.size, box.lo, box.hi),
  };
}

/**
 * Test cases whose image is in ../shared. lung1 is not: lung1_image.nrrd (>= 4 MiB) was
 * not copied (see the conformance README), so no lung1 column or .npy can be reproduced.
 */
export const AVAILABLE_CASES = ['brain1', 'breast1'];

/**
 * Baseline columns that need only preprocessing this fixture covers: base, force2D,
 * binCount, weighting, flat region (absolute resegmentation), normalization and sigma
 * resegmentation. `_resampling` needs the engine's B-spline resampler.
 */
export const COVERED_SUFFIXES = ['', '_2d', '_FBN', '_combined', '_flatRegion', '_normalization', '_resegmentation'];

/** The baseline_<cls>.csv columns these tests reproduce, in file order. */
export function conformanceColumns(cls: string): BaselineColumn[] {
  return readBaseline(cls).filter((c) => AVAILABLE_CASES.includes(c.testCase) && COVERED_SUFFIXES.includes(c.name.slice(c.testCase.length)));
}

const FULL_DIR = resolve(process.cwd(), '../shared/conformance/pyradiomics-full');

/**
 * The original-image values of `cls` in the full-pipeline references of today's
 * PyRadiomics (../shared/conformance/pyradiomics-full): config 1 (binWidth 25) and config
 * 2 (normalize, binCount 32), one column per case, named `<config>:<case>`.
 */
export function fullPipelineColumns(cls: string): BaselineColumn[] {
  const configs: [string, Record<string, unknown>][] = [
    ['pyradiomics_full_binWidth25', { binWidth: 25 }],
    ['pyradiomics_full_normalize_binCount32', { normalize: true, binCount: 32 }],
  ];
  const prefix = `original_${cls}_`;
  const out: BaselineColumn[] = [];
  for (const [file, settings] of configs) {
    const rows = parseCsv(readFileSync(join(FULL_DIR, `${file}.csv`), 'utf8'));
    const header = rows[0];
    for (const row of rows.slice(1)) {
      const values = new Map<string, number>();
      header.forEach((key, k) => {
        if (key.startsWith(prefix)) values.set(key.slice(prefix.length), parseNumber(row[k])!);
      });
      out.push({ name: `${file}:${row[0]}`, testCase: row[0], settings, values });
    }
  }
  return out;
}

export interface Comparison {
  /** largest |computed - expected| / |expected| (absolute error where expected is 0) */
  worst: number;
  worstFeature: string;
  /** one line per value outside 1e-6 relative (1e-9 absolute near 0), with both values */
  mismatches: string[];
}

/** Compares computed features with a column's expected values (every expected feature). */
export function compareFeatures(column: BaselineColumn, computed: Record<string, number>): Comparison {
  let worst = 0;
  let worstFeature = '';
  const mismatches: string[] = [];
  for (const [name, expected] of column.values) {
    const value = computed[name];
    const diff = Math.abs(value - expected);
    const err = expected === 0 ? diff : diff / Math.abs(expected);
    if (!(err <= worst)) {
      worst = err;
      worstFeature = name;
    }
    if (value === undefined || !(diff <= Math.max(1e-6 * Math.abs(expected), 1e-9))) {
      mismatches.push(`${column.name} ${name}: computed ${value} expected ${expected} (rel ${err.toExponential(2)})`);
    }
  }
  return { worst, worstFeature, mismatches };
}

export interface MatrixComparison {
  shape: number[];
  expectedShape: number[];
  maxAbsDiff: number;
}

/** Compares a matrix (read through `get(index)`) with <case>_<cls>.npy from the baselines. */
export function compareWithNpy(file: string, shape: number[], get: (index: number[]) => number): MatrixComparison {
  const ref = readNpy(readFileSync(join(BASELINE_DIR, file)), file);
  if (ref.shape.join(',') !== shape.join(',')) return { shape, expectedShape: ref.shape, maxAbsDiff: NaN };
  let maxAbsDiff = 0;
  const index = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < ref.data.length; k++) {
    maxAbsDiff = Math.max(maxAbsDiff, Math.abs(get(index) - ref.data[k]));
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++index[d] < shape[d]) break;
      index[d] = 0;
    }
  }
  return { shape, expectedShape: ref.shape, maxAbsDiff };
}

const crops = new Map<string, CroppedRoi>();

/** The crop of a column (cached by the settings that shape it). */
export function cropFor(column: BaselineColumn): CroppedRoi {
  const s = column.settings;
  const key = JSON.stringify([column.testCase, s.normalize, s.normalizeScale, s.resegmentRange, s.resegmentMode]);
  let roi = crops.get(key);
  if (!roi) {
    roi = cropCase(column.testCase, s);
    crops.set(key, roi);
  }
  return roi;
}

/** Runs a texture class on a column (its crop, binning and class settings) and compares. */
export function runColumn(column: BaselineColumn, compute: TextureCompute): Comparison {
  const binned = binImage(cropFor(column), binningOf(column.settings));
  const computed = compute(binned, textureSettingsOf(column.settings), [...column.values.keys()]);
  return compareFeatures(column, computed);
}
