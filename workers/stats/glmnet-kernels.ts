/**
 * The inner loops of the LASSO solver (glmnet.ts): coordinate-descent passes, the weighted
 * columns of an IRLS step, the weighted Gram matrix of the active set, dot products and axpy.
 * Two implementations of the same arithmetic: WebAssembly with 128-bit SIMD (f64x2), assembled
 * at load time by wasm-encoder.ts, and plain JavaScript, used where WebAssembly SIMD is not
 * available and as the readable specification of each kernel.
 *
 * Both perform the same IEEE-754 double operations in the same order, so they give bit-identical
 * results: SIMD is used only where the two lanes are independent sums or element-wise updates
 * (f64x2.mul then f64x2.add/sub round exactly as the scalar operations; there is no fused
 * multiply-add). dot() keeps two interleaved partial sums (even and odd i), which are the two
 * lanes of one f64x2 accumulator; every other sum runs over i in order.
 *
 * The kernels work on one heap (a WebAssembly.Memory, or an ArrayBuffer for the JavaScript
 * kernels); arrays are passed as byte offsets into it, lengths and strides in elements.
 */
import {
  BR,
  BR_IF,
  block,
  type Code,
  encodeModule,
  F64_ABS,
  F64_ADD,
  F64_DIV,
  F64_EQ,
  F64_GT,
  F64_LT,
  F64_MAX,
  F64_MUL,
  F64_NE,
  F64_NEG,
  F64_SUB,
  f64,
  F64X2_ADD,
  F64X2_MUL,
  F64X2_SPLAT,
  F64X2_SUB,
  f64c,
  f64Load,
  f64Store,
  f64x2ExtractLane,
  get,
  I32_ADD,
  I32_AND,
  I32_EQ,
  I32_EQZ,
  I32_GE_S,
  I32_LT_S,
  I32_MUL,
  I32_NE,
  I32_SHL,
  I32_SUB,
  i32,
  i32c,
  i32Load,
  i32Store,
  ifThen,
  loopWhile,
  SELECT,
  set,
  tee,
  v128,
  v128Load,
  v128Store,
  type ValType,
  type WasmFunction,
} from './wasm-encoder.ts';

/** Byte offsets into the heap for arrays, element counts for lengths and strides. */
export interface GlmnetKernels {
  readonly kind: 'wasm' | 'js';
  /** sum_i a[i] b[i], as two interleaved sums (even i, odd i) added at the end */
  dot(a: number, b: number, n: number): number;
  /** y[i] -= d x[i] */
  axpy(y: number, d: number, x: number, n: number): void;
  /** sum_i a[i], in order */
  sum(a: number, n: number): number;
  /** for each column j of list[0..ns): VX_j = v * X_j, xv[j] = sum_i VX_j[i] X_j[i] in order */
  weigh(list: number, ns: number, X: number, VX: number, v: number, xv: number, n: number): void;
  /**
   * One coordinate-descent pass over the columns list[0..ns) on the explicit residual r (lasso
   * soft-thresholding with penalty vp ab and ridge vp dem); coefficients in b (by column).
   * A column that moves for the first time is appended to the active list (count at ninPtr,
   * flags in isActive; isActive < 0 when the list is the active set itself). Returns
   * max xv_k (delta b_k)^2.
   */
  pass(list: number, ns: number, X: number, VX: number, r: number, b: number, xv: number, vp: number, ab: number, dem: number, isActive: number, active: number, ninPtr: number, n: number): number;
  /** eta[i] = b0 + sum over the active columns with b_k != 0 (in active order) of b_k X_k[i] */
  linearPredictor(active: number, nin: number, b: number, X: number, eta: number, b0: number, n: number): void;
  /** gradA[a] = dot(r, X_active[a]) for a < nin */
  gradients(active: number, nin: number, r: number, X: number, gradA: number, n: number): void;
  /**
   * Rows from..to-1 of the weighted Gram matrix of the active set (and their mirror columns),
   * gram[a][b] = sum_i VX_a[i] X_b[i] for b <= a, in order over i, except the diagonal of an even
   * row, which is dot(VX_a, X_a); colV[a] = sum_i VX_a[i]. XA holds the active columns row-major
   * (XA[i * xaStride + a] = X_active[a][i]).
   */
  gramRows(from: number, to: number, active: number, X: number, VX: number, XA: number, xaStride: number, gram: number, cap: number, colV: number, n: number): void;
  /**
   * Covariance-update passes over the active set (in active order: bA, xvA, penalties penA,
   * denominators denA), the gradients gradA kept current through the Gram matrix, with the
   * intercept step after each pass, until max xv (delta b)^2 < shr or the pass count exceeds
   * maxit. rsum (sum of the residual) and b0 are read from and written back to slots[0], slots[1].
   * Returns the pass count.
   */
  covPasses(nin: number, gram: number, cap: number, gradA: number, colV: number, bA: number, xvA: number, penA: number, denA: number, xmz: number, shr: number, nlp: number, maxit: number, slots: number): number;
}

/** The heap the kernels work on: a bump allocator over one growable buffer. */
export class KernelHeap {
  private memory: WebAssembly.Memory | null;
  private buffer: ArrayBuffer;
  private top = 0;
  f64: Float64Array;
  i32: Int32Array;

  constructor(memory: WebAssembly.Memory | null) {
    this.memory = memory;
    this.buffer = memory ? memory.buffer : new ArrayBuffer(1 << 16);
    this.f64 = new Float64Array(this.buffer);
    this.i32 = new Int32Array(this.buffer);
  }

  /** frees everything (the next fit starts from an empty heap) */
  reset(): void {
    this.top = 0;
  }

  /** a zeroed region of `count` 8-byte elements (f64, or i32 using half of it); returns its byte offset */
  alloc(count: number): number {
    const at = this.top;
    const bytes = Math.ceil(count / 2) * 16;
    if (at + bytes > 0x7fff0000) throw new RangeError(`glmnet: the problem needs more than 2 GB of working memory (${count} values at once)`);
    this.top += bytes;
    if (this.top > this.buffer.byteLength) this.grow(this.top);
    new Uint8Array(this.buffer, at, bytes).fill(0);
    return at;
  }

  private grow(bytes: number): void {
    const size = Math.max(bytes, this.buffer.byteLength * 2);
    if (this.memory) {
      this.memory.grow(Math.ceil((size - this.buffer.byteLength) / 65536));
      this.buffer = this.memory.buffer;
    } else {
      const next = new ArrayBuffer(size);
      new Uint8Array(next).set(new Uint8Array(this.buffer));
      this.buffer = next;
    }
    this.f64 = new Float64Array(this.buffer);
    this.i32 = new Int32Array(this.buffer);
  }
}

// ---------------------------------------------------------------------------------------------
// JavaScript kernels (the specification)

function jsKernels(heap: KernelHeap): GlmnetKernels {
  // element indices from byte offsets: f64 >> 3, i32 >> 2
  const dot = (a: number, b: number, n: number): number => {
    const H = heap.f64;
    const ai = a >> 3;
    const bi = b >> 3;
    let s0 = 0;
    let s1 = 0;
    let i = 0;
    for (; i + 1 < n; i += 2) {
      s0 += H[ai + i] * H[bi + i];
      s1 += H[ai + i + 1] * H[bi + i + 1];
    }
    if (i < n) s0 += H[ai + i] * H[bi + i];
    return s0 + s1;
  };
  const axpy = (y: number, d: number, x: number, n: number): void => {
    const H = heap.f64;
    const yi = y >> 3;
    const xi = x >> 3;
    let i = 0;
    for (; i + 3 < n; i += 4) {
      H[yi + i] -= d * H[xi + i];
      H[yi + i + 1] -= d * H[xi + i + 1];
      H[yi + i + 2] -= d * H[xi + i + 2];
      H[yi + i + 3] -= d * H[xi + i + 3];
    }
    for (; i < n; i++) H[yi + i] -= d * H[xi + i];
  };
  const sum = (a: number, n: number): number => {
    const H = heap.f64;
    const ai = a >> 3;
    let s = 0;
    for (let i = 0; i < n; i++) s += H[ai + i];
    return s;
  };
  return {
    kind: 'js',
    dot,
    axpy,
    sum,
    weigh(list, ns, X, VX, v, xv, n) {
      const H = heap.f64;
      const I = heap.i32;
      const vi = v >> 3;
      for (let s = 0; s < ns; s++) {
        const j = I[(list >> 2) + s];
        const c = (X >> 3) + j * n;
        const cv = (VX >> 3) + j * n;
        let acc = 0;
        for (let i = 0; i < n; i++) {
          const t = H[vi + i] * H[c + i];
          H[cv + i] = t;
          acc += t * H[c + i];
        }
        H[(xv >> 3) + j] = acc;
      }
    },
    pass(list, ns, X, VX, r, b, xv, vp, ab, dem, isActive, active, ninPtr, n) {
      const H = heap.f64;
      const I = heap.i32;
      const bi = b >> 3;
      let dlx = 0;
      for (let s = 0; s < ns; s++) {
        const k = I[(list >> 2) + s];
        const g = dot(r, X + k * n * 8, n);
        const bk = H[bi + k];
        const xvk = H[(xv >> 3) + k];
        const vpk = H[(vp >> 3) + k];
        const u = g + xvk * bk;
        const au = Math.abs(u) - vpk * ab;
        const nb = au > 0 ? (u > 0 ? au : -au) / (xvk + vpk * dem) : 0;
        if (nb === bk) continue;
        if (isActive >= 0 && !I[(isActive >> 2) + k]) {
          I[(isActive >> 2) + k] = 1;
          I[(active >> 2) + I[ninPtr >> 2]++] = k;
        }
        const d = nb - bk;
        H[bi + k] = nb;
        const dd = xvk * d * d;
        if (dd > dlx) dlx = dd;
        axpy(r, d, VX + k * n * 8, n);
      }
      return dlx;
    },
    linearPredictor(active, nin, b, X, eta, b0, n) {
      const H = heap.f64;
      const e = eta >> 3;
      H.fill(b0, e, e + n);
      for (let t = 0; t < nin; t++) {
        const k = heap.i32[(active >> 2) + t];
        const bk = H[(b >> 3) + k];
        if (bk === 0) continue;
        const c = (X >> 3) + k * n;
        for (let i = 0; i < n; i++) H[e + i] += bk * H[c + i];
      }
    },
    gradients(active, nin, r, X, gradA, n) {
      for (let a = 0; a < nin; a++) heap.f64[(gradA >> 3) + a] = dot(r, X + heap.i32[(active >> 2) + a] * n * 8, n);
    },
    gramRows(from, to, active, X, VX, _XA, _xaStride, gram, cap, colV, n) {
      // from the column-major X, four entries per sweep over i (each summed in order)
      const H = heap.f64;
      const I = heap.i32;
      const ai = active >> 2;
      const xi = X >> 3;
      const gi = gram >> 3;
      for (let a = from; a < to; a++) {
        const ca = (VX >> 3) + I[ai + a] * n;
        const seqEnd = a % 2 === 0 ? a : a + 1;
        let b = 0;
        for (; b + 3 < seqEnd; b += 4) {
          const c0 = xi + I[ai + b] * n;
          const c1 = xi + I[ai + b + 1] * n;
          const c2 = xi + I[ai + b + 2] * n;
          const c3 = xi + I[ai + b + 3] * n;
          let s0 = 0;
          let s1 = 0;
          let s2 = 0;
          let s3 = 0;
          for (let i = 0; i < n; i++) {
            const t = H[ca + i];
            s0 += t * H[c0 + i];
            s1 += t * H[c1 + i];
            s2 += t * H[c2 + i];
            s3 += t * H[c3 + i];
          }
          H[gi + a * cap + b] = H[gi + b * cap + a] = s0;
          H[gi + a * cap + b + 1] = H[gi + (b + 1) * cap + a] = s1;
          H[gi + a * cap + b + 2] = H[gi + (b + 2) * cap + a] = s2;
          H[gi + a * cap + b + 3] = H[gi + (b + 3) * cap + a] = s3;
        }
        for (; b < seqEnd; b++) {
          const cb = xi + I[ai + b] * n;
          let s = 0;
          for (let i = 0; i < n; i++) s += H[ca + i] * H[cb + i];
          H[gi + a * cap + b] = H[gi + b * cap + a] = s;
        }
        if (seqEnd === a) H[gi + a * cap + a] = dot(ca * 8, X + I[ai + a] * n * 8, n);
        H[(colV >> 3) + a] = sum(ca * 8, n);
      }
    },
    covPasses(nin, gram, cap, gradA, colV, bA, xvA, penA, denA, xmz, shr, nlp, maxit, slots) {
      const H = heap.f64;
      const gi = gradA >> 3;
      const bi = bA >> 3;
      const xi = xvA >> 3;
      const pi = penA >> 3;
      const di = denA >> 3;
      const ci = colV >> 3;
      let rsum = H[slots >> 3];
      let b0 = H[(slots >> 3) + 1];
      for (;;) {
        nlp++;
        let dlx = 0;
        for (let a = 0; a < nin; a++) {
          const bk = H[bi + a];
          const u = H[gi + a] + H[xi + a] * bk;
          const au = Math.abs(u) - H[pi + a];
          const nb = au > 0 ? (u > 0 ? au : -au) / H[di + a] : 0;
          if (nb === bk) continue;
          const d = nb - bk;
          H[bi + a] = nb;
          const dd = H[xi + a] * d * d;
          if (dd > dlx) dlx = dd;
          axpy(gradA, d, gram + a * cap * 8, nin);
          rsum -= d * H[ci + a];
        }
        const e0 = rsum / xmz;
        if (e0 !== 0) {
          b0 += e0;
          dlx = Math.max(dlx, xmz * e0 * e0);
          axpy(gradA, e0, colV, nin);
          rsum -= e0 * xmz;
        }
        if (dlx < shr || nlp > maxit) break;
      }
      H[slots >> 3] = rsum;
      H[(slots >> 3) + 1] = b0;
      return nlp;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// WebAssembly kernels: the same operations, f64x2 where the lanes are independent

type Locals = Record<string, ValType>;

/** A function with named parameters and locals (indices in declaration order). */
function kernel<P extends Locals, L extends Locals>(name: string, params: P, result: ValType | null, locals: L, body: (v: Record<keyof P | keyof L, number>) => Code): WasmFunction {
  const index = {} as Record<keyof P | keyof L, number>;
  let k = 0;
  for (const key of Object.keys(params)) index[key as keyof P] = k++;
  for (const key of Object.keys(locals)) index[key as keyof L] = k++;
  return { name, params: Object.values(params), results: result === null ? [] : [result], locals: Object.values(locals), body: body(index) };
}

const addTo = (l: number, bytes: number): Code => [get(l), i32c(bytes), I32_ADD, set(l)];
/** end = p + 8 * (n rounded down to even) */
const pairEnd = (end: number, p: number, n: number): Code => [get(n), i32c(-2), I32_AND, i32c(3), I32_SHL, get(p), I32_ADD, set(end)];
const isOdd = (n: number): Code => [get(n), i32c(1), I32_AND];

/** out = dot(pa, pb, n): pairs in one f64x2 accumulator (lane 0 even i, lane 1 odd i); advances pa, pb */
function dotInline(out: number, pa: number, pb: number, n: number, end: number, acc: number): Code {
  return [
    pairEnd(end, pa, n),
    f64c(0), F64X2_SPLAT, set(acc),
    loopWhile([get(pa), get(end), I32_NE],
      get(acc), get(pa), v128Load(), get(pb), v128Load(), F64X2_MUL, F64X2_ADD, set(acc),
      addTo(pa, 16), addTo(pb, 16)),
    get(acc), f64x2ExtractLane(0), set(out),
    ifThen(isOdd(n), [get(out), get(pa), f64Load(), get(pb), f64Load(), F64_MUL, F64_ADD, set(out)]),
    get(out), get(acc), f64x2ExtractLane(1), F64_ADD, set(out),
  ];
}

/** py[i] -= d px[i] for i < n; advances py, px */
function axpyInline(py: number, d: number, px: number, n: number, end: number, dv: number): Code {
  return [
    get(d), F64X2_SPLAT, set(dv),
    pairEnd(end, py, n),
    loopWhile([get(py), get(end), I32_NE],
      get(py), get(py), v128Load(), get(dv), get(px), v128Load(), F64X2_MUL, F64X2_SUB, v128Store(),
      addTo(py, 16), addTo(px, 16)),
    ifThen(isOdd(n), [get(py), get(py), f64Load(), get(d), get(px), f64Load(), F64_MUL, F64_SUB, f64Store()]),
  ];
}

/** s = sum of n doubles from p, in order; advances p */
function sumInline(s: number, p: number, n: number, end: number): Code {
  return [
    f64c(0), set(s),
    get(n), i32c(3), I32_SHL, get(p), I32_ADD, set(end),
    loopWhile([get(p), get(end), I32_NE], get(s), get(p), f64Load(), F64_ADD, set(s), addTo(p, 8)),
  ];
}

/** nb = soft-threshold: au > 0 ? (u > 0 ? au : -au) / den : 0, with au = |u| - pen */
function softThreshold(nb: number, u: number, au: number, pen: Code, den: Code): Code {
  return [
    get(u), F64_ABS, pen, F64_SUB, set(au),
    ifThen([get(au), f64c(0), F64_GT],
      [get(au), get(au), F64_NEG, get(u), f64c(0), F64_GT, SELECT, den, F64_DIV, set(nb)],
      [f64c(0), set(nb)]),
  ];
}

const KERNELS: WasmFunction[] = [
  kernel('dot', { a: i32, b: i32, n: i32 }, f64, { end: i32, acc: v128, s: f64 }, (v) => [dotInline(v.s, v.a, v.b, v.n, v.end, v.acc), get(v.s)]),
  kernel('axpy', { y: i32, d: f64, x: i32, n: i32 }, null, { end: i32, dv: v128 }, (v) => axpyInline(v.y, v.d, v.x, v.n, v.end, v.dv)),
  kernel('sum', { a: i32, n: i32 }, f64, { end: i32, s: f64 }, (v) => [sumInline(v.s, v.a, v.n, v.end), get(v.s)]),

  kernel('weigh', { list: i32, ns: i32, X: i32, VX: i32, v: i32, xv: i32, n: i32 }, null,
    { s: i32, j: i32, c: i32, px: i32, pv: i32, pw: i32, end: i32, t: f64, acc: f64 }, (v) => [
      i32c(0), set(v.s),
      loopWhile([get(v.s), get(v.ns), I32_LT_S],
        get(v.list), get(v.s), i32c(2), I32_SHL, I32_ADD, i32Load(), set(v.j),
        get(v.j), get(v.n), I32_MUL, i32c(3), I32_SHL, set(v.c),
        get(v.X), get(v.c), I32_ADD, set(v.px),
        get(v.VX), get(v.c), I32_ADD, set(v.pv),
        get(v.v), set(v.pw),
        get(v.n), i32c(3), I32_SHL, get(v.pw), I32_ADD, set(v.end),
        f64c(0), set(v.acc),
        loopWhile([get(v.pw), get(v.end), I32_NE],
          get(v.pw), f64Load(), get(v.px), f64Load(), F64_MUL, set(v.t), // t = v_i x_i
          get(v.pv), get(v.t), f64Store(),
          get(v.acc), get(v.t), get(v.px), f64Load(), F64_MUL, F64_ADD, set(v.acc),
          addTo(v.pw, 8), addTo(v.px, 8), addTo(v.pv, 8)),
        get(v.xv), get(v.j), i32c(3), I32_SHL, I32_ADD, get(v.acc), f64Store(),
        addTo(v.s, 1)),
    ]),

  kernel('pass', { list: i32, ns: i32, X: i32, VX: i32, r: i32, b: i32, xv: i32, vp: i32, ab: f64, dem: f64, isActive: i32, active: i32, ninPtr: i32, n: i32 }, f64,
    { s: i32, k: i32, c: i32, kb: i32, pa: i32, pb: i32, end: i32, acc: v128, dv: v128, g: f64, bk: f64, xvk: f64, vpk: f64, u: f64, au: f64, nb: f64, d: f64, dd: f64, dlx: f64, nin: i32 }, (v) => [
      f64c(0), set(v.dlx),
      i32c(0), set(v.s),
      loopWhile([get(v.s), get(v.ns), I32_LT_S],
        block(
          get(v.list), get(v.s), i32c(2), I32_SHL, I32_ADD, i32Load(), set(v.k),
          get(v.k), get(v.n), I32_MUL, i32c(3), I32_SHL, set(v.c),
          get(v.r), set(v.pa), get(v.X), get(v.c), I32_ADD, set(v.pb),
          dotInline(v.g, v.pa, v.pb, v.n, v.end, v.acc),
          get(v.k), i32c(3), I32_SHL, set(v.kb),
          get(v.b), get(v.kb), I32_ADD, f64Load(), set(v.bk),
          get(v.xv), get(v.kb), I32_ADD, f64Load(), set(v.xvk),
          get(v.vp), get(v.kb), I32_ADD, f64Load(), set(v.vpk),
          get(v.g), get(v.xvk), get(v.bk), F64_MUL, F64_ADD, set(v.u),
          softThreshold(v.nb, v.u, v.au, [get(v.vpk), get(v.ab), F64_MUL], [get(v.xvk), get(v.vpk), get(v.dem), F64_MUL, F64_ADD]),
          get(v.nb), get(v.bk), F64_EQ, BR_IF, 0, // unchanged: next column
          // first move: append to the active list (isActive < 0: the list is the active set)
          ifThen([get(v.isActive), i32c(0), I32_GE_S],
            ifThen([get(v.isActive), get(v.k), i32c(2), I32_SHL, I32_ADD, i32Load(), I32_EQZ], [
              get(v.isActive), get(v.k), i32c(2), I32_SHL, I32_ADD, i32c(1), i32Store(),
              get(v.ninPtr), i32Load(), set(v.nin),
              get(v.active), get(v.nin), i32c(2), I32_SHL, I32_ADD, get(v.k), i32Store(),
              get(v.ninPtr), get(v.nin), i32c(1), I32_ADD, i32Store(),
            ])),
          get(v.nb), get(v.bk), F64_SUB, set(v.d),
          get(v.b), get(v.kb), I32_ADD, get(v.nb), f64Store(),
          get(v.xvk), get(v.d), F64_MUL, get(v.d), F64_MUL, tee(v.dd),
          get(v.dlx), F64_GT, ifThen([], [get(v.dd), set(v.dlx)]),
          get(v.r), set(v.pa), get(v.VX), get(v.c), I32_ADD, set(v.pb),
          axpyInline(v.pa, v.d, v.pb, v.n, v.end, v.dv)),
        addTo(v.s, 1)),
      get(v.dlx),
    ]),

  kernel('linearPredictor', { active: i32, nin: i32, b: i32, X: i32, eta: i32, b0: f64, n: i32 }, null,
    { t: i32, k: i32, py: i32, px: i32, end: i32, bk: f64, bv: v128 }, (v) => [
      get(v.eta), set(v.py),
      get(v.n), i32c(3), I32_SHL, get(v.eta), I32_ADD, set(v.end),
      loopWhile([get(v.py), get(v.end), I32_NE], get(v.py), get(v.b0), f64Store(), addTo(v.py, 8)),
      i32c(0), set(v.t),
      loopWhile([get(v.t), get(v.nin), I32_LT_S],
        block(
          get(v.active), get(v.t), i32c(2), I32_SHL, I32_ADD, i32Load(), set(v.k),
          get(v.b), get(v.k), i32c(3), I32_SHL, I32_ADD, f64Load(), set(v.bk),
          get(v.bk), f64c(0), F64_EQ, BR_IF, 0,
          get(v.bk), F64X2_SPLAT, set(v.bv),
          get(v.eta), set(v.py),
          get(v.k), get(v.n), I32_MUL, i32c(3), I32_SHL, get(v.X), I32_ADD, set(v.px),
          pairEnd(v.end, v.py, v.n),
          // eta[i] += bk X_k[i], element-wise
          loopWhile([get(v.py), get(v.end), I32_NE],
            get(v.py), get(v.py), v128Load(), get(v.bv), get(v.px), v128Load(), F64X2_MUL, F64X2_ADD, v128Store(),
            addTo(v.py, 16), addTo(v.px, 16)),
          ifThen(isOdd(v.n), [get(v.py), get(v.py), f64Load(), get(v.bk), get(v.px), f64Load(), F64_MUL, F64_ADD, f64Store()])),
        addTo(v.t, 1)),
    ]),

  kernel('gradients', { active: i32, nin: i32, r: i32, X: i32, gradA: i32, n: i32 }, null,
    { a: i32, pa: i32, pb: i32, end: i32, acc: v128, g: f64 }, (v) => [
      i32c(0), set(v.a),
      loopWhile([get(v.a), get(v.nin), I32_LT_S],
        get(v.r), set(v.pa),
        get(v.active), get(v.a), i32c(2), I32_SHL, I32_ADD, i32Load(), get(v.n), I32_MUL, i32c(3), I32_SHL, get(v.X), I32_ADD, set(v.pb),
        dotInline(v.g, v.pa, v.pb, v.n, v.end, v.acc),
        get(v.gradA), get(v.a), i32c(3), I32_SHL, I32_ADD, get(v.g), f64Store(),
        addTo(v.a, 1)),
    ]),

  kernel('gramRows', { from: i32, to: i32, active: i32, X: i32, VX: i32, XA: i32, xaStride: i32, gram: i32, cap: i32, colV: i32, n: i32 }, null,
    { a: i32, ca: i32, seqEnd: i32, row: i32, bc: i32, p: i32, q: i32, i: i32, xs8: i32, cap8: i32, pa: i32, pb: i32, end: i32,
      acc0: v128, acc1: v128, acc2: v128, acc3: v128, tv: v128, t: f64, cs: f64 }, (v) => {
      // one block of `lanes` entries of row a (columns bc..bc+lanes-1), each summed in order over i
      // from the row-major copy of the active columns; cs sums VX_a alongside (colV)
      const accs = [v.acc0, v.acc1, v.acc2, v.acc3];
      const blockOf = (vectors: number): Code => [
        accs.slice(0, vectors).map((acc) => [f64c(0), F64X2_SPLAT, set(acc)]),
        f64c(0), set(v.cs),
        get(v.ca), set(v.p),
        get(v.XA), get(v.bc), i32c(3), I32_SHL, I32_ADD, set(v.q),
        get(v.n), set(v.i),
        loopWhile([get(v.i), i32c(0), I32_NE],
          get(v.p), f64Load(), set(v.t),
          get(v.cs), get(v.t), F64_ADD, set(v.cs),
          get(v.t), F64X2_SPLAT, set(v.tv),
          accs.slice(0, vectors).map((acc, m) => [get(acc), get(v.tv), get(v.q), v128Load(16 * m), F64X2_MUL, F64X2_ADD, set(acc)]),
          addTo(v.p, 8), [get(v.q), get(v.xs8), I32_ADD, set(v.q)], [get(v.i), i32c(1), I32_SUB, set(v.i)]),
        accs.slice(0, vectors).map((acc, m) => [
          get(v.row), get(v.bc), i32c(3), I32_SHL, I32_ADD, get(acc), v128Store(16 * m),
          // the mirrored entries gram[bc + 2m + lane][a]
          [0, 1].map((lane) => [
            get(v.gram), get(v.bc), i32c(2 * m + lane), I32_ADD, get(v.cap8), I32_MUL, I32_ADD, get(v.a), i32c(3), I32_SHL, I32_ADD,
            get(acc), f64x2ExtractLane(lane), f64Store(),
          ]),
        ]),
        addTo(v.bc, 2 * vectors),
      ];
      return [
        get(v.xaStride), i32c(3), I32_SHL, set(v.xs8),
        get(v.cap), i32c(3), I32_SHL, set(v.cap8),
        get(v.from), set(v.a),
        loopWhile([get(v.a), get(v.to), I32_LT_S],
          get(v.VX), get(v.active), get(v.a), i32c(2), I32_SHL, I32_ADD, i32Load(), get(v.n), I32_MUL, i32c(3), I32_SHL, I32_ADD, set(v.ca),
          get(v.a), get(v.a), i32c(1), I32_AND, I32_ADD, set(v.seqEnd), // entries 0..seqEnd-1 in order (seqEnd is even)
          get(v.gram), get(v.a), get(v.cap8), I32_MUL, I32_ADD, set(v.row),
          i32c(0), set(v.bc),
          loopWhile([get(v.seqEnd), get(v.bc), i32c(8), I32_ADD, I32_GE_S], blockOf(4)),
          loopWhile([get(v.seqEnd), get(v.bc), i32c(2), I32_ADD, I32_GE_S], blockOf(1)),
          // the diagonal of an even row: dot(VX_a, X_a)
          ifThen([get(v.seqEnd), get(v.a), I32_EQ], [
            get(v.ca), set(v.pa),
            get(v.ca), get(v.VX), I32_SUB, get(v.X), I32_ADD, set(v.pb),
            dotInline(v.t, v.pa, v.pb, v.n, v.end, v.acc0),
            get(v.row), get(v.a), i32c(3), I32_SHL, I32_ADD, get(v.t), f64Store(),
          ]),
          ifThen([get(v.seqEnd), I32_EQZ], [get(v.ca), set(v.pa), sumInline(v.cs, v.pa, v.n, v.end)]),
          get(v.colV), get(v.a), i32c(3), I32_SHL, I32_ADD, get(v.cs), f64Store(),
          addTo(v.a, 1)),
      ];
    }),

  kernel('covPasses', { nin: i32, gram: i32, cap: i32, gradA: i32, colV: i32, bA: i32, xvA: i32, penA: i32, denA: i32, xmz: f64, shr: f64, nlp: f64, maxit: f64, slots: i32 }, f64,
    { a: i32, ab8: i32, cap8: i32, py: i32, px: i32, end: i32, dv: v128, rsum: f64, b0: f64, dlx: f64, bk: f64, u: f64, au: f64, nb: f64, d: f64, dd: f64, e0: f64 }, (v) => {
      const at = (base: number): Code => [get(base), get(v.ab8), I32_ADD];
      return [
        get(v.cap), i32c(3), I32_SHL, set(v.cap8),
        get(v.slots), f64Load(0), set(v.rsum),
        get(v.slots), f64Load(8), set(v.b0),
        loopWhile([i32c(1)],
          get(v.nlp), f64c(1), F64_ADD, set(v.nlp),
          f64c(0), set(v.dlx),
          i32c(0), set(v.a),
          loopWhile([get(v.a), get(v.nin), I32_LT_S],
            block(
              get(v.a), i32c(3), I32_SHL, set(v.ab8),
              at(v.bA), f64Load(), set(v.bk),
              at(v.gradA), f64Load(), at(v.xvA), f64Load(), get(v.bk), F64_MUL, F64_ADD, set(v.u),
              softThreshold(v.nb, v.u, v.au, [at(v.penA), f64Load()], [at(v.denA), f64Load()]),
              get(v.nb), get(v.bk), F64_EQ, BR_IF, 0,
              get(v.nb), get(v.bk), F64_SUB, set(v.d),
              at(v.bA), get(v.nb), f64Store(),
              at(v.xvA), f64Load(), get(v.d), F64_MUL, get(v.d), F64_MUL, tee(v.dd),
              get(v.dlx), F64_GT, ifThen([], [get(v.dd), set(v.dlx)]),
              get(v.gradA), set(v.py),
              get(v.gram), get(v.a), get(v.cap8), I32_MUL, I32_ADD, set(v.px),
              axpyInline(v.py, v.d, v.px, v.nin, v.end, v.dv),
              get(v.rsum), get(v.d), at(v.colV), f64Load(), F64_MUL, F64_SUB, set(v.rsum)),
            addTo(v.a, 1)),
          // the intercept
          get(v.rsum), get(v.xmz), F64_DIV, set(v.e0),
          ifThen([get(v.e0), f64c(0), F64_NE], [
            get(v.b0), get(v.e0), F64_ADD, set(v.b0),
            get(v.dlx), get(v.xmz), get(v.e0), F64_MUL, get(v.e0), F64_MUL, F64_MAX, set(v.dlx),
            get(v.gradA), set(v.py), get(v.colV), set(v.px),
            axpyInline(v.py, v.e0, v.px, v.nin, v.end, v.dv),
            get(v.rsum), get(v.e0), get(v.xmz), F64_MUL, F64_SUB, set(v.rsum),
          ]),
          ifThen([get(v.dlx), get(v.shr), F64_LT], [BR, 2]), // converged: leave the loop (if, loop, block)
          ifThen([get(v.nlp), get(v.maxit), F64_GT], [BR, 2])),
        get(v.slots), get(v.rsum), f64Store(0),
        get(v.slots), get(v.b0), f64Store(8),
        get(v.nlp),
      ];
    }),
];

interface WasmExports {
  dot(a: number, b: number, n: number): number;
  axpy(y: number, d: number, x: number, n: number): void;
  sum(a: number, n: number): number;
  weigh(list: number, ns: number, X: number, VX: number, v: number, xv: number, n: number): void;
  pass(list: number, ns: number, X: number, VX: number, r: number, b: number, xv: number, vp: number, ab: number, dem: number, isActive: number, active: number, ninPtr: number, n: number): number;
  linearPredictor(active: number, nin: number, b: number, X: number, eta: number, b0: number, n: number): void;
  gradients(active: number, nin: number, r: number, X: number, gradA: number, n: number): void;
  gramRows(from: number, to: number, active: number, X: number, VX: number, XA: number, xaStride: number, gram: number, cap: number, colV: number, n: number): void;
  covPasses(nin: number, gram: number, cap: number, gradA: number, colV: number, bA: number, xvA: number, penA: number, denA: number, xmz: number, shr: number, nlp: number, maxit: number, slots: number): number;
}

let wasmModule: WebAssembly.Module | null | undefined;

/** The compiled kernels, or null where WebAssembly SIMD is unavailable. */
function compiledKernels(): WebAssembly.Module | null {
  if (wasmModule === undefined) {
    wasmModule = null;
    try {
      const bytes = encodeModule(KERNELS);
      if (typeof WebAssembly === 'object' && WebAssembly.validate(bytes)) wasmModule = new WebAssembly.Module(bytes);
    } catch {
      // no WebAssembly SIMD (or no synchronous compilation here): the JavaScript kernels
    }
  }
  return wasmModule;
}

const cache: Partial<Record<'wasm' | 'js', { kernels: GlmnetKernels; heap: KernelHeap }>> = {};

/**
 * The kernels and their heap: WebAssembly when available (default), or the JavaScript ones.
 * One instance per kind, reused by every fit (fits are synchronous; each starts with
 * heap.reset()).
 */
export function glmnetKernels(kind: 'wasm' | 'js' | 'auto' = 'auto'): { kernels: GlmnetKernels; heap: KernelHeap } {
  const mod = kind === 'js' ? null : compiledKernels();
  if (kind === 'wasm' && !mod) throw new Error('glmnet: WebAssembly SIMD is not available here');
  const k = mod ? 'wasm' : 'js';
  let entry = cache[k];
  if (!entry) {
    if (mod) {
      const memory = new WebAssembly.Memory({ initial: 16 });
      const heap = new KernelHeap(memory);
      const e = new WebAssembly.Instance(mod, { env: { memory } }).exports as unknown as WasmExports;
      const kernels: GlmnetKernels = {
        kind: 'wasm',
        dot: e.dot,
        axpy: e.axpy,
        sum: e.sum,
        weigh: e.weigh,
        pass: e.pass,
        linearPredictor: e.linearPredictor,
        gradients: e.gradients,
        gramRows: e.gramRows,
        covPasses: e.covPasses,
      };
      entry = { heap, kernels };
    } else {
      const heap = new KernelHeap(null);
      entry = { heap, kernels: jsKernels(heap) };
    }
    cache[k] = entry;
  }
  return entry;
}
