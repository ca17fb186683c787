/**
 * Contrast kinetics of the demo phantom: a population arterial input function, the
 * extended Tofts model, the spoiled gradient-echo signal equation, the study's DCE timing,
 * and the choice of Tofts parameters that give a lesion the TIC type it is meant to have.
 *
 * - AIF: Parker et al., "Experimentally-derived functional form for a population-averaged
 *   high-temporal-resolution arterial input function for dynamic contrast-enhanced MRI",
 *   Magn Reson Med 2006;56:993-1000, Eq. 1 and Table 1 (blood concentration, mM, t in
 *   minutes, for 0.1 mmol/kg; the study injected 0.2 mL/kg of 0.5 M Gd-DOTA = 0.1 mmol/kg).
 *   Plasma concentration Cp = Cb / (1 - Hct), Hct = 0.42.
 * - Extended Tofts: Ct(t) = vp Cp(t) + Ktrans * integral_0^t Cp(u) exp(-kep (t - u)) du,
 *   kep = Ktrans / ve (Tofts et al., JMRI 1999;10:223-232).
 * - Signal: spoiled gradient echo, S = M0 sin(a) (1 - E1) / (1 - cos(a) E1),
 *   E1 = exp(-TR R1), R1 = R10 + r1 C; r1 = 3.4 L/mmol/s (Gd-DOTA in plasma at 3 T,
 *   Shen et al., Invest Radiol 2015;50:330-338), TR 4.12 ms and flip 10 degrees (the
 *   study's protocol).
 * - TIC type by the rule of issue 6 / docs/tic.md (see `ticChange`).
 */

export interface DceProtocol {
  /** repetition time, ms */
  repetitionTime: number;
  /** echo time, ms */
  echoTime: number;
  /** flip angle, degrees */
  flipAngle: number;
  /** duration of one phase's acquisition, s */
  phaseDuration: number;
  /** start of each phase relative to the contrast bolus start, s (phase 0 = pre-contrast) */
  phaseStarts: number[];
}

/**
 * The study's protocol (Magnetom Skyra 3 T, fat-suppressed VIBE, TR/TE 4.12/1.61 ms,
 * flip 10 degrees, 44 s per acquisition). The paper gives no timing beyond that: we put
 * the pre-contrast phase before the injection and the six post-contrast phases back to
 * back (44 s each plus 1 s of table/shim time) starting 15 s after the bolus start.
 * Post-contrast phases 1-3 start within t0 + 120 s (15, 60, 105 s): the TIC rule's
 * initial window; phases 4-6 start at 150, 195, 240 s.
 */
export const STUDY_PROTOCOL: DceProtocol = {
  repetitionTime: 4.12,
  echoTime: 1.61,
  flipAngle: 10,
  phaseDuration: 44,
  phaseStarts: [-70, 15, 60, 105, 150, 195, 240],
};

/** The time (s after bolus start) a phase's image represents: the centre of its acquisition. */
export function phaseCentre(p: DceProtocol, phase: number): number {
  return p.phaseStarts[phase] + p.phaseDuration / 2;
}

// Parker 2006, Table 1 (population means).
const PARKER = {
  A1: 0.809, // mmol min
  A2: 0.33,
  T1: 0.17046, // min
  T2: 0.365,
  sigma1: 0.0563, // min
  sigma2: 0.132,
  alpha: 1.05, // mmol
  beta: 0.1685, // 1/min
  s: 38.078, // 1/min
  tau: 0.483, // min
};
export const HEMATOCRIT = 0.42;

/** Per-patient arterial input: bolus arrival delay (s) and the slow tail's decay (1/min). */
export interface AifParams {
  arrivalDelay: number;
  /** Parker's beta; population mean 0.1685 /min */
  beta: number;
}

export const PARKER_AIF: AifParams = { arrivalDelay: 10, beta: PARKER.beta };

/**
 * Parker's blood concentration (mM) at t seconds after the bolus reaches the arteries,
 * with the tail decay `beta` (1/min) of this patient.
 */
export function parkerBlood(tSeconds: number, beta: number = PARKER.beta): number {
  if (tSeconds <= 0) return 0;
  const t = tSeconds / 60;
  const P = PARKER;
  const g1 = (P.A1 / (P.sigma1 * Math.sqrt(2 * Math.PI))) * Math.exp(-((t - P.T1) ** 2) / (2 * P.sigma1 ** 2));
  const g2 = (P.A2 / (P.sigma2 * Math.sqrt(2 * Math.PI))) * Math.exp(-((t - P.T2) ** 2) / (2 * P.sigma2 ** 2));
  const tail = (P.alpha * Math.exp(-beta * t)) / (1 + Math.exp(-P.s * (t - P.tau)));
  return g1 + g2 + tail;
}

/** Plasma concentration (mM) t seconds after the bolus start. */
export function plasmaConcentration(tSeconds: number, aif: AifParams): number {
  return parkerBlood(tSeconds - aif.arrivalDelay, aif.beta) / (1 - HEMATOCRIT);
}

export interface ToftsParams {
  /** 1/min */
  ktrans: number;
  /** extravascular extracellular volume fraction */
  ve: number;
  /** plasma volume fraction */
  vp: number;
}

const DT = 0.5; // s, integration step

/**
 * Extended Tofts tissue concentration (mM) at the given times (s after bolus start).
 * The convolution is integrated exactly for a piecewise-constant Cp on a 0.5 s grid.
 */
export function toftsConcentration(params: ToftsParams, times: readonly number[], aif: AifParams): number[] {
  const kep = params.ktrans / params.ve / 60; // 1/s
  const ktrans = params.ktrans / 60;
  const decay = Math.exp(-kep * DT);
  const gain = kep > 0 ? (1 - decay) / kep : DT;
  const order = times.map((t, i) => [t, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(times.length).fill(0);
  let integral = 0;
  let t = 0;
  for (const [target, idx] of order) {
    while (t + DT <= target) {
      const cp = plasmaConcentration(t + DT / 2, aif);
      integral = integral * decay + cp * gain;
      t += DT;
    }
    out[idx] = params.vp * plasmaConcentration(target, aif) + ktrans * integral;
  }
  return out;
}

export const R1_RELAXIVITY = 3.4; // L/mmol/s

/** Spoiled gradient-echo signal per unit M0 for longitudinal relaxation rate R1 (1/s). */
export function spgrSignal(r1: number, p: DceProtocol): number {
  const a = (p.flipAngle * Math.PI) / 180;
  const e1 = Math.exp((-p.repetitionTime / 1000) * r1);
  return (Math.sin(a) * (1 - e1)) / (1 - Math.cos(a) * e1);
}

/** Signal per unit M0 of tissue with native T1 `t10` (s) holding concentration c (mM). */
export function signalOf(t10: number, c: number, p: DceProtocol): number {
  return spgrSignal(1 / t10 + R1_RELAXIVITY * c, p);
}

/**
 * The TIC rule of issue 6 on a curve sampled at phase start times (s after t0; phase 0
 * is pre-contrast): S_init = the highest value among post-contrast phases starting within
 * t0 + window (at least the first), S_del = the last phase, change = (S_del - S_init) / S_init.
 */
export function ticChange(curve: readonly number[], starts: readonly number[], window = 120): number {
  let init = curve[1];
  for (let k = 2; k < curve.length; k++) if (starts[k] <= window && curve[k] > init) init = curve[k];
  return (curve[curve.length - 1] - init) / init;
}

export function ticTypeOf(change: number, threshold = 0.1): 1 | 2 | 3 {
  if (change > threshold) return 1;
  if (change < -threshold) return 3;
  return 2;
}

/**
 * Per-type priors of the lesion kinetics. With Parker's AIF and the study's timing, the
 * signal change of the TIC rule is set mostly by kep and by the AIF's tail: washout needs
 * a fast exchange (kep >~ 1/min) and the population tail (beta ~0.17/min) or faster;
 * persistence needs slow exchange (kep ~0.1-0.3/min) and a slow tail, and the ve <= 0.85
 * bound caps it near +20 % (a larger persistent rise would need ve > 1). Each type gets
 * a target band for the change, kept clear of the +/-10 % thresholds; kep is then solved
 * for the drawn target.
 */
export interface TicPrior {
  /** AIF tail decay, 1/min */
  beta: [number, number];
  /** 1/min, before the class multiplier */
  ktrans: [number, number];
  vp: [number, number];
  /** target (S_del - S_init) / S_init of the noiseless lesion curve */
  change: [number, number];
}

export const TIC_PRIORS: Record<1 | 2 | 3, TicPrior> = {
  1: { beta: [0.0, 0.04], ktrans: [0.05, 0.13], vp: [0.0, 0.02], change: [0.16, 0.2] },
  2: { beta: [0.08, 0.2], ktrans: [0.12, 0.45], vp: [0.02, 0.06], change: [-0.03, 0.03] },
  3: { beta: [0.15, 0.3], ktrans: [0.35, 1.2], vp: [0.03, 0.1], change: [-0.32, -0.2] },
};

export interface LesionKinetics {
  tic: 1 | 2 | 3;
  aif: AifParams;
  tofts: ToftsParams;
  /** native T1 of the lesion, s */
  t10: number;
  /** concentration at each phase's centre, mM */
  concentration: number[];
  /** the TIC rule's change of the noiseless lesion curve */
  change: number;
}

const VE_RANGE: [number, number] = [0.08, 0.85];

interface Uniform {
  range(lo: number, hi: number): number;
}

/**
 * Draws Tofts parameters, the patient's AIF and the lesion's T10 so that the noiseless
 * lesion curve has the TIC `tic`, with its change inside the type's target band.
 * `ktransRatio` scales Ktrans (the class signal); kep is solved by bisection.
 */
export function drawLesionKinetics(rng: Uniform, tic: 1 | 2 | 3, ktransRatio: number, protocol: DceProtocol = STUDY_PROTOCOL): LesionKinetics {
  const prior = TIC_PRIORS[tic];
  const times = protocol.phaseStarts.map((_, k) => phaseCentre(protocol, k));
  for (let attempt = 0; attempt < 500; attempt++) {
    const aif: AifParams = { arrivalDelay: rng.range(7, 14), beta: rng.range(prior.beta[0], prior.beta[1]) };
    const ktrans = rng.range(prior.ktrans[0], prior.ktrans[1]) * ktransRatio;
    const vp = rng.range(prior.vp[0], prior.vp[1]);
    const t10 = rng.range(1.5, 1.8);
    const target = rng.range(prior.change[0], prior.change[1]);
    const changeAt = (kep: number) => {
      const c = toftsConcentration({ ktrans, ve: ktrans / kep, vp }, times, aif);
      return ticChange(c.map((x) => signalOf(t10, x, protocol)), protocol.phaseStarts);
    };
    // kep range allowed by the ve bounds.
    let lo = Math.max(0.02, ktrans / VE_RANGE[1]);
    let hi = Math.min(8, ktrans / VE_RANGE[0]);
    if (!(lo < hi)) continue;
    let cLo = changeAt(lo);
    const cHi = changeAt(hi);
    // The change falls as kep rises; the target must be bracketed.
    if (!(cLo >= target && cHi <= target)) continue;
    for (let it = 0; it < 40; it++) {
      const mid = Math.sqrt(lo * hi);
      const cm = changeAt(mid);
      if (cm >= target) {
        lo = mid;
        cLo = cm;
      } else hi = mid;
    }
    const kep = lo;
    const tofts: ToftsParams = { ktrans, ve: ktrans / kep, vp };
    const concentration = toftsConcentration(tofts, times, aif);
    return { tic, aif, tofts, t10, concentration, change: cLo };
  }
  throw new Error(`demo kinetics: no parameters found for TIC type ${tic}`);
}
