/**
 * Extraction settings: one typed object with PyRadiomics's names and defaults, and the
 * PyRadiomics parameter file (YAML with `imageType`, `featureClass` and `setting`
 * sections) read as PyRadiomics reads it (featureextractor._applyParams, validated as
 * radiomics/schemas/paramSchema.yaml validates it). A setting we do not know, or know but
 * cannot honour, is an error that names it; nothing is silently ignored.
 *
 * Defaults: PyRadiomics has two layers (the extractor's `_getDefaultSettings` and the
 * `kwargs.get(name, default)` of each function and feature class). `DEFAULT_SETTINGS` is
 * the union; where the layers overlap they agree.
 */
import yaml from 'js-yaml';
import { IMAGE_TYPE_NAMES, type ImageTypeName } from './filters/index.ts';

export class SettingsError extends Error {}

/** SimpleITK interpolator names, in SimpleITK's enum order (1..10). */
export const INTERPOLATORS = [
  'sitkNearestNeighbor',
  'sitkLinear',
  'sitkBSpline',
  'sitkGaussian',
  'sitkLabelGaussian',
  'sitkHammingWindowedSinc',
  'sitkCosineWindowedSinc',
  'sitkWelchWindowedSinc',
  'sitkLanczosWindowedSinc',
  'sitkBlackmanWindowedSinc',
] as const;
export type InterpolatorName = (typeof INTERPOLATORS)[number];
/** The interpolators our resampler implements (ITK semantics); the others are an error when used. */
export const SUPPORTED_INTERPOLATORS: readonly InterpolatorName[] = ['sitkNearestNeighbor', 'sitkLinear', 'sitkBSpline'];

export type WeightingNorm = 'manhattan' | 'euclidean' | 'infinity' | 'no_weighting';
export type ResegmentMode = 'absolute' | 'relative' | 'sigma';

export interface Settings {
  // featureextractor._getDefaultSettings()
  minimumROIDimensions: number;
  minimumROISize: number | null;
  normalize: boolean;
  normalizeScale: number;
  removeOutliers: number | null;
  resampledPixelSpacing: number[] | null;
  interpolator: InterpolatorName | null;
  preCrop: boolean;
  padDistance: number;
  distances: number[];
  force2D: boolean;
  force2Ddimension: number;
  resegmentRange: number[] | null;
  label: number;
  additionalInfo: boolean;
  // read with a default where they are used (imageoperations, base, feature classes)
  geometryTolerance: number | null;
  correctMask: boolean;
  label_channel: number;
  binWidth: number;
  binCount: number | null;
  resegmentMode: ResegmentMode;
  resegmentShape: boolean;
  voxelArrayShift: number;
  symmetricalGLCM: boolean;
  weightingNorm: WeightingNorm | null;
  gldm_a: number;
  // image types (filters)
  sigma: number[];
  wavelet: string;
  level: number;
  start_level: number;
  gradientUseSpacing: boolean;
  lbp2DRadius: number;
  lbp2DSamples: number;
  lbp2DMethod: 'default' | 'ror' | 'uniform' | 'var';
  lbp3DLevels: number;
  lbp3DIcosphereRadius: number;
  lbp3DIcosphereSubdivision: number;
  /** ours: follow IBSI where PyRadiomics departs from it (see ibsi.ts) */
  ibsi: boolean;
}

/** PyRadiomics's featureextractor._getDefaultSettings(), in its order (the diagnostics repeat it). */
const EXTRACTOR_DEFAULTS: [keyof Settings, unknown][] = [
  ['minimumROIDimensions', 2],
  ['minimumROISize', null],
  ['normalize', false],
  ['normalizeScale', 1],
  ['removeOutliers', null],
  ['resampledPixelSpacing', null],
  ['interpolator', 'sitkBSpline'],
  ['preCrop', false],
  ['padDistance', 5],
  ['distances', [1]],
  ['force2D', false],
  ['force2Ddimension', 0],
  ['resegmentRange', null],
  ['label', 1],
  ['additionalInfo', true],
];

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  minimumROIDimensions: 2,
  minimumROISize: null,
  normalize: false,
  normalizeScale: 1,
  removeOutliers: null,
  resampledPixelSpacing: null,
  interpolator: 'sitkBSpline',
  preCrop: false,
  padDistance: 5,
  distances: [1],
  force2D: false,
  force2Ddimension: 0,
  resegmentRange: null,
  label: 1,
  additionalInfo: true,
  geometryTolerance: null,
  correctMask: false,
  label_channel: 0,
  binWidth: 25,
  binCount: null,
  resegmentMode: 'absolute',
  resegmentShape: false,
  voxelArrayShift: 0,
  symmetricalGLCM: true,
  weightingNorm: null,
  gldm_a: 0,
  sigma: [],
  wavelet: 'coif1',
  level: 1,
  start_level: 0,
  gradientUseSpacing: true,
  lbp2DRadius: 1,
  lbp2DSamples: 8,
  lbp2DMethod: 'uniform',
  lbp3DLevels: 2,
  lbp3DIcosphereRadius: 1,
  lbp3DIcosphereSubdivision: 1,
  ibsi: false,
} satisfies Settings);

export { IMAGE_TYPE_NAMES, type ImageTypeName };

/** PyRadiomics's feature classes in its module order (the order used when `featureClass` is empty). */
export const FEATURE_CLASS_NAMES = ['firstorder', 'glcm', 'gldm', 'glrlm', 'glszm', 'ngtdm', 'shape', 'shape2D'] as const;
export type ClassName = (typeof FEATURE_CLASS_NAMES)[number];

/** A float as written in the parameter file (`1.0`), kept so the diagnostics print it as Python does. */
export class PyFloat {
  constructor(readonly value: number) {}
}

/** A value as it was given (YAML scalar/list/map; floats as PyFloat), for the diagnostics. */
export type GivenValue = null | boolean | number | string | PyFloat | GivenValue[] | { [k: string]: GivenValue };

export interface ImageTypeSpec {
  name: ImageTypeName;
  /** the image type's own settings, in file order (PyRadiomics: custom kwargs of the image type) */
  given: [string, GivenValue][];
  /** DEFAULT_SETTINGS < params settings < these */
  settings: Settings;
}

export interface FeatureClassSpec {
  name: ClassName;
  /** null: every non-deprecated feature, in PyRadiomics's order; else these names, in this order */
  features: string[] | null;
}

export interface ExtractionParams {
  imageTypes: ImageTypeSpec[];
  featureClasses: FeatureClassSpec[];
  /** the resolved settings (DEFAULT_SETTINGS overridden by the file's `setting` section) */
  settings: Settings;
  /** the `setting` section as given, in order (for diagnostics_Configuration_Settings) */
  given: [string, GivenValue][];
}

type Rule =
  | { kind: 'int' | 'float'; min?: number; minEx?: number; max?: number; nullable?: boolean }
  | { kind: 'bool' }
  | { kind: 'str'; values?: readonly string[]; nullable?: boolean }
  | { kind: 'list'; item: 'int' | 'float'; min?: number; minEx?: number; nullable?: boolean }
  | { kind: 'interpolator' };

/** paramSchema.yaml's `setting` mapping, plus `ibsi`. */
const RULES: Record<keyof Settings, Rule> = {
  minimumROIDimensions: { kind: 'int', min: 1, max: 3 },
  minimumROISize: { kind: 'int', minEx: 0, nullable: true },
  geometryTolerance: { kind: 'float', minEx: 0, nullable: true },
  correctMask: { kind: 'bool' },
  additionalInfo: { kind: 'bool' },
  label: { kind: 'int', minEx: 0 },
  label_channel: { kind: 'int', min: 0 },
  binWidth: { kind: 'float', minEx: 0 },
  binCount: { kind: 'int', minEx: 0, nullable: true },
  normalize: { kind: 'bool' },
  normalizeScale: { kind: 'float', minEx: 0 },
  removeOutliers: { kind: 'float', minEx: 0, nullable: true },
  resampledPixelSpacing: { kind: 'list', item: 'float', min: 0, nullable: true },
  interpolator: { kind: 'interpolator' },
  padDistance: { kind: 'int', min: 0 },
  distances: { kind: 'list', item: 'int', minEx: 0 },
  force2D: { kind: 'bool' },
  force2Ddimension: { kind: 'int', min: 0, max: 2 },
  resegmentRange: { kind: 'list', item: 'float', nullable: true },
  resegmentMode: { kind: 'str', values: ['absolute', 'relative', 'sigma'] },
  resegmentShape: { kind: 'bool' },
  preCrop: { kind: 'bool' },
  sigma: { kind: 'list', item: 'float', minEx: 0 },
  start_level: { kind: 'int', min: 0 },
  level: { kind: 'int', minEx: 0 },
  wavelet: { kind: 'str' },
  gradientUseSpacing: { kind: 'bool' },
  lbp2DRadius: { kind: 'float', minEx: 0 },
  lbp2DSamples: { kind: 'int', min: 1 },
  lbp2DMethod: { kind: 'str', values: ['default', 'ror', 'uniform', 'var'] },
  lbp3DLevels: { kind: 'int', min: 1 },
  lbp3DIcosphereRadius: { kind: 'float', minEx: 0 },
  lbp3DIcosphereSubdivision: { kind: 'int', min: 0 },
  voxelArrayShift: { kind: 'int' },
  symmetricalGLCM: { kind: 'bool' },
  weightingNorm: { kind: 'str', values: ['euclidean', 'manhattan', 'infinity', 'no_weighting'], nullable: true },
  gldm_a: { kind: 'int', min: 0 },
  ibsi: { kind: 'bool' },
};

export const SETTING_NAMES = Object.keys(RULES) as (keyof Settings)[];

function plain(v: GivenValue): unknown {
  if (v instanceof PyFloat) return v.value;
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

function describe(v: unknown): string {
  return JSON.stringify(v) ?? String(v);
}

function checkNumber(key: string, v: unknown, r: { kind: 'int' | 'float'; min?: number; minEx?: number; max?: number }, where: string): number {
  if (typeof v !== 'number' || Number.isNaN(v)) throw new SettingsError(`${where}setting '${key}': expected ${r.kind === 'int' ? 'an integer' : 'a number'}, got ${describe(v)}`);
  if (r.kind === 'int' && !Number.isInteger(v)) throw new SettingsError(`${where}setting '${key}': expected an integer, got ${v}`);
  if (r.min !== undefined && v < r.min) throw new SettingsError(`${where}setting '${key}': ${v} is below the minimum ${r.min}`);
  if (r.minEx !== undefined && !(v > r.minEx)) throw new SettingsError(`${where}setting '${key}': ${v} must be greater than ${r.minEx}`);
  if (r.max !== undefined && v > r.max) throw new SettingsError(`${where}setting '${key}': ${v} is above the maximum ${r.max}`);
  return v;
}

/** Validates one setting (PyRadiomics name, plain JS value) and returns its typed value. */
export function validateSetting(key: string, value: unknown, where = ''): Settings[keyof Settings] {
  if (!(key in RULES)) {
    if (['kernelRadius', 'maskedKernel', 'initValue', 'voxelBatch'].includes(key))
      throw new SettingsError(`${where}setting '${key}': voxel-based extraction is not supported`);
    throw new SettingsError(`${where}unknown setting '${key}' (PyRadiomics settings: ${SETTING_NAMES.join(', ')})`);
  }
  const r = RULES[key as keyof Settings];
  if (value === null || value === undefined) {
    if (r.kind === 'interpolator' || ('nullable' in r && r.nullable)) return null;
    throw new SettingsError(`${where}setting '${key}': a value is required (null is not allowed)`);
  }
  switch (r.kind) {
    case 'int':
    case 'float':
      return checkNumber(key, value, r, where);
    case 'bool':
      if (typeof value !== 'boolean') throw new SettingsError(`${where}setting '${key}': expected true or false, got ${describe(value)}`);
      return value;
    case 'str':
      if (typeof value !== 'string') throw new SettingsError(`${where}setting '${key}': expected a string, got ${describe(value)}`);
      if (r.values && !r.values.includes(value))
        throw new SettingsError(`${where}setting '${key}': '${value}' is not one of ${r.values.join(', ')}`);
      return value as Settings[keyof Settings];
    case 'list': {
      if (!Array.isArray(value)) throw new SettingsError(`${where}setting '${key}': expected a list, got ${describe(value)}`);
      return value.map((x) => checkNumber(key, x, { kind: r.item, min: r.min, minEx: r.minEx }, where));
    }
    case 'interpolator': {
      if (typeof value === 'number') {
        if (!Number.isInteger(value) || value < 1 || value > 10)
          throw new SettingsError(`${where}setting 'interpolator': ${value} is not a SimpleITK interpolator number (1-10)`);
        return INTERPOLATORS[value - 1];
      }
      if (typeof value !== 'string' || !(INTERPOLATORS as readonly string[]).includes(value))
        throw new SettingsError(`${where}setting 'interpolator': '${String(value)}' is not one of ${INTERPOLATORS.join(', ')}`);
      return value as InterpolatorName;
    }
  }
}

/** Cross-setting checks for what we cannot honour (run on resolved settings). */
export function checkSupported(s: Settings, where = ''): void {
  if (s.label_channel !== 0)
    throw new SettingsError(`${where}setting 'label_channel' = ${s.label_channel}: multi-channel (vector) masks are not supported`);
  if (s.resampledPixelSpacing !== null) {
    if (s.resampledPixelSpacing.length !== 3)
      throw new SettingsError(`${where}setting 'resampledPixelSpacing': ${s.resampledPixelSpacing.length} values given, 3 required`);
    if (s.interpolator !== null && !SUPPORTED_INTERPOLATORS.includes(s.interpolator))
      throw new SettingsError(
        `${where}setting 'interpolator' = '${s.interpolator}' is not supported (supported: ${SUPPORTED_INTERPOLATORS.join(', ')})`,
      );
  }
  if (s.resegmentRange !== null && (s.resegmentRange.length < 1 || s.resegmentRange.length > 2))
    throw new SettingsError(`${where}setting 'resegmentRange': length ${s.resegmentRange.length} is not allowed (1 or 2 values)`);
  if (s.distances.length === 0) throw new SettingsError(`${where}setting 'distances': at least one distance is required`);
}

/** Settings = base overridden by the given (name, value) pairs, validated. */
export function resolveSettings(entries: Iterable<[string, unknown]>, base: Readonly<Settings> = DEFAULT_SETTINGS, where = ''): Settings {
  const s: Settings = { ...base, distances: [...base.distances], sigma: [...base.sigma] };
  for (const [k, v] of entries) (s as unknown as Record<string, unknown>)[k] = validateSetting(k, v, where);
  checkSupported(s, where);
  return s;
}

// js-yaml's built-in types (exported at runtime as `types`; @types/js-yaml omits them).
const T = (yaml as unknown as { types: Record<'null' | 'bool' | 'int' | 'float' | 'str' | 'seq' | 'map', yaml.Type> }).types;

/** YAML 1.2 core schema, except that floats become PyFloat. */
const YAML_SCHEMA = new yaml.Schema({
  implicit: [
    T.null,
    T.bool,
    T.int,
    new yaml.Type('tag:yaml.org,2002:float', {
      kind: 'scalar',
      resolve: (d: string) => T.float.resolve(d),
      construct: (d: string) => new PyFloat(T.float.construct(d) as number),
      instanceOf: PyFloat,
    }),
  ],
  explicit: [T.str, T.seq, T.map],
});

/** Parses a YAML value keeping floats as PyFloat (for diagnostics). */
export function loadYamlGiven(text: string, source: string): GivenValue {
  try {
    return yaml.load(text, { schema: YAML_SCHEMA, filename: source }) as GivenValue;
  } catch (e) {
    throw new SettingsError(`${source}: not valid YAML (${(e as Error).message.split('\n')[0]})`);
  }
}

function isMap(v: unknown): v is { [k: string]: GivenValue } {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof PyFloat);
}

/**
 * Reads a PyRadiomics parameter file (YAML or JSON text). Sections: `imageType`
 * (name -> its own settings), `featureClass` (name -> null or a list of feature names),
 * `setting`. Empty `imageType` means Original only; empty `featureClass` means every class.
 * Feature names inside a class are checked by the extractor, which knows the classes.
 */
export function parseParams(text: string, source = 'parameter file'): ExtractionParams {
  const doc = loadYamlGiven(text, source);
  return paramsFromGiven(doc ?? {}, source);
}

export function paramsFromGiven(doc: GivenValue, source = 'parameters'): ExtractionParams {
  const where = `${source}: `;
  if (!isMap(doc)) throw new SettingsError(`${where}expected a mapping with imageType / featureClass / setting sections`);
  for (const k of Object.keys(doc)) {
    if (k === 'voxelSetting') throw new SettingsError(`${where}section 'voxelSetting': voxel-based extraction is not supported`);
    if (!['imageType', 'featureClass', 'setting'].includes(k))
      throw new SettingsError(`${where}unknown section '${k}' (expected imageType, featureClass, setting)`);
  }
  const settingSec = doc.setting ?? {};
  if (!isMap(settingSec)) throw new SettingsError(`${where}'setting' must be a mapping`);
  const given = Object.entries(settingSec);
  const settings = resolveSettings(
    given.map(([k, v]) => [k, plain(v)]),
    DEFAULT_SETTINGS,
    where,
  );

  const imageSec = doc.imageType ?? {};
  if (!isMap(imageSec)) throw new SettingsError(`${where}'imageType' must be a mapping of image type names`);
  let imageEntries = Object.entries(imageSec);
  if (imageEntries.length === 0) imageEntries = [['Original', {}]];
  const imageTypes: ImageTypeSpec[] = imageEntries.map(([name, custom]) => {
    if (!(IMAGE_TYPE_NAMES as readonly string[]).includes(name))
      throw new SettingsError(`${where}image type '${name}' is not recognized (available: ${IMAGE_TYPE_NAMES.join(', ')})`);
    const c = custom ?? {};
    if (!isMap(c)) throw new SettingsError(`${where}image type '${name}': its settings must be a mapping`);
    const g = Object.entries(c);
    return {
      name: name as ImageTypeName,
      given: g,
      settings: resolveSettings(
        g.map(([k, v]) => [k, plain(v)]),
        settings,
        `${where}image type '${name}': `,
      ),
    };
  });

  const classSec = doc.featureClass ?? {};
  if (!isMap(classSec)) throw new SettingsError(`${where}'featureClass' must be a mapping of feature class names`);
  let classEntries = Object.entries(classSec);
  if (classEntries.length === 0) classEntries = FEATURE_CLASS_NAMES.map((n) => [n, null]);
  const featureClasses: FeatureClassSpec[] = classEntries.map(([name, list]) => {
    if (!(FEATURE_CLASS_NAMES as readonly string[]).includes(name))
      throw new SettingsError(`${where}feature class '${name}' is not recognized (available: ${FEATURE_CLASS_NAMES.join(', ')})`);
    if (list === null || list === undefined) return { name: name as ClassName, features: null };
    if (!Array.isArray(list) || list.some((x) => typeof x !== 'string'))
      throw new SettingsError(`${where}feature class '${name}': expected null or a list of feature names`);
    // An empty list enables every feature, as PyRadiomics does (base.execute with none enabled).
    const names = [...new Set(list as string[])];
    return { name: name as ClassName, features: names.length ? names : null };
  });

  return { imageTypes, featureClasses, settings, given };
}

/**
 * Default parameters when no file is given (PyRadiomics's RadiomicsFeatureExtractor()):
 * Original only, every class except shape2D.
 */
export function defaultParams(): ExtractionParams {
  const settings = resolveSettings([]);
  return {
    imageTypes: [{ name: 'Original', given: [], settings }],
    featureClasses: FEATURE_CLASS_NAMES.filter((n) => n !== 'shape2D').map((name) => ({ name, features: null })),
    settings,
    given: [],
  };
}

/**
 * The params with extra settings applied on top of the file's (PyRadiomics's keyword
 * overrides, e.g. `--setting binWidth=10` or `--label 2`). Each image type's own settings
 * still win over these for that image type, as in PyRadiomics.
 */
export function withSettings(params: ExtractionParams, extra: [string, GivenValue][], where = ''): ExtractionParams {
  const given = [...params.given];
  for (const [k, v] of extra) {
    const i = given.findIndex(([g]) => g === k);
    if (i >= 0) given[i] = [k, v];
    else given.push([k, v]);
  }
  const settings = resolveSettings(
    given.map(([k, v]) => [k, plain(v)]),
    DEFAULT_SETTINGS,
    where,
  );
  const imageTypes = params.imageTypes.map((t) => ({
    ...t,
    settings: resolveSettings(
      t.given.map(([k, v]) => [k, plain(v)]),
      settings,
      `${where}image type '${t.name}': `,
    ),
  }));
  return { ...params, settings, given, imageTypes };
}

/** Parses `key=value` (the value as YAML: `binWidth=10`, `resampledPixelSpacing=[2,2,2]`). */
export function parseSettingArg(arg: string): [string, GivenValue] {
  const eq = arg.indexOf('=');
  if (eq <= 0) throw new SettingsError(`--setting '${arg}': expected key=value`);
  const key = arg.slice(0, eq).trim();
  const value = loadYamlGiven(arg.slice(eq + 1), `--setting ${key}`);
  validateSetting(key, plain(value), '--setting: ');
  return [key, value];
}

/**
 * PyRadiomics's `_settings` dict as it prints in diagnostics_Configuration_Settings: the
 * extractor defaults in their order, updated in place by the given settings, new keys
 * appended (Python dict.update).
 */
export function configurationEntries(params: ExtractionParams): [string, GivenValue][] {
  const out: [string, GivenValue][] = EXTRACTOR_DEFAULTS.map(([k, v]) => [k, v as GivenValue]);
  for (const [k, v] of params.given) {
    const i = out.findIndex(([g]) => g === k);
    if (i >= 0) out[i] = [k, v];
    else out.push([k, v]);
  }
  return out;
}
