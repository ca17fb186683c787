/**
 * `her2 demo`: the output layout of issue 7, the same bytes for the same seed (and the
 * same as the worker API gives), and usage errors that name the problem.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../workers/io/csv.ts';
import { generateDemoPatient, planDemoCohort } from '../../workers/demo/index.ts';
import { CliError } from '../cli-args.ts';
import { run } from './demo.ts';

function tree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), createHash('sha256').update(readFileSync(p)).digest('hex'));
    }
  };
  walk(dir);
  return out;
}

describe('her2 demo', () => {
  const args = ['--patients', '3', '--seed', '5', '--reader2', '1'];

  it('writes the layout of issue 7, byte-identical for the same seed and equal to the worker API', async () => {
    const a = mkdtempSync(join(tmpdir(), 'her2-demo-cli-a-'));
    const b = mkdtempSync(join(tmpdir(), 'her2-demo-cli-b-'));
    expect(await run(['--out', a, ...args])).toBe(0);
    expect(await run(['--out', b, ...args])).toBe(0);
    const ta = tree(a);
    expect(tree(b)).toEqual(ta);

    const csv = parseCsv(readFileSync(join(a, 'clinical.csv'), 'utf8'));
    expect(csv[0]).toEqual(['id', 'label', 'split', 'age', 'diameter', 'stage', 'aln', 'er', 'pr', 'ki67', 'tic', 'ihc', 'ish']);
    expect(csv.slice(1).map((r) => r[0])).toEqual(['P001', 'P002', 'P003']);
    const plan = planDemoCohort({ seed: 5, patients: 3, reader2: 1 });
    for (const row of plan) {
      const dir = join(a, row.id);
      for (let k = 0; k <= 6; k++) expect(readdirSync(join(dir, `phase-${k}`))).toHaveLength(40);
      expect(existsSync(join(dir, 'mask.nrrd'))).toBe(true);
      expect(existsSync(join(dir, 'mask.seg.dcm'))).toBe(true);
      expect(existsSync(join(dir, 'mask-reader2.nrrd'))).toBe(row.reader2);
    }
    expect(plan.filter((r) => r.reader2)).toHaveLength(1);

    const api = generateDemoPatient({ seed: 5, index: 1, cohort: { patients: 3, reader2: 1 } });
    for (const f of api.files) {
      expect(ta.get(f.name), f.name).toBe(createHash('sha256').update(new Uint8Array(f.bytes)).digest('hex'));
    }
    expect(ta.get('P002/mask.seg.dcm')).toBe(createHash('sha256').update(api.segBytes).digest('hex'));
  });

  it('refuses a non-empty folder without --force, and bad options, naming them', async () => {
    const a = mkdtempSync(join(tmpdir(), 'her2-demo-cli-c-'));
    expect(await run(['--out', a, '--patients', '1', '--seed', '1'])).toBe(0);
    await expect(run(['--out', a, '--patients', '1'])).rejects.toThrow(new CliError(`${a} is not empty (use --force to write into it)`));
    await expect(run(['--out', a, '--grid', '64x64x8'])).rejects.toThrow(/--grid must be 128x128x40 or 384x384x88 \(got '64x64x8'\)/);
    await expect(run(['--patients', '2'])).rejects.toThrow(/--out is required/);
    await expect(run(['--out', a, '--patients', 'many'])).rejects.toThrow(/--patients must be a non-negative integer/);
    await expect(run(['--out', a, '--force', '--patients', '4', '--zero', '9'])).rejects.toThrow(/HER2-zero patients must be an integer in 0..4/);
  });
});
