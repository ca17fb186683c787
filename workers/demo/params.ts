/**
 * The demo cohort's settings: grids, the study's clinical distributions (Table 1 of the
 * paper, train and test sets pooled) and the tunable class signal (HER2-low vs HER2-zero).
 * docs/demo.md explains each number.
 */

export type DemoGrid = '128x128x40' | '384x384x88';

export interface GridSpec {
  size: [number, number, number];
  spacing: [number, number, number];
  /** patient x and y (mm, LPS) at the centre of the field of view (z is centred on 0) */
  centreX: number;
  centreY: number;
  /** both breasts in the field of view */
  bilateral: boolean;
}

/**
 * 128 x 128 x 40 of 1.5 x 1.5 x 3.5 mm: one (left) breast, 192 x 192 x 140 mm.
 * 384 x 384 x 88 of 0.885 x 0.885 x 1.6 mm: the study's matrix and 340 mm field of view
 * (both breasts), 88 sections of 1.6 mm.
 */
export const GRIDS: Record<DemoGrid, GridSpec> = {
  '128x128x40': { size: [128, 128, 40], spacing: [1.5, 1.5, 3.5], centreX: 95, centreY: 8, bilateral: false },
  '384x384x88': { size: [384, 384, 88], spacing: [0.885, 0.885, 1.6], centreX: 0, centreY: 70, bilateral: true },
};

/** Counts per TIC type I, II, III (Table 1, training + testing). */
export interface TicCounts {
  low: [number, number, number];
  zero: [number, number, number];
}

/**
 * What differs between HER2-low (label 1) and HER2-zero (label 0) lesions. Every other
 * lesion property (size, shape, position, breast density, noise, bias field...) is drawn
 * the same way for both classes.
 */
export interface ClassSignal {
  /**
   * Each lesion has a latent heterogeneity score z ~ N(+d/2, 1) for HER2-low and
   * N(-d/2, 1) for HER2-zero: d is the standardised class difference (Cohen's d).
   * A perfect reader of z would reach AUC = Phi(d / sqrt(2)).
   */
  heterogeneityEffect: number;
  /**
   * log-SD of the fine-scale enhancement texture (value noise on 4 mm and 2.5 mm lattices:
   * the scale the study's features see after resampling to 3 mm) at z = 0
   */
  fineTexture: number;
  /** change of that log-SD per unit of z */
  fineTexturePerZ: number;
  /** log-SD of the coarse enhancement texture (class-independent nuisance) */
  coarseTexture: number;
  /** multiplier of the HER2-low lesions' Ktrans (enhancement amplitude), HER2-zero = 1 */
  ktransRatio: number;
  /** TIC type counts per class, turned into proportions for any cohort size */
  tic: TicCounts;
}

/**
 * Defaults: d = 2.0, fine texture log-SD 0.25 + 0.10 z, Ktrans x 1.15 for HER2-low, and
 * the study's TIC distribution (HER2-low I/II/III 10/21/47, HER2-zero 7/24/9). With these,
 * the study's pipeline (her2 cohort + her2 fit) on the 118-patient cohort gave a radiomics
 * AUC of 0.901 / 0.837 (train / test, seed 42) and 0.970 / 0.777 (seed 7); the study
 * reports 0.875 / 0.845. See docs/demo.md.
 */
export const DEFAULT_CLASS_SIGNAL: ClassSignal = {
  heterogeneityEffect: 2.0,
  fineTexture: 0.25,
  fineTexturePerZ: 0.1,
  coarseTexture: 0.15,
  ktransRatio: 1.15,
  tic: { low: [10, 21, 47], zero: [7, 24, 9] },
};

/** Clinical distributions per class (Table 1, both sets pooled). */
export const CLINICAL = {
  /** mean, SD of age in years */
  age: { low: [54.6, 11.6], zero: [52.7, 11.9] },
  /** mean, SD of the maximum diameter in mm, truncated to 10..50 */
  diameter: { low: [22.0, 10.0], zero: [21.8, 12.5] },
  /** clinical stage I, II, III counts */
  stage: { low: [6, 31, 41], zero: [2, 14, 24] },
  /** proportion with axillary lymph node metastasis */
  aln: { low: 15 / 76, zero: 9 / 36 },
  /** proportion ER positive */
  er: { low: 63 / 78, zero: 26 / 40 },
  /** proportion PR positive given ER positive / negative (marginals as Table 1: 57/78, 23/40) */
  prGivenEr: { low: [0.88, 0.08], zero: [0.85, 0.064] },
  /** proportion with Ki-67 high (> 14%); clinical.csv's ki67 is this status, 0/1 */
  ki67High: { low: 53 / 78, zero: 29 / 40 },
  /** proportion IHC 2+ among HER2-low (the rest are 1+) */
  ihc2plus: 0.45,
} as const;

/** The study's split: 54 of 78 HER2-low and 29 of 40 HER2-zero in training. */
export const STUDY_TRAIN_FRACTION = { low: 54 / 78, zero: 29 / 40 };
/** The study's reproducibility subset: 16 of 118 patients re-delineated by a second reader. */
export const STUDY_READER2_FRACTION = 16 / 118;
/** The study's class balance: 40 of 118 HER2-zero. */
export const STUDY_ZERO_FRACTION = 40 / 118;
