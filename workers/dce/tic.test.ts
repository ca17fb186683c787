import { describe, expect, it } from 'vitest';
import type { Mat3, Vec3, Volume } from '../io/volume.ts';
import { classifyChange, computeTic, DEFAULT_TIC_RULE, TicError, type TicPhase } from './tic.ts';

const SIZE: Vec3 = [10, 9, 5];
const N = SIZE[0] * SIZE[1] * SIZE[2];
const GRID = { size: SIZE, spacing: [0.7, 0.7, 2] as Vec3, origin: [-50, 20, 100] as Vec3, direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] as Mat3 };
const idx = (i: number, j: number, k: number) => i + SIZE[0] * (j + SIZE[1] * k);

/** ROI: the box i 2..7, j 2..6, k 1..3 (6 x 5 x 3 = 90 voxels). */
function roiMask(label = 1): Volume<Uint8Array> {
  const data = new Uint8Array(N);
  for (let k = 1; k <= 3; k++) for (let j = 2; j <= 6; j++) for (let i = 2; i <= 7; i++) data[idx(i, j, k)] = label;
  return { ...GRID, data };
}

/** Phases whose ROI voxels hold `signal[p]` (background 10), acquired at `times[p]` s since midnight. */
function phases(signal: number[], times?: (number | undefined)[], mask = roiMask()): TicPhase[] {
  return signal.map((s, p) => {
    const data = new Float64Array(N).fill(10);
    for (let v = 0; v < N; v++) if (mask.data[v]) data[v] = s;
    return { volume: { ...GRID, data }, time: times?.[p], label: `phase ${p}` };
  });
}

/** Pre-contrast at 36000 s (10:00), then six post-contrast phases 60 s apart from 36090 s. */
const TIMES = [36000, 36090, 36150, 36210, 36270, 36330, 36390];

describe('TIC type: the rule of issue 6 (docs/tic.md)', () => {
  it('types a persistent, a plateau and a washout curve', () => {
    // t0 = phase 1 (no bolus time): phases 1 and 2 (60 s) and 3 (120 s) are initial
    const persistent = computeTic({ phases: phases([100, 180, 200, 205, 215, 225, 240], TIMES), mask: roiMask() });
    expect(persistent.type).toBe(1);
    expect(persistent.typeName).toBe('persistent');
    expect(persistent.initialPhases).toEqual([1, 2, 3]);
    expect(persistent.initialPhase).toBe(3);
    expect(persistent.change).toBeCloseTo(240 / 205 - 1, 15);

    const plateau = computeTic({ phases: phases([100, 200, 210, 205, 210, 208, 206], TIMES), mask: roiMask() });
    expect(plateau.type).toBe(2);
    expect(plateau.initialPhase).toBe(2);
    expect(plateau.change).toBeCloseTo(206 / 210 - 1, 15);

    const washout = computeTic({ phases: phases([100, 250, 240, 230, 215, 200, 190], TIMES), mask: roiMask() });
    expect(washout.type).toBe(3);
    expect(washout.typeName).toBe('washout');
    expect(washout.initialPhase).toBe(1);
    expect(washout.change).toBeCloseTo(190 / 250 - 1, 15);
    for (const r of [persistent, plateau, washout]) expect(r.warnings).toEqual([]);
  });

  it('reports the curve in signal and in % enhancement over pre, with times from t0', () => {
    const r = computeTic({ phases: phases([100, 250, 240, 230, 215, 200, 190], TIMES), mask: roiMask() });
    expect(r.roi.voxels).toBe(90);
    expect(r.roi.signal).toEqual([100, 250, 240, 230, 215, 200, 190]);
    expect(r.roi.enhancement).toEqual([0, 150, 140, 130, 115, 100, 90]);
    expect(r.times).toEqual([-90, 0, 60, 120, 180, 240, 300]);
    expect(r.t0).toEqual({ source: 'first post-contrast phase', secondsSinceMidnight: 36090 });
    expect(r.delayedPhase).toBe(6);
    expect(r.typedCurve).toBe('roi');
    expect(r.hotSpot).toBeNull();
    // JSON-friendly: survives a round trip unchanged
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('decides the border cases +/-10 % as plateau, whatever the rounding', () => {
    // one voxel, so the means are the values: (0.77 - 0.7) / 0.7 = 0.10000000000000009 and
    // (6.3 - 7) / 7 = -0.10000000000000002 in doubles, 10 % up to rounding
    const voxel = { ...GRID, data: new Uint8Array(N) };
    voxel.data[idx(4, 4, 2)] = 1;
    const up = computeTic({ phases: phases([0.5, 0.7, 0.6, 0.65, 0.7, 0.72, 0.77], TIMES, voxel), mask: voxel });
    expect(up.change).toBe((0.77 - 0.7) / 0.7);
    expect(up.change).toBeGreaterThan(0.1);
    expect(up.type).toBe(2);
    const down = computeTic({ phases: phases([5, 7, 6.9, 6.8, 6.6, 6.5, 6.3], TIMES, voxel), mask: voxel });
    expect(down.change).toBe((6.3 - 7) / 7);
    expect(down.change).toBeLessThan(-0.1);
    expect(down.type).toBe(2);
    // exactly representable borders
    expect(computeTic({ phases: phases([100, 300, 300, 300, 310, 320, 330], TIMES), mask: roiMask() }).type).toBe(2);
    expect(computeTic({ phases: phases([100, 110, 105, 100, 100, 99, 99], TIMES), mask: roiMask() }).type).toBe(2);
    // just beyond the epsilon
    expect(classifyChange(0.1 + 2e-9)).toBe(1);
    expect(classifyChange(0.1 + 0.5e-9)).toBe(2);
    expect(classifyChange(-0.1 - 2e-9)).toBe(3);
    expect(classifyChange(-0.1 - 0.5e-9)).toBe(2);
    expect(DEFAULT_TIC_RULE).toEqual({ threshold: 0.1, initialWindow: 120, epsilon: 1e-9, untimedInitialPhases: 1 });
  });

  it('does not take a late peak as the initial value', () => {
    // peak at phase 5 (240 s after t0, outside the window), then down: compared with S_init = phase 3
    const r = computeTic({ phases: phases([100, 150, 160, 170, 200, 260, 230], TIMES), mask: roiMask() });
    expect(r.initialPhases).toEqual([1, 2, 3]);
    expect(r.initialPhase).toBe(3);
    expect(r.change).toBeCloseTo(230 / 170 - 1, 15);
    expect(r.type).toBe(1);
  });

  it('measures the window from ContrastBolusStartTime when the files give it', () => {
    // bolus at 36030: phases 1 (60 s) and 2 (120 s) are initial, phase 3 (180 s) is not
    const r = computeTic({ phases: phases([100, 150, 160, 200, 190, 180, 175], TIMES), mask: roiMask(), contrastBolusStartTime: 36030 });
    expect(r.t0).toEqual({ source: 'ContrastBolusStartTime', secondsSinceMidnight: 36030 });
    expect(r.times).toEqual([-30, 60, 120, 180, 240, 300, 360]);
    expect(r.initialPhases).toEqual([1, 2]);
    expect(r.initialPhase).toBe(2);
    expect(r.type).toBe(2); // 175 / 160 - 1 = 9.4 %
  });

  it('takes the first post-contrast phase as initial even when it starts after the window', () => {
    const late = [36000, 36200, 36300, 36400, 36500, 36600, 36700];
    const r = computeTic({ phases: phases([100, 200, 260, 250, 240, 230, 230], late), mask: roiMask(), contrastBolusStartTime: 36010 });
    expect(r.initialPhases).toEqual([1]);
    expect(r.type).toBe(1);
  });

  it('keeps time across midnight', () => {
    const t = [86380, 86390, 50, 110, 170, 230, 290];
    const r = computeTic({ phases: phases([100, 250, 240, 230, 215, 200, 190], t), mask: roiMask() });
    expect(r.times).toEqual([-10, 0, 60, 120, 180, 240, 300]);
    expect(r.initialPhases).toEqual([1, 2, 3]);
    expect(r.warnings).toEqual([]);
  });

  it('uses phase indices, with a warning, when times are missing', () => {
    const r = computeTic({ phases: phases([100, 150, 260, 250, 240, 230, 225]), mask: roiMask() });
    expect(r.times).toBeNull();
    expect(r.t0).toBeNull();
    expect(r.initialPhases).toEqual([1]);
    expect(r.type).toBe(1); // 225 / 150 - 1
    expect(r.warnings.join(' ')).toMatch(/acquisition times missing for phase 0, phase 1, phase 2, phase 3, phase 4, phase 5, phase 6/);
    // one missing time is enough to fall back, and the warning names that phase
    const one = computeTic({ phases: phases([100, 150, 260, 250, 240, 230, 225], [...TIMES.slice(0, 4), undefined, ...TIMES.slice(5)]), mask: roiMask() });
    expect(one.times).toBeNull();
    expect(one.warnings[0]).toMatch(/missing for phase 4:/);
    // and the number of initial phases without times is a setting
    const two = computeTic({ phases: phases([100, 150, 260, 250, 240, 230, 225]), mask: roiMask(), rule: { untimedInitialPhases: 2 } });
    expect(two.initialPhases).toEqual([1, 2]);
    expect(two.type).toBe(3); // S_init = phase 2: 225 / 260 - 1 = -13.5 %
  });

  it('gives a constant ROI a plateau, 0 % enhancement and a warning', () => {
    const r = computeTic({ phases: phases([120, 120, 120, 120, 120, 120, 120], TIMES), mask: roiMask() });
    expect(r.type).toBe(2);
    expect(r.change).toBe(0);
    expect(r.roi.enhancement).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(r.warnings.join(' ')).toMatch(/does not enhance/);
  });

  it('takes the threshold and the window as settings', () => {
    const p = phases([100, 200, 210, 205, 210, 208, 225], TIMES);
    expect(computeTic({ phases: p, mask: roiMask() }).type).toBe(2); // +7.1 %
    expect(computeTic({ phases: p, mask: roiMask(), rule: { threshold: 0.05 } }).type).toBe(1);
    // window 60 s: phases 1 and 2 only
    expect(computeTic({ phases: p, mask: roiMask(), rule: { initialWindow: 60 } }).initialPhases).toEqual([1, 2]);
    expect(() => computeTic({ phases: p, mask: roiMask(), rule: { threshold: 10 } })).toThrow(/threshold must be a fraction/);
  });
});

describe('TIC: bad input gets a clear message', () => {
  it('rejects a ROI outside the image, naming the phase', () => {
    const mask = roiMask();
    const far = { ...mask, origin: [500, 500, 500] as Vec3 };
    expect(() => computeTic({ phases: phases([100, 200, 190, 180, 170, 160, 150], TIMES), mask: far })).toThrow(TicError);
    expect(() => computeTic({ phases: phases([100, 200, 190, 180, 170, 160, 150], TIMES), mask: far })).toThrow(/^phase 0: the ROI lies outside this phase's image/);
  });

  it('rejects a phase on another grid, naming it', () => {
    const p = phases([100, 200, 190, 180, 170, 160, 150], TIMES);
    p[3] = { ...p[3], volume: { ...p[3].volume, spacing: [0.8, 0.7, 2] }, label: 'phase 3 (dyn_3)' };
    expect(() => computeTic({ phases: p, mask: roiMask() })).toThrow(/^phase 3 \(dyn_3\): the mask is not on this phase's grid/);
  });

  it('rejects an empty mask, a missing label and too few phases', () => {
    const empty = { ...GRID, data: new Uint8Array(N) };
    expect(() => computeTic({ phases: phases([100, 200, 190], TIMES), mask: empty })).toThrow(/the mask has no ROI voxel/);
    expect(() => computeTic({ phases: phases([100, 200, 190], TIMES), mask: roiMask(), label: 2 })).toThrow(/no voxel with label 2/);
    expect(() => computeTic({ phases: phases([100, 200], TIMES), mask: roiMask() })).toThrow(/at least two post-contrast phases; got 2/);
  });

  it('rejects a zero initial signal', () => {
    expect(() => computeTic({ phases: phases([0, 0, 0, 0], TIMES), mask: roiMask() })).toThrow(/S_init \(phase 1\) is 0/);
  });
});

describe('TIC: the most-enhancing hot spot', () => {
  /** ROI persistent at 150 -> 200, except a 3x3x3 block centred at (4, 4, 2) that washes out from 400 to 300. */
  function hotPhases(): TicPhase[] {
    const base = phases([100, 150, 160, 170, 180, 190, 200], TIMES);
    const hot = [100, 400, 380, 360, 340, 320, 300];
    base.forEach((p, k) => {
      const d = p.volume.data as Float64Array;
      for (let dk = -1; dk <= 1; dk++) for (let dj = -1; dj <= 1; dj++) for (let di = -1; di <= 1; di++) d[idx(4 + di, 4 + dj, 2 + dk)] = hot[k];
    });
    return base;
  }

  it('finds the washing-out 3x3x3 focus and types its curve', () => {
    const roiOnly = computeTic({ phases: hotPhases(), mask: roiMask() });
    const withSpot = computeTic({ phases: hotPhases(), mask: roiMask(), hotSpot: { kind: 'cube', voxels: 3 } });
    expect(withSpot.hotSpot?.center).toEqual([4, 4, 2]);
    expect(withSpot.hotSpot?.voxels).toBe(27);
    expect(withSpot.hotSpot?.signal).toEqual([100, 400, 380, 360, 340, 320, 300]);
    expect(withSpot.typedCurve).toBe('hotSpot');
    expect(withSpot.type).toBe(3);
    // the ROI's own mean is reported beside it, and typed on its own gives another answer
    expect(withSpot.roi).toEqual(roiOnly.roi);
    expect(roiOnly.type).not.toBe(3);
  });

  it('takes a sphere of d mm: 2.1 mm on 0.7 x 0.7 x 2 mm voxels is 3 voxels across in-plane, 1 slice', () => {
    const r = computeTic({ phases: hotPhases(), mask: roiMask(), hotSpot: { kind: 'sphere', diameterMm: 2.1 } });
    // slices 1, 2 and 3 of the focus tie; the first centre in index order wins
    expect(r.hotSpot?.center).toEqual([4, 4, 1]);
    // voxel centres within 1.05 mm: |di|,|dj| <= 1 with di^2 + dj^2 <= 2.25 -> all 9 of the 3x3 in-plane
    expect(r.hotSpot?.voxels).toBe(9);
    expect(r.type).toBe(3);
  });

  it('clips the hot spot, with a warning, when the ROI cannot hold it', () => {
    const r = computeTic({ phases: hotPhases(), mask: roiMask(), hotSpot: { kind: 'cube', voxels: 5 } });
    expect(r.warnings.join(' ')).toMatch(/cannot hold a hot spot of 5x5x5 voxels/);
    expect(r.hotSpot!.voxels).toBeLessThan(125);
    expect(() => computeTic({ phases: hotPhases(), mask: roiMask(), hotSpot: { kind: 'cube', voxels: 4 } })).toThrow(/odd number of voxels/);
  });
});
