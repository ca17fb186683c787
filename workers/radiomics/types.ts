/**
 * Contracts between the radiomics engine's steps (see ../shared/notes/style.md: one file
 * per feature class, as PyRadiomics has; small separate steps for preprocessing).
 *
 * Flow (PyRadiomics's featureextractor.execute, in our modules):
 *   read image + mask -> preprocess.ts (label, geometry check, normalize, resample,
 *   resegment, crop) -> filters/ (LoG, wavelet, ...) -> crop to the ROI's bounding box
 *   -> discretize.ts -> features/<class>.ts
 * Arrays are x fastest (index i + nx*(j + ny*k)), like numpy's (z, y, x) C order.
 */
import type { Vec3 } from '../io/volume.ts';

/** The image cropped to the ROI's bounding box with no padding (PyRadiomics's cropToTumorMask). */
export interface CroppedRoi {
  /** [nx, ny, nz] of the crop */
  size: Vec3;
  spacing: Vec3;
  /** voxel values of the (original or derived) image on the crop */
  image: Float64Array;
  /** 1 inside the ROI, 0 outside; for gray-level classes this is the resegmented mask */
  mask: Uint8Array;
}

/** The crop after discretisation (PyRadiomics's imageoperations.binImage). */
export interface BinnedRoi extends CroppedRoi {
  /** bin index, 1..ng, inside the ROI; 0 outside */
  levels: Int32Array;
  /** PyRadiomics's coefficients['Ng']: the largest bin index present in the ROI */
  ng: number;
  /** sorted bin indices that occur in the ROI (PyRadiomics's coefficients['grayLevels']) */
  grayLevels: Int32Array;
  /** the bin edges used (numpy.digitize semantics) */
  binEdges: Float64Array;
}

/** The settings a texture class reads; names and defaults are PyRadiomics's. */
export interface TextureSettings {
  force2D: boolean;
  /** numpy axis excluded with force2D: 0 = z, 1 = y, 2 = x */
  force2Ddimension: number;
  /** neighbour distances (infinity norm), default [1] */
  distances: number[];
  /** glcm only, default true */
  symmetricalGLCM: boolean;
  /** glcm and glrlm: null (average features over angles) or a norm to merge matrices */
  weightingNorm: null | 'manhattan' | 'euclidean' | 'infinity' | 'no_weighting';
  /** gldm only, default 0 */
  gldm_a: number;
}

export const DEFAULT_TEXTURE_SETTINGS: TextureSettings = {
  force2D: false,
  force2Ddimension: 0,
  distances: [1],
  symmetricalGLCM: true,
  weightingNorm: null,
  gldm_a: 0,
};

/** One feature of a class: its PyRadiomics name, e.g. 'Idmn'. */
export interface FeatureSpec {
  name: string;
  /** deprecated in PyRadiomics: never enabled by default, computed only on request */
  deprecated?: boolean;
}

export type FeatureClassName = 'shape' | 'shape2D' | 'firstorder' | 'glcm' | 'glrlm' | 'glszm' | 'gldm' | 'ngtdm';

/** Every class file exports one of these. `features` is in PyRadiomics's output order. */
export interface FeatureClassInfo {
  name: FeatureClassName;
  features: readonly FeatureSpec[];
}

/**
 * Signature of a texture class's compute function: `enabled` lists the feature names to
 * compute (PyRadiomics's names, without prefix); the result keeps that order.
 */
export type TextureCompute = (roi: BinnedRoi, settings: TextureSettings, enabled: readonly string[]) => Record<string, number>;
