/**
 * The extractor's API (the split steps give what `extract` gives; progress, cancel,
 * transferables) and its behaviour on bad input: empty mask, absent label, one-voxel ROI,
 * constant ROI, NaN voxels, image and mask of different geometry, unknown features.
 * Values are checked against PyRadiomics's (the baselines) wherever PyRadiomics has one.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../io/csv.ts';
import { readNrrd } from '../io/nrrd.ts';
import type { Volume } from '../io/volume.ts';
import {
  assemble,
  ExtractionCancelled,
  extract,
  extractImageType,
  extractShape,
  prepareCase,
  transferables,
  type ProgressEvent,
} from './extractor.ts';
import { defaultParams, paramsFromGiven, parseParams, type GivenValue } from './settings.ts';

const PYR = resolve(process.cwd(), '../shared/conformance/pyradiomics');
const FULL = resolve(process.cwd(), '../shared/conformance/pyradiomics-full');
const read = (f: string) => readNrrd(readFileSync(join(PYR, 'data', f)), f);
const breastImage = read('breast1_image.nrrd');
const breastMask = read('breast1_label.nrrd');

function withData<T extends Volume>(v: T, data: Volume['data']): Volume {
  return { size: [...v.size], spacing: [...v.spacing], origin: [...v.origin], direction: [...v.direction], data };
}

function params(setting: Record<string, GivenValue>, featureClass: Record<string, GivenValue> = { firstorder: null }) {
  return paramsFromGiven({ imageType: { Original: {} }, featureClass, setting }, 'test');
}

describe('extractor API', () => {
  it('prepareCase + extractShape + extractImageType + assemble give exactly what extract gives', () => {
    const p = parseParams(readFileSync(join(FULL, 'params_full_binWidth25.yaml'), 'utf8'));
    const whole = extract(breastImage, breastMask, p);
    const prepared = prepareCase(breastImage, breastMask, p);
    // the prepared case survives a structured clone (what postMessage does)
    const cloned = structuredClone(prepared);
    const shape = extractShape(cloned);
    const perType = [...cloned.imageTypes].reverse().map((t) => ({ name: t.name, r: extractImageType(cloned, t.name) }));
    const ordered = cloned.imageTypes.map((t) => perType.find((x) => x.name === t.name)!.r);
    const split = assemble(cloned, shape, ordered);
    expect(Object.keys(split.features)).toEqual(Object.keys(whole.features));
    expect(split.features).toEqual(whole.features);
    expect(split.diagnostics).toEqual(whole.diagnostics);
    expect(transferables(prepared).length).toBeGreaterThan(0);
  });

  it('reports progress per image type and class, and stops when cancelled', () => {
    const p = parseParams(readFileSync(join(FULL, 'params_full_binWidth25.yaml'), 'utf8'));
    const events: ProgressEvent[] = [];
    extract(breastImage, breastMask, p, { onProgress: (e) => events.push(e) });
    expect(events[0].stage).toBe('prepare');
    expect(events.filter((e) => e.stage === 'features' && e.featureClass === 'glcm').map((e) => e.image)).toEqual([
      'original',
      'log-sigma-1-0-mm-3D',
      'log-sigma-3-0-mm-3D',
      'wavelet-LLH',
      'wavelet-LHL',
      'wavelet-LHH',
      'wavelet-HLL',
      'wavelet-HLH',
      'wavelet-HHL',
      'wavelet-HHH',
      'wavelet-LLL',
    ]);
    let n = 0;
    expect(() => extract(breastImage, breastMask, p, { isCancelled: () => ++n > 5 })).toThrow(ExtractionCancelled);
  });

  it('without a parameter file: PyRadiomics defaults (Original, every class but shape2D, in module order)', () => {
    const r = extract(breastImage, breastMask, defaultParams());
    const classes = [...new Set(Object.keys(r.features).map((k) => k.split('_')[1]))];
    expect(classes).toEqual(['shape', 'firstorder', 'glcm', 'gldm', 'glrlm', 'glszm', 'ngtdm']);
  });

  it('an unknown feature name or image type is an error naming it', () => {
    expect(() => prepareCase(breastImage, breastMask, params({}, { glcm: ['Idmn', 'Nonsense'] }))).toThrow(/Nonsense/);
    expect(() => paramsFromGiven({ imageType: { Fancy: {} } })).toThrow(/Fancy/);
    const lbp = paramsFromGiven({ imageType: { LBP3D: {} }, featureClass: { firstorder: null } });
    expect(() => extract(breastImage, breastMask, lbp)).toThrow(/LBP3D/);
  });

  it('shape2D without force2D is skipped with a warning, as PyRadiomics does', () => {
    const r = extract(breastImage, breastMask, params({}, { shape2D: null }));
    expect(Object.keys(r.features)).toEqual([]);
    expect(r.warnings.join(' ')).toMatch(/force2D/);
  });
});

describe('preCrop', () => {
  it("filters run on the box grown by padDistance, the region of the filter references' padded images; the derived images equal them", () => {
    const FILTERS = resolve(process.cwd(), '../shared/conformance/filters');
    const p = parseParams('imageType: {Wavelet: {}}\nfeatureClass: {firstorder: null}\nsetting: {preCrop: true}');
    const prepared = prepareCase(breastImage, breastMask, p);
    const ref = readNrrd(readFileSync(join(FILTERS, 'breast1_padded_wavelet-HLL.nrrd')), 'breast1_padded_wavelet-HLL.nrrd');
    expect(prepared.image.size).toEqual(ref.size);
    expect(prepared.image.origin).toEqual(ref.origin);
    // features of our derived images = the same classes on the reference images, cropped to the ROI box
    const ours = extract(breastImage, breastMask, p).features;
    for (const band of ['LLH', 'HLL', 'HHH', 'LLL']) {
      const img = readNrrd(readFileSync(join(FILTERS, `breast1_padded_wavelet-${band}.nrrd`)));
      const onRef = extract(img, withData(img, prepared.roi), params({}, { firstorder: null })).features;
      for (const [k, v] of Object.entries(onRef)) {
        const name = k.replace('original_', `wavelet-${band}_`);
        expect(Math.abs(ours[name] - v), name).toBeLessThanOrEqual(1e-10 * Math.max(1, Math.abs(v)));
      }
    }
  });
});

describe('bad input', () => {
  it('empty mask: error', () => {
    const empty = withData(breastMask, new Int16Array(breastMask.data.length));
    expect(() => extract(breastImage, empty, defaultParams())).toThrow(/no labels found/);
  });

  it('label not present: error naming the labels that are', () => {
    expect(() => extract(breastImage, breastMask, params({ label: 2 }))).toThrow(/label 2 is not present.*labels present: 1/);
  });

  it('one-voxel ROI: error (PyRadiomics: a single voxel cannot give features)', () => {
    const one = new Int16Array(breastMask.data.length);
    one[breastMask.data.findIndex((v) => v === 1)] = 1;
    expect(() => extract(breastImage, withData(breastMask, one), defaultParams())).toThrow(/only 1 voxel/);
  });

  it('ROI below minimumROIDimensions or minimumROISize: error', () => {
    const line = new Int16Array(breastMask.data.length);
    for (let x = 20; x < 25; x++) line[x + 45 * (70 + 120 * 9)] = 1;
    expect(() => extract(breastImage, withData(breastMask, line), params({ minimumROIDimensions: 2 }))).toThrow(/too few dimensions/);
    expect(() => extract(breastImage, breastMask, params({ minimumROISize: 143 }))).toThrow(/too small/);
  });

  it('constant ROI: texture values are those PyRadiomics gives a single grey level (the brain1_flatRegion baselines)', () => {
    const image = read('brain1_image.nrrd');
    const mask = read('brain1_label.nrrd');
    const flat = Int16Array.from(image.data);
    for (let i = 0; i < flat.length; i++) if (mask.data[i] === 1) flat[i] = 100;
    const constant = withData(image, flat);
    for (const cls of ['glcm', 'glrlm', 'glszm', 'gldm', 'ngtdm']) {
      const table = parseCsv(readFileSync(join(PYR, 'baseline', `baseline_${cls}.csv`), 'utf8'));
      const col = table[0].indexOf('brain1_flatRegion');
      const r = extract(constant, mask, params({ binWidth: 25 }, { [cls]: null }));
      for (const row of table.slice(1)) {
        if (row[0].startsWith('diagnostics') || row.length < col) continue;
        const ref = Number(row[col]);
        const v = r.features[row[0]];
        if (Math.abs(ref) < 1e-9) expect(Math.abs(v - ref), row[0]).toBeLessThanOrEqual(1e-9);
        else expect(Math.abs(v - ref) / Math.abs(ref), row[0]).toBeLessThanOrEqual(1e-6);
      }
    }
    // firstorder: PyRadiomics's code on a constant (m2 = 0 gives Skewness m3 / 1 and Kurtosis m4 / 1;
    // Entropy is -p log2(p + eps) with p = 1)
    const fo = extract(constant, mask, params({ binWidth: 25 }));
    let n = 0;
    for (let i = 0; i < mask.data.length; i++) if (mask.data[i] === 1) n++;
    expect(fo.features).toMatchObject({
      original_firstorder_Mean: 100,
      original_firstorder_Median: 100,
      original_firstorder_Range: 0,
      original_firstorder_Variance: 0,
      original_firstorder_Skewness: 0,
      original_firstorder_Kurtosis: 0,
      original_firstorder_Energy: n * 100 * 100,
      original_firstorder_Uniformity: 1,
      original_firstorder_Entropy: -Math.log2(1 + 2.220446049250313e-16),
    });
  });

  it('NaN voxels: an error inside the ROI; outside it, features as without them', () => {
    const inside = Float32Array.from(breastImage.data);
    inside[breastMask.data.findIndex((v) => v === 1)] = NaN;
    expect(() => extract(withData(breastImage, inside), breastMask, defaultParams())).toThrow(/NaN/);
    const outside = Float32Array.from(breastImage.data);
    outside[0] = NaN;
    const a = extract(withData(breastImage, outside), breastMask, params({}, { firstorder: null, glcm: null }));
    const b = extract(breastImage, breastMask, params({}, { firstorder: null, glcm: null }));
    expect(a.features).toEqual(b.features);
    expect(() => extract(withData(breastImage, outside), breastMask, params({ normalize: true }))).toThrow(/NaN/);
  });

  it('image and mask of different geometry: error, unless correctMask (then the mask is resampled onto the image)', () => {
    const shifted: Volume = { ...breastMask, origin: [breastMask.origin[0] + 0.5, breastMask.origin[1], breastMask.origin[2]] };
    expect(() => extract(breastImage, shifted, defaultParams())).toThrow(/geometry differ.*origin/);
    // within geometryTolerance: accepted
    const nudged: Volume = { ...breastMask, origin: [breastMask.origin[0] + 1e-5, breastMask.origin[1], breastMask.origin[2]] };
    expect(() => extract(breastImage, nudged, params({ geometryTolerance: 1e-4 }))).not.toThrow();
    expect(() => extract(breastImage, nudged, params({}))).toThrow(/geometry differ/);
    const corrected = extract(breastImage, shifted, params({ correctMask: true }));
    expect(corrected.diagnostics['diagnostics_Mask-corrected_VoxelNum']).toBeDefined();
    // a mask from another case (other size): error
    expect(() => extract(breastImage, read('brain1_label.nrrd'), defaultParams())).toThrow(/geometry differ.*size/);
  });

  it('resegmentation that leaves fewer than 2 voxels: error', () => {
    expect(() => extract(breastImage, breastMask, params({ resegmentRange: [1000, 2000] }))).toThrow(/resegmentation/);
  });
});
