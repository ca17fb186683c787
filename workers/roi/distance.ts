/**
 * Exact Euclidean distance transform of a 2D binary image with anisotropic pixel spacing
 * (Felzenszwalb & Huttenlocher, "Distance Transforms of Sampled Functions", Theory of
 * Computing 8, 2012: the lower envelope of parabolas, one pass along x, then one along y).
 * Distances are between pixel centres, in millimetres. DOM-free.
 */

/** Scratch arrays, sized for the longest line of an image. */
export interface EdtScratch {
  f: Float64Array;
  d: Float64Array;
  v: Int32Array;
  z: Float64Array;
}

export function edtScratch(n: number): EdtScratch {
  return { f: new Float64Array(n), d: new Float64Array(n), v: new Int32Array(n), z: new Float64Array(n + 1) };
}

/**
 * d[q] = min over p of ((q - p) * step)^2 + f[p], for q, p in [0, n): the lower envelope of
 * the parabolas rooted at the samples of f (Infinity where f has no feature). F&H section
 * 2.1, positions in mm (x = index * step).
 */
function squaredDistance1D(n: number, step: number, s: EdtScratch): void {
  const { f, d, v, z } = s;
  let k = -1;
  for (let q = 0; q < n; q++) {
    const fq = f[q];
    if (fq === Infinity) continue;
    const xq = q * step;
    if (k < 0) {
      k = 0;
      v[0] = q;
      z[0] = -Infinity;
      continue;
    }
    // Where the new parabola overtakes the last one of the envelope; pop those it hides.
    let x: number;
    for (;;) {
      const xp = v[k] * step;
      x = (fq + xq * xq - (f[v[k]] + xp * xp)) / (2 * (xq - xp));
      if (x > z[k]) break;
      k--; // z[0] is -Infinity: k never drops below 0 here
    }
    k++;
    v[k] = q;
    z[k] = x;
  }
  if (k < 0) {
    d.fill(Infinity, 0, n);
    return;
  }
  z[k + 1] = Infinity;
  let j = 0;
  for (let q = 0; q < n; q++) {
    const x = q * step;
    while (z[j + 1] < x) j++;
    const dx = x - v[j] * step;
    d[q] = dx * dx + f[v[j]];
  }
}

/**
 * Squared distance (mm^2) from each pixel centre of a w x h image (x fastest) to the
 * nearest pixel centre where `feature` is nonzero; Infinity when there is none.
 * `out` must hold w * h values.
 */
export function squaredDistanceTransform(
  feature: Uint8Array,
  w: number,
  h: number,
  sx: number,
  sy: number,
  out: Float64Array,
  scratch: EdtScratch = edtScratch(Math.max(w, h)),
): Float64Array {
  const s = scratch;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) s.f[x] = feature[row + x] !== 0 ? 0 : Infinity;
    squaredDistance1D(w, sx, s);
    for (let x = 0; x < w; x++) out[row + x] = s.d[x];
  }
  for (let x = 0; x < w; x++) {
    for (let y = 0; y < h; y++) s.f[y] = out[y * w + x];
    squaredDistance1D(h, sy, s);
    for (let y = 0; y < h; y++) out[y * w + x] = s.d[y];
  }
  return out;
}
