/**
 * PyRadiomics's 2D shape features (radiomics/shape2D.py, with its C part radiomics/src/cshape.c) of a
 * one-slice ROI: the slice is taken out along force2Ddimension, padded with one layer of zeros and its
 * contour built by marching squares (../mesh/marching-squares.ts).
 * Formulas: https://pyradiomics.readthedocs.io/en/latest/features.html#module-radiomics.shape2D
 *
 * Notation: A = MeshSurface, P = Perimeter, lambda_major >= lambda_minor the eigenvalues of the population
 * covariance of the spaced pixel-centre coordinates.
 */
import type { Vec3 } from '../../io/volume.ts';
import type { FeatureClassInfo } from '../types.ts';
import { contourDiameter } from '../mesh/diameters.ts';
import { maskBoundingBox, type PaddedGrid } from '../mesh/grid.ts';
import { contourMeasures, type PerimeterMeasures } from '../mesh/marching-squares.ts';
import { principalMoments2D } from '../mesh/principal-axes.ts';

/** In PyRadiomics's output order (its getFeatureNames sorts the class's members by name). */
export const shape2DClassInfo: FeatureClassInfo = {
  name: 'shape2D',
  features: [
    { name: 'Elongation' },
    { name: 'MajorAxisLength' },
    { name: 'MaximumDiameter' },
    { name: 'MeshSurface' },
    { name: 'MinorAxisLength' },
    { name: 'Perimeter' },
    { name: 'PerimeterSurfaceRatio' },
    { name: 'PixelSurface' },
    { name: 'SphericalDisproportion', deprecated: true },
    { name: 'Sphericity' },
  ],
};

class Shape2DInputs {
  private measures?: PerimeterMeasures;
  private diameter?: number;
  private moments?: [number, number];

  /** `grid` has nz = 1: rows and columns are the two in-plane numpy axes; `spacing` = [row, column] mm */
  constructor(readonly grid: PaddedGrid, readonly spacing: [number, number]) {}
  get A(): number {
    return this.contour().surface;
  }
  get P(): number {
    return this.contour().perimeter;
  }
  private contour(): PerimeterMeasures {
    return (this.measures ??= contourMeasures(this.grid.data, this.grid.ny, this.grid.nx, this.spacing));
  }
  maxDiameter(): number {
    return (this.diameter ??= contourDiameter(this.grid, this.spacing));
  }
  /** [minor, major] */
  lambda(): [number, number] {
    return (this.moments ??= principalMoments2D(this.grid, this.spacing));
  }
}

const axisLength = (lambda: number): number => (lambda < 0 ? NaN : Math.sqrt(lambda) * 4);

const FEATURES: Record<string, (s: Shape2DInputs) => number> = {
  // sqrt(lambda_minor / lambda_major)
  Elongation: (s) => (s.lambda()[0] < 0 || s.lambda()[1] < 0 ? NaN : Math.sqrt(s.lambda()[0] / s.lambda()[1])),
  // 4 sqrt(lambda_major)
  MajorAxisLength: (s) => axisLength(s.lambda()[1]),
  // largest distance between contour vertices
  MaximumDiameter: (s) => s.maxDiameter(),
  // A = sum over segments of (Oa x Ob) / 2 (signed)
  MeshSurface: (s) => s.A,
  // 4 sqrt(lambda_minor)
  MinorAxisLength: (s) => axisLength(s.lambda()[0]),
  // P = sum of the segment lengths
  Perimeter: (s) => s.P,
  // P / A
  PerimeterSurfaceRatio: (s) => s.P / s.A,
  // N_p * pixel area
  PixelSurface: (s) => s.grid.count * (s.spacing[1] * s.spacing[0]),
  // P / (2 sqrt(pi A)) = 1 / Sphericity
  SphericalDisproportion: (s) => 1 / ((2 * Math.sqrt(Math.PI * s.A)) / s.P),
  // 2 sqrt(pi A) / P
  Sphericity: (s) => (2 * Math.sqrt(Math.PI * s.A)) / s.P,
};

export class Shape2DError extends Error {}

/**
 * The enabled 2D shape features of a one-slice ROI (nonzero voxels of `mask`, x fastest,
 * `size` = [nx, ny, nz], `spacing` = [sx, sy, sz] mm), in the order of `enabled`. `force2Ddimension`
 * is the numpy axis across the slice (0 = z, 1 = y, 2 = x); the mask (normally already cropped to the
 * ROI's bounding box) must be one voxel thick along it, as PyRadiomics requires.
 */
export function computeShape2D(
  mask: Uint8Array,
  size: Vec3,
  spacing: Vec3,
  enabled: readonly string[],
  force2Ddimension = 0,
): Record<string, number> {
  for (const name of enabled) if (!(name in FEATURES)) throw new Shape2DError(`shape2D: unknown feature '${name}'`);
  if (![0, 1, 2].includes(force2Ddimension)) {
    throw new Shape2DError(`shape2D: force2Ddimension must be 0, 1 or 2 (numpy axis: z, y, x), got ${force2Ddimension}`);
  }
  if (mask.length !== size[0] * size[1] * size[2]) {
    throw new Shape2DError(`shape2D: mask has ${mask.length} voxels, size ${size.join('x')} needs ${size[0] * size[1] * size[2]}`);
  }
  const box = maskBoundingBox(mask, size);
  if (!box) throw new Shape2DError('shape2D: the mask has no ROI voxel');
  const across = 2 - force2Ddimension; // our axis index (0 = x) of the numpy axis force2Ddimension
  if (box.size[across] > 1) {
    throw new Shape2DError(
      `shape2D: the ROI is ${box.size[across]} voxels thick along force2Ddimension ${force2Ddimension} ` +
        `(${'zyx'[force2Ddimension]}); 2D shape needs a one-slice ROI`,
    );
  }
  // in-plane numpy axes, slowest first: e.g. (y, x) for force2Ddimension 0
  const [rowAxis, colAxis] = [2, 1, 0].filter((a) => a !== across);
  const rows = box.size[rowAxis] + 2, cols = box.size[colAxis] + 2;
  const data = new Uint8Array(rows * cols);
  const stride = [1, size[0], size[0] * size[1]];
  const start = box.lower[0] + size[0] * (box.lower[1] + size[1] * box.lower[2]);
  let count = 0;
  for (let r = 0; r < box.size[rowAxis]; r++) {
    for (let c = 0; c < box.size[colAxis]; c++) {
      if (mask[start + r * stride[rowAxis] + c * stride[colAxis]] !== 0) {
        data[(r + 1) * cols + c + 1] = 1;
        count++;
      }
    }
  }
  const grid: PaddedGrid = { data, nz: 1, ny: rows, nx: cols, count };
  const inputs = new Shape2DInputs(grid, [spacing[rowAxis], spacing[colAxis]]);
  const out: Record<string, number> = {};
  for (const name of enabled) out[name] = FEATURES[name](inputs);
  return out;
}
