/**
 * `her2 cohort` on a small cohort made by the demo generator (the layout `her2 demo` writes;
 * only the phases used here are written, to keep the test fast): rows in id order, each
 * equal to the single-thread extraction of that patient's phase and mask (same CSV text),
 * reader 2's subset in its own CSV, both read by the features reader `her2 fit` uses; a
 * broken patient is named on stderr, the others are still written, the exit code is 1;
 * --phase picks the folder. --out-tic: each patient's TIC equals `her2 tic` on that patient's
 * folder (same type and change), and is the type the generator intended.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadSeriesVolume } from '../dicom-dir.ts';
import { maskNrrd, planDemoCohort, prepareDemoPatient } from '../../workers/demo/index.ts';
import { resolveClassSignal } from '../../workers/demo/cohort.ts';
import { parseCsv } from '../../workers/io/csv.ts';
import { formatFeaturesCsv, parseFeaturesCsv, type FeatureRow } from '../../workers/io/features-csv.ts';
import { readNrrd } from '../../workers/io/nrrd.ts';
import { extract } from '../../workers/radiomics/extractor.ts';
import { parseParams } from '../../workers/radiomics/settings.ts';
import { run } from './cohort.ts';
import { run as ticCli } from './tic.ts';

const PARAMS = resolve(process.cwd(), 'public/params/her2-dce-paper.yaml');
const params = parseParams(readFileSync(PARAMS, 'utf8'), PARAMS);
const tmp = mkdtempSync(join(tmpdir(), 'her2-cohort-'));
const dir = join(tmp, 'cohort');
let ids: string[] = [];
let reader2Ids: string[] = [];

beforeAll(() => {
  const seed = 11;
  const plan = planDemoCohort({ seed, patients: 3, reader2: 1 });
  const signal = resolveClassSignal();
  for (const row of plan) {
    const parts = prepareDemoPatient(seed, row, '128x128x40', signal);
    // phase 2 for everyone; phase 0 for the first patient only (the --phase test)
    for (const k of row.index === 0 ? [0, 2] : [2]) {
      for (const f of parts.phaseFiles(k)) {
        mkdirSync(dirname(join(dir, f.name)), { recursive: true });
        writeFileSync(join(dir, f.name), f.bytes);
      }
    }
    writeFileSync(join(dir, row.id, 'mask.nrrd'), maskNrrd(parts.mask));
    if (parts.maskReader2) writeFileSync(join(dir, row.id, 'mask-reader2.nrrd'), maskNrrd(parts.maskReader2));
  }
  ids = plan.map((r) => r.id).sort();
  reader2Ids = plan.filter((r) => r.reader2).map((r) => r.id).sort();
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let stderr: string[] = [];
function captureStderr() {
  stderr = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr.push(String(chunk));
    return true;
  });
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void stderr.push(a.join(' ')));
}
afterEach(() => vi.restoreAllMocks());

/** The single-thread extraction of one patient, as a features CSV row. */
async function expectedRow(id: string, phase: number, maskFile: string): Promise<FeatureRow> {
  const image = await loadSeriesVolume(join(dir, id, `phase-${phase}`));
  const mask = readNrrd(readFileSync(join(dir, id, maskFile)));
  const r = extract(image, mask, params);
  return { id, diagnostics: r.diagnostics, features: r.features };
}

describe('her2 cohort', () => {
  it('writes reader 1 and reader 2 CSVs in id order, each row equal to the single-thread extraction', async () => {
    expect(reader2Ids.length).toBe(1);
    captureStderr();
    const out = join(tmp, 'features.csv');
    const out2 = join(tmp, 'features-r2.csv');
    const code = await run(['--dir', dir, '--params', PARAMS, '--out', out, '--out-reader2', out2, '--jobs', '2']);
    vi.restoreAllMocks();
    expect(code).toBe(0);
    const expected1 = await Promise.all(ids.map((id) => expectedRow(id, 2, 'mask.nrrd')));
    const expected2 = await Promise.all(reader2Ids.map((id) => expectedRow(id, 2, 'mask-reader2.nrrd')));
    expect(readFileSync(out, 'utf8')).toBe(formatFeaturesCsv(expected1));
    expect(readFileSync(out2, 'utf8')).toBe(formatFeaturesCsv(expected2));
    // what `her2 fit` reads
    const table = parseFeaturesCsv(readFileSync(out, 'utf8'), out);
    expect(table.ids).toEqual(ids);
    expect(table.names.length).toBe(960);
    expect(parseFeaturesCsv(readFileSync(out2, 'utf8'), out2).ids).toEqual(reader2Ids);
    // progress: patients done / total with an ETA, one line each off a terminal
    const progress = stderr.filter((l) => /\d+\/3 patients/.test(l));
    expect(progress.length).toBe(3);
    expect(progress[0]).toMatch(/1\/3 patients \(P\d+\), ETA \d+:\d\d/);
  });

  it('names a patient that fails, writes the others, exits 1', async () => {
    const broken = join(dir, 'P000-broken');
    mkdirSync(broken, { recursive: true });
    writeFileSync(join(broken, 'mask.nrrd'), readFileSync(join(dir, ids[0], 'mask.nrrd')));
    captureStderr();
    const out = join(tmp, 'with-broken.csv');
    let code: number;
    try {
      code = await run(['--dir', dir, '--params', PARAMS, '--out', out, '--jobs', '1']);
    } finally {
      vi.restoreAllMocks();
      rmSync(broken, { recursive: true, force: true });
    }
    expect(code).toBe(1);
    expect(stderr.join('\n')).toContain('her2 cohort: P000-broken: no folder phase-2');
    expect(stderr.join('\n')).toContain('1 patient(s) failed: P000-broken');
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(join(tmp, 'features.csv'), 'utf8'));
  });

  it('--phase 0 reads folder phase-0; patients without it are named', async () => {
    captureStderr();
    const out = join(tmp, 'phase0.csv');
    const code = await run(['--dir', dir, '--params', PARAMS, '--out', out, '--phase', '0', '--jobs', '2']);
    vi.restoreAllMocks();
    expect(code).toBe(1);
    const withPhase0 = ids[0];
    expect(readFileSync(out, 'utf8')).toBe(formatFeaturesCsv([await expectedRow(withPhase0, 0, 'mask.nrrd')]));
    for (const id of ids.slice(1)) expect(stderr.join('\n')).toContain(`her2 cohort: ${id}: no folder phase-0`);
  });

  it('bad arguments are one-line errors naming the option or folder', async () => {
    await expect(run(['--dir', join(tmp, 'nope'), '--params', PARAMS, '--out', join(tmp, 'x.csv')])).rejects.toThrow(/--dir .*nope: not a folder/);
    await expect(run(['--dir', dir, '--params', PARAMS, '--out', join(tmp, 'x.txt')])).rejects.toThrow('give a .csv file name');
    await expect(run(['--dir', dir, '--params', PARAMS, '--out', join(tmp, 'x.csv'), '--phase', 'two'])).rejects.toThrow("--phase: 'two'");
    await expect(run(['--dir', dir, '--params', join(tmp, 'none.yaml'), '--out', join(tmp, 'x.csv')])).rejects.toThrow('none.yaml: file not found');
  });
});

describe('her2 cohort --out-tic', () => {
  const ticDir = join(tmp, 'tic-cohort');
  let rows: { id: string; tic: 1 | 2 | 3 }[] = [];
  beforeAll(() => {
    const seed = 5;
    const plan = planDemoCohort({ seed, patients: 4, reader2: 0 });
    const signal = resolveClassSignal();
    // two patients with every phase, as `her2 demo` writes them (the SEG too)
    rows = plan.slice(0, 2).map((r) => ({ id: r.id, tic: r.tic }));
    for (const row of plan.slice(0, 2)) {
      const parts = prepareDemoPatient(seed, row, '128x128x40', signal);
      for (let k = 0; k < parts.phaseCount; k++) {
        for (const f of parts.phaseFiles(k)) {
          mkdirSync(dirname(join(ticDir, f.name)), { recursive: true });
          writeFileSync(join(ticDir, f.name), f.bytes);
        }
      }
      writeFileSync(join(ticDir, row.id, 'mask.nrrd'), maskNrrd(parts.mask));
      writeFileSync(join(ticDir, row.id, 'mask.seg.dcm'), parts.segBytes());
    }
  });

  it("writes id,tic,change_percent,warnings, equal to her2 tic on each patient's folder and to the generated type", async () => {
    captureStderr();
    const out = join(tmp, 'tic.csv');
    const code = await run(['--dir', ticDir, '--out-tic', out]);
    vi.restoreAllMocks();
    expect(code).toBe(0);
    const table = parseCsv(readFileSync(out, 'utf8'));
    expect(table[0]).toEqual(['id', 'tic', 'change_percent', 'warnings']);
    expect(table.slice(1).map((r) => r[0])).toEqual(rows.map((r) => r.id).sort());
    for (const r of table.slice(1)) {
      const json = join(tmp, `${r[0]}-tic.json`);
      captureStderr();
      expect(await ticCli(['--phases', join(ticDir, r[0]), '--mask', join(ticDir, r[0], 'mask.nrrd'), '--out', json])).toBe(0);
      vi.restoreAllMocks();
      const ref = JSON.parse(readFileSync(json, 'utf8')) as { type: number; change: number; warnings: string[] };
      expect(Number(r[1])).toBe(ref.type);
      expect(Number(r[2])).toBe(100 * ref.change);
      expect(r[3]).toBe('');
      expect(Number(r[1])).toBe(rows.find((x) => x.id === r[0])!.tic);
    }
  });

  it('names a patient whose TIC cannot be measured, writes its row with the reason, exits 1', async () => {
    const broken = join(ticDir, 'P000-nophases');
    mkdirSync(broken, { recursive: true });
    writeFileSync(join(broken, 'mask.nrrd'), readFileSync(join(ticDir, rows[0].id, 'mask.nrrd')));
    captureStderr();
    const out = join(tmp, 'tic-broken.csv');
    let code: number;
    try {
      code = await run(['--dir', ticDir, '--out-tic', out]);
    } finally {
      vi.restoreAllMocks();
      rmSync(broken, { recursive: true, force: true });
    }
    expect(code).toBe(1);
    expect(stderr.join('\n')).toContain('her2 cohort: P000-nophases: TIC: ');
    const table = parseCsv(readFileSync(out, 'utf8'));
    expect(table[1].slice(0, 3)).toEqual(['P000-nophases', '', '']);
    expect(table[1][3]).toMatch(/^error: no phase-N folders/);
    expect(table.length).toBe(4);
  });

  it('without --out needs no params; --out-reader2 without --out is an error', async () => {
    await expect(run(['--dir', ticDir, '--out-tic', join(tmp, 't.txt')])).rejects.toThrow('--out-tic');
    await expect(run(['--dir', ticDir, '--out-tic', join(tmp, 't.csv'), '--out-reader2', join(tmp, 'r2.csv')])).rejects.toThrow('--out');
  });
});
