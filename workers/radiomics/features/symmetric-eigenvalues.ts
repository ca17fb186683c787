/**
 * Eigenvalues of a real symmetric matrix: Householder reduction to tridiagonal form, then
 * the implicit QL iteration with Wilkinson shifts (Golub & Van Loan, "Matrix
 * Computations", sections 8.3 and 8.3.5; the textbook tred2 / tql1 pair). Backward
 * stable: each eigenvalue is accurate to a few ulps of the matrix norm.
 */

/**
 * Eigenvalues, ascending, of the symmetric m x m matrix `a` (row-major; only the lower
 * triangle is read). `a` is overwritten.
 */
export function symmetricEigenvalues(a: Float64Array, m: number): Float64Array {
  const d = new Float64Array(m);
  const e = new Float64Array(m);
  tridiagonalize(a, m, d, e);
  tridiagonalQl(d, e, m);
  d.sort();
  return d;
}

/** Householder reduction: diagonal into d, sub-diagonal into e[0..m-2] (e[i] couples i and i+1). */
function tridiagonalize(a: Float64Array, m: number, d: Float64Array, e: Float64Array): void {
  // Work on the full symmetric matrix: mirror the lower triangle into the upper one.
  for (let i = 0; i < m; i++) for (let j = 0; j < i; j++) a[j * m + i] = a[i * m + j];
  const v = new Float64Array(m);
  const p = new Float64Array(m);
  for (let k = 0; k < m - 2; k++) {
    // Annihilate a[k+2.., k] with the reflector I - beta v v^T acting on rows/cols k+1..m-1.
    let norm2 = 0;
    for (let i = k + 1; i < m; i++) norm2 += a[i * m + k] * a[i * m + k];
    const x0 = a[(k + 1) * m + k];
    if (norm2 === 0) {
      e[k] = 0;
      continue;
    }
    const alpha = x0 > 0 ? -Math.sqrt(norm2) : Math.sqrt(norm2);
    for (let i = k + 1; i < m; i++) v[i] = a[i * m + k];
    v[k + 1] = x0 - alpha;
    const vv = norm2 - x0 * x0 + v[k + 1] * v[k + 1];
    e[k] = alpha;
    if (vv === 0) continue;
    const beta = 2 / vv;
    // p = beta * A22 v
    for (let i = k + 1; i < m; i++) {
      let s = 0;
      const row = i * m;
      for (let j = k + 1; j < m; j++) s += a[row + j] * v[j];
      p[i] = beta * s;
    }
    let vp = 0;
    for (let i = k + 1; i < m; i++) vp += v[i] * p[i];
    const half = (beta * vp) / 2;
    for (let i = k + 1; i < m; i++) p[i] -= half * v[i]; // w = p - (beta v.p / 2) v
    // A22 -= v w^T + w v^T
    for (let i = k + 1; i < m; i++) {
      const row = i * m;
      const vi = v[i];
      const pi = p[i];
      for (let j = k + 1; j < m; j++) a[row + j] -= vi * p[j] + pi * v[j];
    }
  }
  for (let i = 0; i < m; i++) d[i] = a[i * m + i];
  if (m >= 2) e[m - 2] = a[(m - 1) * m + (m - 2)];
  e[m - 1] = 0;
}

/** Implicit QL on the tridiagonal (d, e); eigenvalues are left in d (unsorted). */
function tridiagonalQl(d: Float64Array, e: Float64Array, m: number): void {
  for (let l = 0; l < m; l++) {
    let iter = 0;
    for (;;) {
      // Find a negligible sub-diagonal element to split the matrix at.
      let k = l;
      for (; k < m - 1; k++) {
        const dd = Math.abs(d[k]) + Math.abs(d[k + 1]);
        if (Math.abs(e[k]) + dd === dd) break;
      }
      if (k === l) break;
      if (++iter > 60) throw new Error('symmetric eigenvalues: QL iteration did not converge');
      // Wilkinson shift from the leading 2x2 block.
      let g = (d[l + 1] - d[l]) / (2 * e[l]);
      let r = pythag(g, 1);
      g = d[k] - d[l] + e[l] / (g + (g >= 0 ? r : -r));
      let s = 1;
      let c = 1;
      let shift = 0;
      let i = k - 1;
      let deflated = false;
      for (; i >= l; i--) {
        const f = s * e[i];
        const b = c * e[i];
        r = pythag(f, g);
        e[i + 1] = r;
        if (r === 0) {
          // Underflow: the matrix splits here; undo the partial shift and restart.
          d[i + 1] -= shift;
          e[k] = 0;
          deflated = true;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[i + 1] - shift;
        r = (d[i] - g) * s + 2 * c * b;
        shift = s * r;
        d[i + 1] = g + shift;
        g = c * r - b;
      }
      if (deflated) continue;
      d[l] -= shift;
      e[l] = g;
      e[k] = 0;
    }
  }
}

/** sqrt(a^2 + b^2) without overflow (Math.hypot is much slower in V8). */
function pythag(a: number, b: number): number {
  const x = Math.abs(a);
  const y = Math.abs(b);
  if (x > y) {
    const r = y / x;
    return x * Math.sqrt(1 + r * r);
  }
  if (y === 0) return 0;
  const r = x / y;
  return y * Math.sqrt(1 + r * r);
}
