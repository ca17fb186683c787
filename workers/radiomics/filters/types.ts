/**
 * Contracts of the image-type filters (PyRadiomics's `imageType` section: Original, LoG,
 * Wavelet, Square, SquareRoot, Logarithm, Exponential, Gradient, LBP2D, LBP3D).
 */
import type { Vec3, Volume } from '../../io/volume.ts';

/**
 * A LoG sigma as the settings give it. PyRadiomics names the image with Python's `str` of the
 * value as parsed from YAML, so `3.0` gives `log-sigma-3-0-mm-3D` and `3` gives
 * `log-sigma-3-mm-3D`. A string keeps that distinction (the YAML text: '3.0' is a float, '3'
 * an int); a number is taken as a Python float, which is what PyRadiomics's example settings
 * write (`sigma: [1.0, 3.0]`).
 */
export type SigmaSetting = number | string;

/**
 * The settings the filters read, with PyRadiomics's names and defaults (all optional). The
 * extractor's settings object, which uses the same names, can be passed as it is.
 */
export interface FilterSettings {
  /** LoG: sigma values in mm (no default: without it LoG yields nothing) */
  sigma?: readonly SigmaSetting[];
  /** Wavelet: pywt wavelet name, default 'coif1' */
  wavelet?: string;
  /** Wavelet: number of levels, default 1 */
  level?: number;
  /** Wavelet: 0-based first level that is returned, default 0 */
  start_level?: number;
  /** default false */
  force2D?: boolean;
  /** numpy axis left out with force2D: 0 = z, 1 = y, 2 = x; default 0 */
  force2Ddimension?: number;
  /** Gradient: use the image spacing, default true */
  gradientUseSpacing?: boolean;
  /** LBP2D: sampling radius, default 1 */
  lbp2DRadius?: number;
  /** LBP2D: number of samples, default 8 */
  lbp2DSamples?: number;
  /** LBP2D: 'default' | 'ror' | 'uniform' | 'nri_uniform' | 'var', default 'uniform' */
  lbp2DMethod?: string;
  /** LBP3D (not supported yet) */
  lbp3DLevels?: number;
  lbp3DIcosphereRadius?: number;
  lbp3DIcosphereSubdivision?: number;
  /** label value of the ROI, default 1 (LBP3D) */
  label?: number;
}

/** One derived image, named as PyRadiomics names it (the prefix of its feature names). */
export interface DerivedImage {
  /** e.g. 'original', 'log-sigma-3-0-mm-3D', 'wavelet-HLL', 'square' */
  name: string;
  /** same geometry as the input; float32 or float64 as PyRadiomics's image has it */
  image: Volume<Float32Array | Float64Array>;
  /** warnings PyRadiomics logs about this image */
  warnings?: string[];
}

export interface FilterContext {
  /** the ROI mask on the same grid (only LBP3D reads it) */
  mask?: Volume;
  /**
   * The voxels [lo, hi] (inclusive index bounds) the caller will read of each derived image
   * (the extractor reads the ROI's bounding box). LoG and Wavelet then compute only what
   * these voxels depend on, with the same values; the other voxels are left unspecified.
   * Without it every voxel is computed.
   */
  region?: { lo: Vec3; hi: Vec3 };
  /**
   * Receives PyRadiomics's warnings that do not belong to a yielded image (e.g. a LoG sigma
   * skipped because the image is too small). Without it they are dropped.
   */
  warn?: (message: string) => void;
}

/** One image type: yields its derived images in PyRadiomics's order. */
export type ImageTypeFilter = (image: Volume, settings: FilterSettings, context?: FilterContext) => Iterable<DerivedImage>;

/** An image type PyRadiomics has but this engine cannot reproduce faithfully yet. */
export class UnsupportedImageTypeError extends Error {}
