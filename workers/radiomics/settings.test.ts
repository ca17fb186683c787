/**
 * PyRadiomics parameter files read as PyRadiomics reads them: every example file of
 * ../shared/conformance/pyradiomics/params (each value compared with the same file read
 * by js-yaml's default loader), defaults where a file is silent, and an error that names
 * any setting, section, class or value we do not accept.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import {
  configurationEntries,
  DEFAULT_SETTINGS,
  defaultParams,
  paramsFromGiven,
  parseParams,
  parseSettingArg,
  SettingsError,
  withSettings,
  type Settings,
} from './settings.ts';
import { pyDict } from './diagnostics.ts';

const PARAMS = resolve(process.cwd(), '../shared/conformance/pyradiomics/params');
const files = readdirSync(PARAMS).filter((f) => f.endsWith('.yaml') && f !== 'paramSchema.yaml');

describe('PyRadiomics parameter files', () => {
  for (const file of files) {
    const text = readFileSync(join(PARAMS, file), 'utf8');
    const plain = yaml.load(text) as Record<string, Record<string, unknown> | undefined>;
    if (plain.voxelSetting) {
      it(`${file}: voxel-based extraction is refused by name`, () => {
        expect(() => parseParams(text, file)).toThrow(/voxelSetting.*voxel-based extraction is not supported/);
      });
      continue;
    }
    it(`${file}: settings, image types and feature classes as written, defaults elsewhere`, () => {
      const p = parseParams(text, file);
      const given = plain.setting ?? {};
      for (const key of Object.keys(DEFAULT_SETTINGS) as (keyof Settings)[]) {
        const expected = key in given ? (given[key] ?? null) : DEFAULT_SETTINGS[key];
        expect(p.settings[key], `${file} ${key}`).toEqual(expected);
      }
      const types = plain.imageType && Object.keys(plain.imageType).length ? Object.keys(plain.imageType) : ['Original'];
      expect(p.imageTypes.map((t) => t.name)).toEqual(types);
      for (const t of p.imageTypes) {
        const custom = (plain.imageType?.[t.name] ?? {}) as Record<string, unknown>;
        for (const [k, v] of Object.entries(custom)) expect(t.settings[k as keyof Settings], `${t.name} ${k}`).toEqual(v);
      }
      const classes = plain.featureClass ?? {};
      expect(p.featureClasses.map((c) => c.name)).toEqual(Object.keys(classes));
      for (const c of p.featureClasses) {
        const list = classes[c.name] as string[] | null;
        expect(c.features, c.name).toEqual(list && list.length ? list : null);
      }
    });
  }

  it('paramSchema.yaml is not a parameter file: error naming the first unknown section', () => {
    expect(() => parseParams(readFileSync(join(PARAMS, 'paramSchema.yaml'), 'utf8'), 'paramSchema.yaml')).toThrow(/unknown section 'name'/);
  });

  it('the Configuration_Settings text PyRadiomics would print (extractor defaults first, then the file)', () => {
    const p = parseParams(readFileSync(join(PARAMS, 'exampleMR_5mm.yaml'), 'utf8'));
    expect(pyDict(configurationEntries(p))).toBe(
      "{'minimumROIDimensions': 2, 'minimumROISize': None, 'normalize': True, 'normalizeScale': 100, 'removeOutliers': None, " +
        "'resampledPixelSpacing': [3, 3, 3], 'interpolator': 'sitkBSpline', 'preCrop': False, 'padDistance': 5, 'distances': [1], " +
        "'force2D': False, 'force2Ddimension': 0, 'resegmentRange': None, 'label': 1, 'additionalInfo': True, 'binWidth': 5, 'voxelArrayShift': 300}",
    );
  });
});

describe('settings errors name what is wrong', () => {
  const bad: [string, RegExp][] = [
    ['setting: {binwidth: 25}', /unknown setting 'binwidth'/],
    ['setting: {binWidth: 0}', /'binWidth': 0 must be greater than 0/],
    ['setting: {binCount: 2.5}', /'binCount': expected an integer/],
    ['setting: {label: two}', /'label': expected an integer/],
    ['setting: {interpolator: sitkCubic}', /'interpolator': 'sitkCubic' is not one of/],
    ['setting: {interpolator: sitkGaussian, resampledPixelSpacing: [1, 1, 1]}', /'interpolator' = 'sitkGaussian' is not supported/],
    ['setting: {resampledPixelSpacing: [1, 1]}', /'resampledPixelSpacing': 2 values given, 3 required/],
    ['setting: {resegmentMode: percent}', /'resegmentMode': 'percent' is not one of/],
    ['setting: {resegmentRange: [1, 2, 3]}', /'resegmentRange': length 3/],
    ['setting: {weightingNorm: l2}', /'weightingNorm': 'l2' is not one of/],
    ['setting: {label_channel: 1}', /'label_channel' = 1: multi-channel/],
    ['setting: {normalize: yes}', /'normalize': expected true or false/],
    ['setting: {kernelRadius: 2}', /'kernelRadius': voxel-based extraction is not supported/],
    ['imageType: {Original: {}, LoG: {sigma: [0, 1]}}', /image type 'LoG': setting 'sigma': 0 must be greater than 0/],
    ['imageType: {Mystery: {}}', /image type 'Mystery' is not recognized/],
    ['featureClass: {texture: null}', /feature class 'texture' is not recognized/],
    ['featureClass: {glcm: Idmn}', /feature class 'glcm': expected null or a list/],
    ['options: {}', /unknown section 'options'/],
    ['setting: [1, 2]', /'setting' must be a mapping/],
    ['setting: {binWidth: [25', /not valid YAML/],
  ];
  for (const [text, message] of bad) {
    it(text, () => {
      expect(() => parseParams(text, 'p.yaml')).toThrow(SettingsError);
      expect(() => parseParams(text, 'p.yaml')).toThrow(message);
    });
  }
});

describe('settings on top of a file', () => {
  it('--setting values are YAML; they override the file; an image type keeps its own value', () => {
    const p = parseParams('imageType: {Original: {}, LoG: {sigma: [1.0], binWidth: 10}}\nsetting: {binWidth: 25, label: 1}');
    const q = withSettings(p, [parseSettingArg('binWidth=5'), parseSettingArg('resampledPixelSpacing=[2, 2, 0]'), ['label', 3]]);
    expect(q.settings.binWidth).toBe(5);
    expect(q.settings.label).toBe(3);
    expect(q.settings.resampledPixelSpacing).toEqual([2, 2, 0]);
    expect(q.imageTypes[0].settings.binWidth).toBe(5);
    expect(q.imageTypes[1].settings.binWidth).toBe(10);
    expect(q.imageTypes[1].settings.label).toBe(3);
    // label replaced in place, as execute(label=...) does
    expect(configurationEntries(q).map(([k]) => k).slice(0, 15)).toEqual(configurationEntries(defaultParams()).map(([k]) => k));
    expect(() => parseSettingArg('binWidth')).toThrow(/key=value/);
    expect(() => parseSettingArg('bin=3')).toThrow(/unknown setting 'bin'/);
  });

  it('interpolator by SimpleITK number; nulls where PyRadiomics accepts None', () => {
    const p = paramsFromGiven({ setting: { interpolator: 2, resampledPixelSpacing: null, weightingNorm: null, binCount: null } });
    expect(p.settings.interpolator).toBe('sitkLinear');
    expect(p.settings.resampledPixelSpacing).toBeNull();
    expect(() => paramsFromGiven({ setting: { binWidth: null } })).toThrow(/'binWidth': a value is required/);
  });

  it('no file: Original only, every class except shape2D', () => {
    const p = defaultParams();
    expect(p.imageTypes.map((t) => t.name)).toEqual(['Original']);
    expect(p.featureClasses.map((c) => c.name)).toEqual(['firstorder', 'glcm', 'gldm', 'glrlm', 'glszm', 'ngtdm', 'shape']);
    expect(p.settings).toEqual(DEFAULT_SETTINGS);
  });
});
