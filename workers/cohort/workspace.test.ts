import { describe, expect, it } from 'vitest';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { demoCohort, demoSpec } from './demo-cohort.ts';
import { generateSplit, withMeasuredTic, withPatientTicSource, withTicSource } from './cohort.ts';
import { parseWorkspace, serializeWorkspace, WorkspaceError, type Workspace } from './workspace.ts';

function sample(): Workspace {
  let cohort = generateSplit(demoCohort(demoSpec('subset')), 3, 0.3);
  // measured TICs (a change that is not a short decimal, warnings, an error), the choice and an override
  cohort = withMeasuredTic(cohort, 'P001', { type: 2, change: 0.02158367326259106, warnings: ['phase 3 (post-contrast 3) is not acquired after phase 2'] });
  cohort = withMeasuredTic(cohort, cohort.patients[1].id, { error: 'no ROI (reader 1)' });
  cohort = withPatientTicSource(withTicSource(cohort, 'measured'), 'P001', 'clinical');
  return {
    cohort,
    features: [
      { patientId: 'P001', reader: 'reader1', params: 'her2-dce-paper.yaml', phase: 2, row: { id: 'P001', diagnostics: { diagnostics_Image_Hash: 'abc', 'diagnostics_Mask-original_Spacing': '(1.5, 1.5, 3.5)' }, features: { a: 0.1 + 0.2, b: NaN, c: -0, d: Infinity, e: -Infinity, f: 5e-324, g: 1.7976931348623157e308 } } },
      { patientId: 'P010', reader: 'reader2', params: 'her2-dce-paper.yaml', phase: 2, row: { id: 'P010', diagnostics: {}, features: { a: -1e-300 } } },
    ],
    models: [
      { id: 'm1', name: 'Trained 1', origin: 'trained', addedAt: '2024-01-01T00:00:00.000Z', json: '{\n "schema": "her2-model/1",\n "x": 0.30000000000000004\n}\n' },
      { id: 'm2', name: 'Imported', origin: 'imported', addedAt: '2024-01-02T00:00:00.000Z', json: '{"schema":"her2-model/1"}' },
    ],
    activeModelId: 'm2',
    rois: [
      { key: '2.25.123', meta: { size: [4, 4, 2], readers: [1, 2], note: 'ü' }, data: [Uint8Array.from([120, 156, 0, 255, 7]), Uint8Array.from([1, 2, 3])] },
      { key: '2.25.456', meta: { size: [2, 2, 2], readers: [] }, data: [] },
    ],
  };
}

describe('workspace file', () => {
  it('export -> import -> export gives identical bytes', () => {
    const first = serializeWorkspace(sample());
    const again = serializeWorkspace(parseWorkspace(first));
    expect(Buffer.from(again).equals(Buffer.from(first))).toBe(true);
  });

  it('brings back every value exactly (NaN, -0, infinities, subnormals, NaN clinical cells)', () => {
    const ws = sample();
    const back = parseWorkspace(serializeWorkspace(ws));
    expect(back).toEqual(ws);
    const f = back.features[0].row.features;
    expect(Object.is(f.c, -0)).toBe(true);
    expect(Number.isNaN(f.b)).toBe(true);
    expect(f.a).toBe(0.30000000000000004);
    expect(f.f).toBe(5e-324);
    expect(Object.keys(f)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    const ish = back.cohort!.patients.map((p) => p.clinical!.values.ish);
    expect(ish.some((v) => Number.isNaN(v))).toBe(true);
    expect(back.models[0].json).toBe(ws.models[0].json);
    expect(back.cohort!.patients[0].measuredTic).toEqual({ type: 2, change: 0.02158367326259106, warnings: ['phase 3 (post-contrast 3) is not acquired after phase 2'] });
    expect(back.cohort!.patients[1].measuredTic).toEqual({ error: 'no ROI (reader 1)' });
    expect([back.cohort!.ticSource, back.cohort!.patients[0].ticSource, back.cohort!.patients[1].ticSource]).toEqual(['measured', 'clinical', undefined]);
    expect(back.rois.map((r) => r.data.map((d) => Array.from(d)))).toEqual([[[120, 156, 0, 255, 7], [1, 2, 3]], []]);
  });

  it('is the same bytes for the same workspace at any time (fixed timestamps)', () => {
    expect(Buffer.from(serializeWorkspace(sample())).equals(Buffer.from(serializeWorkspace(sample())))).toBe(true);
  });

  it('names what is wrong with a file that is not a workspace', () => {
    expect(() => parseWorkspace(strToU8('hello'), 'w.zip')).toThrow(WorkspaceError);
    expect(() => parseWorkspace(zipSync({ 'workspace.json': strToU8('{"format":"other"}') }), 'w.zip')).toThrow("w.zip: format 'other' is not her2-workspace/1");
    const good = unzipSync(serializeWorkspace(sample()));
    delete good['models/1.json'];
    expect(() => parseWorkspace(zipSync(good), 'w.zip')).toThrow("w.zip: 'models/1.json' is missing");
  });
});
