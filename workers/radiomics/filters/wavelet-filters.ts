/**
 * Decomposition filters of the discrete wavelets PyWavelets offers (`pywt.wavelist(kind=
 * 'discrete')`): haar, db1..db38, sym2..sym20, coif1..coif17, bior/rbio 1.1 .. 6.8, dmey.
 * Built from pywt's coefficient tables (wavelet-coefficients.ts) the way pywt's C code builds
 * `Wavelet(name).dec_lo` / `.dec_hi` (pywt/_extensions/c/wavelets.c, discrete_wavelet):
 *
 *   db, sym, dmey (table c, length L):  dec_lo[i] = c[L-1-i]
 *                                       dec_hi[i] = (-1)^(L-1-i) * c[i]
 *   coif: the same with c = table * sqrt(2) (pywt stores Coiflets divided by sqrt(2))
 *   bior N.M (r = BIOR[N][0] shifted by n = Mmax - M, d = BIOR[N][M]):
 *                                       dec_lo[i] = d[L-1-i], dec_hi[i] = (-1)^(L-1-i) r[i+n]
 *                                       rec_lo[i] = r[i+n],   rec_hi[i] = (-1)^i d[L-1-i]
 *   rbio N.M: bior N.M with decomposition and reconstruction swapped, each reversed
 *   haar: db1
 *
 * pywt also keeps a float32 copy of each table (the same literals rounded to float); it uses
 * that copy, with float arithmetic, when the data are float32. `float32` below is that copy.
 */
import { BIOR, COIF, DB, DMEY, SYM } from './wavelet-coefficients.ts';

export interface WaveletFilterBank {
  /** pywt's lower-case name, e.g. 'coif1', 'bior2.2' */
  name: string;
  decLo: Float64Array;
  decHi: Float64Array;
  /** the same filters as pywt's float32 tables give them (used for float32 data) */
  decLo32: Float32Array;
  decHi32: Float32Array;
}

export class WaveletNameError extends Error {}

/** pywt's sqrt2_double / sqrt2_float (wavelets_coeffs.template.h). */
const SQRT2 = 1.4142135623730951;

/** bior N: the largest M of the family, which sets the padding of BIOR[N][0] (wavelets.c). */
const BIOR_M_MAX: Readonly<Record<number, number>> = { 1: 5, 2: 8, 3: 9, 4: 4, 5: 5, 6: 8 };

function orthogonalBank(name: string, table: readonly number[], scale: number | null): WaveletFilterBank {
  const L = table.length;
  const decLo = new Float64Array(L);
  const decHi = new Float64Array(L);
  const decLo32 = new Float32Array(L);
  const decHi32 = new Float32Array(L);
  const sqrt2f = Math.fround(SQRT2);
  for (let i = 0; i < L; i++) {
    const sign = (L - 1 - i) % 2 ? -1 : 1;
    // double: literal (as double) * sqrt2_double; float: (float)literal * sqrt2_float, in float
    const rev = table[L - 1 - i];
    const fwd = table[i];
    decLo[i] = scale === null ? rev : rev * scale;
    decHi[i] = sign * (scale === null ? fwd : fwd * scale);
    decLo32[i] = scale === null ? Math.fround(rev) : Math.fround(Math.fround(rev) * sqrt2f);
    decHi32[i] = sign * (scale === null ? Math.fround(fwd) : Math.fround(Math.fround(fwd) * sqrt2f));
  }
  return { name, decLo, decHi, decLo32, decHi32 };
}

function biorthogonalBank(name: string, N: number, M: number, reverse: boolean): WaveletFilterBank {
  const family = BIOR[N];
  const d = family?.[M];
  const r = family?.[0];
  if (!d || !r || M === 0) throw new WaveletNameError(`unknown wavelet '${name}'`);
  const L = N === 1 ? 2 * M : 2 * M + 2;
  const n = BIOR_M_MAX[N] - M;
  const lo = new Float64Array(L);
  const hi = new Float64Array(L);
  for (let i = 0; i < L; i++) {
    if (!reverse) {
      lo[i] = d[L - 1 - i];
      hi[i] = ((L - 1 - i) % 2 ? -1 : 1) * r[i + n];
    } else {
      // rbio: dec = reversed bior rec; rec_lo[k] = r[k+n], rec_hi[k] = (-1)^k d[L-1-k], k = L-1-i
      const k = L - 1 - i;
      lo[i] = r[k + n];
      hi[i] = (k % 2 ? -1 : 1) * d[L - 1 - k];
    }
  }
  return { name, decLo: lo, decHi: hi, decLo32: Float32Array.from(lo), decHi32: Float32Array.from(hi) };
}

const cache = new Map<string, WaveletFilterBank>();

/**
 * The decomposition filter bank of a pywt wavelet name (case-insensitive, as pywt lower-cases
 * it). Throws WaveletNameError naming the wavelet if pywt has no such discrete wavelet.
 */
export function waveletFilterBank(wavelet: string): WaveletFilterBank {
  const name = String(wavelet).toLowerCase();
  const cached = cache.get(name);
  if (cached) return cached;
  const bank = buildBank(name, wavelet);
  cache.set(name, bank);
  return bank;
}

function buildBank(name: string, asGiven: string): WaveletFilterBank {
  const unknown = () =>
    new WaveletNameError(
      `unknown wavelet '${asGiven}' (setting 'wavelet'): PyWavelets's discrete wavelets are haar, db1-db38, ` +
        'sym2-sym20, coif1-coif17, bior1.1-bior6.8, rbio1.1-rbio6.8 and dmey',
    );
  if (name === 'haar') return { ...orthogonalBank('haar', DB[1], null), name: 'haar' };
  if (name === 'dmey') return orthogonalBank(name, DMEY, null);
  let m = /^(db|sym|coif)([1-9][0-9]*)$/.exec(name);
  if (m) {
    const order = Number(m[2]);
    const table = m[1] === 'db' ? DB[order] : m[1] === 'sym' ? SYM[order] : COIF[order];
    if (!table) throw unknown();
    return orthogonalBank(name, table, m[1] === 'coif' ? SQRT2 : null);
  }
  m = /^(bior|rbio)([1-6])\.([0-9])$/.exec(name);
  if (m) {
    const N = Number(m[2]);
    const M = Number(m[3]);
    if (!BIOR[N]?.[M] || M === 0) throw unknown();
    return biorthogonalBank(name, N, M, m[1] === 'rbio');
  }
  throw unknown();
}

/** Every discrete wavelet name pywt 1.1.1 lists (`pywt.wavelist(kind='discrete')`), sorted as pywt sorts them. */
export function discreteWaveletNames(): string[] {
  const names: string[] = [];
  for (const N of Object.keys(BIOR).map(Number)) {
    for (const M of Object.keys(BIOR[N]).map(Number)) if (M > 0) names.push(`bior${N}.${M}`);
  }
  for (const k of Object.keys(COIF)) names.push(`coif${k}`);
  for (const k of Object.keys(DB)) names.push(`db${k}`);
  names.push('dmey', 'haar');
  for (const N of Object.keys(BIOR).map(Number)) {
    for (const M of Object.keys(BIOR[N]).map(Number)) if (M > 0) names.push(`rbio${N}.${M}`);
  }
  for (const k of Object.keys(SYM)) names.push(`sym${k}`);
  return names;
}
