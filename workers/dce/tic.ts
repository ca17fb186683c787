/**
 * The lesion's time-intensity curve (TIC) over the DCE phases and its kinetic type, by the rule of
 * docs/tic.md (ACR BI-RADS MRI lexicon, delayed-phase curve type; Kuhl et al., Radiology 1999):
 *
 *   t0     = ContrastBolusStartTime when known, else the acquisition time of the first post-contrast phase
 *   S_init = the highest signal among the post-contrast phases acquired at or before t0 + initialWindow
 *            (always at least the first post-contrast phase)
 *   S_del  = the signal of the last phase
 *   change = (S_del - S_init) / S_init
 *   type I (persistent) if change > threshold + epsilon, III (washout) if change < -(threshold + epsilon),
 *   II (plateau) otherwise; so a change of exactly +/-10 % is a plateau, whatever the rounding.
 *
 * Signals are means over the ROI, or over the most-enhancing hot spot inside it (a cube of n x n x n voxels
 * or a sphere of d mm) when one is asked for; the type is then read from the hot spot's curve.
 * Pure and DOM-free: the app runs it in a worker, the CLI in Node.
 */
import { sameGeometry, type Geometry, type Volume } from '../io/volume.ts';

export class TicError extends Error {}

export type TicType = 1 | 2 | 3;
export const TIC_TYPE_NAMES: Record<TicType, 'persistent' | 'plateau' | 'washout'> = { 1: 'persistent', 2: 'plateau', 3: 'washout' };

export interface TicRule {
  /** relative change separating the types, as a fraction: 0.10 = 10 % */
  threshold: number;
  /** seconds after t0 during which a post-contrast phase counts as initial */
  initialWindow: number;
  /** border tolerance of the type comparisons, in units of the change (a fraction) */
  epsilon: number;
  /** without phase times: how many post-contrast phases, from phase 1 on, count as initial */
  untimedInitialPhases: number;
}

export const DEFAULT_TIC_RULE: TicRule = { threshold: 0.1, initialWindow: 120, epsilon: 1e-9, untimedInitialPhases: 1 };

/** The kinetic ROI inside the lesion: n x n x n voxels (n odd), or the voxels within a sphere of d mm. */
export type HotSpot = { kind: 'cube'; voxels: number } | { kind: 'sphere'; diameterMm: number };

export interface TicPhase {
  volume: Volume;
  /** acquisition time, seconds since midnight (PhaseInfo.time) */
  time?: number;
  /** names the phase in messages, e.g. 'phase 2 (Ph2/ax dyn)' */
  label?: string;
}

export interface TicInput {
  /** phase 0 is the pre-contrast acquisition, then the post-contrast phases in order */
  phases: readonly TicPhase[];
  /** on the phases' grid; the ROI is its nonzero voxels, or those equal to `label` */
  mask: Volume;
  label?: number;
  /** seconds since midnight (SeriesItem.contrastBolusStartTime) */
  contrastBolusStartTime?: number;
  /** null or absent: the whole ROI's mean */
  hotSpot?: HotSpot | null;
  rule?: Partial<TicRule>;
  /** mm, for the phase/mask grid comparison */
  geometryTolerance?: number;
}

export interface TicCurve {
  voxels: number;
  /** mean signal per phase */
  signal: number[];
  /** relative enhancement per phase, % over the pre-contrast signal: 100 (S_k - S_0) / S_0 */
  enhancement: number[];
}

export interface TicResult {
  type: TicType;
  typeName: 'persistent' | 'plateau' | 'washout';
  /** (S_del - S_init) / S_init, as a fraction */
  change: number;
  initialPhase: number;
  initialSignal: number;
  delayedPhase: number;
  delayedSignal: number;
  /** phases that were candidates for S_init */
  initialPhases: number[];
  /** which curve the type was read from */
  typedCurve: 'roi' | 'hotSpot';
  roi: TicCurve;
  hotSpot: (TicCurve & { center: [number, number, number]; spec: HotSpot }) | null;
  /** seconds from t0 per phase (the pre-contrast phase is negative); null when times are missing */
  times: number[] | null;
  t0: { source: 'ContrastBolusStartTime' | 'first post-contrast phase'; secondsSinceMidnight: number } | null;
  phaseLabels: string[];
  rule: TicRule;
  warnings: string[];
}

const DAY = 86400;

/** The curve and its type; throws TicError on bad input, naming the phase or setting. */
export function computeTic(input: TicInput): TicResult {
  const rule = { ...DEFAULT_TIC_RULE, ...input.rule };
  checkRule(rule);
  const phases = input.phases;
  const labels = phases.map((p, k) => p.label ?? `phase ${k}`);
  if (phases.length < 3) {
    throw new TicError(`a TIC needs the pre-contrast phase and at least two post-contrast phases; got ${phases.length} phase(s)`);
  }
  const warnings: string[] = [];
  const roi = roiVoxels(input, labels);

  const timing = phaseTimes(phases, labels, input.contrastBolusStartTime, warnings);
  const initialPhases = initialCandidates(timing.times, rule, phases.length, warnings);
  if (initialPhases.includes(phases.length - 1)) {
    warnings.push(`the last phase (${labels[phases.length - 1]}) falls in the initial window: no delayed phase after it; the type compares it with itself`);
  }

  const roiCurve = curveOf(phases, roi);
  let hotSpot: TicResult['hotSpot'] = null;
  if (input.hotSpot) {
    const spot = findHotSpot(phases, input.mask, roi, input.hotSpot, initialPhases, warnings);
    hotSpot = { ...curveOf(phases, spot.voxels), center: spot.center, spec: input.hotSpot };
  }
  const typed = hotSpot ?? roiCurve;
  const s = typed.signal;

  let initialPhase = initialPhases[0];
  for (const k of initialPhases) if (s[k] > s[initialPhase]) initialPhase = k;
  const delayedPhase = phases.length - 1;
  const sInit = s[initialPhase];
  const sDel = s[delayedPhase];
  if (!(sInit > 0)) {
    throw new TicError(`the initial signal S_init (${labels[initialPhase]}) is ${sInit}; the relative change needs a positive signal`);
  }
  if (!(sInit > s[0])) warnings.push(`the ${hotSpot ? 'hot spot' : 'ROI'} does not enhance (S_init ${sInit} <= pre-contrast ${s[0]}): its kinetic type is not meaningful`);
  const change = (sDel - sInit) / sInit;
  const type = classifyChange(change, rule);
  return {
    type,
    typeName: TIC_TYPE_NAMES[type],
    change,
    initialPhase,
    initialSignal: sInit,
    delayedPhase,
    delayedSignal: sDel,
    initialPhases,
    typedCurve: hotSpot ? 'hotSpot' : 'roi',
    roi: roiCurve,
    hotSpot,
    times: timing.times,
    t0: timing.t0,
    phaseLabels: labels,
    rule,
    warnings,
  };
}

/** I if change > threshold + epsilon, III if change < -(threshold + epsilon), else II. */
export function classifyChange(change: number, rule: TicRule = DEFAULT_TIC_RULE): TicType {
  if (!Number.isFinite(change)) throw new TicError(`the relative change ${change} is not a number`);
  if (change > rule.threshold + rule.epsilon) return 1;
  if (change < -(rule.threshold + rule.epsilon)) return 3;
  return 2;
}

function checkRule(r: TicRule): void {
  if (!(r.threshold >= 0 && r.threshold < 1)) throw new TicError(`TIC threshold must be a fraction in [0, 1) (0.1 = 10 %), got ${r.threshold}`);
  if (!(r.initialWindow >= 0)) throw new TicError(`TIC initialWindow must be >= 0 seconds, got ${r.initialWindow}`);
  if (!(r.epsilon >= 0 && r.epsilon < 0.001)) throw new TicError(`TIC epsilon must be in [0, 0.001) (a fraction of the change), got ${r.epsilon}`);
  if (!(Number.isInteger(r.untimedInitialPhases) && r.untimedInitialPhases >= 1)) {
    throw new TicError(`TIC untimedInitialPhases must be an integer >= 1, got ${r.untimedInitialPhases}`);
  }
}

/** Linear indices of the ROI voxels, after checking that every phase is on the mask's grid. */
function roiVoxels(input: TicInput, labels: string[]): Int32Array {
  const { mask, label } = input;
  const n = mask.data.length;
  if (n !== mask.size[0] * mask.size[1] * mask.size[2]) throw new TicError(`the mask has ${n} voxels, its size ${mask.size.join('x')} needs ${mask.size[0] * mask.size[1] * mask.size[2]}`);
  const list: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = mask.data[i];
    if (label === undefined ? v !== 0 : v === label) list.push(i);
  }
  if (list.length === 0) throw new TicError(label === undefined ? 'the mask has no ROI voxel' : `the mask has no voxel with label ${label}`);
  const roi = Int32Array.from(list);
  const tol = input.geometryTolerance ?? 1e-4;
  input.phases.forEach((p, k) => {
    const v = p.volume;
    if (v.data.length !== v.size[0] * v.size[1] * v.size[2]) throw new TicError(`${labels[k]}: ${v.data.length} voxels for size ${v.size.join('x')}`);
    if (sameGeometry(v, mask, tol)) return;
    if (!roiOverlaps(roi, mask, v)) {
      throw new TicError(`${labels[k]}: the ROI lies outside this phase's image (the mask is on another grid and its ROI does not overlap the image)`);
    }
    throw new TicError(
      `${labels[k]}: the mask is not on this phase's grid (size ${mask.size.join('x')} vs ${v.size.join('x')}, ` +
        `spacing ${fmt(mask.spacing)} vs ${fmt(v.spacing)}, origin ${fmt(mask.origin)} vs ${fmt(v.origin)}); resample the mask onto the phases' grid`,
    );
  });
  return roi;
}

const fmt = (v: readonly number[]) => v.map((x) => +x.toFixed(4)).join(',');

/** Whether any ROI voxel centre falls inside the image extent of `image` (half a voxel beyond the edge centres). */
function roiOverlaps(roi: Int32Array, mask: Geometry, image: Geometry): boolean {
  const [nx, ny] = mask.size;
  const d = mask.direction;
  const e = image.direction;
  for (let r = 0; r < roi.length; r++) {
    const idx = roi[r];
    const i = (idx % nx) * mask.spacing[0];
    const j = (Math.floor(idx / nx) % ny) * mask.spacing[1];
    const k = Math.floor(idx / (nx * ny)) * mask.spacing[2];
    const p = [0, 1, 2].map((a) => mask.origin[a] + d[3 * a] * i + d[3 * a + 1] * j + d[3 * a + 2] * k);
    let inside = true;
    for (let c = 0; c < 3 && inside; c++) {
      const q = (e[c] * (p[0] - image.origin[0]) + e[3 + c] * (p[1] - image.origin[1]) + e[6 + c] * (p[2] - image.origin[2])) / image.spacing[c];
      inside = q >= -0.5 && q <= image.size[c] - 0.5;
    }
    if (inside) return true;
  }
  return false;
}

/** Phase times in seconds from t0 (midnight wrap undone), or null with a warning when any is missing. */
function phaseTimes(
  phases: readonly TicPhase[],
  labels: string[],
  bolus: number | undefined,
  warnings: string[],
): { times: number[] | null; t0: TicResult['t0'] } {
  const missing = phases.map((p, k) => (p.time === undefined || !Number.isFinite(p.time) ? labels[k] : null)).filter((x) => x !== null);
  if (missing.length) {
    warnings.push(
      `acquisition times missing for ${missing.join(', ')}: the curve is plotted against the phase index and the initial window cannot be applied`,
    );
    return { times: null, t0: null };
  }
  // seconds since midnight -> a continuous clock (a study may run past midnight)
  const clock: number[] = [phases[0].time!];
  for (let k = 1; k < phases.length; k++) {
    let t = phases[k].time!;
    while (t < clock[k - 1] - DAY / 2) t += DAY;
    clock.push(t);
  }
  for (let k = 1; k < clock.length; k++) {
    if (clock[k] <= clock[k - 1]) warnings.push(`${labels[k]} is not acquired after ${labels[k - 1]} (${clock[k]} s vs ${clock[k - 1]} s since midnight)`);
  }
  let t0: number;
  let source: 'ContrastBolusStartTime' | 'first post-contrast phase';
  if (bolus !== undefined && Number.isFinite(bolus)) {
    t0 = bolus;
    while (t0 < clock[0] - DAY / 2) t0 += DAY;
    while (t0 > clock[0] + DAY / 2) t0 -= DAY;
    source = 'ContrastBolusStartTime';
    if (t0 > clock[1]) warnings.push(`ContrastBolusStartTime is after the first post-contrast phase (${labels[1]}) starts: check the phase order or the header`);
  } else {
    t0 = clock[1];
    source = 'first post-contrast phase';
  }
  const secondsSinceMidnight = ((t0 % DAY) + DAY) % DAY;
  return { times: clock.map((t) => t - t0), t0: { source, secondsSinceMidnight } };
}

/** The post-contrast phases that may give S_init. */
function initialCandidates(times: number[] | null, rule: TicRule, nPhases: number, warnings: string[]): number[] {
  const out = [1];
  if (times === null) {
    for (let k = 2; k <= rule.untimedInitialPhases && k < nPhases; k++) out.push(k);
    warnings.push(`without times, S_init is taken from phase${out.length > 1 ? `s 1-${out[out.length - 1]}` : ' 1'} (untimedInitialPhases ${rule.untimedInitialPhases})`);
    return out;
  }
  // 1 ms of slack: DICOM times are written to the millisecond or coarser
  for (let k = 2; k < nPhases; k++) if (times[k] <= rule.initialWindow + 1e-3) out.push(k);
  return out;
}

function curveOf(phases: readonly TicPhase[], voxels: Int32Array): TicCurve {
  const signal = phases.map((p) => {
    const d = p.volume.data;
    let sum = 0;
    for (let r = 0; r < voxels.length; r++) sum += d[voxels[r]];
    return sum / voxels.length;
  });
  const pre = signal[0];
  return { voxels: voxels.length, signal, enhancement: signal.map((s) => (pre !== 0 ? (100 * (s - pre)) / pre : NaN)) };
}

/** Offsets (i, j, k) of the hot spot's voxels around its centre. */
function hotSpotOffsets(spec: HotSpot, spacing: readonly number[]): number[][] {
  const out: number[][] = [];
  if (spec.kind === 'cube') {
    if (!(Number.isInteger(spec.voxels) && spec.voxels >= 1 && spec.voxels % 2 === 1)) {
      throw new TicError(`hot spot cube size must be an odd number of voxels (e.g. 3), got ${spec.voxels}`);
    }
    const h = (spec.voxels - 1) / 2;
    for (let k = -h; k <= h; k++) for (let j = -h; j <= h; j++) for (let i = -h; i <= h; i++) out.push([i, j, k]);
    return out;
  }
  if (!(spec.diameterMm > 0)) throw new TicError(`hot spot sphere diameter must be > 0 mm, got ${spec.diameterMm}`);
  const r = spec.diameterMm / 2;
  const h = spacing.map((s) => Math.floor(r / s));
  for (let k = -h[2]; k <= h[2]; k++)
    for (let j = -h[1]; j <= h[1]; j++)
      for (let i = -h[0]; i <= h[0]; i++) {
        if ((i * spacing[0]) ** 2 + (j * spacing[1]) ** 2 + (k * spacing[2]) ** 2 <= r * r * (1 + 1e-12)) out.push([i, j, k]);
      }
  return out;
}

/** Sums of a neighbourhood of ROI voxels in the pre-contrast and initial phases, for the hot-spot search. */
class NeighbourhoodSums {
  private readonly lin: Int32Array;
  private readonly di: Int32Array;
  private readonly dj: Int32Array;
  private readonly dk: Int32Array;
  private readonly sums: Float64Array;
  /** number of voxels the last score() summed */
  count = 0;

  constructor(
    readonly size: readonly number[],
    offsets: number[][],
    private readonly inRoi: Uint8Array,
    private readonly pre: Volume['data'],
    private readonly early: Volume['data'][],
  ) {
    const [nx, ny] = size;
    this.lin = Int32Array.from(offsets, ([i, j, k]) => i + nx * (j + ny * k));
    this.di = Int32Array.from(offsets, (o) => o[0]);
    this.dj = Int32Array.from(offsets, (o) => o[1]);
    this.dk = Int32Array.from(offsets, (o) => o[2]);
    this.sums = new Float64Array(early.length);
  }

  /** Whether neighbour o of the voxel (i, j, k) at linear index c is an ROI voxel inside the image. */
  member(c: number, i: number, j: number, k: number, o: number): boolean {
    const a = i + this.di[o], b = j + this.dj[o], d = k + this.dk[o];
    return a >= 0 && b >= 0 && d >= 0 && a < this.size[0] && b < this.size[1] && d < this.size[2] && this.inRoi[c + this.lin[o]] === 1;
  }

  /**
   * Initial relative enhancement of the neighbourhood of c: max over the initial phases of S_k / S_0 - 1,
   * on its own means; -Infinity when it leaves the ROI (unless `clipped`) or S_0 <= 0.
   */
  score(c: number, clipped: boolean): number {
    const [nx, ny] = this.size;
    const i = c % nx, j = Math.floor(c / nx) % ny, k = Math.floor(c / (nx * ny));
    const sums = this.sums.fill(0);
    let s0 = 0;
    this.count = 0;
    for (let o = 0; o < this.lin.length; o++) {
      if (!this.member(c, i, j, k, o)) {
        if (clipped) continue;
        return -Infinity;
      }
      this.count++;
      const v = c + this.lin[o];
      s0 += this.pre[v];
      for (let e = 0; e < this.early.length; e++) sums[e] += this.early[e][v];
    }
    if (!(s0 > 0)) return -Infinity;
    let best = -Infinity;
    for (let e = 0; e < sums.length; e++) best = Math.max(best, sums[e] / s0 - 1);
    return best;
  }

  /** The ROI voxels of the neighbourhood of c. */
  voxels(c: number): Int32Array {
    const [nx, ny] = this.size;
    const i = c % nx, j = Math.floor(c / nx) % ny, k = Math.floor(c / (nx * ny));
    const out: number[] = [];
    for (let o = 0; o < this.lin.length; o++) if (this.member(c, i, j, k, o)) out.push(c + this.lin[o]);
    return Int32Array.from(out);
  }
}

/**
 * The most-enhancing hot spot: among the neighbourhoods centred on ROI voxels and lying wholly inside the ROI,
 * the one with the highest initial relative enhancement (NeighbourhoodSums.score); ties go to the first centre
 * in index order. A ROI too small to hold one is searched with neighbourhoods clipped to the ROI, with a
 * warning; there a tie goes to the neighbourhood with more voxels, then to the first centre.
 */
function findHotSpot(
  phases: readonly TicPhase[],
  mask: Volume,
  roi: Int32Array,
  spec: HotSpot,
  initialPhases: number[],
  warnings: string[],
): { voxels: Int32Array; center: [number, number, number] } {
  const inRoi = new Uint8Array(mask.data.length);
  for (let r = 0; r < roi.length; r++) inRoi[roi[r]] = 1;
  const search = new NeighbourhoodSums(
    mask.size,
    hotSpotOffsets(spec, mask.spacing),
    inRoi,
    phases[0].volume.data,
    initialPhases.map((k) => phases[k].volume.data),
  );
  let clipped = false;
  let best = -1;
  let bestScore = -Infinity;
  let bestCount = 0;
  for (const pass of [false, true]) {
    for (let r = 0; r < roi.length; r++) {
      const sc = search.score(roi[r], pass);
      if (sc > bestScore || (sc === bestScore && sc > -Infinity && search.count > bestCount)) {
        bestScore = sc;
        bestCount = search.count;
        best = roi[r];
      }
    }
    if (best >= 0) break;
    clipped = true;
  }
  const what = spec.kind === 'cube' ? `${spec.voxels}x${spec.voxels}x${spec.voxels} voxels` : `a ${spec.diameterMm} mm sphere`;
  if (best < 0) throw new TicError(`no hot spot of ${what} with a positive pre-contrast signal in the ROI`);
  if (clipped) warnings.push(`the ROI cannot hold a hot spot of ${what}: the hot spot is clipped to the ROI`);
  const [nx, ny] = mask.size;
  return { voxels: search.voxels(best), center: [best % nx, Math.floor(best / nx) % ny, Math.floor(best / (nx * ny))] };
}
