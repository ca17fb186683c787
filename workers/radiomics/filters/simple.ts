/**
 * PyRadiomics's point-wise image types (imageoperations.getSquareImage, getSquareRootImage,
 * getLogarithmImage, getExponentialImage). Each casts the image to float64 and rescales with
 * the image's largest absolute value m = max|x|, in numpy's operation order:
 *
 *   square       f(x) = (x / sqrt(m))^2            computed as (c * x)^2, c = 1 / sqrt(m)
 *   squareroot   f(x) = sqrt(m * x) for x > 0, -sqrt(-x * m) for x < 0, 0 stays 0
 *   logarithm    g(x) = log(x + 1) for x > 0, -log(-(x - 1)) for x < 0; f = g * (m / max|g|)
 *   exponential  f(x) = exp(c * x), c = log(m) / m
 *
 * As in PyRadiomics, an all-zero image gives NaN (0/0) for square, logarithm and exponential.
 */
import type { Volume } from '../../io/volume.ts';
import { geometryOf } from '../../io/volume.ts';
import type { DerivedImage } from './types.ts';

function maxAbs(data: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < data.length; i++) {
    const a = Math.abs(data[i]);
    if (a > m || Number.isNaN(a)) m = a; // np.max propagates NaN
  }
  return m;
}

function derived(image: Volume, name: string, data: Float64Array): DerivedImage {
  return { name, image: { ...geometryOf(image), data } };
}

export function squareImage(image: Volume): DerivedImage {
  const src = image.data;
  const coeff = 1 / Math.sqrt(maxAbs(src));
  const out = new Float64Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const v = coeff * src[i];
    out[i] = v * v;
  }
  return derived(image, 'square', out);
}

export function squareRootImage(image: Volume): DerivedImage {
  const src = image.data;
  const coeff = maxAbs(src);
  const out = new Float64Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const x = src[i];
    out[i] = x > 0 ? Math.sqrt(x * coeff) : x < 0 ? -Math.sqrt(-x * coeff) : x;
  }
  return derived(image, 'squareroot', out);
}

export function logarithmImage(image: Volume): DerivedImage {
  const src = image.data;
  const imMax = maxAbs(src);
  const out = new Float64Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const x = src[i];
    out[i] = x > 0 ? Math.log(x + 1) : x < 0 ? -Math.log(-(x - 1)) : x;
  }
  const scale = imMax / maxAbs(out);
  for (let i = 0; i < out.length; i++) out[i] = out[i] * scale;
  return derived(image, 'logarithm', out);
}

export function exponentialImage(image: Volume): DerivedImage {
  const src = image.data;
  const imMax = maxAbs(src);
  const coeff = Math.log(imMax) / imMax;
  const out = new Float64Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = Math.exp(coeff * src[i]);
  return derived(image, 'exponential', out);
}
