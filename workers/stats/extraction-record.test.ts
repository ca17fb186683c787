/**
 * The extraction record read from the diagnostics columns PyRadiomics writes: its own output
 * (../shared/conformance/pyradiomics/baseline, written by PyRadiomics 3.1) and the engine's
 * (the study's parameter file, as `her2 cohort` and the app's Extract features write it).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../io/csv.ts';
import { pyDict } from '../radiomics/diagnostics.ts';
import { configurationEntries, parseParams } from '../radiomics/settings.ts';
import {
  canonicalJson,
  checkExtraction,
  extractionRecordOf,
  ExtractionRecordError,
  parsePythonLiteral,
  patientExtraction,
  settingsHash,
  type DiagnosticsCells,
} from './extraction-record.ts';

/** PyRadiomics's own diagnostics cells by test case (brain1, brain1_FBN, ...) from its glcm baseline. */
function pyradiomicsCells(): Map<string, DiagnosticsCells> {
  const table = parseCsv(readFileSync(resolve(import.meta.dirname, '../../../shared/conformance/pyradiomics/baseline/baseline_glcm.csv'), 'utf8'));
  const row = (name: string) => table.find((r) => r[0] === name)!;
  const settings = row('diagnostics_Configuration_Settings');
  const types = row('diagnostics_Configuration_EnabledImageTypes');
  return new Map(table[0].slice(1).map((name, c) => [name, { settings: settings[c + 1], imageTypes: types[c + 1] }]));
}

const paperParams = () => parseParams(readFileSync(resolve(import.meta.dirname, '../../public/params/her2-dce-paper.yaml'), 'utf8'), 'her2-dce-paper.yaml');
const refuse = (m: string) => new ExtractionRecordError(m);

describe('parsePythonLiteral', () => {
  it("reads PyRadiomics's settings dict (None, True, lists) and its image types", () => {
    const brain1 = pyradiomicsCells().get('brain1')!;
    const s = parsePythonLiteral(brain1.settings!) as Record<string, unknown>;
    expect(s.binWidth).toBe(25);
    expect(s.interpolator).toBe(null);
    expect(s.additionalInfo).toBe(true);
    expect(s.distances).toEqual([1]);
    expect(parsePythonLiteral(brain1.imageTypes!)).toEqual({ Original: {} });
    expect(parsePythonLiteral("{'a': (1, 2.5e-05, -3.0), \"b\": 'it\\'s', 'c': [], 'd': False}")).toEqual({ a: [1, 2.5e-5, -3], b: "it's", c: [], d: false });
  });

  it('names the text it cannot read', () => {
    expect(() => parsePythonLiteral("{'binWidth': 5", 'settings')).toThrow(/settings: expected ',' or '}'/);
    expect(() => parsePythonLiteral('{binWidth: 5}', 'settings')).toThrow(/settings: not a Python literal at character 2/);
  });

  it("reads the engine's diagnostics for the study's parameter file (binWidth 5, 3 mm resampling, LoG sigma 3 and 5)", () => {
    const params = paperParams();
    const x = patientExtraction({ settings: pyDict(configurationEntries(params)), imageTypes: pyDict(params.imageTypes.map((t) => [t.name, Object.fromEntries(t.given)])) });
    expect(x.settings).toMatchObject({ binWidth: 5, resampledPixelSpacing: [3, 3, 3], interpolator: 'sitkBSpline', normalize: true, normalizeScale: 100, voxelArrayShift: 300 });
    expect(x.image_types).toEqual({ Original: {}, LoG: { sigma: [3, 5] }, Wavelet: {} });
  });
});

describe('the embedded demo model (public/demo/model.json)', () => {
  it("records the study's parameter file and phase 2, so the Features tab's default extraction scores with it", () => {
    const demo = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../public/demo/model.json'), 'utf8'));
    const params = paperParams();
    const tab = patientExtraction({ settings: pyDict(configurationEntries(params)), imageTypes: pyDict(params.imageTypes.map((t) => [t.name, Object.fromEntries(t.given)])) }, 2);
    expect(checkExtraction(demo.provenance.extraction, tab, "patient 'P'", refuse)).toBe(null);
    expect(demo.provenance.extraction.settings_hash).toBe(settingsHash(tab.settings, tab.image_types));
    expect(demo.provenance.extraction.phase).toBe(2);
    expect(demo.provenance.synthetic).toBe(true);
  });
});

describe('extraction record and check', () => {
  const cells = pyradiomicsCells();
  const brain1 = cells.get('brain1')!;
  const fbn = cells.get('brain1_FBN')!;

  it('hashes the settings whatever their order, and differently when a setting differs', () => {
    const a = parsePythonLiteral(brain1.settings!) as Record<string, never>;
    const reversed = Object.fromEntries(Object.entries(a).reverse());
    expect(settingsHash(a, { Original: {} })).toBe(settingsHash(reversed, { Original: {} }));
    expect(settingsHash({ ...a, binWidth: 5 } as never, { Original: {} })).not.toBe(settingsHash(a, { Original: {} }));
    expect(settingsHash(a, { Original: {}, Wavelet: {} })).not.toBe(settingsHash(a, { Original: {} }));
    // the ROI's label value chooses the voxels, not how features are computed
    expect(settingsHash({ ...a, label: 2 } as never, { Original: {} })).toBe(settingsHash(a, { Original: {} }));
    expect(canonicalJson({ b: 1, a: [{ d: null, c: 'x' }] })).toBe('{"a":[{"c":"x","d":null},"b":1}'.replace('},"b"', '}],"b"'));
  });

  it('records the settings every training row shares, and refuses a mix naming two patients and the setting', () => {
    const rec = extractionRecordOf(['A', 'B'], new Map([['A', brain1], ['B', brain1]]), 2, 'f.csv')!;
    expect(rec.settings!.binWidth).toBe(25);
    expect(rec.image_types).toEqual({ Original: {} });
    expect(rec.phase).toBe(2);
    expect(rec.settings_hash).toBe(settingsHash(rec.settings, rec.image_types));
    // brain1_FBN (fixed bin number) differs from brain1 first, in PyRadiomics's key order, by voxelArrayShift
    expect(() => extractionRecordOf(['A', 'B'], new Map([['A', brain1], ['B', fbn]]), null, 'f.csv')).toThrow(
      new ExtractionRecordError("f.csv: patient 'A' was extracted with voxelArrayShift 2000, patient 'B' with voxelArrayShift (not set): a model needs features extracted with one set of settings"),
    );
    expect(() => extractionRecordOf(['A', 'B'], new Map([['A', brain1]]), null, 'f.csv')).toThrow(/patient 'B' has no diagnostics_Configuration_Settings while patient 'A' has/);
    expect(extractionRecordOf(['A', 'B'], new Map(), null, 'f.csv')).toBe(null);
    expect(extractionRecordOf(['A'], new Map(), 2, 'f.csv')).toEqual({ settings_hash: null, settings: null, image_types: null, phase: 2 });
  });

  it('refuses a patient extracted otherwise, naming the setting; accepts a model without a record with a warning', () => {
    const rec = extractionRecordOf(['A'], new Map([['A', brain1]]), 2, 'f.csv')!;
    const other = { ...brain1, settings: brain1.settings!.replace("'binWidth': 25", "'binWidth': 5") };
    expect(checkExtraction(rec, patientExtraction(brain1, 2), "patient 'P'", refuse)).toBe(null);
    expect(checkExtraction(rec, patientExtraction(brain1, null), "patient 'P'", refuse)).toBe(null);
    expect(checkExtraction(rec, patientExtraction({ ...brain1, settings: brain1.settings!.replace("'label': 1", "'label': 3") }, 2), "patient 'P'", refuse)).toBe(null);
    expect(() => checkExtraction(rec, patientExtraction(other, 2), "patient 'P'", refuse)).toThrow(
      new ExtractionRecordError("patient 'P': the model was trained on features with binWidth 25; this patient's were extracted with binWidth 5"),
    );
    expect(() => checkExtraction(rec, patientExtraction(brain1, 3), "patient 'P'", refuse)).toThrow(
      "patient 'P': the model was trained on features with DCE phase 2; this patient's were extracted with DCE phase 3",
    );
    expect(() => checkExtraction(rec, patientExtraction({ ...brain1, imageTypes: "{'Original': {}, 'LoG': {'sigma': [3.0]}}" }, 2), "patient 'P'", refuse)).toThrow(
      "the model was trained on features with image types Original; this patient's were extracted with image types Original, LoG {\"sigma\": [3]}",
    );
    expect(() => checkExtraction(rec, patientExtraction(null), "patient 'P'", refuse)).toThrow(/patient 'P': the features carry no extraction settings/);
    expect(checkExtraction(undefined, patientExtraction(brain1), "patient 'P'", refuse)).toMatch(/the model records no extraction settings/);
    expect(checkExtraction(null, null, "patient 'P'", refuse)).toMatch(/the model records no extraction settings/);
  });
});
