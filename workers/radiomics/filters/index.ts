/**
 * PyRadiomics's image types, by the names of its `imageType` settings section: each maps an
 * image (the region PyRadiomics filters: the whole image, or the padded crop with preCrop or
 * resampling) and the settings to its derived images, in the order PyRadiomics yields them,
 * each on the input's grid and named as in the feature names ('log-sigma-3-0-mm-3D', ...).
 *
 *   for (const { name, image } of imageTypeFilter('Wavelet')(region, settings)) ...
 *
 * Filters are lazy generators: an image is computed when the consumer asks for it, so a caller
 * can drop each derived image before the next one is made.
 */
import type { Volume } from '../../io/volume.ts';
import { geometryOf } from '../../io/volume.ts';
import { gradientImage } from './gradient.ts';
import { lbp2dImages } from './lbp2d.ts';
import { logImages } from './log.ts';
import { exponentialImage, logarithmImage, squareImage, squareRootImage } from './simple.ts';
import type { DerivedImage, FilterSettings, ImageTypeFilter } from './types.ts';
import { UnsupportedImageTypeError } from './types.ts';
import { waveletImages } from './wavelet.ts';

export type { DerivedImage, FilterContext, FilterSettings, ImageTypeFilter, SigmaSetting } from './types.ts';
export { UnsupportedImageTypeError } from './types.ts';
export { laplacianOfGaussian, logImageName } from './log.ts';
export { waveletImages } from './wavelet.ts';
export { discreteWaveletNames, waveletFilterBank } from './wavelet-filters.ts';
export { gradientMagnitude } from './gradient.ts';

/** PyRadiomics's image type names (radiomics.getImageTypes()), alphabetical as it lists them. */
export const IMAGE_TYPE_NAMES = [
  'Exponential', 'Gradient', 'LBP2D', 'LBP3D', 'LoG', 'Logarithm', 'Original', 'Square', 'SquareRoot', 'Wavelet',
] as const;
export type ImageTypeName = (typeof IMAGE_TYPE_NAMES)[number];

/** getOriginalImage: the image itself, as float64 unless it already is float32 or float64. */
function* originalImage(image: Volume): Generator<DerivedImage> {
  const data = image.data instanceof Float32Array || image.data instanceof Float64Array ? image.data : Float64Array.from(image.data);
  yield { name: 'original', image: { ...geometryOf(image), data } };
}

function unsupported(name: string, why: string): ImageTypeFilter {
  return () => {
    throw new UnsupportedImageTypeError(`image type '${name}' is not supported by this engine yet (${why}); remove it from the parameter file's imageType section`);
  };
}

const FILTERS: Readonly<Record<ImageTypeName, ImageTypeFilter>> = {
  Original: (image) => originalImage(image),
  LoG: (image, settings, context) => logImages(image, settings, context),
  Wavelet: (image, settings, context) => waveletImages(image, settings, context),
  Square: (image) => [squareImage(image)],
  SquareRoot: (image) => [squareRootImage(image)],
  Logarithm: (image) => [logarithmImage(image)],
  Exponential: (image) => [exponentialImage(image)],
  Gradient: (image, settings: FilterSettings) => [gradientImage(image, settings.gradientUseSpacing ?? true)],
  LBP2D: (image, settings, context) => lbp2dImages(image, settings, context),
  LBP3D: unsupported('LBP3D', "the spherical-harmonics LBP needs scipy's spline sampling and trimesh's icosphere, not reproduced"),
};

export function isImageTypeName(name: string): name is ImageTypeName {
  return (IMAGE_TYPE_NAMES as readonly string[]).includes(name);
}

/**
 * The filter of an image type named as in PyRadiomics's parameter files. Throws for a name
 * PyRadiomics does not know (it would warn "Image type X is not recognized" and skip it: the
 * caller decides). LBP3D throws UnsupportedImageTypeError when called.
 */
export function imageTypeFilter(name: string): ImageTypeFilter {
  if (!isImageTypeName(name)) {
    throw new Error(`image type '${name}' is not recognized; PyRadiomics's image types are ${IMAGE_TYPE_NAMES.join(', ')}`);
  }
  return FILTERS[name];
}
