/**
 * LoG against ITK 5.2.1's LaplacianRecursiveGaussianImageFilter outputs in
 * ../shared/conformance/filters (README §2, §5): with ITK's float32 stages reproduced, every
 * voxel is expected bit-exact, at most 1 float32 ulp off where JavaScript's sin/cos/exp and
 * glibc's differ in the last bit. Every differing voxel is printed.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Volume } from '../../io/volume.ts';
import { laplacianOfGaussian, logImageName, logImages, parseSigma, pythonFloatRepr } from './log.ts';
import type { Manifest } from './test-support.ts';
import {
  cropBox, FILTERS_DIR, index3, readCaseImage, readManifest, readVolume, relativeBox, ulpDistance, wholeBox,
} from './test-support.ts';

interface Comparison { differing: number; maxUlps: number; lines: string[] }

function compareFloat32(mine: Float32Array, ref: Volume, label: string): Comparison {
  const lines: string[] = [];
  let differing = 0;
  let maxUlps = 0;
  for (let i = 0; i < mine.length; i++) {
    const a = mine[i];
    const b = ref.data[i];
    if (Object.is(a, b) || a === b) continue;
    differing++;
    const u = ulpDistance(a, b);
    maxUlps = Math.max(maxUlps, u);
    if (lines.length < 50) lines.push(`${label} voxel ${index3(ref.size, i).join(',')}: mine ${a} ITK ${b} (${u} ulp)`);
  }
  return { differing, maxUlps, lines };
}

for (const caseName of ['breast1', 'brain1']) {
  describe(`LoG on ${caseName} matches ITK`, () => {
    const manifest: Manifest = readManifest(caseName);
    const image = readCaseImage(caseName);
    for (const out of manifest.outputs.filter((o) => o.filter === 'LoG')) {
      it(`${out.variant} ${out.imageType}`, () => {
        const sigma = out.settings.sigma as number;
        const region = cropBox(image, out.filteredBox);
        const filtered = laplacianOfGaussian(region, sigma);
        const mine = cropBox(filtered, relativeBox(out.storedBox, out.filteredBox));
        const ref = readVolume(resolve(FILTERS_DIR, out.file));
        expect(mine.size).toEqual(ref.size);
        expect(ref.data).toBeInstanceOf(Float32Array);
        for (let i = 0; i < 3; i++) expect(mine.origin[i]).toBeCloseTo(ref.origin[i], 9);
        const cmp = compareFloat32(mine.data as Float32Array, ref, `${caseName} ${out.variant} ${out.imageType}`);
        console.log(`${caseName} ${out.variant} ${out.imageType}: ${mine.data.length} voxels, ${cmp.differing} differ, max ${cmp.maxUlps} ulp`);
        for (const line of cmp.lines) console.log(line);
        expect(cmp.maxUlps).toBeLessThanOrEqual(1);
        if (out.wholeImageStats) {
          // the whole filtered image, not only the stored bounding box
          const data = filtered.data;
          let min = Infinity;
          let max = -Infinity;
          for (const v of data) {
            if (v < min) min = v;
            if (v > max) max = v;
          }
          expect(data.length).toBe(out.wholeImageStats.count);
          expect(min).toBe(out.wholeImageStats.min);
          expect(max).toBe(out.wholeImageStats.max);
        }
      });
    }
  });
}

describe('LoG image type (PyRadiomics getLoGImage)', () => {
  it('names images with Python str of the sigma as written', () => {
    expect(logImageName(1.0)).toBe('log-sigma-1-0-mm-3D');
    expect(logImageName(0.5)).toBe('log-sigma-0-5-mm-3D');
    expect(logImageName('3')).toBe('log-sigma-3-mm-3D');
    expect(logImageName('3.0')).toBe('log-sigma-3-0-mm-3D');
    expect(logImageName(3)).toBe('log-sigma-3-0-mm-3D');
    expect(parseSigma('5').value).toBe(5);
  });

  it('formats floats as Python repr does', () => {
    expect(pythonFloatRepr(1e-5)).toBe('1e-05');
    expect(pythonFloatRepr(0.0001)).toBe('0.0001');
    expect(pythonFloatRepr(1.5e-7)).toBe('1.5e-07');
    expect(pythonFloatRepr(1e16)).toBe('1e+16');
    expect(pythonFloatRepr(1234567890123456)).toBe('1234567890123456.0');
    expect(pythonFloatRepr(2.25)).toBe('2.25');
    expect(pythonFloatRepr(0.1 + 0.2)).toBe('0.30000000000000004');
  });

  it('skips a sigma that does not fit the image, with a warning, and yields the others in order', () => {
    const image = readCaseImage('breast1');
    const manifest = readManifest('breast1');
    const crop = cropBox(image, manifest.paddedBox); // 19 x 22 x 13, spacing 0.664 x 0.664 x 2.1
    const warnings: string[] = [];
    // sigma 20 mm needs ceil(20 / 0.664) + 1 = 32 voxels along x: skipped; 0 and -1 are not > 0
    const out = [...logImages(crop, { sigma: [2.0, 20.0, 0, -1, 1.0] }, { warn: (m) => warnings.push(m) })];
    expect(out.map((o) => o.name)).toEqual(['log-sigma-2-0-mm-3D', 'log-sigma-1-0-mm-3D']);
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toContain('sigma 20.0 skipped');
    const small = cropBox(image, { ...wholeBox(image), z: [0, 2] });
    const none = [...logImages(small, { sigma: [1.0] }, { warn: (m) => warnings.push(m) })];
    expect(none).toHaveLength(0);
    expect(warnings[3]).toContain('Image too small to apply LoG filter');
  });
});
