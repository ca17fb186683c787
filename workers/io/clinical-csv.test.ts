import { describe, expect, it } from 'vitest';
import { referenceA } from '../stats/reference-a.testutil.ts';
import { ClinicalCsvError, her2LabelFromIhc, parseClinicalCsv, parseFoldsCsv } from './clinical-csv.ts';

describe('clinical CSV', () => {
  it("reads reference A's clinical data exactly", () => {
    const P = referenceA().inputs.patients;
    const text = ['ID,Label,Split,Age,TIC,ER,PR,Ki67', ...P.id.map((id: string, i: number) => [id, P.her2_low[i], P.split[i], P.age[i], P.tic_type[i], P.er[i], P.pr[i], P.ki67_high[i]].join(','))].join('\r\n');
    const t = parseClinicalCsv(text, 'clinical.csv');
    expect(t.ids).toEqual(P.id);
    expect(t.label).toEqual(P.her2_low);
    expect(t.split).toEqual(P.split);
    expect(t.variables).toEqual(['age', 'tic', 'er', 'pr', 'ki67']);
    expect(Array.from(t.values.age)).toEqual(P.age);
    expect(Array.from(t.values.tic)).toEqual(P.tic_type);
    expect(t.line[0]).toBe(2);
  });

  it('reads missing cells, IHC scores and ISH results, and an absent label or split', () => {
    const t = parseClinicalCsv('id,age,ihc,ish\nP1,,2+,negative\nP2,NA,0,\nP3,61.5,3+,positive\n');
    expect(Number.isNaN(t.values.age[0])).toBe(true);
    expect(Number.isNaN(t.values.age[1])).toBe(true);
    expect(t.values.age[2]).toBe(61.5);
    expect(Array.from(t.values.ihc)).toEqual([2, 0, 3]);
    expect(Array.from(t.values.ish).map((v) => (Number.isNaN(v) ? null : v))).toEqual([0, null, 1]);
    expect(t.label).toEqual([null, null, null]);
    expect(t.split).toEqual([null, null, null]);
  });

  it('names the row and column of a bad cell', () => {
    expect(() => parseClinicalCsv('id,label,split,age\nP1,1,train,50\nP2,2,train,40\n', 'c.csv')).toThrow(
      "c.csv: row 3 (id 'P2'), column 'label': '2' is not 1 (HER2-low) or 0 (HER2-zero)",
    );
    expect(() => parseClinicalCsv('id,label,split,age\nP1,1,validation,50\n', 'c.csv')).toThrow("c.csv: row 2 (id 'P1'), column 'split': 'validation' is not train or test");
    expect(() => parseClinicalCsv('id,label,split,age\nP1,1,train,5O\n', 'c.csv')).toThrow("c.csv: row 2 (id 'P1'), column 'age': '5O' is not a number");
    expect(() => parseClinicalCsv('id,age\nP1,50\nP1,51\n', 'c.csv')).toThrow("c.csv: id 'P1' appears twice (row 3)");
    expect(() => parseClinicalCsv('patient,age\nP1,50\n', 'c.csv')).toThrow(ClinicalCsvError);
  });

  it('derives the study label from IHC and ISH', () => {
    expect(her2LabelFromIhc(0, NaN)).toBe(0);
    expect(her2LabelFromIhc(1, NaN)).toBe(1);
    expect(her2LabelFromIhc(2, 0)).toBe(1);
    expect(her2LabelFromIhc(2, NaN)).toBe(null);
    expect(her2LabelFromIhc(2, 1)).toBe('positive');
    expect(her2LabelFromIhc(3, NaN)).toBe('positive');
  });
});

describe('folds CSV', () => {
  it('reads id,fold and refuses a fold that is not a positive integer', () => {
    const f = parseFoldsCsv('id,fold\nA1,1\nA2,10\n', 'folds.csv');
    expect(f).toEqual({ source: 'folds.csv', ids: ['A1', 'A2'], fold: [1, 10], line: [2, 3] });
    expect(() => parseFoldsCsv('id,fold\nA1,0\n', 'folds.csv')).toThrow("folds.csv: row 2 (id 'A1'), column 'fold': '0' is not an integer >= 1");
    expect(() => parseFoldsCsv('id\nA1\n', 'folds.csv')).toThrow("needs columns 'id' and 'fold'");
  });
});
