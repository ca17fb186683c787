import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run as cohortCli } from '../../bin/commands/cohort.ts';
import { resolveClassSignal } from '../demo/cohort.ts';
import { maskNrrd, planDemoCohort, prepareDemoPatient } from '../demo/index.ts';
import { formatFeaturesCsv } from '../io/features-csv.ts';
import { extract } from '../radiomics/extractor.ts';
import { parseParams } from '../radiomics/settings.ts';
import { patientStatus } from './cohort.ts';
import { demoCohort, demoCohortRows, demoExtractionInput, demoSpec, demoStudyBundle, demoTic } from './demo-cohort.ts';
import { formatTicCsv } from './measured-tic.ts';

const PARAMS = join(process.cwd(), 'public/params/her2-dce-paper.yaml');
const tmp = mkdtempSync(join(tmpdir(), 'her2-demo-cohort-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('demo cohort', () => {
  it('quick subset: 11 + 11 training and 4 + 4 test patients of `her2 demo --seed 42`, all 16 second-reader patients', () => {
    const spec = demoSpec('subset');
    const rows = demoCohortRows(spec);
    const plan = planDemoCohort({ seed: 42 });
    expect(rows.length).toBe(30);
    for (const r of rows) expect(r).toEqual(plan[r.index]);
    const count = (split: string, label: number) => rows.filter((r) => r.split === split && r.label === label).length;
    expect([count('train', 1), count('train', 0), count('test', 1), count('test', 0)]).toEqual([11, 11, 4, 4]);
    expect(rows.filter((r) => r.reader2).length).toBe(plan.filter((r) => r.reader2).length);
    expect(rows[0].id).toBe('P001');
  });

  it("the cohort's labels and split are the plan's, read through the clinical import", () => {
    const spec = demoSpec('subset');
    const c = demoCohort(spec);
    const rows = demoCohortRows(spec);
    const st = c.patients.map((p) => patientStatus(c, p, undefined));
    expect(st.map((s) => s.label.label)).toEqual(rows.map((r) => r.label));
    expect(st.map((s) => s.split)).toEqual(rows.map((r) => r.split));
    expect(st.map((s) => s.roiReader2)).toEqual(rows.map((r) => r.reader2));
    expect(c.split.kind).toBe('given');
  });

  it("extraction input equals what `her2 cohort` reads from `her2 demo`'s folder: same features CSV", async () => {
    const spec = demoSpec('subset');
    const row = demoCohortRows(spec).find((r) => r.reader2)!;
    // the patient's folder as `her2 demo` writes it (phase 2 and the masks are all `her2 cohort` reads)
    const parts = prepareDemoPatient(42, row, '128x128x40', resolveClassSignal());
    for (const f of parts.phaseFiles(2)) {
      mkdirSync(dirname(join(tmp, f.name)), { recursive: true });
      writeFileSync(join(tmp, f.name), f.bytes);
    }
    writeFileSync(join(tmp, row.id, 'mask.nrrd'), maskNrrd(parts.mask));
    writeFileSync(join(tmp, row.id, 'mask-reader2.nrrd'), maskNrrd(parts.maskReader2!));
    const out1 = join(tmp, 'f.csv');
    const out2 = join(tmp, 'f2.csv');
    expect(await cohortCli(['--dir', tmp, '--params', PARAMS, '--out', out1, '--out-reader2', out2, '--jobs', '1'])).toBe(0);

    const input = await demoExtractionInput(spec, row.index, 2);
    const params = parseParams(readFileSync(PARAMS, 'utf8'), PARAMS);
    const rowsOf = (name: string) => {
      const r = extract(input.image, input.masks.find((m) => m.name === name)!.mask, params);
      return formatFeaturesCsv([{ id: row.id, diagnostics: r.diagnostics, features: r.features }]);
    };
    expect(rowsOf('reader1')).toBe(readFileSync(out1, 'utf8'));
    expect(rowsOf('reader2')).toBe(readFileSync(out2, 'utf8'));
  });

  it("measured TIC equals `her2 cohort --out-tic` on `her2 demo`'s folders and is the type the generator intended", async () => {
    const spec = demoSpec('subset');
    // one patient of each type
    const rows = ([1, 2, 3] as const).map((t) => demoCohortRows(spec).find((r) => r.tic === t)!);
    const dir = join(tmp, 'tic');
    for (const row of rows) {
      const parts = prepareDemoPatient(42, row, '128x128x40', resolveClassSignal());
      for (let k = 0; k < parts.phaseCount; k++) {
        for (const f of parts.phaseFiles(k)) {
          mkdirSync(dirname(join(dir, f.name)), { recursive: true });
          writeFileSync(join(dir, f.name), f.bytes);
        }
      }
      writeFileSync(join(dir, row.id, 'mask.nrrd'), maskNrrd(parts.mask));
    }
    const out = join(tmp, 'tic.csv');
    expect(await cohortCli(['--dir', dir, '--out-tic', out])).toBe(0);
    const measured = await Promise.all(rows.map((r) => demoTic(spec, r.index)));
    expect(measured.map((m) => m.type)).toEqual([1, 2, 3]);
    const sorted = rows.map((r, i) => ({ id: r.id, tic: measured[i] })).sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(formatTicCsv(sorted)).toBe(readFileSync(out, 'utf8'));
  });

  it("a study bundle holds the 7 phases' DICOM, the SEG and the masks", () => {
    const b = demoStudyBundle(demoSpec('subset'), 0);
    expect(b.id).toBe('P001');
    const phases = new Set(b.files.map((f) => f.name.split('/')[1]));
    expect([...phases].sort()).toEqual(['mask.seg.dcm', 'phase-0', 'phase-1', 'phase-2', 'phase-3', 'phase-4', 'phase-5', 'phase-6']);
    expect(b.maskReader2Nrrd).toBeNull();
    expect(new TextDecoder().decode(new Uint8Array(b.maskNrrd, 0, 4))).toBe('NRRD');
  });
});
