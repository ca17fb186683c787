/**
 * The image types of PyRadiomics's `imageType` section, each a function that takes the
 * preprocessed image (whole, or the padded crop when resampling or preCrop applies) and
 * yields its derived images with PyRadiomics's names (imageoperations.get<Type>Image).
 * The filters live in ./filters (one module per filter); this table is the only place
 * that maps a PyRadiomics image-type name to one. An image type without a filter here is
 * an error naming it, raised before any work starts.
 */
import type { ImageTypeName } from './settings.ts';
import type { ImageTypeFilter } from './filters/types.ts';
import { logImages } from './filters/log.ts';
import { waveletImages } from './filters/wavelet.ts';

/** imageoperations.getOriginalImage: the image itself, named 'original'. */
const originalImages: ImageTypeFilter = (image) => [{ name: 'original', image: image as never }];

export const IMAGE_TYPE_FILTERS: Partial<Record<ImageTypeName, ImageTypeFilter>> = {
  Original: originalImages,
  LoG: logImages,
  Wavelet: waveletImages,
};

export function imageTypeFilter(name: ImageTypeName): ImageTypeFilter {
  const f = IMAGE_TYPE_FILTERS[name];
  if (!f) throw new Error(`image type '${name}' is not supported yet (supported: ${Object.keys(IMAGE_TYPE_FILTERS).join(', ')})`);
  return f;
}
