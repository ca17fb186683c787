/**
 * `her2 extract` end to end: files in, the features format out (CSV on stdout, CSV/JSON
 * files), values equal to PyRadiomics's (pyradiomics-full, the study's parameter file),
 * NIfTI and DICOM-folder inputs, and a one-line reason with a non-zero exit for bad input.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../her2.ts';
import { parseCsv } from '../../workers/io/csv.ts';
import { parseFeaturesCsv } from '../../workers/io/features-csv.ts';
import { writeNifti } from '../../workers/io/nifti.ts';
import { readNrrd, writeNrrd } from '../../workers/io/nrrd.ts';

const SHARED = resolve(process.cwd(), '../shared');
const DATA = join(SHARED, 'conformance/pyradiomics/data');
const FULL = join(SHARED, 'conformance/pyradiomics-full');
const IMAGE = join(DATA, 'breast1_image.nrrd');
const MASK = join(DATA, 'breast1_label.nrrd');
const tmp = mkdtempSync(join(tmpdir(), 'her2-extract-'));

let stdout: string;
let stderr: string[];
beforeEach(() => {
  stdout = '';
  stderr = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void stderr.push(a.join(' ')));
  vi.spyOn(console, 'log').mockImplementation(() => {});
});
afterEach(() => vi.restoreAllMocks());

/** The pyradiomics-full row of a case as {name: cell}. */
function reference(csv: string, id: string): Map<string, string> {
  const t = parseCsv(readFileSync(join(FULL, csv), 'utf8'));
  const row = t.find((r) => r[0] === id)!;
  return new Map(t[0].map((k, i) => [k, row[i]]));
}

function expectClose(ours: number, ref: number, what: string) {
  if (Math.abs(ref) < 1e-9) expect(Math.abs(ours - ref), what).toBeLessThanOrEqual(1e-9);
  else expect(Math.abs(ours - ref) / Math.abs(ref), what).toBeLessThanOrEqual(1e-6);
}

describe('her2 extract', () => {
  it("CSV on stdout: id, PyRadiomics's diagnostics columns, then the study's 960 features equal to PyRadiomics's", async () => {
    const code = await main(['extract', '--image', IMAGE, '--mask', MASK, '--params', join(FULL, 'params_paper_exampleMR_5mm.yaml')]);
    expect(code).toBe(0);
    const rows = parseCsv(stdout);
    expect(rows.length).toBe(2);
    const header = rows[0];
    expect(header[0]).toBe('id');
    expect(rows[1][0]).toBe('breast1_image');
    const ref = reference('pyradiomics_paper_exampleMR_5mm.csv', 'breast1');
    const refDiagnostics = [...ref.keys()].filter((k) => k.startsWith('diagnostics_') && !k.startsWith('diagnostics_Versions_'));
    const ourDiagnostics = header.filter((k) => k.startsWith('diagnostics_') && !k.startsWith('diagnostics_Versions_'));
    expect(ourDiagnostics).toEqual(refDiagnostics);
    for (const k of refDiagnostics) expect(rows[1][header.indexOf(k)], k).toBe(ref.get(k));
    const table = parseFeaturesCsv(stdout, 'stdout');
    const refNames = [...ref.keys()].filter((k) => !k.startsWith('diagnostics_') && !['ID', 'Image', 'Mask'].includes(k));
    expect(table.names).toEqual(refNames);
    table.names.forEach((k, j) => expectClose(table.rows[0][j], Number(ref.get(k)), k));
  });

  it('JSON file with --id, --label and --setting; the same numbers as the CSV', async () => {
    const json = join(tmp, 'b.json');
    const csv = join(tmp, 'b.csv');
    const common = ['--image', IMAGE, '--mask', MASK, '--id', 'case-7', '--label', '1', '--setting', 'binWidth=10', '--setting', 'voxelArrayShift=300'];
    expect(await main(['extract', ...common, '--out', json])).toBe(0);
    expect(await main(['extract', ...common, '--out', csv])).toBe(0);
    const obj = JSON.parse(readFileSync(json, 'utf8')) as Record<string, string | number>;
    expect(obj.id).toBe('case-7');
    const table = parseFeaturesCsv(readFileSync(csv, 'utf8'), csv);
    expect(Object.keys(obj).filter((k) => k !== 'id' && !k.startsWith('diagnostics_'))).toEqual(table.names);
    table.names.forEach((k, j) => expect(obj[k], k).toBe(table.rows[0][j]));
    expect(String(obj['diagnostics_Configuration_Settings'])).toMatch(/'label': 1, 'additionalInfo': True, 'binWidth': 10, 'voxelArrayShift': 300\}$/);
    expect(stderr.join('\n')).toMatch(/features of 'case-7' written to/);
  });

  it('NIfTI files give the same features as the NRRD files they were written from', async () => {
    const img = join(tmp, 'breast1.nii.gz');
    const msk = join(tmp, 'breast1_label.nii');
    writeFileSync(img, writeNifti(readNrrd(readFileSync(IMAGE)), { gzip: true }));
    writeFileSync(msk, writeNifti(readNrrd(readFileSync(MASK))));
    expect(await main(['extract', '--image', img, '--mask', msk, '--setting', 'geometryTolerance=1e-5', '--out', join(tmp, 'n.csv')])).toBe(0);
    expect(await main(['extract', '--image', IMAGE, '--mask', MASK, '--out', join(tmp, 'r.csv')])).toBe(0);
    const a = parseFeaturesCsv(readFileSync(join(tmp, 'n.csv'), 'utf8'));
    const b = parseFeaturesCsv(readFileSync(join(tmp, 'r.csv'), 'utf8'));
    expect(a.ids).toEqual(['breast1']);
    expect(a.names).toEqual(b.names);
    // NIfTI stores spacing and origin as float32: spacing-dependent features move by ~1e-8
    a.names.forEach((k, j) => expectClose(a.rows[0][j], b.rows[0][j], k));
  });

  it('a DICOM folder as --image gives the features of the same image read from NIfTI', async () => {
    const sts = join(SHARED, 'dicom-samples/ibsi-sts002-mr-t1-rtstruct');
    const mask = join(sts, 'nifti/MR_T1_mask.nii.gz');
    const args = ['--mask', mask, '--setting', 'geometryTolerance=1e-4', '--setting', 'binWidth=50'];
    expect(await main(['extract', '--image', join(sts, 'dicom/image'), ...args, '--out', join(tmp, 'd.csv')])).toBe(0);
    expect(await main(['extract', '--image', join(sts, 'nifti/MR_T1_image.nii.gz'), ...args, '--out', join(tmp, 'n2.csv')])).toBe(0);
    const d = parseFeaturesCsv(readFileSync(join(tmp, 'd.csv'), 'utf8'));
    const n = parseFeaturesCsv(readFileSync(join(tmp, 'n2.csv'), 'utf8'));
    expect(d.ids).toEqual(['image']);
    expect(d.names.length).toBeGreaterThan(100);
    expect(d.names).toEqual(n.names);
    d.names.forEach((k, j) => expectClose(d.rows[0][j], n.rows[0][j], k));
  });

  describe('bad input: non-zero exit and one line naming the problem', () => {
    const empty = join(tmp, 'empty.nrrd');
    const junk = join(tmp, 'junk.nrrd');
    beforeEach(() => {
      const m = readNrrd(readFileSync(MASK));
      writeFileSync(empty, writeNrrd({ ...m, data: new Int16Array(m.data.length) }));
      writeFileSync(junk, 'NRRD0004\nthis is not a header\n\n');
    });
    const cases: [string, () => string[], RegExp][] = [
      ['missing file', () => ['--image', join(tmp, 'nope.nrrd'), '--mask', MASK], /image .*nope\.nrrd: file not found/],
      ['missing mask', () => ['--image', IMAGE, '--mask', join(tmp, 'nope.nii.gz')], /mask .*nope\.nii\.gz: file not found/],
      ['unreadable format', () => ['--image', junk, '--mask', MASK], /junk\.nrrd/],
      ['not an image at all', () => ['--image', join(FULL, 'README.md'), '--mask', MASK], /unknown format/],
      ['geometry mismatch', () => ['--image', IMAGE, '--mask', join(DATA, 'brain1_label.nrrd')], /geometry differ/],
      ['label absent', () => ['--image', IMAGE, '--mask', MASK, '--label', '3'], /label 3 is not present/],
      ['empty ROI', () => ['--image', IMAGE, '--mask', empty], /no labels found/],
      ['bad setting', () => ['--image', IMAGE, '--mask', MASK, '--setting', 'binWidht=3'], /unknown setting 'binWidht'/],
      ['bad output name', () => ['--image', IMAGE, '--mask', MASK, '--out', join(tmp, 'x.xlsx')], /\.csv or \.json/],
      ['missing --mask', () => ['--image', IMAGE], /--mask is required/],
    ];
    for (const [name, args, message] of cases) {
      it(name, async () => {
        const code = await main(['extract', ...args()]);
        expect(code).not.toBe(0);
        expect(stderr.length).toBe(1);
        expect(stderr[0]).toMatch(/^her2 extract: /);
        expect(stderr[0]).not.toContain('\n');
        expect(stderr[0]).toMatch(message);
        expect(stdout).toBe('');
      });
    }
  });
});
