/**
 * The extraction pool (Node worker_threads, the same code the browser runs on Web Workers):
 * its records equal the single-thread `extract` bit for bit and key for key, in both
 * memory modes (shared arrays, and one clone per worker as in a non-isolated page); the
 * paper's configuration through the pool matches PyRadiomics's values
 * (../shared/conformance/pyradiomics-full, 1e-6 relative); progress, cancel, errors and
 * the cohort mode.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../io/csv.ts';
import { readNrrd } from '../../io/nrrd.ts';
import type { Volume } from '../../io/volume.ts';
import { boxSize } from '../mask.ts';
import { cropArray } from '../crop.ts';
import { getBinEdges } from '../discretize.ts';
import { extract, ExtractionCancelled, prepareCase, type ExtractionResult } from '../extractor.ts';
import { imageTypeFilter } from '../filters/index.ts';
import { parseParams, type ExtractionParams } from '../settings.ts';
import type { CaseProgress, ExtractionPool } from './pool.ts';
import { createNodeExtractionPool } from './node.ts';

const CONFORMANCE = resolve(process.cwd(), '../shared/conformance');
const DATA = join(CONFORMANCE, 'pyradiomics/data');
const FULL = join(CONFORMANCE, 'pyradiomics-full');

function nrrd(file: string): Volume {
  return readNrrd(readFileSync(join(DATA, file)), file);
}
const cases = {
  breast1: { image: nrrd('breast1_image.nrrd'), mask: nrrd('breast1_label.nrrd') },
  brain1: { image: nrrd('brain1_image.nrrd'), mask: nrrd('brain1_label.nrrd') },
};
function params(file: string): ExtractionParams {
  return parseParams(readFileSync(join(FULL, file), 'utf8'), file);
}
const PAPER = 'params_paper_exampleMR_5mm.yaml';

/** Bit-for-bit equality: same keys in the same order, Object.is on every value, same diagnostics and warnings. */
function differences(a: ExtractionResult, b: ExtractionResult): string[] {
  const out: string[] = [];
  const ka = Object.keys(a.features);
  const kb = Object.keys(b.features);
  if (ka.join('\n') !== kb.join('\n')) out.push(`feature keys differ (${ka.length} vs ${kb.length})`);
  for (const k of ka) if (!Object.is(a.features[k], b.features[k])) out.push(`${k}: ${a.features[k]} vs ${b.features[k]}`);
  if (JSON.stringify(Object.entries(a.diagnostics)) !== JSON.stringify(Object.entries(b.diagnostics))) out.push('diagnostics differ');
  if (JSON.stringify(a.warnings) !== JSON.stringify(b.warnings)) out.push(`warnings differ: ${JSON.stringify(a.warnings)} vs ${JSON.stringify(b.warnings)}`);
  return out;
}

let shared: ExtractionPool;
let cloned: ExtractionPool;
beforeAll(() => {
  shared = createNodeExtractionPool(2);
  cloned = createNodeExtractionPool(2, { share: false });
});
afterAll(() => {
  shared?.close();
  cloned?.close();
});

describe('pool == single-thread extract, bit for bit', () => {
  const runs: [keyof typeof cases, string][] = [
    ['breast1', PAPER],
    ['brain1', PAPER],
    ['breast1', 'params_full_binWidth25.yaml'],
    ['breast1', 'params_full_normalize_binCount32.yaml'],
  ];
  for (const [id, file] of runs) {
    it(`${id}, ${file}, shared memory and cloned copies`, async () => {
      const p = params(file);
      const { image, mask } = cases[id];
      const single = extract(image, mask, p);
      expect(shared.shared).toBe(true);
      expect(cloned.shared).toBe(false);
      const [a, b] = await Promise.all([shared.extractCase(image, mask, p), cloned.extractCase(image, mask, p)]);
      expect(differences(a, single)).toEqual([]);
      expect(differences(b, single)).toEqual([]);
      expect(await shared.heldCases()).toEqual([0, 0]);
      expect(await cloned.heldCases()).toEqual([0, 0]);
    });
  }

  it('transfer: the input arrays move to a worker and the result is the same', async () => {
    const p = params(PAPER);
    const single = extract(cases.breast1.image, cases.breast1.mask, p);
    const image = { ...cases.breast1.image, data: cases.breast1.image.data.slice() };
    const mask = { ...cases.breast1.mask, data: cases.breast1.mask.data.slice() };
    const r = await shared.extractCase(image, mask, p, { transfer: true });
    expect(differences(r, single)).toEqual([]);
    expect(image.data.length).toBe(0); // detached: moved, not copied
  });
});

/** Same rule as the core conformance test: 1e-6 relative, 1e-9 absolute where the reference is ~0. */
function matches(v: number, ref: number): boolean {
  if (Math.abs(ref) < 1e-9) return Math.abs(v - ref) <= 1e-9;
  return Math.abs(v - ref) <= 1e-6 * Math.abs(ref);
}

/**
 * For a binned feature that disagrees: the ROI voxels of that derived image lying within
 * 1e-9 (relative) of a bin edge, which a last-bit difference in the filter can move across.
 */
function voxelsNearEdges(id: keyof typeof cases, p: ExtractionParams, imageName: string): string[] {
  const prep = prepareCase(cases[id].image, cases[id].mask, p);
  const out: string[] = [];
  for (const t of prep.imageTypes) {
    for (const d of imageTypeFilter(t.name)(prep.image, t.filterSettings)) {
      if (d.name !== imageName) continue;
      const { lo, hi } = prep.box;
      const size = boxSize(prep.box);
      const values = cropArray(d.image.data, d.image.size, lo, hi);
      const mask = cropArray(prep.featureRoi, prep.image.size, lo, hi);
      const inRoi = Float64Array.from(values.filter((_, i) => mask[i]));
      const edges = getBinEdges(inRoi, { binWidth: t.settings.binWidth, binCount: t.settings.binCount, float32: d.image.data instanceof Float32Array });
      values.forEach((v, i) => {
        if (!mask[i]) return;
        for (const e of edges) {
          if (Math.abs(v - e) <= 1e-9 * Math.max(1, Math.abs(e))) {
            const x = i % size[0];
            const y = Math.floor(i / size[0]) % size[1];
            const z = Math.floor(i / (size[0] * size[1]));
            out.push(`${imageName} voxel (${x + lo[0]}, ${y + lo[1]}, ${z + lo[2]}) of the filtered grid: value ${v}, bin edge ${e}`);
          }
        }
      });
    }
  }
  return out;
}

describe("the paper's configuration through the pool vs PyRadiomics (pyradiomics_paper_exampleMR_5mm.csv)", () => {
  const table = parseCsv(readFileSync(join(FULL, 'pyradiomics_paper_exampleMR_5mm.csv'), 'utf8')).filter((r) => r.length > 1);
  const header = table[0];
  for (const row of table.slice(1)) {
    const id = row[0] as keyof typeof cases;
    it(`${id}: all 960 features within 1e-6`, async () => {
      const p = params(PAPER);
      const r = await shared.extractCase(cases[id].image, cases[id].mask, p);
      const names = header.filter((h, i) => i >= 3 && !h.startsWith('diagnostics_'));
      expect(names.length).toBe(960);
      expect(Object.keys(r.features)).toEqual(names);
      const mismatches: string[] = [];
      const suspects = new Set<string>();
      header.forEach((key, i) => {
        if (i < 3 || key.startsWith('diagnostics_')) return;
        const ref = Number(row[i]);
        const ours = r.features[key];
        if (!matches(ours, ref)) {
          mismatches.push(`${key}: ours ${ours}, reference ${ref}`);
          if (!/_firstorder_|^original_shape_/.test(key)) suspects.add(key.split('_')[0]);
        }
      });
      for (const image of suspects) for (const line of voxelsNearEdges(id, p, image)) console.log(`  near a bin edge: ${line}`);
      console.log(`${id} via pool: ${names.length} features, ${mismatches.length} mismatches${mismatches.map((m) => `\n  MISMATCH ${m}`).join('')}`);
      expect(mismatches).toEqual([]);
    });
  }
});

describe('progress, cancel, errors', () => {
  it('reports every image type and class, and done reaches total', async () => {
    const p = params(PAPER);
    const events: CaseProgress[] = [];
    await shared.extractCase(cases.breast1.image, cases.breast1.mask, p, { onProgress: (e) => events.push(e) });
    expect(events[0].stage).toBe('prepare');
    const seen = new Set(events.filter((e) => e.stage === 'features').map((e) => `${e.imageType} ${e.image} ${e.featureClass}`));
    const images = ['original', 'log-sigma-3-0-mm-3D', 'log-sigma-5-0-mm-3D', ...['LLH', 'LHL', 'LHH', 'HLL', 'HLH', 'HHL', 'HHH', 'LLL'].map((b) => `wavelet-${b}`)];
    const typeOf = (img: string) => (img === 'original' ? 'Original' : img.startsWith('log') ? 'LoG' : 'Wavelet');
    for (const img of images) for (const c of ['firstorder', 'glcm', 'glrlm', 'glszm', 'gldm']) expect(seen.has(`${typeOf(img)} ${img} ${c}`)).toBe(true);
    expect(events.some((e) => e.stage === 'shape' && e.featureClass === 'shape')).toBe(true);
    // progress arrives while the case runs; `done` counts finished tasks (prepare + shape + 3 image types)
    expect(events.every((e) => e.total >= 1 && e.done <= e.total)).toBe(true);
    expect(Math.max(...events.map((e) => e.total))).toBe(5);
  });

  for (const mode of ['shared', 'cloned'] as const) {
    it(`cancel (${mode}): rejects with ExtractionCancelled, and the pool works afterwards`, async () => {
      const pool = mode === 'shared' ? shared : cloned;
      const p = params(PAPER);
      const ctl = new AbortController();
      const run = pool.extractCase(cases.brain1.image, cases.brain1.mask, p, {
        signal: ctl.signal,
        onProgress: (e) => {
          if (e.stage === 'features') ctl.abort();
        },
      });
      await expect(run).rejects.toBeInstanceOf(ExtractionCancelled);
      const again = await pool.extractCase(cases.breast1.image, cases.breast1.mask, p);
      expect(differences(again, extract(cases.breast1.image, cases.breast1.mask, p))).toEqual([]);
      expect(await pool.heldCases()).toEqual([0, 0]);
    });
  }

  it('an already aborted signal runs nothing', async () => {
    const ctl = new AbortController();
    ctl.abort();
    await expect(shared.extractCase(cases.breast1.image, cases.breast1.mask, params(PAPER), { signal: ctl.signal })).rejects.toBeInstanceOf(ExtractionCancelled);
  });

  it("a bad case rejects with the extractor's message, and the pool goes on", async () => {
    const p = parseParams('setting:\n  label: 7\n', 'label7.yaml');
    const single = (() => {
      try {
        extract(cases.breast1.image, cases.breast1.mask, p);
        return '';
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(single).not.toBe('');
    await expect(shared.extractCase(cases.breast1.image, cases.breast1.mask, p)).rejects.toThrow(single);
    const ok = await shared.extractCase(cases.breast1.image, cases.breast1.mask, params(PAPER));
    expect(Object.keys(ok.features).length).toBe(960);
  });
});

describe('cohort mode: one case per worker', () => {
  it('results in input order, equal to extract, per-mask and per-case errors reported, the others continue', async () => {
    const p = params(PAPER);
    const empty = { ...cases.breast1.mask, data: new Uint8Array(cases.breast1.mask.data.length) };
    const input = [
      { id: 'brain1', image: cases.brain1.image, masks: [{ name: 'reader1', mask: cases.brain1.mask }] },
      { id: 'breast1', image: cases.breast1.image, masks: [{ name: 'reader1', mask: cases.breast1.mask }, { name: 'reader2', mask: empty }] },
      { id: 'unreadable', image: null, masks: [] },
      { id: 'breast1-again', image: cases.breast1.image, masks: [{ name: 'reader1', mask: cases.breast1.mask }] },
    ];
    const doneOrder: string[] = [];
    const out = await shared.extractCohort(
      input.map((c) => ({
        id: c.id,
        load: async () => {
          if (!c.image) throw new Error(`${c.id}: no image`);
          // fresh arrays, as a loader reads them: the pool moves them to the worker
          return {
            image: { ...c.image, data: c.image.data.slice() },
            masks: c.masks.map((m) => ({ name: m.name, mask: { ...m.mask, data: m.mask.data.slice() } })),
          };
        },
      })),
      p,
      { onCaseDone: (r, done, total) => doneOrder.push(`${r.id} ${done}/${total}`) },
    );
    expect(out.map((r) => r.id)).toEqual(input.map((c) => c.id));
    expect(doneOrder.length).toBe(4);
    expect(doneOrder.map((d) => d.split(' ')[1]).sort()).toEqual(['1/4', '2/4', '3/4', '4/4']);
    expect(out[2].error).toBe('unreadable: no image');
    expect(out[1].masks[1].name).toBe('reader2');
    expect(out[1].masks[1].error).toBeTruthy();
    for (const [i, id] of [[0, 'brain1'], [1, 'breast1'], [3, 'breast1']] as const) {
      const single = extract(cases[id].image, cases[id].mask, p);
      expect(out[i].error).toBeUndefined();
      expect(differences(out[i].masks[0].result!, single)).toEqual([]);
    }
  });

  it('cases read inside the workers (source: a loader module), with progress per case', async () => {
    const p = params(PAPER);
    const loader = new URL('./test-loader.ts', import.meta.url).href;
    const source = (id: string) => ({ module: loader, arg: { image: join(DATA, `${id}_image.nrrd`), mask: join(DATA, `${id}_label.nrrd`) } });
    const events = new Map<string, number>();
    const out = await shared.extractCohort(
      [
        { id: 'breast1', source: source('breast1') },
        { id: 'missing', source: { module: loader, arg: { image: join(DATA, 'missing_image.nrrd'), mask: '' } } },
        { id: 'brain1', source: source('brain1') },
      ],
      p,
      { onProgress: (id) => events.set(id, (events.get(id) ?? 0) + 1) },
    );
    expect(out.map((r) => r.id)).toEqual(['breast1', 'missing', 'brain1']);
    expect(out[1].error).toMatch(/missing_image\.nrrd/);
    expect(out[0].warnings).toEqual([`read ${join(DATA, 'breast1_image.nrrd')}`]);
    for (const [i, id] of [[0, 'breast1'], [2, 'brain1']] as const) {
      expect(differences(out[i].masks[0].result!, extract(cases[id].image, cases[id].mask, p))).toEqual([]);
      // prepare + shape + 11 derived images x 5 classes, all delivered before the call returned
      expect(events.get(id)).toBe(2 + 11 * 5);
    }
  });
});
