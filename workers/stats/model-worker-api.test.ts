/**
 * The app's model worker gives what the command line gives: on reference A's data written as
 * CSV files, `fit` returns the MODEL.json text `her2 fit` writes (the date aside) and `score`
 * returns `her2 predict`'s numbers for every patient.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../bin/her2.ts';
import { parseClinicalCsv } from '../io/clinical-csv.ts';
import { formatCsv, formatNumber, parseCsv } from '../io/csv.ts';
import { parseFeaturesCsv } from '../io/features-csv.ts';
import { modelInputs, modelWorkerApi } from './model-worker-api.ts';
import type { ModelJson } from './model-json.ts';
import { referenceA } from './reference-a.testutil.ts';
import { plogis } from './special.ts';

const ref = referenceA();
const I = ref.inputs;
const P = I.patients;
let dir = '';
const file = (name: string) => join(dir, name);
const csv = (header: string[], rows: (string | number)[][]) => [header.join(','), ...rows.map((r) => r.join(','))].join('\n') + '\n';

async function her2(...argv: string[]): Promise<number> {
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    return await main(argv);
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

let cliModel: ModelJson;
let cliText = '';
let texts: { features: string; clinical: string; reader2: string };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'her2-model-worker-'));
  const names: string[] = I.feature_names;
  texts = {
    features: csv(['id', ...names], P.id.map((id: string, i: number) => [id, ...I.features_reader1[i]])),
    reader2: csv(['id', ...names], I.reader2.patient_ids.map((id: string, k: number) => [id, ...I.reader2.features[k]])),
    clinical: csv(['id', 'label', 'split', 'age', 'tic', 'er', 'pr', 'ki67'], P.id.map((id: string, i: number) => [id, P.her2_low[i], P.split[i], P.age[i], P.tic_type[i], P.er[i], P.pr[i], P.ki67_high[i]])),
  };
  writeFileSync(file('features.csv'), texts.features);
  writeFileSync(file('reader2.csv'), texts.reader2);
  writeFileSync(file('clinical.csv'), texts.clinical);
  expect(await her2('fit', '--features', file('features.csv'), '--clinical', file('clinical.csv'), '--reader2', file('reader2.csv'), '--out', file('MODEL.json'))).toBe(0);
  cliText = readFileSync(file('MODEL.json'), 'utf8');
  cliModel = JSON.parse(cliText);
  expect(await her2('predict', '--model', file('MODEL.json'), '--features', file('features.csv'), '--clinical', file('clinical.csv'), '--out', file('pred.csv'))).toBe(0);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('model worker API', () => {
  it("fit: the same MODEL.json text as `her2 fit` on the same files (with the CLI's date)", () => {
    const r = modelWorkerApi.fit({
      featuresCsv: texts.features,
      clinicalCsv: texts.clinical,
      reader2Csv: texts.reader2,
      date: cliModel.provenance.date,
      sources: { features: file('features.csv'), clinical: file('clinical.csv'), reader2: file('reader2.csv') },
    });
    expect(r.text).toBe(cliText);
    expect(JSON.parse(r.text)).toEqual(r.model);
  });

  it("score: `her2 predict`'s numbers for every patient; the nomogram points give the same probability", () => {
    const pred = parseCsv(readFileSync(file('pred.csv'), 'utf8'));
    expect(pred[0]).toEqual(['id', 'radscore', 'probability_radiomics', 'probability_clinical', 'probability_nomogram', 'class_nomogram']);
    const f = parseFeaturesCsv(texts.features);
    const c = parseClinicalCsv(texts.clinical);
    const model = modelWorkerApi.read(cliText);
    for (let i = 0; i < f.ids.length; i++) {
      const features = Object.fromEntries(f.names.map((n, j) => [n, f.rows[i][j]]));
      const clinical = Object.fromEntries(c.variables.map((v) => [v, c.values[v][i]]));
      const s = modelWorkerApi.score(model, features, clinical, f.ids[i]);
      expect([f.ids[i], formatNumber(s.radscore), formatNumber(s.probability_radiomics), formatNumber(s.probability_clinical), formatNumber(s.probability_nomogram), String(s.class_nomogram)]).toEqual(pred[i + 1]);
      const sc = model.nomogram_scales;
      expect(Math.abs(plogis(sc.lp_at_zero_points + s.total_points / sc.points_per_lp) - s.probability_nomogram)).toBeLessThan(1e-12);
      expect(Object.values(s.points).reduce((a, b) => a + b, 0)).toBeCloseTo(s.total_points, 10);
    }
  });

  it("fit records the features' extraction settings, the phase and synthetic as `her2 fit --phase --synthetic` does; score checks them", async () => {
    // the diagnostics PyRadiomics 3.1 wrote for its brain1 case (binWidth 25), on every row
    const base = parseCsv(readFileSync(resolve(import.meta.dirname, '../../../shared/conformance/pyradiomics/baseline/baseline_glcm.csv'), 'utf8'));
    const cell = (name: string) => base.find((r) => r[0] === name)![1];
    const settings = cell('diagnostics_Configuration_Settings');
    const types = cell('diagnostics_Configuration_EnabledImageTypes');
    const withDiag = (text: string) =>
      formatCsv(parseCsv(text).filter((r) => r.length > 1).map((r, i) => (i === 0 ? [r[0], 'diagnostics_Configuration_Settings', 'diagnostics_Configuration_EnabledImageTypes', ...r.slice(1)] : [r[0], settings, types, ...r.slice(1)])));
    writeFileSync(file('diag-features.csv'), withDiag(texts.features));
    writeFileSync(file('diag-reader2.csv'), withDiag(texts.reader2));
    expect(await her2('fit', '--features', file('diag-features.csv'), '--clinical', file('clinical.csv'), '--reader2', file('diag-reader2.csv'), '--phase', '2', '--synthetic', '--out', file('diag-MODEL.json'))).toBe(0);
    const cliDiag = readFileSync(file('diag-MODEL.json'), 'utf8');
    const r = modelWorkerApi.fit({
      featuresCsv: readFileSync(file('diag-features.csv'), 'utf8'),
      clinicalCsv: texts.clinical,
      reader2Csv: readFileSync(file('diag-reader2.csv'), 'utf8'),
      date: JSON.parse(cliDiag).provenance.date,
      phase: 2,
      synthetic: true,
      sources: { features: file('diag-features.csv'), clinical: file('clinical.csv'), reader2: file('diag-reader2.csv') },
    });
    expect(r.text).toBe(cliDiag);
    expect(r.model.provenance.extraction!.settings!.binWidth).toBe(25);
    expect(r.model.provenance.synthetic).toBe(true);

    const f = parseFeaturesCsv(texts.features);
    const c = parseClinicalCsv(texts.clinical);
    const features = Object.fromEntries(f.names.map((n, j) => [n, f.rows[0][j]]));
    const clinical = Object.fromEntries(c.variables.map((v) => [v, c.values[v][0]]));
    const same = modelWorkerApi.score(r.model, features, clinical, "patient 'A001'", { diagnostics: { settings, imageTypes: types }, phase: 2 });
    expect(same.warnings).toEqual([]);
    expect(same.probability_nomogram).toBe(modelWorkerApi.score(cliModel, features, clinical, "patient 'A001'").probability_nomogram);
    expect(() => modelWorkerApi.score(r.model, features, clinical, "patient 'A001'", { diagnostics: { settings: settings.replace("'binWidth': 25", "'binWidth': 5"), imageTypes: types }, phase: 2 })).toThrow(
      "patient 'A001': the model was trained on features with binWidth 25; this patient's were extracted with binWidth 5",
    );
    expect(() => modelWorkerApi.score(r.model, features, clinical, "patient 'A001'", { diagnostics: { settings, imageTypes: types }, phase: 1 })).toThrow(
      "patient 'A001': the model was trained on features with DCE phase 2; this patient's were extracted with DCE phase 1",
    );
    expect(() => modelWorkerApi.score(r.model, features, clinical, "patient 'A001'")).toThrow(/patient 'A001': the features carry no extraction settings/);
    // a model without a record scores, with a warning
    expect(modelWorkerApi.score(cliModel, features, clinical, "patient 'A001'").warnings[0]).toMatch(/^the model records no extraction settings/);
  });

  it('names what a model needs, and refuses a patient who lacks it', () => {
    const model = modelWorkerApi.read(cliText);
    const needs = modelInputs(model);
    expect(needs.features).toEqual(model.steps.selected);
    expect(needs.clinical.length).toBeGreaterThan(0);
    const f = parseFeaturesCsv(texts.features);
    const features = Object.fromEntries(f.names.map((n, j) => [n, f.rows[0][j]]));
    delete features[needs.features[0]];
    expect(() => modelWorkerApi.score(model, features, {}, "patient 'X'")).toThrow(`patient 'X': no value for feature '${needs.features[0]}', which the rad-score needs`);
    expect(() => modelWorkerApi.read('{"schema":"other"}', 'm.json')).toThrow("m.json: schema 'other' is not her2-model/1");
    expect(() => modelWorkerApi.read('not json', 'm.json')).toThrow(/^m.json: not valid JSON/);
  });
});
