/**
 * `her2 filter` against ../shared/conformance/filters (ITK 5.2.1's LoG and PyWavelets's swtn
 * as PyRadiomics calls them), breast1 and brain1, with PyRadiomics's default settings (the
 * whole image is filtered) and with preCrop (the mask's box padded by 5 voxels): every
 * written file is compared with the reference by position (its origin located on our grid,
 * same spacing and directions) and by value, with the tolerances of the filters README §5
 * (LoG 1e-6 x max|ref| per voxel, wavelet 1e-10 x max(1, max|ref|)); the file types are
 * float32 (LoG) and float64 (wavelet). For the default settings the whole written image is
 * also checked against the manifest's whole-image statistics (count, min, max; sum within
 * count x the per-voxel tolerance).
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readNrrd } from '../../workers/io/nrrd.ts';
import { physicalToIndex, type Volume } from '../../workers/io/volume.ts';
import { run } from './filter.ts';

const FILTERS = resolve(process.cwd(), '../shared/conformance/filters');
const DATA = resolve(process.cwd(), '../shared/conformance/pyradiomics/data');
const tmp = mkdtempSync(join(tmpdir(), 'her2-filter-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Stats {
  count: number;
  min: number;
  max: number;
  sum: number;
}
interface ManifestOutput {
  imageType: string;
  filter: 'LoG' | 'wavelet';
  variant: 'padded' | 'fullimage';
  file: string;
  dtype: 'float32' | 'float64';
  settings: { sigma?: number };
  wholeImageStats?: Stats;
}

function manifest(id: string): { outputs: ManifestOutput[] } {
  return JSON.parse(readFileSync(join(FILTERS, `${id}_manifest.json`), 'utf8')) as { outputs: ManifestOutput[] };
}

/** The reference's voxels located on our grid; the comparison report. */
function compare(ours: Volume, ref: Volume, tolerance: (maxAbs: number) => number): { failures: string[]; maxDiff: number; exact: number; count: number } {
  const failures: string[] = [];
  for (let i = 0; i < 3; i++) {
    if (Math.abs(ours.spacing[i] - ref.spacing[i]) > 1e-9) failures.push(`spacing[${i}] ${ours.spacing[i]} vs ${ref.spacing[i]}`);
  }
  for (let i = 0; i < 9; i++) if (Math.abs(ours.direction[i] - ref.direction[i]) > 1e-9) failures.push(`direction ${ours.direction} vs ${ref.direction}`);
  const at = physicalToIndex(ours, ref.origin);
  const offset = at.map((x) => Math.round(x));
  if (at.some((x, i) => Math.abs(x - offset[i]) > 1e-6)) failures.push(`the reference's origin ${ref.origin} is not on our grid (index ${at})`);
  if (offset.some((o, i) => o < 0 || o + ref.size[i] > ours.size[i])) failures.push(`the reference (offset ${offset}, size ${ref.size}) is not inside ours (size ${ours.size})`);
  if (failures.length) return { failures, maxDiff: NaN, exact: 0, count: 0 };
  let maxAbs = 0;
  for (const v of ref.data) maxAbs = Math.max(maxAbs, Math.abs(v));
  const tol = tolerance(maxAbs);
  let maxDiff = 0;
  let exact = 0;
  const [nx, ny] = ours.size;
  const [rx, ry, rz] = ref.size;
  for (let z = 0; z < rz; z++)
    for (let y = 0; y < ry; y++)
      for (let x = 0; x < rx; x++) {
        const r = ref.data[x + rx * (y + ry * z)];
        const o = ours.data[x + offset[0] + nx * (y + offset[1] + ny * (z + offset[2]))];
        const d = Math.abs(o - r);
        if (d === 0) exact++;
        maxDiff = Math.max(maxDiff, d);
        if (!(d <= tol) && failures.length < 5) failures.push(`voxel (${x}, ${y}, ${z}) of the reference: ours ${o}, reference ${r}, tolerance ${tol}`);
      }
  return { failures, maxDiff, exact, count: rx * ry * rz };
}

const TOLERANCE = {
  LoG: (maxAbs: number) => 1e-6 * maxAbs,
  wavelet: (maxAbs: number) => 1e-10 * Math.max(1, maxAbs),
};

for (const id of ['breast1', 'brain1']) {
  const outputs = manifest(id).outputs;
  const sigmas = [...new Set(outputs.filter((o) => o.filter === 'LoG').map((o) => o.settings.sigma!))];
  for (const variant of ['fullimage', 'padded'] as const) {
    describe(`her2 filter ${id}, ${variant === 'fullimage' ? 'default settings (whole image)' : 'preCrop: true (padded crop)'}`, () => {
      const out = join(tmp, `${id}-${variant}`);
      const paramsFile = join(tmp, `${id}-${variant}.yaml`);
      const yaml = [
        'imageType:',
        '  LoG:',
        `    sigma: [${sigmas.map((s) => (Number.isInteger(s) ? s.toFixed(1) : String(s))).join(', ')}]`,
        '  Wavelet: {}',
        ...(variant === 'padded' ? ['setting:', '  preCrop: true'] : []),
      ].join('\n');
      let running: Promise<number> | undefined;
      const ran = () => {
        if (!running) {
          writeFileSync(paramsFile, yaml + '\n');
          running = run(['--image', join(DATA, `${id}_image.nrrd`), '--mask', join(DATA, `${id}_label.nrrd`), '--params', paramsFile, '--out-dir', out]);
        }
        return running;
      };

      it('writes one file per derived image, named as PyRadiomics names the image', async () => {
        expect(await ran()).toBe(0);
        const expected = outputs.filter((o) => o.variant === variant).map((o) => `${o.imageType}.nrrd`);
        expect(readdirSync(out).sort()).toEqual(expected.sort());
      });

      for (const o of outputs.filter((x) => x.variant === variant)) {
        it(`${o.imageType}: position, type and values equal the reference`, async () => {
          expect(await ran()).toBe(0);
          const ours = readNrrd(readFileSync(join(out, `${o.imageType}.nrrd`)), o.imageType);
          const ref = readNrrd(readFileSync(join(FILTERS, o.file)), o.file);
          expect(ours.data.constructor.name).toBe(o.dtype === 'float32' ? 'Float32Array' : 'Float64Array');
          if (variant === 'padded') {
            expect(ours.size).toEqual(ref.size);
            for (let i = 0; i < 3; i++) expect(Math.abs(ours.origin[i] - ref.origin[i])).toBeLessThanOrEqual(1e-9);
          }
          const c = compare(ours, ref, TOLERANCE[o.filter]);
          console.log(`${id} ${variant} ${o.imageType}: ${c.count} voxels, ${c.exact} bit-identical, max |diff| ${c.maxDiff}`);
          expect(c.failures).toEqual([]);
          if (o.wholeImageStats) {
            const s = o.wholeImageStats;
            let min = Infinity;
            let max = -Infinity;
            let sum = 0;
            let maxAbs = 0;
            for (const v of ours.data) {
              min = Math.min(min, v);
              max = Math.max(max, v);
              sum += v;
              maxAbs = Math.max(maxAbs, Math.abs(v));
            }
            const tol = TOLERANCE[o.filter](maxAbs);
            expect(ours.data.length).toBe(s.count);
            expect(Math.abs(min - s.min)).toBeLessThanOrEqual(tol);
            expect(Math.abs(max - s.max)).toBeLessThanOrEqual(tol);
            expect(Math.abs(sum - s.sum)).toBeLessThanOrEqual(s.count * tol + 1e-9 * Math.abs(s.sum));
          }
        });
      }
    });
  }
}

describe('her2 filter: without --params, and bad input', () => {
  it("PyRadiomics's defaults (Original only): original.nrrd is the input as float64, on the input's grid", async () => {
    const out = join(tmp, 'defaults');
    expect(await run(['--image', join(DATA, 'breast1_image.nrrd'), '--mask', join(DATA, 'breast1_label.nrrd'), '--out-dir', out])).toBe(0);
    expect(readdirSync(out)).toEqual(['original.nrrd']);
    const input = readNrrd(readFileSync(join(DATA, 'breast1_image.nrrd')));
    const ours = readNrrd(readFileSync(join(out, 'original.nrrd')));
    expect(ours.data).toBeInstanceOf(Float64Array);
    expect(ours.size).toEqual(input.size);
    expect(ours.origin).toEqual(input.origin);
    expect(Array.from(ours.data)).toEqual(Array.from(input.data));
  });

  it('a missing mask file is named', async () => {
    await expect(run(['--image', join(DATA, 'breast1_image.nrrd'), '--mask', join(tmp, 'nope.nrrd'), '--out-dir', tmp])).rejects.toThrow(/nope\.nrrd: file not found/);
  });

  it('--out-dir is required', async () => {
    await expect(run(['--image', join(DATA, 'breast1_image.nrrd'), '--mask', join(DATA, 'breast1_label.nrrd')])).rejects.toThrow('--out-dir is required');
  });
});
