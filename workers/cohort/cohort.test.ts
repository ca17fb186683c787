import { describe, expect, it } from 'vitest';
import { parseClinicalCsv } from '../io/clinical-csv.ts';
import { parseFeaturesCsv, type FeatureRow } from '../io/features-csv.ts';
import { stratifiedSplit } from '../stats/split.ts';
import {
  applyClinical,
  buildTrainingData,
  cohortClinicalCsv,
  CohortError,
  emptyCohort,
  generateSplit,
  needsTic,
  patientStatus,
  resolveTic,
  withMeasuredTic,
  withPatientTicSource,
  withTicSource,
  type Cohort,
  type PatientFeatures,
} from './cohort.ts';
import { formatTicCsv } from './measured-tic.ts';
import { readClinical } from './clinical-mapping.ts';

const CSV = [
  'id,age,er,tic,ihc,ish',
  'A,50,1,1,0,',
  'B,51,0,2,1+,',
  'C,52,1,3,2+,negative',
  'D,53,0,1,3+,',
  'E,54,1,2,2+,',
  'F,55,0,3,0,',
  'G,56,1,1,1+,',
  'H,57,0,2,0,',
].join('\n');

const row = (id: string, x: number): FeatureRow => ({ id, diagnostics: { diagnostics_Versions_Engine: 'test' }, features: { f1: x, f2: x * x, f3: -x } });

function cohortWithSplit() {
  let c = applyClinical(emptyCohort(), readClinical(CSV, 'c.csv'));
  c = generateSplit(c, 7, 0.34);
  return c;
}

describe('applyClinical', () => {
  it('takes the patients from the file into an empty cohort, labels derived and reasons kept', () => {
    const c = applyClinical(emptyCohort(), readClinical(CSV, 'c.csv'));
    const st = c.patients.map((p) => patientStatus(c, p, undefined));
    expect(st.map((s) => s.label.class)).toEqual(['HER2-zero', 'HER2-low', 'HER2-low', 'HER2-positive', 'undetermined', 'HER2-zero', 'HER2-low', 'HER2-zero']);
    expect(st[3].label.reason).toBe('HER2-positive (IHC 3+): outside the study');
    expect(st.map((s) => s.tic)).toEqual([1, 2, 3, 1, 2, 3, 1, 2]);
  });

  it('refuses rows naming patients that are not in the cohort, naming the rows', () => {
    const c = applyClinical(emptyCohort(), readClinical('id,ihc\nA,0\nB,1+\n', 'first.csv'));
    expect(() => applyClinical(c, readClinical('id,ihc\nA,0\nZ,1+\nY,0\n', 'second.csv'))).toThrow("second.csv: 2 row(s) name patients not in the cohort: row 3 'Z', row 4 'Y'");
  });

  it('refuses a split column filled for some rows only', () => {
    expect(() => applyClinical(emptyCohort(), readClinical('id,ihc,split\nA,0,train\nB,1+,\n', 'c.csv'))).toThrow("c.csv: row 3 (patient 'B') has no split");
  });
});

describe('generateSplit', () => {
  it("is the modelling engine's stratified split of the labelled patients; excluded patients get none", () => {
    const c = cohortWithSplit();
    const labelled = [0, 1, 2, 5, 6, 7];
    const y = [0, 1, 1, 0, 1, 0];
    const isTest = stratifiedSplit(y, 0.34, 7);
    expect(labelled.map((i) => c.patients[i].split)).toEqual(isTest.map((t) => (t ? 'test' : 'train')));
    expect([c.patients[3].split, c.patients[4].split]).toEqual([null, null]);
    expect(c.split).toEqual({ kind: 'generated', seed: 7, testFraction: 0.34 });
  });
});

describe('buildTrainingData', () => {
  it("writes the labelled patients' CSVs, which the modelling engine's readers take", () => {
    const c = cohortWithSplit();
    const features = new Map<string, PatientFeatures>(c.patients.map((p, i) => [p.id, { reader1: row(p.id, i + 0.5) }]));
    features.get('B')!.reader2 = row('B', 1.75);
    const t = buildTrainingData(c, features);
    expect(t.ids).toEqual(['A', 'B', 'C', 'F', 'G', 'H']);
    expect(t.excluded).toEqual([
      { id: 'D', reason: 'HER2-positive (IHC 3+): outside the study' },
      { id: 'E', reason: 'IHC 2+ with ISH not done: HER2-low or HER2-positive is undetermined' },
    ]);
    const f = parseFeaturesCsv(t.featuresCsv);
    expect(f.ids).toEqual(t.ids);
    expect(Array.from(f.rows[1])).toEqual([1.5, 2.25, -1.5]);
    expect(parseFeaturesCsv(t.reader2Csv!).ids).toEqual(['B']);
    const cl = parseClinicalCsv(t.clinicalCsv);
    expect(cl.label).toEqual([0, 1, 1, 0, 1, 0]);
    expect(cl.split).toEqual(t.ids.map((id) => c.patients.find((p) => p.id === id)!.split));
    expect(cl.variables).toEqual(['age', 'er', 'tic', 'ihc', 'ish']);
  });

  it('refuses a patient without features, naming it', () => {
    const c = cohortWithSplit();
    const features = new Map<string, PatientFeatures>(c.patients.filter((p) => p.id !== 'C' && p.id !== 'G').map((p) => [p.id, { reader1: row(p.id, 1) }]));
    expect(() => buildTrainingData(c, features)).toThrow("patient 'C' has no ROI and no features (and 1 other patient(s): G)");
  });

  it('refuses a cohort with one class', () => {
    const c = applyClinical(emptyCohort(), readClinical('id,ihc,split\nA,1+,train\nB,1+,test\nC,3+,train\n', 'c.csv'));
    const features = new Map(c.patients.map((p) => [p.id, { reader1: row(p.id, 1) }]));
    expect(() => buildTrainingData(c, features)).toThrow(new CohortError('the cohort has one class only: all 2 labelled patients are HER2-low; training needs HER2-zero patients too'));
  });

  it('refuses a patient without a split and a split without a class', () => {
    const c = applyClinical(emptyCohort(), readClinical(CSV, 'c.csv'));
    const features = new Map(c.patients.map((p) => [p.id, { reader1: row(p.id, 1) }]));
    expect(() => buildTrainingData(c, features)).toThrow("patient 'A' has no train/test split");
    const given = applyClinical(emptyCohort(), readClinical('id,ihc,split\nA,0,train\nB,1+,train\nC,1+,test\n', 'c.csv'));
    expect(() => buildTrainingData(given, new Map(given.patients.map((p) => [p.id, { reader1: row(p.id, 1) }])))).toThrow('the test set has no HER2-zero patient');
  });
});

describe('the TIC: measured from the images or from the clinical CSV', () => {
  /** A-H with images; A measured III (CSV I: a mismatch), B measured II (CSV II), C not measurable, the rest not measured yet. */
  function measured(): Cohort {
    let c = cohortWithSplit();
    c = { ...c, patients: c.patients.map((p) => ({ ...p, source: { kind: 'demo' as const, index: 0 } })) };
    c = withMeasuredTic(c, 'A', { type: 3, change: -0.2, warnings: [] });
    c = withMeasuredTic(c, 'B', { type: 2, change: 0.01, warnings: ['w'] });
    c = withMeasuredTic(c, 'C', { error: 'no ROI (reader 1)' });
    return c;
  }
  const ticColumn = (csv: string) => {
    const t = parseClinicalCsv(csv);
    return { ids: t.ids, tic: Array.from(t.values.tic), measured: t.values.tic_measured ? Array.from(t.values.tic_measured) : null };
  };
  const features = (c: Cohort) => new Map<string, PatientFeatures>(c.patients.map((p, i) => [p.id, { reader1: row(p.id, i) }]));

  it('by default takes the measured type when there is one, else the CSV, and marks a mismatch', () => {
    const c = measured();
    const st = c.patients.map((p) => patientStatus(c, p, undefined));
    expect(st.map((s) => s.tic)).toEqual([3, 2, 3, 1, 2, 3, 1, 2]);
    expect(st.map((s) => s.ticInfo.source)).toEqual(['measured', 'measured', 'clinical', 'clinical', 'clinical', 'clinical', 'clinical', 'clinical']);
    expect(st.map((s) => s.ticInfo.mismatch)).toEqual([true, false, false, false, false, false, false, false]);
    expect(st[0].ticInfo.measured).toEqual({ type: 3, change: -0.2, warnings: [] });
    expect(st[0].ticInfo.clinical).toBe(1);
    expect(st[2].ticInfo.measuredError).toBe('no ROI (reader 1)');
    expect(st[0].ticInfo.choice).toBe('auto');
    // still to be measured: every patient with images but no measured type (an error is retried)
    expect(c.patients.filter(needsTic).map((p) => p.id)).toEqual(['C', 'D', 'E', 'F', 'G', 'H']);
  });

  it('the cohort-wide choice and a per-patient override decide; the choice is kept in the cohort record', () => {
    let c = withTicSource(measured(), 'clinical');
    expect(c.ticSource).toBe('clinical');
    expect(c.patients.map((p) => resolveTic(c, p).value)).toEqual([1, 2, 3, 1, 2, 3, 1, 2]);
    c = withPatientTicSource(c, 'A', 'measured');
    expect(c.patients[0].ticSource).toBe('measured');
    expect(resolveTic(c, c.patients[0])).toMatchObject({ value: 3, source: 'measured', choice: 'measured', overridden: true });
    c = withPatientTicSource(c, 'A', null);
    expect('ticSource' in c.patients[0]).toBe(false);
    expect(resolveTic(c, c.patients[0])).toMatchObject({ value: 1, source: 'clinical', choice: 'clinical', overridden: false });
  });

  it('training and the exported clinical CSV use the chosen type, and a tic_measured column says which', () => {
    const c = measured();
    const t = buildTrainingData(c, features(c));
    expect(ticColumn(t.clinicalCsv)).toEqual({ ids: ['A', 'B', 'C', 'F', 'G', 'H'], tic: [3, 2, 3, 3, 1, 2], measured: [1, 1, 0, 0, 0, 0] });
    expect(ticColumn(cohortClinicalCsv(c))).toEqual({ ids: ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'], tic: [3, 2, 3, 1, 2, 3, 1, 2], measured: [1, 1, 0, 0, 0, 0, 0, 0] });
    // the modelling engine reads it as a column and never as one of the study's predictors
    expect(parseClinicalCsv(t.clinicalCsv).variables).toEqual(['age', 'er', 'tic', 'ihc', 'ish', 'tic_measured']);
    const clinical = withTicSource(c, 'clinical');
    expect(ticColumn(buildTrainingData(clinical, features(clinical)).clinicalCsv)).toEqual({ ids: ['A', 'B', 'C', 'F', 'G', 'H'], tic: [1, 2, 3, 3, 1, 2], measured: [0, 0, 0, 0, 0, 0] });
  });

  it('a cohort without a measured TIC writes the clinical CSV as before (no tic_measured column)', () => {
    const c = cohortWithSplit();
    expect(cohortClinicalCsv(c).split('\n')[0]).toBe('id,label,split,age,er,tic,ihc,ish');
    expect(ticColumn(cohortClinicalCsv(c)).tic).toEqual([1, 2, 3, 1, 2, 3, 1, 2]);
  });

  it('training refuses an explicit source that has no type for a patient while the other has one, naming the patient', () => {
    const c = withTicSource(measured(), 'measured');
    expect(() => buildTrainingData(c, features(c))).toThrow(
      new CohortError("patient 'C': its TIC source is the measured type, but it has none (no ROI (reader 1)); or choose the clinical CSV's type"),
    );
    const onlyMeasured = applyClinical(emptyCohort(), readClinical('id,ihc,split\nA,0,train\nB,1+,train\nC,0,test\nD,1+,test\n', 'c.csv'));
    const m = withPatientTicSource(withMeasuredTic(onlyMeasured, 'B', { type: 1, change: 0.2, warnings: [] }), 'B', 'clinical');
    expect(() => buildTrainingData(m, features(m))).toThrow("patient 'B': its TIC source is the clinical CSV, which has no TIC type for it; or choose the measured type");
    // with the default, a patient without either type is simply missing, as before
    const auto = withMeasuredTic(onlyMeasured, 'B', { type: 1, change: 0.2, warnings: [] });
    expect(ticColumn(buildTrainingData(auto, features(auto)).clinicalCsv)).toMatchObject({ tic: [NaN, 1, NaN, NaN], measured: [NaN, 1, NaN, NaN] });
  });

  it('the --out-tic CSV: id,tic,change_percent,warnings; an error row has no type', () => {
    const csv = formatTicCsv([
      { id: 'A', tic: { type: 3, change: -0.2, warnings: [] } },
      { id: 'B', tic: { type: 2, change: 0.1, warnings: ['one', 'two, with a comma'] } },
      { id: 'C', tic: { error: 'no phase-N folders' } },
    ]);
    expect(csv).toBe('id,tic,change_percent,warnings\nA,3,-20,\nB,2,10,"one; two, with a comma"\nC,,,error: no phase-N folders\n');
  });
});
