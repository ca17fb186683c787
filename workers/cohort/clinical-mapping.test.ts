import { describe, expect, it } from 'vitest';
import { parseClinicalCsv } from '../io/clinical-csv.ts';
import { demoClinicalCsv, planDemoCohort } from '../demo/index.ts';
import { formatClinicalCsv, guessMapping, labelOf, readClinical } from './clinical-mapping.ts';

const plan = planDemoCohort({ seed: 42, patients: 40 });
const demoCsv = demoClinicalCsv(plan.map(({ index: _i, reader2: _r, ...row }) => row));
const percentKi67 = plan.some((r) => r.ki67 !== 0 && r.ki67 !== 1);

describe('guessMapping', () => {
  it("maps `her2 demo`'s clinical.csv column for column", () => {
    const header = demoCsv.split('\n')[0].split(',');
    const m = guessMapping(header);
    for (const h of header) expect(m[h as keyof typeof m]).toBe(h);
  });

  it('recognises other spellings and leaves unknown fields unmapped', () => {
    const m = guessMapping(['Patient ID', 'Age (years)', 'Maximum diameter (mm)', 'Clinical stage', 'ALN status', 'ER status', 'PR status', 'Ki-67', 'TIC type', 'HER2 IHC', 'FISH']);
    expect(m).toMatchObject({ id: 'Patient ID', age: 'Age (years)', diameter: 'Maximum diameter (mm)', stage: 'Clinical stage', aln: 'ALN status', er: 'ER status', pr: 'PR status', ki67: 'Ki-67', tic: 'TIC type', ihc: 'HER2 IHC', ish: 'FISH', label: null, split: null });
  });
});

describe('readClinical', () => {
  it("reads the demo generator's plan back: values, labels from IHC, the split", () => {
    const imp = readClinical(demoCsv, 'clinical.csv');
    expect(imp.records.map((r) => r.id)).toEqual(plan.map((r) => r.id));
    imp.records.forEach((rec, i) => {
      const row = plan[i];
      expect(rec.values.age).toBe(row.age);
      expect(rec.values.diameter).toBe(row.diameter);
      expect(rec.values.stage).toBe(row.stage);
      expect(rec.values.aln).toBe(row.aln);
      expect(rec.values.er).toBe(row.er);
      expect(rec.values.pr).toBe(row.pr);
      expect(rec.values.tic).toBe(row.tic);
      // the study's Ki-67 status (high > 14%), whether the generator writes the status or a percentage
      expect(rec.values.ki67).toBe(percentKi67 ? (row.ki67 > 14 ? 1 : 0) : row.ki67);
      expect(rec.values.ihc).toBe(Number(row.ihc[0]));
      expect(rec.values.ish).toEqual(row.ish === 'negative' ? 0 : NaN);
      expect(rec.givenSplit).toBe(row.split);
      expect(labelOf(rec, true).label).toBe(row.label);
    });
    if (percentKi67) expect(imp.ki67Note).toMatch(/> 14%/);
    else expect(imp.ki67Note).toBeNull();
  });

  it("writes the modelling engine's clinical CSV, which its own reader takes", () => {
    const imp = readClinical(demoCsv, 'clinical.csv');
    const csv = formatClinicalCsv(imp.records.map((r) => ({ id: r.id, label: labelOf(r, true).label, split: r.givenSplit, values: r.values })));
    const t = parseClinicalCsv(csv, 'normalised');
    expect(t.ids).toEqual(plan.map((r) => r.id));
    expect(t.label).toEqual(plan.map((r) => r.label));
    expect(t.split).toEqual(plan.map((r) => r.split));
    expect(t.variables).toEqual(['age', 'diameter', 'stage', 'aln', 'er', 'pr', 'ki67', 'tic', 'ihc', 'ish']);
    expect(Array.from(t.values.tic)).toEqual(plan.map((r) => r.tic));
    expect(Array.from(t.values.diameter)).toEqual(plan.map((r) => r.diameter));
  });

  it('reads words, roman numerals, percentages and N stages', () => {
    const csv = [
      'Patient,Age,Stage,Nodes,ER,PR,Ki-67,TIC,IHC,ISH',
      'a,50,IIA,N1,positive,neg,30%,III,2+,not amplified',
      'b,61,I,N0,Negative,Pos,10,type II,0,not done',
      'c,NA,III,no,+,-,,I,3+,amplified',
    ].join('\n');
    const imp = readClinical(csv, 'x.csv');
    expect(imp.records.map((r) => [r.values.stage, r.values.aln, r.values.er, r.values.pr, r.values.ki67, r.values.tic, r.values.ihc, r.values.ish])).toEqual([
      [2, 1, 1, 0, 1, 3, 2, 0],
      [1, 0, 0, 1, 0, 2, 0, NaN],
      [3, 0, 1, 0, NaN, 1, 3, 1],
    ]);
    expect(Number.isNaN(imp.records[2].values.age)).toBe(true);
    expect(imp.records.map((r) => labelOf(r, true).class)).toEqual(['HER2-low', 'HER2-zero', 'HER2-positive']);
  });

  it('names the row and column of a bad cell, a repeated or empty id, and an unmapped id', () => {
    expect(() => readClinical('id,age\nP1,50\nP2,fifty\n', 'c.csv')).toThrow("c.csv: row 3 (patient 'P2'), column 'age': 'fifty' is not a number");
    expect(() => readClinical('id,tic\nP1,4\n', 'c.csv')).toThrow(/row 2 \(patient 'P1'\), column 'tic': '4' is not a TIC type/);
    expect(() => readClinical('id,ihc\nP1,4+\n', 'c.csv')).toThrow(/column 'ihc': '4\+' is not 0, 1\+, 2\+ or 3\+/);
    expect(() => readClinical('id,age\nP1,50\nP1,51\n', 'c.csv')).toThrow("c.csv: row 3: patient 'P1' appears twice (also row 2)");
    expect(() => readClinical('id,age\n,50\n', 'c.csv')).toThrow('c.csv: row 2 has an empty patient id');
    expect(() => readClinical('name,age\nP1,50\n', 'c.csv')).toThrow(/no column is mapped to the patient id/);
    expect(() => readClinical('id,age\nP1,50\n', 'c.csv', { id: 'id', age: 'years' })).toThrow("c.csv: the column 'years' mapped to age is not in the header");
    expect(() => readClinical('id,ki67\nP1,120\nP2,3\n', 'c.csv')).toThrow(/row 2 \(patient 'P1'\), column 'ki67': 120% is not a percentage/);
    expect(() => readClinical('id,label\nP1,2\n', 'c.csv')).toThrow(/column 'label': '2' is not 1 \(HER2-low\) or 0 \(HER2-zero\)/);
  });

  it('refuses a label column that contradicts IHC/ISH', () => {
    const imp = readClinical('id,label,ihc\nP1,1,0\n', 'c.csv');
    expect(() => labelOf(imp.records[0], true, 'c.csv')).toThrow(/row 2 \(patient 'P1'\): the label column says 1 but IHC 0/);
  });
});
