/**
 * PyRadiomics's LoG image type (imageoperations.getLoGImage): for each sigma (mm), SimpleITK's
 * LaplacianRecursiveGaussianImageFilter with NormalizeAcrossScale on, i.e. ITK's
 * itk::LaplacianRecursiveGaussianImageFilter<input, Image<float>>. Reproduced to the bit
 * (see ../shared/conformance/filters/README.md §2):
 *
 * - for each axis d = x, y, z: a second-order recursive Gaussian along d, then zero-order ones
 *   along the two other axes in increasing order; each 1-D pass computes in double and stores
 *   float32 (ITK's InternalRealType); the result is added into a float32 accumulator as
 *   float(acc + pass * (1 / spacing[d]^2)) (the add filter's functor);
 * - the 1-D pass is ITK's 4th-order Deriche filter (itkRecursiveGaussianImageFilter.hxx SetUp,
 *   Compute{N,D,Remaining}Coefficients; itkRecursiveSeparableImageFilter.hxx FilterDataArray),
 *   with the coefficients computed in double in ITK's operation order, and its edge extension;
 * - sigma is in mm: sigma / spacing along the axis is the sigma in voxels; the direction
 *   matrix plays no part.
 */
import type { Vec3, Volume } from '../../io/volume.ts';
import { geometryOf, voxelCount } from '../../io/volume.ts';
import { forEachLineBlockIn, gatherTile, lineLayout, maxLanes, scatterTile } from './lines.ts';
import type { DerivedImage, FilterContext, FilterSettings, SigmaSetting } from './types.ts';

/** The coefficients of one 1-D recursive Gaussian pass (ITK's m_N*, m_D*, m_M*, m_BN*, m_BM*). */
export interface DericheCoefficients {
  n0: number; n1: number; n2: number; n3: number;
  d1: number; d2: number; d3: number; d4: number;
  m1: number; m2: number; m3: number; m4: number;
  bn1: number; bn2: number; bn3: number; bn4: number;
  bm1: number; bm2: number; bm3: number; bm4: number;
}

// Farnebäck & Westin's parameters, ITK's table (A1, B1, A2, B2 per order 0, 1, 2).
const W1 = 0.6681;
const L1 = -1.3932;
const W2 = 2.0787;
const L2 = -1.3732;
const A1 = [1.353, -0.6724, -1.3563];
const B1 = [1.8151, -3.4327, 5.2318];
const A2 = [-0.3531, 0.6724, 0.3446];
const B2 = [0.0902, 0.61, -2.2355];

interface NTerms { n0: number; n1: number; n2: number; n3: number; sn: number; dn: number; en: number }

/** ITK ComputeNCoefficients, in its operation order. */
function nCoefficients(sigmad: number, a1: number, b1: number, a2: number, b2: number): NTerms {
  const sin1 = Math.sin(W1 / sigmad);
  const sin2 = Math.sin(W2 / sigmad);
  const cos1 = Math.cos(W1 / sigmad);
  const cos2 = Math.cos(W2 / sigmad);
  const exp1 = Math.exp(L1 / sigmad);
  const exp2 = Math.exp(L2 / sigmad);
  const n0 = a1 + a2;
  let n1 = exp2 * (b2 * sin2 - (a2 + 2 * a1) * cos2);
  n1 += exp1 * (b1 * sin1 - (a1 + 2 * a2) * cos1);
  let n2 = (a1 + a2) * cos2 * cos1;
  n2 -= b1 * cos2 * sin1 + b2 * cos1 * sin2;
  n2 *= 2 * exp1 * exp2;
  n2 += a2 * exp1 * exp1 + a1 * exp2 * exp2;
  let n3 = exp2 * exp1 * exp1 * (b2 * sin2 - a2 * cos2);
  n3 += exp1 * exp2 * exp2 * (b1 * sin1 - a1 * cos1);
  return { n0, n1, n2, n3, sn: n0 + n1 + n2 + n3, dn: n1 + 2 * n2 + 3 * n3, en: n1 + 4 * n2 + 9 * n3 };
}

/** ITK RecursiveGaussianImageFilter::SetUp for order 0 or 2 (both symmetric). */
export function dericheCoefficients(sigma: number, spacing: number, order: 0 | 2, normalizeAcrossScale: boolean): DericheCoefficients {
  const sigmad = sigma / Math.abs(spacing);
  // ComputeDCoefficients
  const cos1 = Math.cos(W1 / sigmad);
  const cos2 = Math.cos(W2 / sigmad);
  const exp1 = Math.exp(L1 / sigmad);
  const exp2 = Math.exp(L2 / sigmad);
  const d4 = exp1 * exp1 * exp2 * exp2;
  let d3 = -2 * cos1 * exp1 * exp2 * exp2;
  d3 += -2 * cos2 * exp2 * exp1 * exp1;
  let d2 = 4 * cos2 * cos1 * exp1 * exp2;
  d2 += exp1 * exp1 + exp2 * exp2;
  const d1 = -2 * (exp2 * cos2 + exp1 * cos1);
  const SD = 1.0 + d1 + d2 + d3 + d4;
  const DD = d1 + 2 * d2 + 3 * d3 + 4 * d4;
  const ED = d1 + 4 * d2 + 9 * d3 + 16 * d4;

  let n0: number, n1: number, n2: number, n3: number;
  if (order === 0) {
    const t = nCoefficients(sigmad, A1[0], B1[0], A2[0], B2[0]);
    const alpha0 = 2 * t.sn / SD - t.n0;
    const f = 1.0 / alpha0; // across_scale_normalization is 1 for order 0
    n0 = t.n0 * f; n1 = t.n1 * f; n2 = t.n2 * f; n3 = t.n3 * f;
  } else {
    const scale = normalizeAcrossScale ? sigma * sigma : 1.0;
    const z = nCoefficients(sigmad, A1[0], B1[0], A2[0], B2[0]);
    const s = nCoefficients(sigmad, A1[2], B1[2], A2[2], B2[2]);
    const beta = -(2 * s.sn - SD * s.n0) / (2 * z.sn - SD * z.n0);
    n0 = s.n0 + beta * z.n0; n1 = s.n1 + beta * z.n1; n2 = s.n2 + beta * z.n2; n3 = s.n3 + beta * z.n3;
    const SN = s.sn + beta * z.sn;
    const DN = s.dn + beta * z.dn;
    const EN = s.en + beta * z.en;
    let alpha2 = EN * SD * SD - ED * SN * SD - 2 * DN * DD * SD + 2 * DD * DD * SN;
    alpha2 /= SD * SD * SD;
    const f = scale / alpha2;
    n0 *= f; n1 *= f; n2 *= f; n3 *= f;
  }
  // ComputeRemainingCoefficients(symmetric = true)
  const m1 = n1 - d1 * n0;
  const m2 = n2 - d2 * n0;
  const m3 = n3 - d3 * n0;
  const m4 = -d4 * n0;
  const sn = n0 + n1 + n2 + n3;
  const sm = m1 + m2 + m3 + m4;
  const sd = 1.0 + d1 + d2 + d3 + d4;
  return {
    n0, n1, n2, n3, d1, d2, d3, d4, m1, m2, m3, m4,
    bn1: d1 * sn / sd, bn2: d2 * sn / sd, bn3: d3 * sn / sd, bn4: d4 * sn / sd,
    bm1: d1 * sm / sd, bm2: d2 * sm / sd, bm3: d3 * sm / sd, bm4: d4 * sm / sd,
  };
}

/**
 * ITK's FilterDataArray on `lanes` lines at once (tile layout t * lanes + l; see lines.ts):
 * causal pass into `outs`, anti-causal pass into `scratch`, outs += scratch. Needs n >= 4.
 * (n = 4: the anti-causal borders fill all four samples.)
 */
export function dericheLines(outs: Float64Array, data: Float64Array, scratch: Float64Array, n: number, lanes: number, c: DericheCoefficients): void {
  const { n0, n1, n2, n3, d1, d2, d3, d4, m1, m2, m3, m4, bn1, bn2, bn3, bn4, bm1, bm2, bm3, bm4 } = c;
  const B = lanes;
  for (let l = 0; l < B; l++) {
    // causal borders: data before index 0 equals data[0]
    const v = data[l];
    const x1 = data[B + l], x2 = data[2 * B + l], x3 = data[3 * B + l];
    let o0 = v * n0 + v * n1 + v * n2 + v * n3;
    let o1 = x1 * n0 + v * n1 + v * n2 + v * n3;
    let o2 = x2 * n0 + x1 * n1 + v * n2 + v * n3;
    let o3 = x3 * n0 + x2 * n1 + x1 * n2 + v * n3;
    o0 -= v * bn1 + v * bn2 + v * bn3 + v * bn4;
    o1 -= o0 * d1 + v * bn2 + v * bn3 + v * bn4;
    o2 -= o1 * d1 + o0 * d2 + v * bn3 + v * bn4;
    o3 -= o2 * d1 + o1 * d2 + o0 * d3 + v * bn4;
    outs[l] = o0; outs[B + l] = o1; outs[2 * B + l] = o2; outs[3 * B + l] = o3;
  }
  for (let i = 4; i < n; i++) {
    const r = i * B;
    for (let l = 0; l < B; l++) {
      const j = r + l;
      let o = data[j] * n0 + data[j - B] * n1 + data[j - 2 * B] * n2 + data[j - 3 * B] * n3;
      o -= outs[j - B] * d1 + outs[j - 2 * B] * d2 + outs[j - 3 * B] * d3 + outs[j - 4 * B] * d4;
      outs[j] = o;
    }
  }
  const e = (n - 1) * B;
  for (let l = 0; l < B; l++) {
    // anti-causal borders: data after the end equals data[n-1]
    const v = data[e + l];
    const x1 = data[e - B + l], x2 = data[e - 2 * B + l];
    // scratch[n-1..n-4] as ITK initialises them (V = data[n-1] beyond the end)
    let s1 = v * m1 + v * m2 + v * m3 + v * m4;
    let s2 = v * m1 + v * m2 + v * m3 + v * m4;
    let s3 = x1 * m1 + v * m2 + v * m3 + v * m4;
    let s4 = x2 * m1 + x1 * m2 + v * m3 + v * m4;
    s1 -= v * bm1 + v * bm2 + v * bm3 + v * bm4;
    s2 -= s1 * d1 + v * bm2 + v * bm3 + v * bm4;
    s3 -= s2 * d1 + s1 * d2 + v * bm3 + v * bm4;
    s4 -= s3 * d1 + s2 * d2 + s1 * d3 + v * bm4;
    scratch[e + l] = s1; scratch[e - B + l] = s2; scratch[e - 2 * B + l] = s3; scratch[e - 3 * B + l] = s4;
    // ITK finally adds the anti-causal part into outs; the same additions, done here
    outs[e + l] += s1; outs[e - B + l] += s2; outs[e - 2 * B + l] += s3; outs[e - 3 * B + l] += s4;
  }
  for (let i = n - 4; i > 0; i--) {
    const r = (i - 1) * B;
    for (let l = 0; l < B; l++) {
      const j = r + l; // scratch[i-1]
      let s = data[j + B] * m1 + data[j + 2 * B] * m2 + data[j + 3 * B] * m3 + data[j + 4 * B] * m4;
      s -= scratch[j + B] * d1 + scratch[j + 2 * B] * d2 + scratch[j + 3 * B] * d3 + scratch[j + 4 * B] * d4;
      scratch[j] = s;
      outs[j] += s;
    }
  }
}

/** Scratch tiles reused by every pass of one LoG computation. */
interface Work { data: Float64Array; outs: Float64Array; scratch: Float64Array }

/** Inclusive index bounds per axis x, y, z. */
type AxisRanges = [number, number][];

/**
 * One 1-D recursive Gaussian pass along `axis`: reads any array, stores float32 (as ITK
 * does). Only the lines whose coordinates on the two other axes lie in `lines` are
 * filtered (each of them whole, so with the whole pass's values).
 */
function recursivePass(src: ArrayLike<number>, dst: Float32Array, size: Vec3, axis: number, c: DericheCoefficients, work: Work, lines: AxisRanges): void {
  const layout = lineLayout(size, axis);
  // lanes and groups run along these axes (lines.ts): x lines: y lanes, z groups; y lines: x, z; z lines: x, y
  const laneAxis = axis === 0 ? 1 : 0;
  const outerAxis = axis === 2 ? 1 : 2;
  const [laneLo, laneHi] = lines[laneAxis];
  const lanesMax = Math.min(maxLanes(layout.n), laneHi - laneLo + 1);
  const need = layout.n * lanesMax;
  if (work.data.length < need) {
    work.data = new Float64Array(need);
    work.outs = new Float64Array(need);
    work.scratch = new Float64Array(need);
  }
  const { data, outs, scratch } = work;
  forEachLineBlockIn(layout, lanesMax, laneLo, laneHi, lines[outerAxis][0], lines[outerAxis][1], (start, lanes) => {
    gatherTile(src as Float64Array, layout, start, lanes, data);
    dericheLines(outs, data, scratch, layout.n, lanes, c);
    scatterTile(outs, layout, start, lanes, dst); // the float32 store rounds to nearest, like static_cast<float>
  });
}

/**
 * σ²∇²(G_σ * image), ITK's LaplacianRecursiveGaussianImageFilter with NormalizeAcrossScale on:
 * float32 output on the input's grid. Every axis must have at least 4 voxels.
 *
 * With `region`, only the voxels [lo, hi] are computed (the others are left unspecified):
 * of each axis's three passes the first filters every line, the second only the lines
 * through the region's range on the first pass's axis, the third only those through the
 * region on both earlier axes; each line filtered is filtered whole, so the region's values
 * are those of the whole computation.
 */
export function laplacianOfGaussian(image: Volume, sigma: number, region?: { lo: Vec3; hi: Vec3 }): Volume<Float32Array> {
  const size = image.size;
  if (size.some((s) => s < 4)) {
    throw new Error(`LoG needs at least 4 voxels along every axis, image size is ${size.join('x')}`);
  }
  if (!(sigma > 0)) throw new Error(`LoG sigma must be > 0, got ${sigma}`);
  const count = voxelCount(size);
  const a = new Float32Array(count);
  const b = new Float32Array(count);
  const acc = new Float32Array(count);
  const work: Work = { data: new Float64Array(0), outs: new Float64Array(0), scratch: new Float64Array(0) };
  const smoothing = [0, 1, 2].map((d) => dericheCoefficients(sigma, image.spacing[d], 0, true));
  const full: AxisRanges = size.map((n) => [0, n - 1] as [number, number]);
  const box: AxisRanges = region ? [0, 1, 2].map((d) => [Math.max(0, region.lo[d]), Math.min(size[d] - 1, region.hi[d])] as [number, number]) : full;
  for (let dim = 0; dim < 3; dim++) {
    const second = dericheCoefficients(sigma, image.spacing[dim], 2, true);
    const others = [0, 1, 2].filter((d) => d !== dim);
    const afterFirst = full.map((r, d) => (d === dim ? box[d] : r));
    const afterSecond = afterFirst.map((r, d) => (d === others[0] ? box[d] : r));
    recursivePass(image.data, a, size, dim, second, work, full);
    recursivePass(a, b, size, others[0], smoothing[others[0]], work, afterFirst);
    recursivePass(b, a, size, others[1], smoothing[others[1]], work, afterSecond);
    // BinaryGeneratorImageFilter functor: float(a + b * (1.0 / spacing²)), computed in double
    const spacing2 = image.spacing[dim] * image.spacing[dim];
    const w = 1.0 / spacing2;
    if (!region) {
      for (let i = 0; i < count; i++) acc[i] = acc[i] + a[i] * w;
      continue;
    }
    for (let z = box[2][0]; z <= box[2][1]; z++)
      for (let y = box[1][0]; y <= box[1][1]; y++) {
        const base = size[0] * (y + size[1] * z);
        for (let i = base + box[0][0]; i <= base + box[0][1]; i++) acc[i] = acc[i] + a[i] * w;
      }
  }
  return { ...geometryOf(image), data: acc };
}

/**
 * Python's repr of a float (shortest round-trip digits; exponent form when the decimal
 * exponent is < -4 or >= 16, as float_repr_style 'short'), e.g. 3 -> '3.0', 1e-5 -> '1e-05'.
 */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const [mant, expText] = Math.abs(x).toExponential().split('e');
  const digits = mant.replace('.', '');
  const exp = Number(expText);
  const decpt = exp + 1; // position of the decimal point relative to the digits
  if (decpt <= -4 || decpt > 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : `${Math.abs(exp)}`;
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${e}`;
  }
  if (decpt <= 0) return `${sign}0.${'0'.repeat(-decpt)}${digits}`;
  if (decpt >= digits.length) return `${sign}${digits}${'0'.repeat(decpt - digits.length)}.0`;
  return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
}

/** A sigma setting's value and Python's `str` of it (see SigmaSetting). */
export function parseSigma(s: SigmaSetting): { value: number; text: string } {
  if (typeof s === 'number') return { value: s, text: pythonFloatRepr(s) };
  const t = s.trim();
  if (/^[-+]?[0-9]+$/.test(t)) {
    const v = Number(t);
    return { value: v, text: BigInt(t).toString() };
  }
  const v = Number(t);
  if (t === '' || Number.isNaN(v)) throw new Error(`setting 'sigma': '${s}' is not a number`);
  return { value: v, text: pythonFloatRepr(v) };
}

/** PyRadiomics's name: "log-sigma-" + str(sigma).replace(".", "-") + "-mm-3D". */
export function logImageName(sigma: SigmaSetting): string {
  return `log-sigma-${parseSigma(sigma).text.replaceAll('.', '-')}-mm-3D`;
}

/** PyRadiomics's size check and a readable copy of its warning; null when the sigma is used. */
function sigmaProblem(size: Vec3, spacing: Vec3, sigma: number, text: string): string | null {
  if (!(sigma > 0)) return `applyLoG: sigma must be greater than 0.0: ${text}`;
  for (let i = 0; i < 3; i++) {
    if (!(size[i] >= Math.ceil(sigma / spacing[i]) + 1)) {
      // PyRadiomics's message states the condition backwards; we say what is required.
      return `applyLoG: sigma ${text} skipped: the image size (${size.join(', ')}) must be at least ceil(sigma / spacing) + 1 ` +
        `along every axis (spacing ${spacing.join(', ')})`;
    }
  }
  return null;
}

/** The LoG image type: one float32 image per usable sigma, in the settings' order. */
export function* logImages(image: Volume, settings: FilterSettings, context?: FilterContext): Generator<DerivedImage> {
  const warn = context?.warn ?? (() => {});
  if (Math.min(...image.size) < 4) {
    warn(`Image too small to apply LoG filter, size: ${image.size.join(', ')}`);
    return;
  }
  for (const s of settings.sigma ?? []) {
    const { value, text } = parseSigma(s);
    const problem = sigmaProblem(image.size, image.spacing, value, text);
    if (problem) {
      warn(problem);
      continue;
    }
    yield { name: logImageName(s), image: laplacianOfGaussian(image, value, context?.region) };
  }
}
