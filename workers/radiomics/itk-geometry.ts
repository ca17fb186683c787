/**
 * ITK's index <-> physical point transforms (itk::ImageBase), operation for operation, so
 * that resampling grids and centres of mass agree with SimpleITK's to the last bit.
 * Direction matrices are assumed orthonormal (ITK inverts Direction * diag(spacing)).
 */
import type { Geometry, Mat3, Vec3 } from '../io/volume.ts';

/** ITK's m_IndexToPhysicalPoint = Direction * diag(spacing), row-major. */
export function indexToPhysicalMatrix(g: Geometry): Mat3 {
  const d = g.direction;
  const s = g.spacing;
  return [d[0] * s[0], d[1] * s[1], d[2] * s[2], d[3] * s[0], d[4] * s[1], d[5] * s[2], d[6] * s[0], d[7] * s[1], d[8] * s[2]];
}

/** ITK's m_PhysicalPointToIndex for an orthonormal direction: diag(1/spacing) * Direction^T. */
export function physicalToIndexMatrix(g: Geometry): Mat3 {
  const d = g.direction;
  const s = g.spacing;
  return [d[0] / s[0], d[3] / s[0], d[6] / s[0], d[1] / s[1], d[4] / s[1], d[7] / s[1], d[2] / s[2], d[5] / s[2], d[8] / s[2]];
}

/** ImageBase::TransformIndexToPhysicalPoint (integer index): origin first, then each term. */
export function itkIndexToPhysical(g: Geometry, i: number, j: number, k: number): Vec3 {
  const m = indexToPhysicalMatrix(g);
  const p: Vec3 = [0, 0, 0];
  for (let r = 0; r < 3; r++) {
    let v = g.origin[r];
    v += m[3 * r] * i;
    v += m[3 * r + 1] * j;
    v += m[3 * r + 2] * k;
    p[r] = v;
  }
  return p;
}

/** ImageBase::TransformContinuousIndexToPhysicalPoint: the sum first, then the origin. */
export function itkContinuousIndexToPhysical(g: Geometry, idx: readonly number[]): Vec3 {
  const m = indexToPhysicalMatrix(g);
  const p: Vec3 = [0, 0, 0];
  for (let r = 0; r < 3; r++) {
    let sum = 0;
    sum += m[3 * r] * idx[0];
    sum += m[3 * r + 1] * idx[1];
    sum += m[3 * r + 2] * idx[2];
    p[r] = sum + g.origin[r];
  }
  return p;
}

/** ImageBase::TransformPhysicalPointToContinuousIndex. */
export function itkPhysicalToContinuousIndex(g: Geometry, p: readonly number[]): Vec3 {
  const m = physicalToIndexMatrix(g);
  const c0 = p[0] - g.origin[0];
  const c1 = p[1] - g.origin[1];
  const c2 = p[2] - g.origin[2];
  const out: Vec3 = [0, 0, 0];
  for (let r = 0; r < 3; r++) {
    let sum = 0;
    sum += m[3 * r] * c0;
    sum += m[3 * r + 1] * c1;
    sum += m[3 * r + 2] * c2;
    out[r] = sum;
  }
  return out;
}
