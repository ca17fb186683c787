/**
 * `--jobs N`: `her2 extract` through the worker pool writes the same bytes as in one thread
 * (the paper's params on brain1, whose 11 derived images are spread over 2 workers).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run as extractCommand } from './commands/extract.ts';
import { parseJobs } from './jobs.ts';

const P = resolve(process.cwd(), '../shared/conformance/pyradiomics');
const tmp = mkdtempSync(join(tmpdir(), 'her2-jobs-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('--jobs', () => {
  it('her2 extract --jobs 2 writes the same CSV as --jobs 1', async () => {
    const args = ['--image', join(P, 'data/brain1_image.nrrd'), '--mask', join(P, 'data/brain1_label.nrrd'), '--params', join(P, 'params/exampleMR_5mm.yaml')];
    expect(await extractCommand([...args, '--jobs', '1', '--out', join(tmp, 'one.csv')])).toBe(0);
    expect(await extractCommand([...args, '--jobs', '2', '--out', join(tmp, 'two.csv')])).toBe(0);
    const one = readFileSync(join(tmp, 'one.csv'), 'utf8');
    expect(one.split('\n')[0].split(',').filter((c) => !c.startsWith('diagnostics_')).length).toBe(961); // id + 960
    expect(readFileSync(join(tmp, 'two.csv'), 'utf8')).toBe(one);
  });

  it('rejects a bad count, naming the option', () => {
    expect(parseJobs(undefined, 3)).toBe(3);
    expect(parseJobs('2', 1)).toBe(2);
    expect(parseJobs('auto', 1)).toBeGreaterThanOrEqual(1);
    for (const bad of ['0', '-1', '1.5', 'two', '']) expect(() => parseJobs(bad, 1)).toThrow(`--jobs: '${bad}' is not a number of workers`);
  });
});
