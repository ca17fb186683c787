/**
 * IBSI 1 (Zwanenburg et al., Radiology 2020; reference manual arXiv:1612.07003) and the
 * engine's `ibsi` compatibility setting.
 *
 * Where PyRadiomics departs from IBSI, `ibsi: true` follows IBSI:
 * - fixed-bin-size discretisation counts bins from the resegmentation range's lower bound
 *   (absolute mode) or else the ROI minimum, bin = floor((x - Xmin) / w) + 1, instead of
 *   PyRadiomics's edges at multiples of w (discretize.ts binImageIbsi; manual 2.7);
 * - the number of grey levels Ng comes from the bin range (up to the range's upper bound
 *   or the ROI maximum), not the highest bin present, so Ng-normalised features (Idn,
 *   Idmn) use IBSI's Ng;
 * - Kurtosis is excess kurtosis (manual 3.3.4, minus 3);
 * - voxelArrayShift is not applied (Energy, TotalEnergy, RootMeanSquared: manual 3.3.16);
 * - the PCA axis lengths (Major/Minor/LeastAxisLength, 3D and 2D) use the covariance of
 *   the voxel positions with n - 1, PyRadiomics's with n: the phantom's consensus
 *   morph_pca_*_axis values are met with n - 1 and missed with n (least axis 8.478 vs
 *   8.54 +- 0.05).
 *
 * `IBSI_TAGS` pairs each IBSI digital-phantom tag (the `tag` column of the IBSI-1
 * reference workbook) with the PyRadiomics feature that computes it and the settings
 * that select IBSI's aggregation:
 * - GLCM and GLRLM, 3D: `_3D_avg` = features per direction averaged (weightingNorm
 *   null), `_3D_comb` = matrices summed over directions first (weightingNorm
 *   'no_weighting'); 2.5D: the same with force2D (in-plane directions, counts pooled
 *   over slices).
 * - GLSZM, NGTDM, NGLDM: `_3D` as PyRadiomics computes them; `_2_5D` with force2D.
 *   PyRadiomics's GLDM with gldm_a = 0 is IBSI's NGLDM with alpha 0 (the dependence
 *   count includes the centre voxel in both).
 * - morphology (shape, incl. the deprecated Compactness1/2 and SphericalDisproportion,
 *   computed on request), intensity statistics (firstorder on the raw values), and the
 *   intensity histogram's entropy and uniformity (firstorder on the bins).
 * IBSI features PyRadiomics does not compute (e.g. asphericity, centre-of-mass shift,
 * GLDZM, IVH, local intensity peaks, most ih_*) are not mapped. Where PyRadiomics drops a
 * feature as a deprecated duplicate (GLCM SumVariance, Dissimilarity), the tag maps to the
 * equal feature it keeps (ClusterTendency, DifferenceAverage).
 */
import type { ClassName } from './settings.ts';

export type Aggregation = '3D' | '3D_avg' | '3D_comb' | '2_5D' | '2_5D_avg' | '2_5D_comb' | 'none';

export interface IbsiTag {
  tag: string;
  featureClass: ClassName;
  /** PyRadiomics feature name */
  feature: string;
  aggregation: Aggregation;
  note?: string;
}

/** The settings (PyRadiomics names) that give an IBSI aggregation. */
export function aggregationSettings(a: Aggregation): { force2D: boolean; weightingNorm: 'no_weighting' | null } {
  return {
    force2D: a.startsWith('2_5D'),
    weightingNorm: a.endsWith('_comb') ? 'no_weighting' : null,
  };
}

const MORPHOLOGY: [string, string][] = [
  ['morph_volume', 'MeshVolume'],
  ['morph_vol_approx', 'VoxelVolume'],
  ['morph_area_mesh', 'SurfaceArea'],
  ['morph_av', 'SurfaceVolumeRatio'],
  ['morph_comp_1', 'Compactness1'],
  ['morph_comp_2', 'Compactness2'],
  ['morph_sph_dispr', 'SphericalDisproportion'],
  ['morph_sphericity', 'Sphericity'],
  ['morph_diam', 'Maximum3DDiameter'],
  ['morph_pca_maj_axis', 'MajorAxisLength'],
  ['morph_pca_min_axis', 'MinorAxisLength'],
  ['morph_pca_least_axis', 'LeastAxisLength'],
  ['morph_pca_elongation', 'Elongation'],
  ['morph_pca_flatness', 'Flatness'],
];

const STATISTICS: [string, string][] = [
  ['stat_mean', 'Mean'],
  ['stat_var', 'Variance'],
  ['stat_skew', 'Skewness'],
  ['stat_kurt', 'Kurtosis'],
  ['stat_median', 'Median'],
  ['stat_min', 'Minimum'],
  ['stat_p10', '10Percentile'],
  ['stat_p90', '90Percentile'],
  ['stat_max', 'Maximum'],
  ['stat_iqr', 'InterquartileRange'],
  ['stat_range', 'Range'],
  ['stat_mad', 'MeanAbsoluteDeviation'],
  ['stat_rmad', 'RobustMeanAbsoluteDeviation'],
  ['stat_energy', 'Energy'],
  ['stat_rms', 'RootMeanSquared'],
  ['ih_entropy', 'Entropy'],
  ['ih_uniformity', 'Uniformity'],
];

const GLCM: [string, string, string?][] = [
  ['cm_joint_max', 'MaximumProbability'],
  ['cm_joint_avg', 'JointAverage'],
  ['cm_joint_var', 'SumSquares'],
  ['cm_joint_entr', 'JointEntropy'],
  ['cm_diff_avg', 'DifferenceAverage'],
  ['cm_diff_var', 'DifferenceVariance'],
  ['cm_diff_entr', 'DifferenceEntropy'],
  ['cm_sum_avg', 'SumAverage'],
  ['cm_sum_var', 'ClusterTendency', 'IBSI sum variance equals cluster tendency; PyRadiomics deprecated SumVariance for it'],
  ['cm_sum_entr', 'SumEntropy'],
  ['cm_energy', 'JointEnergy'],
  ['cm_contrast', 'Contrast'],
  ['cm_dissimilarity', 'DifferenceAverage', 'IBSI dissimilarity equals difference average; PyRadiomics deprecated Dissimilarity for it'],
  ['cm_inv_diff', 'Id'],
  ['cm_inv_diff_norm', 'Idn'],
  ['cm_inv_diff_mom', 'Idm'],
  ['cm_inv_diff_mom_norm', 'Idmn'],
  ['cm_inv_var', 'InverseVariance'],
  ['cm_corr', 'Correlation'],
  ['cm_auto_corr', 'Autocorrelation'],
  ['cm_clust_tend', 'ClusterTendency'],
  ['cm_clust_shade', 'ClusterShade'],
  ['cm_clust_prom', 'ClusterProminence'],
  ['cm_info_corr1', 'Imc1'],
  ['cm_info_corr2', 'Imc2'],
];

const GLRLM: [string, string][] = [
  ['rlm_sre', 'ShortRunEmphasis'],
  ['rlm_lre', 'LongRunEmphasis'],
  ['rlm_lgre', 'LowGrayLevelRunEmphasis'],
  ['rlm_hgre', 'HighGrayLevelRunEmphasis'],
  ['rlm_srlge', 'ShortRunLowGrayLevelEmphasis'],
  ['rlm_srhge', 'ShortRunHighGrayLevelEmphasis'],
  ['rlm_lrlge', 'LongRunLowGrayLevelEmphasis'],
  ['rlm_lrhge', 'LongRunHighGrayLevelEmphasis'],
  ['rlm_glnu', 'GrayLevelNonUniformity'],
  ['rlm_glnu_norm', 'GrayLevelNonUniformityNormalized'],
  ['rlm_rlnu', 'RunLengthNonUniformity'],
  ['rlm_rlnu_norm', 'RunLengthNonUniformityNormalized'],
  ['rlm_r_perc', 'RunPercentage'],
  ['rlm_gl_var', 'GrayLevelVariance'],
  ['rlm_rl_var', 'RunVariance'],
  ['rlm_rl_entr', 'RunEntropy'],
];

const GLSZM: [string, string][] = [
  ['szm_sze', 'SmallAreaEmphasis'],
  ['szm_lze', 'LargeAreaEmphasis'],
  ['szm_lgze', 'LowGrayLevelZoneEmphasis'],
  ['szm_hgze', 'HighGrayLevelZoneEmphasis'],
  ['szm_szlge', 'SmallAreaLowGrayLevelEmphasis'],
  ['szm_szhge', 'SmallAreaHighGrayLevelEmphasis'],
  ['szm_lzlge', 'LargeAreaLowGrayLevelEmphasis'],
  ['szm_lzhge', 'LargeAreaHighGrayLevelEmphasis'],
  ['szm_glnu', 'GrayLevelNonUniformity'],
  ['szm_glnu_norm', 'GrayLevelNonUniformityNormalized'],
  ['szm_zsnu', 'SizeZoneNonUniformity'],
  ['szm_zsnu_norm', 'SizeZoneNonUniformityNormalized'],
  ['szm_z_perc', 'ZonePercentage'],
  ['szm_gl_var', 'GrayLevelVariance'],
  ['szm_zs_var', 'ZoneVariance'],
  ['szm_zs_entr', 'ZoneEntropy'],
];

const NGTDM: [string, string][] = [
  ['ngt_coarseness', 'Coarseness'],
  ['ngt_contrast', 'Contrast'],
  ['ngt_busyness', 'Busyness'],
  ['ngt_complexity', 'Complexity'],
  ['ngt_strength', 'Strength'],
];

const NGLDM: [string, string][] = [
  ['ngl_lde', 'SmallDependenceEmphasis'],
  ['ngl_hde', 'LargeDependenceEmphasis'],
  ['ngl_lgce', 'LowGrayLevelEmphasis'],
  ['ngl_hgce', 'HighGrayLevelEmphasis'],
  ['ngl_ldlge', 'SmallDependenceLowGrayLevelEmphasis'],
  ['ngl_ldhge', 'SmallDependenceHighGrayLevelEmphasis'],
  ['ngl_hdlge', 'LargeDependenceLowGrayLevelEmphasis'],
  ['ngl_hdhge', 'LargeDependenceHighGrayLevelEmphasis'],
  ['ngl_glnu', 'GrayLevelNonUniformity'],
  ['ngl_dcnu', 'DependenceNonUniformity'],
  ['ngl_dcnu_norm', 'DependenceNonUniformityNormalized'],
  ['ngl_gl_var', 'GrayLevelVariance'],
  ['ngl_dc_var', 'DependenceVariance'],
  ['ngl_dc_entr', 'DependenceEntropy'],
];

function tags(
  list: readonly (readonly [string, string, string?])[],
  featureClass: ClassName,
  aggregations: readonly Aggregation[],
): IbsiTag[] {
  const out: IbsiTag[] = [];
  for (const a of aggregations)
    for (const [base, feature, note] of list)
      out.push({ tag: a === 'none' ? base : `${base}_${a}`, featureClass, feature, aggregation: a, ...(note ? { note } : {}) });
  return out;
}

/** IBSI digital-phantom tag -> PyRadiomics feature and aggregation. */
export const IBSI_TAGS: readonly IbsiTag[] = [
  ...tags(MORPHOLOGY, 'shape', ['none']),
  ...tags(STATISTICS, 'firstorder', ['none']),
  ...tags(GLCM, 'glcm', ['3D_avg', '3D_comb', '2_5D_avg', '2_5D_comb']),
  ...tags(GLRLM, 'glrlm', ['3D_avg', '3D_comb', '2_5D_avg', '2_5D_comb']),
  ...tags(GLSZM, 'glszm', ['3D', '2_5D']),
  ...tags(NGTDM, 'ngtdm', ['3D', '2_5D']),
  ...tags(NGLDM, 'gldm', ['3D', '2_5D']),
];

/**
 * The workbook's match rule: diff = |TRUNC(r - v, 3 - (1 + floor(log10 |r|)))| (r's third
 * significant digit; 0 decimals when r = 0); match when diff <= tolerance.
 */
export function ibsiDifference(reference: number, value: number): number {
  const digits = reference === 0 ? 0 : 3 - (1 + Math.floor(Math.log10(Math.abs(reference))));
  const scale = Math.pow(10, digits);
  return Math.abs(Math.trunc((reference - value) * scale) / scale);
}

export function ibsiMatch(reference: number, tolerance: number, value: number): 'match' | 'partial' | 'no match' {
  if (!Number.isFinite(value)) return 'no match';
  const d = ibsiDifference(reference, value);
  if (d <= tolerance) return 'match';
  if (d < 3 * tolerance) return 'partial';
  return 'no match';
}
