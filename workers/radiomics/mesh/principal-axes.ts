/**
 * Principal moments of an ROI, as PyRadiomics's shape and shape2D classes compute them
 * (radiomics/shape.py, _initSegmentBasedCalculation): the eigenvalues of the population covariance
 * of the spaced voxel-centre coordinates, eigenvalues in (-1e-10, 0) rounded to 0 ("machine
 * precision errors"), sorted from small to large.
 */
import type { PaddedGrid } from './grid.ts';

/** Eigenvalues (ascending) of the covariance of the ROI voxels of `g`, `spacing` = [sz, sy, sx]. */
export function principalMoments3D(g: PaddedGrid, spacing: readonly [number, number, number]): [number, number, number] {
  const c = covariance(g, spacing);
  return roundAndSort(symmetricEigenvalues3(c[0], c[1], c[2], c[3], c[4], c[5])) as [number, number, number];
}

/** Eigenvalues (ascending) of the 2x2 covariance of a one-slice grid, `spacing` = [row, column]. */
export function principalMoments2D(g: PaddedGrid, spacing: readonly [number, number]): [number, number] {
  if (g.nz !== 1) throw new Error('principalMoments2D: the grid must be one slice thick');
  const c = covariance(g, [0, spacing[0], spacing[1]]);
  // [cyy, cyx, cxx] = c[3], c[4], c[5]
  return roundAndSort(symmetricEigenvalues2(c[3], c[4], c[5])) as [number, number];
}

/**
 * Population covariance [zz, zy, zx, yy, yx, xx] of the spaced voxel coordinates. Deviations are
 * taken in index units from the exact mean (a flat axis gives exactly 0), then scaled.
 */
function covariance(g: PaddedGrid, spacing: readonly [number, number, number]): Float64Array {
  const { data, nz, ny, nx } = g;
  let n = 0, sz = 0, sy = 0, sx = 0;
  let i = 0;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++, i++) {
        if (!data[i]) continue;
        n++;
        sz += z;
        sy += y;
        sx += x;
      }
    }
  }
  const mz = sz / n, my = sy / n, mx = sx / n;
  let zz = 0, zy = 0, zx = 0, yy = 0, yx = 0, xx = 0;
  i = 0;
  for (let z = 0; z < nz; z++) {
    const dz = z - mz;
    for (let y = 0; y < ny; y++) {
      const dy = y - my;
      for (let x = 0; x < nx; x++, i++) {
        if (!data[i]) continue;
        const dx = x - mx;
        zz += dz * dz;
        zy += dz * dy;
        zx += dz * dx;
        yy += dy * dy;
        yx += dy * dx;
        xx += dx * dx;
      }
    }
  }
  const [s0, s1, s2] = spacing;
  return Float64Array.from([
    (zz * s0 * s0) / n, (zy * s0 * s1) / n, (zx * s0 * s2) / n,
    (yy * s1 * s1) / n, (yx * s1 * s2) / n, (xx * s2 * s2) / n,
  ]);
}

function roundAndSort(values: number[]): number[] {
  return values.map((v) => (v < 0 && v > -1e-10 ? 0 : v)).sort((a, b) => a - b);
}

/** Eigenvalues of [[a, b], [b, c]]; the smaller one from det / larger, to keep its precision. */
export function symmetricEigenvalues2(a: number, b: number, c: number): number[] {
  const mean = (a + c) / 2;
  const r = Math.hypot((a - c) / 2, b);
  const big = mean >= 0 ? mean + r : mean - r;
  const small = big !== 0 ? (a * c - b * b) / big : 0;
  return [small, big];
}

/**
 * Eigenvalues of the symmetric matrix [[a, b, c], [b, d, e], [c, e, f]] by cyclic Jacobi rotations
 * (Golub & Van Loan, Matrix Computations, 8.5): accurate for small eigenvalues too.
 */
export function symmetricEigenvalues3(a: number, b: number, c: number, d: number, e: number, f: number): number[] {
  const m = [
    [a, b, c],
    [b, d, e],
    [c, e, f],
  ];
  for (let sweep = 0; sweep < 60; sweep++) {
    const off = m[0][1] * m[0][1] + m[0][2] * m[0][2] + m[1][2] * m[1][2];
    const diag = m[0][0] * m[0][0] + m[1][1] * m[1][1] + m[2][2] * m[2][2];
    if (off === 0 || off <= 1e-36 * diag) break;
    for (let p = 0; p < 2; p++) {
      for (let q = p + 1; q < 3; q++) {
        const apq = m[p][q];
        if (apq === 0) continue;
        // rotation angle that zeroes m[p][q] (the smaller root, for stability)
        const theta = (m[q][q] - m[p][p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const cs = 1 / Math.sqrt(t * t + 1);
        const sn = t * cs;
        for (let k = 0; k < 3; k++) {
          const mkp = m[k][p], mkq = m[k][q];
          m[k][p] = cs * mkp - sn * mkq;
          m[k][q] = sn * mkp + cs * mkq;
        }
        for (let k = 0; k < 3; k++) {
          const mpk = m[p][k], mqk = m[q][k];
          m[p][k] = cs * mpk - sn * mqk;
          m[q][k] = sn * mpk + cs * mqk;
        }
        m[p][q] = 0;
        m[q][p] = 0;
      }
    }
  }
  return [m[0][0], m[1][1], m[2][2]];
}
