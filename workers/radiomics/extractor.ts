/**
 * PyRadiomics's featureextractor.RadiomicsFeatureExtractor.execute, in three steps that
 * can run in different workers:
 *
 *   prepareCase(image, mask, params)        -> PreparedCase (transferable: typed arrays
 *                                              and geometry after label selection,
 *                                              normalize, resample / preCrop, mask
 *                                              checks and resegmentation; diagnostics)
 *   extractShape(prepared)                  -> original_shape_* / original_shape2D_*
 *   extractImageType(prepared, 'Wavelet')   -> that image type's features (every derived
 *                                              image, every non-shape class)
 *   assemble(prepared, shape, perType)      -> the ordered record
 *
 * `extract(image, mask, params, hooks)` runs all of it in one thread.
 *
 * Order (PyRadiomics's): diagnostics; shape then shape2D; then per image type in the
 * params' order, per derived image in the filter's order, the feature classes in the
 * params' order, each class's features in PyRadiomics's order (or the listed order).
 * Names: `<image>_<class>_<Feature>`, e.g. original_glcm_Idmn, wavelet-HLL_firstorder_Mean.
 */
import type { Geometry, Vec3, Volume, VoxelArray } from '../io/volume.ts';
import type { BinnedRoi, CroppedRoi, FeatureClassInfo, TextureCompute, TextureSettings } from './types.ts';
import {
  configurationEntries,
  type ClassName,
  type ExtractionParams,
  type FeatureClassSpec,
  type GivenValue,
  type ImageTypeName,
  PyFloat,
  type Settings,
} from './settings.ts';
import { boxSize, checkRoi, expandRoi, geometryMismatch, MaskError, selectLabelBlock, type BoundingBox } from './mask.ts';
import { normalizationOf, normalizeImage, type Normalization } from './normalize.ts';
import { smallIntegerStats } from './image-stats.ts';
import { checkRoiInsideImage, resampleForPyRadiomics, resampleRoi } from './resample.ts';
import { cropArray, cropGeometry, cropVolume, paddedBox } from './crop.ts';
import { resegmentRoi } from './resegment.ts';
import { binImage, binImageIbsi } from './discretize.ts';
import { imageEntries, maskEntries, pyDict, pyRepr, versionEntries, type DiagnosticEntry } from './diagnostics.ts';
import { imageTypeFilter, type FilterSettings, type SigmaSetting } from './filters/index.ts';
import { computeFirstOrder, firstorderInfo } from './features/firstorder.ts';
import { computeGlcm, glcmInfo } from './features/glcm.ts';
import { computeGlrlm, glrlmInfo } from './features/glrlm.ts';
import { computeGlszm, glszmInfo } from './features/glszm.ts';
import { computeGldm, gldmInfo } from './features/gldm.ts';
import { computeNgtdm, ngtdmInfo } from './features/ngtdm.ts';
import { computeShape, shapeClassInfo } from './features/shape.ts';
import { computeShape2D, shape2DClassInfo } from './features/shape2D.ts';

export class ExtractionError extends Error {}
export class ExtractionCancelled extends Error {
  constructor() {
    super('extraction cancelled');
  }
}

export const CLASS_INFO: Record<ClassName, FeatureClassInfo> = {
  firstorder: firstorderInfo,
  glcm: glcmInfo,
  gldm: gldmInfo,
  glrlm: glrlmInfo,
  glszm: glszmInfo,
  ngtdm: ngtdmInfo,
  shape: shapeClassInfo,
  shape2D: shape2DClassInfo,
};

const TEXTURE: Partial<Record<ClassName, TextureCompute>> = {
  glcm: computeGlcm,
  glrlm: computeGlrlm,
  glszm: computeGlszm,
  gldm: computeGldm,
  ngtdm: computeNgtdm,
};

/** The record PyRadiomics's execute returns, split in two, plus its logged warnings. */
export interface ExtractionResult {
  diagnostics: Record<string, string>;
  features: Record<string, number>;
  warnings: string[];
}

export interface ProgressEvent {
  stage: 'prepare' | 'shape' | 'features';
  imageType?: string;
  /** derived image name, e.g. 'wavelet-HLL' */
  image?: string;
  featureClass?: string;
}

export interface ExtractionHooks {
  onProgress?: (e: ProgressEvent) => void;
  isCancelled?: () => boolean;
}

/** One image type as a worker needs it (plain data). */
export interface PreparedImageType {
  name: ImageTypeName;
  settings: Settings;
  filterSettings: FilterSettings;
}

/** Everything extractShape / extractImageType need; structured-cloneable, arrays transferable. */
export interface PreparedCase {
  settings: Settings;
  imageTypes: PreparedImageType[];
  featureClasses: FeatureClassSpec[];
  /** the image the filters take: whole, or the padded crop after resampling / preCrop */
  image: Volume;
  /** the ROI on the image's grid (shape classes use it) */
  roi: Uint8Array;
  /** the ROI the grey-level classes use (resegmented, or the same as roi) */
  featureRoi: Uint8Array;
  /** the crop of every feature class (PyRadiomics's boundingBox after checkMask) */
  box: BoundingBox;
  diagnostics: DiagnosticEntry[];
  warnings: string[];
}

/** The ArrayBuffers of a prepared case, for postMessage's transfer list. */
export function transferables(p: PreparedCase): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const a of [p.image.data, p.roi, p.featureRoi]) if (a.buffer instanceof ArrayBuffer) out.add(a.buffer);
  return [...out];
}

function check(hooks: ExtractionHooks | undefined): void {
  if (hooks?.isCancelled?.()) throw new ExtractionCancelled();
}

/** The enabled features of a class, in output order; unknown names are an error. */
export function enabledFeatures(spec: FeatureClassSpec): string[] {
  const info = CLASS_INFO[spec.name];
  if (spec.features === null) return info.features.filter((f) => !f.deprecated).map((f) => f.name);
  for (const n of spec.features)
    if (!info.features.some((f) => f.name === n))
      throw new ExtractionError(
        `feature class '${spec.name}' has no feature '${n}' (features: ${info.features.map((f) => f.name).join(', ')})`,
      );
  return spec.features;
}

/** Python's str of a YAML sigma value, kept as text for LoG's image names ('3.0' vs '3'). */
function sigmaSettings(given: GivenValue | undefined, fallback: number[]): SigmaSetting[] {
  if (!Array.isArray(given)) return fallback;
  return given.map((v) => (v instanceof PyFloat ? pyRepr(v) : typeof v === 'number' ? String(v) : String(v)));
}

function filterSettingsOf(s: Settings, sigmaGiven: GivenValue | undefined): FilterSettings {
  return {
    sigma: sigmaSettings(sigmaGiven, s.sigma),
    wavelet: s.wavelet,
    level: s.level,
    start_level: s.start_level,
    force2D: s.force2D,
    force2Ddimension: s.force2Ddimension,
    gradientUseSpacing: s.gradientUseSpacing,
    lbp2DRadius: s.lbp2DRadius,
    lbp2DSamples: s.lbp2DSamples,
    lbp2DMethod: s.lbp2DMethod,
    lbp3DLevels: s.lbp3DLevels,
    lbp3DIcosphereRadius: s.lbp3DIcosphereRadius,
    lbp3DIcosphereSubdivision: s.lbp3DIcosphereSubdivision,
    label: s.label,
  };
}

/**
 * PyRadiomics's checkMask: the image/mask geometry check (with correctMask, the mask is
 * put on the image grid by nearest neighbour instead of failing), then the ROI checks.
 */
function checkMaskOnImage(
  image: Geometry,
  roi: Uint8Array,
  maskGeometry: Geometry,
  s: Settings,
  knownBox?: BoundingBox,
): { box: BoundingBox; corrected: Uint8Array | null } {
  const mismatch = geometryMismatch(image, maskGeometry, s.geometryTolerance);
  let corrected: Uint8Array | null = null;
  if (mismatch) {
    if (!s.correctMask)
      throw new MaskError(
        `image and mask geometry differ (${mismatch}); set correctMask to resample the mask onto the image, or geometryTolerance for rounding differences`,
      );
    checkRoiInsideImage(roi, maskGeometry, image, 'mask', knownBox);
    corrected = resampleRoi(roi, maskGeometry, image);
    return { box: checkRoi(corrected, image.size, s), corrected };
  }
  return { box: checkRoi(roi, image.size, s, 'mask', knownBox), corrected };
}

/** Steps 1-5 of execute: load (given arrays), preprocess, check, resegment. */
export function prepareCase(imageIn: Volume, maskIn: Volume, params: ExtractionParams, hooks?: ExtractionHooks): PreparedCase {
  const s = params.settings;
  hooks?.onProgress?.({ stage: 'prepare' });
  const warnings: string[] = [];
  for (const c of params.featureClasses) enabledFeatures(c);
  const imageTypes: PreparedImageType[] = params.imageTypes.map((t) => {
    imageTypeFilter(t.name);
    const sigmaGiven = t.given.find(([k]) => k === 'sigma')?.[1] ?? params.given.find(([k]) => k === 'sigma')?.[1];
    return { name: t.name, settings: t.settings, filterSettings: filterSettingsOf(t.settings, sigmaGiven) };
  });
  if (imageIn.data.length !== imageIn.size[0] * imageIn.size[1] * imageIn.size[2])
    throw new ExtractionError(`image: ${imageIn.data.length} voxels for size ${imageIn.size.join('x')}`);
  if (maskIn.data.length !== maskIn.size[0] * maskIn.size[1] * maskIn.size[2])
    throw new ExtractionError(`mask: ${maskIn.data.length} voxels for size ${maskIn.size.join('x')}`);

  const diagnostics: DiagnosticEntry[] = [];
  const info = s.additionalInfo;
  if (info) {
    diagnostics.push(...versionEntries());
    diagnostics.push(['diagnostics_Configuration_Settings', pyDict(configurationEntries(params))]);
    diagnostics.push(['diagnostics_Configuration_EnabledImageTypes', pyDict(params.imageTypes.map((t) => [t.name, Object.fromEntries(t.given)]))]);
  }

  // 1. image and mask (getMask: cast to uint32, the label must be present)
  // the ROI on its bounding box: resampling reads no more of it (the whole grid's array is
  // made only for the paths that need it)
  const selected = selectLabelBlock(maskIn, s.label, 'mask');
  // the ROI's box while roi is the selected label on the mask grid (saves whole-volume scans)
  let knownBox: BoundingBox | undefined = selected.box;
  let maskGeometry: Geometry = maskIn;
  const resampling = s.interpolator !== null && s.resampledPixelSpacing !== null;
  // one pass over the whole image for the diagnostics, the normalization and the resampling
  const stats = info || s.normalize || resampling ? smallIntegerStats(imageIn.data) : null;
  if (info) {
    diagnostics.push(...imageEntries('original', imageIn, stats));
    diagnostics.push(...maskEntries('original', selected.block, maskIn, { original: maskIn, box: knownBox }));
  }
  let image: Volume = imageIn;
  let normalization: Normalization | null = null;
  if (s.normalize) {
    if (hasNonFinite(image.data)) throw new ExtractionError('image: NaN or infinite voxels; normalize needs finite values over the whole image');
    normalization = normalizationOf(image, s, stats);
    // With resampling the normalized image is only needed on the resampled grid.
    if (!resampling) image = normalizeImage(image, normalization);
  }
  let roi: Uint8Array;
  if (resampling) {
    const r = resampleForPyRadiomics(
      image,
      selected.block,
      maskGeometry,
      { resampledPixelSpacing: s.resampledPixelSpacing!, interpolator: s.interpolator!, padDistance: s.padDistance },
      normalization,
      knownBox,
      stats ? [stats.min, stats.max] : undefined,
    );
    knownBox = undefined;
    image = r.image;
    roi = r.roi;
    maskGeometry = r.geometry;
    if (info) {
      diagnostics.push(...imageEntries('interpolated', image));
      diagnostics.push(...maskEntries('interpolated', roi, maskGeometry, { image: image.data }));
    }
  } else if (s.preCrop) {
    roi = expandRoi(selected.block, maskIn.size);
    const { box, corrected } = checkMaskOnImage(image, roi, maskGeometry, s, knownBox);
    knownBox = undefined;
    if (corrected) {
      roi = corrected;
      maskGeometry = image;
    }
    const { lo, hi } = paddedBox(box, image.size, s.padDistance);
    image = cropVolume(image, lo, hi);
    roi = cropArray(roi, maskGeometry.size, lo, hi);
    maskGeometry = cropGeometry(maskGeometry, lo, hi);
  } else roi = expandRoi(selected.block, maskIn.size);
  check(hooks);

  // 2. checkMask (geometry, correctMask, ROI dimensions / size)
  const checked = checkMaskOnImage(image, roi, maskGeometry, s, knownBox);
  let box = checked.box;
  const corrected = checked.corrected;
  if (corrected) {
    roi = corrected;
    if (info) diagnostics.push(...maskEntries('corrected', roi, image, { image: image.data }));
  }
  // 3. resegmentation; the bounding box becomes the resegmented ROI's, for every class
  //    (shape too, which still uses the unresegmented ROI unless resegmentShape)
  let featureRoi = roi;
  if (s.resegmentRange !== null) {
    featureRoi = resegmentRoi(image.data, roi, { resegmentRange: s.resegmentRange, resegmentMode: s.resegmentMode, label: s.label });
    box = checkRoi(featureRoi, image.size, s, 'resegmented mask');
    if (info) diagnostics.push(...maskEntries('resegmented', featureRoi, image, { image: image.data }));
    if (s.resegmentShape) roi = featureRoi;
  }
  const bad = countNonFiniteInRoi(image.data, featureRoi);
  if (bad > 0) throw new ExtractionError(`image: ${bad} voxel(s) inside the ROI are NaN or infinite`);
  return { settings: s, imageTypes, featureClasses: params.featureClasses, image, roi, featureRoi, box, diagnostics, warnings };
}

function hasNonFinite(d: VoxelArray): boolean {
  if (!(d instanceof Float32Array || d instanceof Float64Array)) return false;
  for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i])) return true;
  return false;
}

function countNonFiniteInRoi(d: VoxelArray, roi: Uint8Array): number {
  if (!(d instanceof Float32Array || d instanceof Float64Array)) return 0;
  let n = 0;
  for (let i = 0; i < d.length; i++) if (roi[i] && !Number.isFinite(d[i])) n++;
  return n;
}

/** execute's computeShape: shape (3D) and shape2D (force2D, one-slice ROI) on the cropped ROI. */
export function extractShape(p: PreparedCase, hooks?: ExtractionHooks): { features: Record<string, number>; warnings: string[] } {
  const features: Record<string, number> = {};
  const warnings: string[] = [];
  const { lo, hi } = p.box;
  const size = boxSize(p.box);
  const mask = cropArray(p.roi, p.image.size, lo, hi);
  const spacing = p.image.spacing;
  for (const c of p.featureClasses) {
    if (c.name !== 'shape' && c.name !== 'shape2D') continue;
    check(hooks);
    hooks?.onProgress?.({ stage: 'shape', featureClass: c.name });
    if (c.name === 'shape') {
      const r = computeShape(mask, size, spacing, enabledFeatures(c));
      if (p.settings.ibsi) sampleCovarianceAxes(r, mask);
      for (const [k, v] of Object.entries(r)) features[`original_shape_${k}`] = v;
    } else {
      const s = p.settings;
      if (!s.force2D) {
        warnings.push('shape2D: parameter force2D must be set to True to enable shape2D extraction');
        continue;
      }
      const thickness = size[2 - s.force2Ddimension];
      if (thickness > 1) {
        warnings.push(`shape2D: the ROI is ${thickness} voxels thick along force2Ddimension ${s.force2Ddimension}; 2D shape needs one slice`);
        continue;
      }
      const r = computeShape2D(mask, size, spacing, enabledFeatures(c), s.force2Ddimension);
      if (s.ibsi) sampleCovarianceAxes(r, mask);
      for (const [k, v] of Object.entries(r)) features[`original_shape2D_${k}`] = v;
    }
  }
  // PyRadiomics computes shape before shape2D whatever the params' order.
  const ordered: Record<string, number> = {};
  for (const prefix of ['original_shape_', 'original_shape2D_'])
    for (const [k, v] of Object.entries(features)) if (k.startsWith(prefix)) ordered[k] = v;
  return { features: ordered, warnings };
}

/**
 * IBSI mode: the PCA axis lengths (4 sqrt(lambda)) from the covariance of the voxel
 * positions with n - 1 (IBSI's consensus values, e.g. the digital phantom's
 * morph_pca_*_axis, are reproduced with it), where PyRadiomics uses n. Elongation and
 * Flatness are ratios and do not change.
 */
function sampleCovarianceAxes(r: Record<string, number>, mask: Uint8Array): void {
  let n = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i]) n++;
  if (n < 2) return;
  const f = Math.sqrt(n / (n - 1));
  for (const k of ['MajorAxisLength', 'MinorAxisLength', 'LeastAxisLength']) if (k in r) r[k] *= f;
}

function textureSettingsOf(s: Settings): TextureSettings {
  return {
    force2D: s.force2D,
    force2Ddimension: s.force2Ddimension,
    distances: s.distances,
    symmetricalGLCM: s.symmetricalGLCM,
    weightingNorm: s.weightingNorm,
    gldm_a: s.gldm_a,
  };
}

/** Discretisation: PyRadiomics's, or IBSI's with the `ibsi` setting (bins from the resegmentation lower bound). */
function discretize(roi: CroppedRoi, s: Settings, float32: boolean): BinnedRoi {
  if (!s.ibsi) return binImage(roi, { binWidth: s.binWidth, binCount: s.binCount, float32 });
  const range = s.resegmentRange !== null && s.resegmentMode === 'absolute' ? [...s.resegmentRange].sort((a, b) => a - b) : null;
  return binImageIbsi(roi, {
    binWidth: s.binWidth,
    binCount: s.binCount,
    lowerBound: range ? range[0] : null,
    upperBound: range && range.length === 2 ? range[1] : null,
  });
}

/** The grey-level classes of one derived image, already cropped to the ROI box. */
export function computeClasses(
  imageName: string,
  roi: CroppedRoi,
  s: Settings,
  classes: readonly FeatureClassSpec[],
  float32: boolean,
  hooks?: ExtractionHooks,
): Record<string, number> {
  const out: Record<string, number> = {};
  let binned: BinnedRoi | null = null;
  const texture = textureSettingsOf(s);
  for (const c of classes) {
    if (c.name === 'shape' || c.name === 'shape2D') continue;
    check(hooks);
    hooks?.onProgress?.({ stage: 'features', image: imageName, featureClass: c.name });
    binned ??= discretize(roi, s, float32);
    const enabled = enabledFeatures(c);
    const r =
      c.name === 'firstorder'
        ? computeFirstOrder(binned, { voxelArrayShift: s.voxelArrayShift, ibsi: s.ibsi }, enabled)
        : TEXTURE[c.name]!(binned, texture, enabled);
    for (const [k, v] of Object.entries(r)) out[`${imageName}_${c.name}_${k}`] = v;
  }
  return out;
}

/** The crop (no padding) of a derived image, with the feature ROI's crop: what the feature classes get. */
function cropForFeatures(p: PreparedCase, image: Volume, mask: Uint8Array): CroppedRoi {
  const { lo, hi } = p.box;
  const size: Vec3 = boxSize(p.box);
  const values = cropArray(image.data, image.size, lo, hi);
  return { size, spacing: [...image.spacing], image: values instanceof Float64Array ? values : Float64Array.from(values), mask };
}

/** One image type's features (every derived image it yields), e.g. all 8 wavelet sub-bands. */
export function extractImageType(
  p: PreparedCase,
  imageType: ImageTypeName,
  hooks?: ExtractionHooks,
): { features: Record<string, number>; warnings: string[] } {
  const t = p.imageTypes.find((x) => x.name === imageType);
  if (!t) throw new ExtractionError(`image type '${imageType}' is not enabled in the parameters`);
  const warnings: string[] = [];
  const features: Record<string, number> = {};
  const mask: Volume = { ...p.image, data: p.roi };
  const roiCrop = cropArray(p.featureRoi, p.image.size, p.box.lo, p.box.hi); // shared by every derived image (read-only)
  // Original needs no filter: crop the image as it is (the registry's version converts the
  // whole image to float64 first, which the crop does not need).
  const derivedImages: Iterable<{ name: string; image: Volume; warnings?: string[] }> =
    imageType === 'Original'
      ? [{ name: 'original', image: p.image }]
      : imageTypeFilter(imageType)(p.image, t.filterSettings, { mask, region: p.box, warn: (m) => warnings.push(m) });
  for (const derived of derivedImages) {
    check(hooks);
    if (derived.warnings) warnings.push(...derived.warnings);
    const roi = cropForFeatures(p, derived.image, roiCrop);
    Object.assign(features, computeClasses(derived.name, roi, t.settings, p.featureClasses, derived.image.data instanceof Float32Array, hooks));
  }
  return { features, warnings };
}

/** The ordered record: diagnostics, shape, then each image type in the params' order. */
export function assemble(
  p: PreparedCase,
  shape: { features: Record<string, number>; warnings: string[] },
  perImageType: readonly { features: Record<string, number>; warnings: string[] }[],
): ExtractionResult {
  const diagnostics: Record<string, string> = {};
  for (const [k, v] of p.diagnostics) diagnostics[k] = v;
  const features: Record<string, number> = { ...shape.features };
  const warnings = [...p.warnings, ...shape.warnings];
  for (const r of perImageType) {
    Object.assign(features, r.features);
    warnings.push(...r.warnings);
  }
  return { diagnostics, features, warnings };
}

/** The whole extraction in this thread. */
export function extract(image: Volume, mask: Volume, params: ExtractionParams, hooks?: ExtractionHooks): ExtractionResult {
  const p = prepareCase(image, mask, params, hooks);
  const shape = extractShape(p, hooks);
  const perType = p.imageTypes.map((t) => extractImageType(p, t.name, hooks));
  return assemble(p, shape, perType);
}
