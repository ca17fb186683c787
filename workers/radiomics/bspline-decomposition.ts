/**
 * ITK's BSplineDecompositionImageFilter (order 3, the prefilter of the cubic B-spline
 * interpolator): separable passes along x, then y, then z, each line turned into
 * interpolation coefficients by DataToCoefficients1D (pole z = sqrt(3) - 2, gain 6,
 * mirror boundaries, causal initialisation truncated at tolerance 1e-10, then a causal and
 * an anti-causal first-order recursion).
 *
 * Resampling a lesion's neighbourhood needs the coefficients on a small block only, but a
 * recursion carries every earlier sample into every later one, so ITK computes whole
 * lines everywhere. Here a line is computed only around the block, with exactly the values
 * the whole-line recursion gives, by bracketing:
 *
 * - one causal step is p_i = fl(fl(c0 s_i) + fl(z p_(i-1))) and one anti-causal step
 *   q_i = fl(z fl(q_(i+1) - p_i)); with z < 0 both are non-increasing functions of the
 *   previous state (rounding to nearest is monotone), so starting from a lower and an upper
 *   bound of the unknown state, the two runs enclose the true run at every step;
 * - they contract by |z| = 0.27 a step and, after about 30 steps, round to the same double:
 *   from there on they ARE the true run (the same operations on the same value);
 * - the state's bound comes from a bound M on |input|: |p| <= 6 M / (1 - |z|) (8.2 M),
 *   |q| <= 0.37 |p|max, so 9 M bounds every state and every output of a pass.
 *
 * A run that does not close before the block (e.g. exact zeros, whose states shrink towards 0
 * without ever reaching it) is redone on the whole line, and the passes before it are
 * extended to whatever that line needs. The result is bit-identical to the whole-volume
 * filter in every case (bspline-decomposition.test.ts); only zeros may differ in sign, which
 * no interpolated value can show (its sum starts at +0).
 */
import type { Vec3, VoxelArray } from '../io/volume.ts';
import { applyNormalization, type Normalization } from './normalize.ts';

export const POLE = Math.sqrt(3.0) - 2.0;
const TOLERANCE = 1e-10;
/** c0 = 1.0 * (1 - z) * (1 - 1/z), evaluated left to right as ITK does */
const GAIN = (1.0 - POLE) * (1.0 - 1.0 / POLE);
/** samples read by the truncated causal initialisation */
export const HORIZON = Math.ceil(Math.log(TOLERANCE) / Math.log(Math.abs(POLE)));
/** |state| <= STATE_BOUND * max|input| for every state and output of one pass (8.2 needed) */
const STATE_BOUND = 9;
/** samples read beyond the block on each side; the brackets close after about 30 */
const MARGIN = 48;

/**
 * One line of DataToCoefficients1D, in place on s[0..n). The gain is applied to the samples
 * the causal initialisation reads first, and to the rest inside the causal recursion: the
 * same two roundings per sample as ITK's separate gain loop.
 */
export function dataToCoefficients1D(s: Float64Array, n: number): void {
  if (n === 1) return;
  const z = POLE;
  const c0 = GAIN;
  // causal initialisation (mirror boundaries)
  let zn = z;
  if (HORIZON < n) {
    for (let i = 0; i < HORIZON; i++) s[i] *= c0;
    let sum = s[0];
    for (let i = 1; i < HORIZON; i++) {
      sum += zn * s[i];
      zn *= z;
    }
    s[0] = sum;
    for (let i = 1; i < HORIZON; i++) s[i] += z * s[i - 1];
    for (let i = HORIZON; i < n; i++) s[i] = s[i] * c0 + z * s[i - 1];
  } else {
    for (let i = 0; i < n; i++) s[i] *= c0;
    const iz = 1.0 / z;
    let z2n = Math.pow(z, n - 1);
    let sum = s[0] + z2n * s[n - 1];
    z2n *= z2n * iz;
    for (let i = 1; i <= n - 2; i++) {
      sum += (zn + z2n) * s[i];
      zn *= z;
      z2n *= iz;
    }
    s[0] = sum / (1.0 - zn * zn);
    for (let i = 1; i < n; i++) s[i] += z * s[i - 1];
  }
  s[n - 1] = (z / (z * z - 1.0)) * (z * s[n - 2] + s[n - 1]);
  for (let i = n - 2; i >= 0; i--) s[i] = z * (s[i + 1] - s[i]);
}

/**
 * The samples [lo, hi] of a line of n that coefficientsInWindow needs for outputs [a, b]:
 * MARGIN more on each side, the whole start when the margin reaches the causal
 * initialisation, the whole end when it reaches the last sample.
 */
export function lineWindow(n: number, a: number, b: number): [number, number] {
  if (n <= HORIZON + 1) return [0, n - 1];
  let lo = a - MARGIN;
  let hi = b + MARGIN;
  if (lo <= HORIZON) lo = 0;
  if (hi >= n - 1) hi = n - 1;
  if (lo === 0 && hi < HORIZON) hi = HORIZON;
  return [lo, hi];
}

/**
 * The coefficients s[a..b] of a line of n samples, in place, reading only s[lo..hi]
 * (lineWindow), as dataToCoefficients1D on the whole line gives them. `bound` bounds
 * |sample| over the WHOLE line. Returns false when a bracket did not close in time: then
 * call again with the whole line (lo = 0, hi = n - 1), which always succeeds.
 */
export function coefficientsInWindow(s: Float64Array, n: number, lo: number, hi: number, a: number, b: number, bound: number): boolean {
  if (n <= HORIZON) {
    dataToCoefficients1D(s, n); // lineWindow gave the whole line
    return true;
  }
  const z = POLE;
  const c0 = GAIN;
  const B = STATE_BOUND * bound;
  // causal pass, exact from position i on
  let i: number;
  if (lo === 0) {
    for (let k = 0; k < HORIZON; k++) s[k] *= c0;
    let sum = s[0];
    let zn = z;
    for (let k = 1; k < HORIZON; k++) {
      sum += zn * s[k];
      zn *= z;
    }
    s[0] = sum;
    for (let k = 1; k < HORIZON; k++) s[k] += z * s[k - 1];
    i = HORIZON;
  } else {
    // the state before lo lies in [-B, B]; a step maps the bracket [pl, ph] onto [f(ph), f(pl)]
    let pl = -B;
    let ph = B;
    for (i = lo; i <= a; i++) {
      const c = s[i] * c0;
      const l = c + z * ph;
      ph = c + z * pl;
      pl = l;
      if (pl === ph) break;
    }
    if (i > a) return false;
    s[i++] = pl;
  }
  for (; i <= hi; i++) s[i] = s[i] * c0 + z * s[i - 1];
  // anti-causal pass, exact from position j down
  let j: number;
  if (hi === n - 1) {
    s[n - 1] = (z / (z * z - 1.0)) * (z * s[n - 2] + s[n - 1]);
    j = n - 2;
  } else {
    let ql = -B;
    let qh = B;
    for (j = hi; j >= b; j--) {
      const p = s[j];
      const l = z * (qh - p);
      qh = z * (ql - p);
      ql = l;
      if (ql === qh) break;
    }
    if (j < b) return false;
    s[j--] = ql;
  }
  for (; j >= a; j--) s[j] = z * (s[j + 1] - s[j]);
  return true;
}

/**
 * coefficientsInWindow on 4 lines at once, interleaved (s[4 i + l] is sample i of line l),
 * all with the same window: each line gets exactly the scalar version's operations; the
 * four independent recursions run side by side, which hides their latency. Returns false
 * when a bracket of some line did not close in time (then do the lines one by one).
 */
export function coefficientsInWindow4(s: Float64Array, n: number, lo: number, hi: number, a: number, b: number, bound: number): boolean {
  if (n <= HORIZON) return false;
  const z = POLE;
  const c0 = GAIN;
  const B = STATE_BOUND * bound;
  let p0: number, p1: number, p2: number, p3: number;
  let i: number;
  if (lo === 0) {
    for (let k = 0; k < 4 * HORIZON; k++) s[k] *= c0;
    p0 = s[0];
    p1 = s[1];
    p2 = s[2];
    p3 = s[3];
    let zn = z;
    for (let k = 1; k < HORIZON; k++) {
      const o = 4 * k;
      p0 += zn * s[o];
      p1 += zn * s[o + 1];
      p2 += zn * s[o + 2];
      p3 += zn * s[o + 3];
      zn *= z;
    }
    s[0] = p0;
    s[1] = p1;
    s[2] = p2;
    s[3] = p3;
    for (let k = 1; k < HORIZON; k++) {
      const o = 4 * k;
      p0 = s[o] + z * p0;
      p1 = s[o + 1] + z * p1;
      p2 = s[o + 2] + z * p2;
      p3 = s[o + 3] + z * p3;
      s[o] = p0;
      s[o + 1] = p1;
      s[o + 2] = p2;
      s[o + 3] = p3;
    }
    i = HORIZON;
  } else {
    let l0 = -B, l1 = -B, l2 = -B, l3 = -B;
    let h0 = B, h1 = B, h2 = B, h3 = B;
    for (i = lo; i <= a; i++) {
      const o = 4 * i;
      const c0s = s[o] * c0, c1s = s[o + 1] * c0, c2s = s[o + 2] * c0, c3s = s[o + 3] * c0;
      const m0 = c0s + z * h0, m1 = c1s + z * h1, m2 = c2s + z * h2, m3 = c3s + z * h3;
      h0 = c0s + z * l0;
      h1 = c1s + z * l1;
      h2 = c2s + z * l2;
      h3 = c3s + z * l3;
      l0 = m0;
      l1 = m1;
      l2 = m2;
      l3 = m3;
      if (l0 === h0 && l1 === h1 && l2 === h2 && l3 === h3) break;
    }
    if (i > a) return false;
    const o = 4 * i;
    s[o] = p0 = l0;
    s[o + 1] = p1 = l1;
    s[o + 2] = p2 = l2;
    s[o + 3] = p3 = l3;
    i++;
  }
  for (; i <= hi; i++) {
    const o = 4 * i;
    p0 = s[o] * c0 + z * p0;
    p1 = s[o + 1] * c0 + z * p1;
    p2 = s[o + 2] * c0 + z * p2;
    p3 = s[o + 3] * c0 + z * p3;
    s[o] = p0;
    s[o + 1] = p1;
    s[o + 2] = p2;
    s[o + 3] = p3;
  }
  let q0: number, q1: number, q2: number, q3: number;
  let j: number;
  if (hi === n - 1) {
    const f = z / (z * z - 1.0);
    const e = 4 * (n - 1);
    q0 = f * (z * s[e - 4] + s[e]);
    q1 = f * (z * s[e - 3] + s[e + 1]);
    q2 = f * (z * s[e - 2] + s[e + 2]);
    q3 = f * (z * s[e - 1] + s[e + 3]);
    j = n - 1;
  } else {
    let l0 = -B, l1 = -B, l2 = -B, l3 = -B;
    let h0 = B, h1 = B, h2 = B, h3 = B;
    for (j = hi; j >= b; j--) {
      const o = 4 * j;
      const s0 = s[o], s1 = s[o + 1], s2 = s[o + 2], s3 = s[o + 3];
      const m0 = z * (h0 - s0), m1 = z * (h1 - s1), m2 = z * (h2 - s2), m3 = z * (h3 - s3);
      h0 = z * (l0 - s0);
      h1 = z * (l1 - s1);
      h2 = z * (l2 - s2);
      h3 = z * (l3 - s3);
      l0 = m0;
      l1 = m1;
      l2 = m2;
      l3 = m3;
      if (l0 === h0 && l1 === h1 && l2 === h2 && l3 === h3) break;
    }
    if (j < b) return false;
    q0 = l0;
    q1 = l1;
    q2 = l2;
    q3 = l3;
  }
  let o = 4 * j;
  s[o] = q0;
  s[o + 1] = q1;
  s[o + 2] = q2;
  s[o + 3] = q3;
  for (j--; j >= a; j--) {
    o = 4 * j;
    q0 = z * (q0 - s[o]);
    q1 = z * (q1 - s[o + 1]);
    q2 = z * (q2 - s[o + 2]);
    q3 = z * (q3 - s[o + 3]);
    s[o] = q0;
    s[o + 1] = q1;
    s[o + 2] = q2;
    s[o + 3] = q3;
  }
  return true;
}

/**
 * The coefficients of the whole-volume decomposition of `data` (size [nx, ny, nz], each voxel
 * first converted to double and passed through `normalization`) on the block [lo, hi]
 * (inclusive): voxel (x, y, z) of the block at (x - x0) + bx (y - y0) + bx by z, with
 * bx, by the block's sizes along x and y and z the volume's own index (planes outside
 * [z0, z1] hold intermediate values). `bound` bounds |normalized voxel| over the whole
 * volume (null or not finite: whole lines everywhere, as ITK). The array is a work array
 * that the next call reuses: read it before calling again.
 */
export function bsplineCoefficientBlock(
  data: VoxelArray,
  size: Vec3,
  lo: Vec3,
  hi: Vec3,
  normalization: Normalization | null,
  bound: number | null,
): Float64Array {
  return new BlockDecomposition(data, size, lo, hi, normalization, bound).run();
}

/**
 * The three passes on demand: the z pass of the block needs planes z of the y pass (its
 * window, or all of them for a column whose bracket did not close), a plane needs x lines
 * (y, z) likewise. Lines go four at a time (coefficientsInWindow4), the rest, and any whose
 * bracket did not close, one by one.
 */
/**
 * Two work arrays kept from one decomposition to the next (a few MB each for a lesion on a
 * 384 x 384 x 88 phase): allocating them anew per extraction costs garbage collections.
 * Contents are not cleared: every value read is written first.
 */
const scratchArrays: Float64Array[] = [];
function scratch(slot: number, n: number): Float64Array {
  const a = scratchArrays[slot];
  if (a && a.length >= n) return a.subarray(0, n);
  scratchArrays[slot] = new Float64Array(n);
  return scratchArrays[slot];
}

class BlockDecomposition {
  private readonly nx: number;
  private readonly ny: number;
  private readonly nz: number;
  private readonly x0: number;
  private readonly x1: number;
  private readonly y0: number;
  private readonly y1: number;
  private readonly z0: number;
  private readonly z1: number;
  private readonly bx: number;
  private readonly by: number;
  /** input bounds of the x, y and z passes */
  private readonly m1: number;
  private readonly m2: number;
  private readonly m3: number;
  /** the windows [lo, hi] of the lines along x, y, z */
  private readonly xw: [number, number];
  private readonly yw: [number, number];
  private readonly zw: [number, number];
  private readonly s: Float64Array;
  private readonly s4: Float64Array;
  private readonly pending = new Int32Array(4);
  /**
   * x pass of the plane being filtered along y: c1[bx * y + x - x0], for the lines y marked
   * in lineDone (a plane's x lines serve only its own y pass)
   */
  private readonly c1: Float64Array;
  private readonly lineDone: Uint8Array;
  /** y pass: c2[bx * (y - y0 + by * z) + x - x0], for the planes z marked in planeDone */
  private readonly c2: Float64Array;
  private readonly planeDone: Uint8Array;

  constructor(
    private readonly data: VoxelArray,
    size: Vec3,
    lo: Vec3,
    hi: Vec3,
    private readonly normalization: Normalization | null,
    bound: number | null,
  ) {
    [this.nx, this.ny, this.nz] = size;
    [this.x0, this.y0, this.z0] = lo;
    [this.x1, this.y1, this.z1] = hi;
    this.bx = this.x1 - this.x0 + 1;
    this.by = this.y1 - this.y0 + 1;
    const windowed = bound !== null && Number.isFinite(bound);
    this.m1 = windowed ? bound : 0;
    this.m2 = STATE_BOUND * this.m1;
    this.m3 = STATE_BOUND * this.m2;
    const window = (n: number, a: number, b: number): [number, number] => (windowed ? lineWindow(n, a, b) : [0, n - 1]);
    this.xw = window(this.nx, this.x0, this.x1);
    this.yw = window(this.ny, this.y0, this.y1);
    this.zw = window(this.nz, this.z0, this.z1);
    const len = Math.max(...size);
    this.s = new Float64Array(len);
    this.s4 = new Float64Array(4 * len);
    this.c1 = scratch(0, this.bx * this.ny);
    this.lineDone = new Uint8Array(this.ny);
    this.c2 = scratch(1, this.bx * this.by * this.nz);
    this.planeDone = new Uint8Array(this.nz);
  }

  /** The z pass on the block, in place: c2[k + bx by z], k = x - x0 + bx (y - y0). */
  run(): Float64Array {
    const { nz, z0, z1, c2, s4 } = this;
    const [zl, zh] = this.zw;
    const plane = this.bx * this.by;
    const c = c2;
    for (let z = zl; z <= zh; z++) this.yPlane(z);
    let k = 0;
    for (; k + 4 <= plane; k += 4) {
      for (let z = zl; z <= zh; z++) {
        const o = k + plane * z;
        s4[4 * z] = c2[o];
        s4[4 * z + 1] = c2[o + 1];
        s4[4 * z + 2] = c2[o + 2];
        s4[4 * z + 3] = c2[o + 3];
      }
      if (coefficientsInWindow4(s4, nz, zl, zh, z0, z1, this.m3)) {
        for (let z = z0; z <= z1; z++) {
          const o = k + plane * z;
          c[o] = s4[4 * z];
          c[o + 1] = s4[4 * z + 1];
          c[o + 2] = s4[4 * z + 2];
          c[o + 3] = s4[4 * z + 3];
        }
      } else for (let q = 0; q < 4; q++) this.zColumn(c, k + q);
    }
    for (; k < plane; k++) this.zColumn(c, k);
    return c;
  }

  /** One z column alone: its window, else the whole column. */
  private zColumn(c: Float64Array, k: number): void {
    const { nz, z0, z1, c2, s } = this;
    const plane = this.bx * this.by;
    let [l, h] = this.zw;
    for (;;) {
      for (let z = l; z <= h; z++) s[z] = c2[k + plane * z];
      if (coefficientsInWindow(s, nz, l, h, z0, z1, this.m3)) break;
      l = 0;
      h = nz - 1;
      for (let z = 0; z < nz; z++) this.yPlane(z);
    }
    for (let z = z0; z <= z1; z++) c[k + plane * z] = s[z];
  }

  /** The y pass of plane z (x in the block, y in the block). */
  private yPlane(z: number): void {
    if (this.planeDone[z]) return;
    this.planeDone[z] = 1;
    const { bx, by, ny, y0, y1, c1, c2, s4 } = this;
    const [yl, yh] = this.yw;
    this.lineDone.fill(0);
    this.xLines(z, yl, yh);
    let xi = 0;
    for (; xi + 4 <= bx; xi += 4) {
      for (let y = yl; y <= yh; y++) {
        const o = bx * y + xi;
        s4[4 * y] = c1[o];
        s4[4 * y + 1] = c1[o + 1];
        s4[4 * y + 2] = c1[o + 2];
        s4[4 * y + 3] = c1[o + 3];
      }
      if (coefficientsInWindow4(s4, ny, yl, yh, y0, y1, this.m2)) {
        for (let y = y0; y <= y1; y++) {
          const o = bx * (y - y0 + by * z) + xi;
          c2[o] = s4[4 * y];
          c2[o + 1] = s4[4 * y + 1];
          c2[o + 2] = s4[4 * y + 2];
          c2[o + 3] = s4[4 * y + 3];
        }
      } else for (let q = 0; q < 4; q++) this.yColumn(z, xi + q);
    }
    for (; xi < bx; xi++) this.yColumn(z, xi);
  }

  /** One y column of plane z alone: its window, else the whole column. */
  private yColumn(z: number, xi: number): void {
    const { bx, by, ny, y0, y1, c1, c2, s } = this;
    let [l, h] = this.yw;
    for (;;) {
      for (let y = l; y <= h; y++) s[y] = c1[bx * y + xi];
      if (coefficientsInWindow(s, ny, l, h, y0, y1, this.m2)) break;
      l = 0;
      h = ny - 1;
      this.xLines(z, 0, ny - 1);
    }
    for (let y = y0; y <= y1; y++) c2[bx * (y - y0 + by * z) + xi] = s[y];
  }

  /** The x lines y in [ya, yb] of plane z not done yet, four at a time. */
  private xLines(z: number, ya: number, yb: number): void {
    const { nx, ny, x0, x1, bx, c1, s4, pending, lineDone, data } = this;
    const [xl, xh] = this.xw;
    let k = 0;
    for (let y = ya; y <= yb; y++) {
      if (lineDone[y]) continue;
      lineDone[y] = 1;
      pending[k++] = y;
      if (k < 4) continue;
      k = 0;
      const b0 = nx * (pending[0] + ny * z);
      const b1 = nx * (pending[1] + ny * z);
      const b2 = nx * (pending[2] + ny * z);
      const b3 = nx * (pending[3] + ny * z);
      for (let x = xl; x <= xh; x++) {
        const o = 4 * x;
        s4[o] = data[b0 + x];
        s4[o + 1] = data[b1 + x];
        s4[o + 2] = data[b2 + x];
        s4[o + 3] = data[b3 + x];
      }
      if (this.normalization) applyNormalization(s4, 4 * xh + 4, this.normalization, 4 * xl);
      if (coefficientsInWindow4(s4, nx, xl, xh, x0, x1, this.m1)) {
        for (let q = 0; q < 4; q++) {
          const o = bx * pending[q] - x0;
          for (let x = x0; x <= x1; x++) c1[o + x] = s4[4 * x + q];
        }
      } else for (let q = 0; q < 4; q++) this.xLine(pending[q], z);
    }
    for (let q = 0; q < k; q++) this.xLine(pending[q], z);
  }

  /** One x line (y, z) alone: its window, else the whole line. */
  private xLine(y: number, z: number): void {
    const { nx, ny, x0, x1, bx, c1, s, data } = this;
    const base = nx * (y + ny * z);
    let [l, h] = this.xw;
    for (;;) {
      s.set(data.subarray(base + l, base + h + 1), l);
      if (this.normalization) applyNormalization(s, h + 1, this.normalization, l);
      if (coefficientsInWindow(s, nx, l, h, x0, x1, this.m1)) break;
      l = 0;
      h = nx - 1;
    }
    const o = bx * y - x0;
    for (let x = x0; x <= x1; x++) c1[o + x] = s[x];
  }
}
