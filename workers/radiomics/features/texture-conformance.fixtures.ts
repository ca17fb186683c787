/**
 * Test-only helpers for the texture-class conformance tests: read PyRadiomics's test
 * cases and baseline CSVs from ../shared/conformance/pyradiomics, and prepare a crop the
 * way PyRadiomics's tests/testUtils.py does (label 1, optional absolute resegmentation,
 * bounding box recomputed, crop without padding).
 *
 * The crop and resegmentation here are a minimal stand-in for the engine's preprocessing
 * modules (workers/radiomics/crop.ts and resegment.ts, being written separately); only the
 * cases these tests need are covered: no resampling, no normalisation, absolute
 * resegmentation.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseCsv, parseNumber } from '../../io/csv.ts';
import { readNrrd } from '../../io/nrrd.ts';
import type { Vec3, Volume } from '../../io/volume.ts';
import type { BinningSettings } from '../discretize.ts';
import type { CroppedRoi, TextureSettings } from '../types.ts';
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
 * Image and ROI of a test case, cropped to the ROI's bounding box (PyRadiomics's
 * cropToTumorMask, no padding). `resegmentRange` is applied in absolute mode first
 * (one value keeps x >= t, two keep t1 <= x <= t2) and the bounding box taken after it,
 * as testUtils.py does.
 */
export function cropCase(testCase: string, resegmentRange: number[] | null = null, label = 1): CroppedRoi {
  const image = readVolume(`${testCase}_image.nrrd`);
  const mask = readVolume(`${testCase}_label.nrrd`);
  const [nx, ny] = image.size;
  const roi = new Uint8Array(image.data.length);
  for (let i = 0; i < roi.length; i++) {
    if (mask.data[i] !== label) continue;
    const x = image.data[i];
    if (resegmentRange && (x < resegmentRange[0] || (resegmentRange.length > 1 && x > resegmentRange[1]))) continue;
    roi[i] = 1;
  }
  const lo: Vec3 = [Infinity, Infinity, Infinity];
  const hi: Vec3 = [-1, -1, -1];
  for (let i = 0; i < roi.length; i++) {
    if (!roi[i]) continue;
    const c = [i % nx, Math.floor(i / nx) % ny, Math.floor(i / (nx * ny))];
    for (let d = 0; d < 3; d++) {
      lo[d] = Math.min(lo[d], c[d]);
      hi[d] = Math.max(hi[d], c[d]);
    }
  }
  if (hi[0] < 0) throw new Error(`${testCase}: empty ROI`);
  const size: Vec3 = [hi[0] - lo[0] + 1, hi[1] - lo[1] + 1, hi[2] - lo[2] + 1];
  const n = size[0] * size[1] * size[2];
  const out = new Float64Array(n);
  const outMask = new Uint8Array(n);
  for (let z = 0, k = 0; z < size[2]; z++) {
    for (let y = 0; y < size[1]; y++) {
      for (let x = 0; x < size[0]; x++, k++) {
        const i = lo[0] + x + nx * (lo[1] + y + ny * (lo[2] + z));
        out[k] = image.data[i];
        outMask[k] = roi[i];
      }
    }
  }
  return { size, spacing: [...image.spacing] as Vec3, image: out, mask: outMask };
}
