/**
 * The image-type registry: PyRadiomics's names in, PyRadiomics's derived-image names out (the
 * names come from the reference files: the conformance manifests and the fixture manifest).
 */
import { describe, expect, it } from 'vitest';
import { IMAGE_TYPE_NAMES, imageTypeFilter, UnsupportedImageTypeError } from './index.ts';
import { cropBox, fixtureInput, readCaseImage, readFixtureManifest, readManifest } from './test-support.ts';

describe('image type registry', () => {
  const manifest = readManifest('breast1');
  const crop = cropBox(readCaseImage('breast1'), manifest.paddedBox);

  it('yields LoG and Wavelet images named as in the conformance manifests, on the input grid', () => {
    const sigmas = manifest.outputs.filter((o) => o.filter === 'LoG' && o.variant === 'padded');
    const log = [...imageTypeFilter('LoG')(crop, { sigma: sigmas.map((o) => o.settings.sigma as number) })];
    expect(log.map((d) => d.name)).toEqual(sigmas.map((o) => o.imageType));
    const wavelet = [...imageTypeFilter('Wavelet')(crop, {})];
    expect(wavelet.map((d) => d.name).sort()).toEqual(
      manifest.outputs.filter((o) => o.filter === 'wavelet' && o.variant === 'padded').map((o) => o.imageType).sort(),
    );
    for (const d of [...log, ...wavelet]) {
      expect(d.image.size).toEqual(crop.size);
      expect(d.image.origin).toEqual(crop.origin);
      expect(d.image.spacing).toEqual(crop.spacing);
      expect(d.image.direction).toEqual(crop.direction);
    }
  });

  it('yields the point-wise and gradient images under PyRadiomics names', () => {
    const fixtures = readFixtureManifest();
    const byFunction = new Map(fixtures.cases.map((c) => [c.function, c.names[0]]));
    const input = fixtureInput(fixtures, 'breast1_padded');
    for (const [type, fn] of [['Square', 'getSquareImage'], ['SquareRoot', 'getSquareRootImage'], ['Logarithm', 'getLogarithmImage'], ['Exponential', 'getExponentialImage']]) {
      expect([...imageTypeFilter(type)(input, {})].map((d) => d.name)).toEqual([byFunction.get(fn)]);
    }
    expect([...imageTypeFilter('Gradient')(input, {})].map((d) => d.name)).toEqual(['gradient']);
    expect([...imageTypeFilter('LBP2D')(input, {})].map((d) => d.name)).toEqual([byFunction.get('getLBP2DImage')]);
    const original = [...imageTypeFilter('Original')(input, {})];
    expect(original.map((d) => d.name)).toEqual(['original']);
    expect(Array.from(original[0].image.data)).toEqual(Array.from(input.data));
  });

  it('names unknown and unsupported image types in its errors', () => {
    expect(IMAGE_TYPE_NAMES).toContain('LBP3D');
    expect(() => imageTypeFilter('Sobel')).toThrow(/image type 'Sobel' is not recognized/);
    expect(() => imageTypeFilter('LBP3D')(crop, {})).toThrow(UnsupportedImageTypeError);
    expect(() => imageTypeFilter('LBP3D')(crop, {})).toThrow(/'LBP3D' is not supported/);
  });
});
