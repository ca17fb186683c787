import { describe, expect, it } from 'vitest';
import { parseCsv } from '../io/csv.ts';
import { formatFeaturesCsv } from '../io/features-csv.ts';
import { keyCsv, replaceIds, studyCodes } from './deidentify.ts';

const ids = ['P001', 'P002', 'P003', 'Smith, Jane', 'P010'];

describe('de-identified export', () => {
  it('gives every id one distinct code, the same for the same seed, another order for another seed', () => {
    const a = studyCodes(ids, 11);
    expect([...a.keys()].sort()).toEqual([...ids].sort());
    expect(new Set(a.values()).size).toBe(ids.length);
    expect([...a.values()].sort()).toEqual(['S001', 'S002', 'S003', 'S004', 'S005']);
    expect(studyCodes(ids, 11)).toEqual(a);
    const orders = new Set([1, 2, 3, 4, 5, 6].map((s) => ids.map((id) => studyCodes(ids, s).get(id)).join()));
    expect(orders.size).toBeGreaterThan(1);
  });

  it('replaces only the id column, rows in code order; the key maps the codes back to the original rows', () => {
    const csv = formatFeaturesCsv(ids.map((id, i) => ({ id, diagnostics: { diagnostics_x: '(1, 2)' }, features: { f: i / 3 } })));
    const codes = studyCodes(ids, 5);
    const out = replaceIds(csv, codes, 'features.csv');
    expect(out).not.toMatch(/P00|Smith/);
    const key = parseCsv(keyCsv(codes));
    expect(key[0]).toEqual(['id', 'study_code']);
    const back = new Map(key.slice(1).map(([id, code]) => [code, id]));
    const rows = parseCsv(out);
    expect(rows.slice(1).map((r) => r[0])).toEqual(['S001', 'S002', 'S003', 'S004', 'S005']);
    // re-identified with the key: the original rows (in code order)
    const original = new Map(parseCsv(csv).slice(1).map((r) => [r[0], r.join('|')]));
    for (const r of parseCsv(replaceIds(out, back, 'deidentified.csv')).slice(1)) expect(r.join('|')).toBe(original.get(r[0]));
  });

  it('names a row whose id has no code', () => {
    expect(() => replaceIds('id,x\nP001,1\nP999,2\n', studyCodes(['P001'], 1), 'c.csv')).toThrow("c.csv: row 3: patient 'P999' has no study code");
  });
});
