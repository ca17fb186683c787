/**
 * The demo cohort's plan: who is HER2-low or HER2-zero, in training or test, with which
 * clinical values and TIC type. Cheap (no image): computed whole for any patient, so
 * patient i can be generated alone and still be the same patient as in the full cohort.
 *
 * Drawing (seeded):
 * - classes: exactly `zero` HER2-zero patients (default round(n x 40/118)), placed by a
 *   seeded permutation; the rest HER2-low;
 * - split, stratified by class: round(n_class x train fraction) in training (default the
 *   study's 54/78 and 29/40; 78/40 patients give exactly the study's 54+29 / 24+11);
 * - TIC type, per class: counts from the class's Table 1 proportions (largest remainder),
 *   placed by a seeded permutation, so the default cohort has Table 1's counts exactly;
 * - stage per class from Table 1's counts (as proportions); stage I patients get a
 *   diameter of at most 20 mm and no nodal metastasis (T1 N0), the others nodal
 *   metastasis with a probability that keeps Table 1's overall proportion;
 * - age, diameter (10 mm + a log-normal, at most 50 mm, with Table 1's mean; see
 *   diameterDistribution), ER, PR given ER, Ki-67 (high > 14%), IHC
 *   (HER2-low: 1+ or 2+ with negative ISH; HER2-zero: 0; ISH empty when not done) per patient;
 * - the second-reader subset: a simple random sample (default round(n x 16/118)).
 */
import { Prng } from './prng.ts';
import {
  CLINICAL,
  type ClassSignal,
  DEFAULT_CLASS_SIGNAL,
  STUDY_READER2_FRACTION,
  STUDY_TRAIN_FRACTION,
  STUDY_ZERO_FRACTION,
} from './params.ts';

export interface DemoCohortOptions {
  seed: number;
  /** number of patients (default 118) */
  patients?: number;
  /** number of HER2-zero patients (default round(patients x 40/118)) */
  zero?: number;
  /** fraction of each class in training (default the study's 54/78 and 29/40) */
  trainFraction?: number;
  /** number of patients with a second reader's mask (default round(patients x 16/118)) */
  reader2?: number;
  classSignal?: Partial<ClassSignal>;
}

/** One row of clinical.csv plus what the image generator needs. */
export interface DemoClinicalRow {
  id: string;
  /** 1 = HER2-low, 0 = HER2-zero */
  label: 0 | 1;
  split: 'train' | 'test';
  age: number;
  /** maximum diameter, mm (also the generated lesion's) */
  diameter: number;
  /** clinical stage I, II, III as 1, 2, 3 */
  stage: 1 | 2 | 3;
  /** axillary lymph node metastasis */
  aln: 0 | 1;
  er: 0 | 1;
  pr: 0 | 1;
  /** Ki-67 status: 1 = high (> 14 %, the study's cut), 0 = low */
  ki67: 0 | 1;
  tic: 1 | 2 | 3;
  ihc: '0' | '1+' | '2+';
  /** ISH result: negative for IHC 2+ (HER2-low needs it), empty (not done) otherwise */
  ish: 'negative' | '';
}

export interface DemoPlanRow extends DemoClinicalRow {
  index: number;
  /** has a second reader's mask */
  reader2: boolean;
}

export const CLINICAL_COLUMNS = ['id', 'label', 'split', 'age', 'diameter', 'stage', 'aln', 'er', 'pr', 'ki67', 'tic', 'ihc', 'ish'] as const;

export function resolveClassSignal(partial?: Partial<ClassSignal>): ClassSignal {
  return { ...DEFAULT_CLASS_SIGNAL, ...partial };
}

export function patientId(index: number, patients: number): string {
  return `P${String(index + 1).padStart(Math.max(3, String(patients).length), '0')}`;
}

/** Counts proportional to `weights` summing to n (largest remainder; ties to the first). */
export function apportion(n: number, weights: readonly number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (n * w) / total);
  const counts = exact.map(Math.floor);
  let left = n - counts.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let r = 0; left > 0; r++, left--) counts[order[r % order.length][1]]++;
  return counts;
}

function checkCount(name: string, v: number, lo: number, hi: number): void {
  if (!Number.isInteger(v) || v < lo || v > hi) throw new Error(`demo cohort: ${name} must be an integer in ${lo}..${hi} (got ${v})`);
}

/** Standard normal distribution function (erf by Abramowitz & Stegun 7.1.26, |error| < 1.5e-7). */
function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/** Log-normal (mu, s) with mean m and SD sd. */
function logNormalFor(m: number, sd: number): [number, number] {
  const s2 = Math.log(1 + (sd * sd) / (m * m));
  return [Math.log(m) - s2 / 2, Math.sqrt(s2)];
}

/**
 * The log-normal parameters for the excess over 10 mm of a diameter capped at 50 mm whose
 * mean is `mean` (Table 1's): E[X | X <= c] = exp(mu + s^2/2) Phi((ln c - mu - s^2)/s) /
 * Phi((ln c - mu)/s), solved for the uncapped mean by fixed-point iteration, with the
 * uncapped SD Table 1's. (A normal truncated at 10 mm would raise the mean by 2-3.5 mm;
 * the cap lowers the SD to about 8 mm.)
 */
export function diameterDistribution(mean: number, sd: number): [number, number] {
  const target = mean - 10;
  const cap = Math.log(40);
  let m = target;
  for (let i = 0; i < 100; i++) {
    const [mu, s] = logNormalFor(m, sd);
    const capped = (Math.exp(mu + (s * s) / 2) * normalCdf((cap - mu - s * s) / s)) / normalCdf((cap - mu) / s);
    m += target - capped;
  }
  return logNormalFor(m, sd);
}

/**
 * A tumour diameter (mm): 10 + a log-normal (right-skewed, as tumour sizes are) from
 * diameterDistribution, redrawn above `max` (50 mm, or 20 mm for stage I: T1).
 */
export function drawDiameter(r: Prng, dist: [number, number], max: number): number {
  for (let i = 0; i < 1000; i++) {
    const d = 10 + Math.exp(dist[0] + dist[1] * r.normal());
    if (d <= max) return d;
  }
  return max;
}

export function planDemoCohort(opts: DemoCohortOptions): DemoPlanRow[] {
  const n = opts.patients ?? 118;
  checkCount('patients', n, 1, 100000);
  const nZero = opts.zero ?? Math.round(n * STUDY_ZERO_FRACTION);
  checkCount('the number of HER2-zero patients', nZero, 0, n);
  const nReader2 = opts.reader2 ?? Math.round(n * STUDY_READER2_FRACTION);
  checkCount('the number of second-reader patients', nReader2, 0, n);
  if (opts.trainFraction !== undefined && !(opts.trainFraction > 0 && opts.trainFraction <= 1)) {
    throw new Error(`demo cohort: the train fraction must be in (0, 1] (got ${opts.trainFraction})`);
  }
  const signal = resolveClassSignal(opts.classSignal);
  const rng = new Prng(opts.seed, 'cohort');

  const labels: (0 | 1)[] = rng.shuffle([...Array<0>(nZero).fill(0), ...Array<1>(n - nZero).fill(1)]);
  const byClass: Record<0 | 1, number[]> = { 0: [], 1: [] };
  labels.forEach((l, i) => byClass[l].push(i));

  const split = new Array<'train' | 'test'>(n);
  const tic = new Array<1 | 2 | 3>(n);
  const stage = new Array<1 | 2 | 3>(n);
  for (const cls of [1, 0] as const) {
    const members = byClass[cls];
    const key = cls === 1 ? 'low' : 'zero';
    const frac = opts.trainFraction ?? STUDY_TRAIN_FRACTION[key];
    const nTrain = Math.round(members.length * frac);
    rng.shuffle([...members]).forEach((idx, r) => (split[idx] = r < nTrain ? 'train' : 'test'));
    const ticCounts = apportion(members.length, signal.tic[key]);
    const ticList = ticCounts.flatMap((c, t) => Array<1 | 2 | 3>(c).fill((t + 1) as 1 | 2 | 3));
    rng.shuffle([...members]).forEach((idx, r) => (tic[idx] = ticList[r]));
    const stageCounts = apportion(members.length, CLINICAL.stage[key]);
    const stageList = stageCounts.flatMap((c, s) => Array<1 | 2 | 3>(c).fill((s + 1) as 1 | 2 | 3));
    rng.shuffle([...members]).forEach((idx, r) => (stage[idx] = stageList[r]));
  }
  const reader2 = new Set(rng.shuffle([...Array(n).keys()]).slice(0, nReader2));
  const diameterDist = {
    low: diameterDistribution(CLINICAL.diameter.low[0], CLINICAL.diameter.low[1]),
    zero: diameterDistribution(CLINICAL.diameter.zero[0], CLINICAL.diameter.zero[1]),
  };

  const rows: DemoPlanRow[] = [];
  for (let i = 0; i < n; i++) {
    const label = labels[i];
    const key = label === 1 ? 'low' : 'zero';
    const r = new Prng(opts.seed, `clinical/${i}`);
    const [ageMean, ageSd] = CLINICAL.age[key];
    const age = Math.round(r.truncNormal(ageMean, ageSd, 28, 85));
    const st = stage[i];
    const diameter = Math.round(drawDiameter(r, diameterDist[key], st === 1 ? 20 : 50) * 10) / 10;
    // Nodal metastasis only in stage II/III, keeping the class's overall proportion.
    const pStage23 = (CLINICAL.stage[key][1] + CLINICAL.stage[key][2]) / CLINICAL.stage[key].reduce((a, b) => a + b, 0);
    const aln: 0 | 1 = st === 1 ? 0 : r.bernoulli(CLINICAL.aln[key] / pStage23) ? 1 : 0;
    const er: 0 | 1 = r.bernoulli(CLINICAL.er[key]) ? 1 : 0;
    const pr: 0 | 1 = r.bernoulli(CLINICAL.prGivenEr[key][er === 1 ? 0 : 1]) ? 1 : 0;
    const ki67: 0 | 1 = r.bernoulli(CLINICAL.ki67High[key]) ? 1 : 0;
    const ihc: DemoClinicalRow['ihc'] = label === 0 ? '0' : r.bernoulli(CLINICAL.ihc2plus) ? '2+' : '1+';
    rows.push({
      index: i,
      id: patientId(i, n),
      label,
      split: split[i],
      age,
      diameter,
      stage: st,
      aln,
      er,
      pr,
      ki67,
      tic: tic[i],
      ihc,
      ish: ihc === '2+' ? 'negative' : '',
      reader2: reader2.has(i),
    });
  }
  return rows;
}

/** clinical.csv's row (columns CLINICAL_COLUMNS) as strings. */
export function clinicalCsvRow(r: DemoClinicalRow): string[] {
  return [r.id, String(r.label), r.split, String(r.age), String(r.diameter), String(r.stage), String(r.aln), String(r.er), String(r.pr), String(r.ki67), String(r.tic), r.ihc, r.ish];
}
