/**
 * PyRadiomics's 3D shape features (radiomics/shape.py, with its C part radiomics/src/cshape.c), on the
 * mask alone: the mask is cropped to the ROI's bounding box, padded with one layer of zeros, and meshed
 * by marching cubes (../mesh). Formulas: https://pyradiomics.readthedocs.io/en/latest/features.html#module-radiomics.shape
 *
 * Notation: V = MeshVolume, A = SurfaceArea, lambda_major >= lambda_minor >= lambda_least the eigenvalues
 * of the population covariance of the spaced voxel-centre coordinates.
 */
import type { Vec3 } from '../../io/volume.ts';
import type { FeatureClassInfo } from '../types.ts';
import { meshDiameters, type Diameters } from '../mesh/diameters.ts';
import { maskBoundingBox, paddedGrid, type PaddedGrid } from '../mesh/grid.ts';
import { meshMeasures, type MeshMeasures } from '../mesh/marching-cubes.ts';
import { principalMoments3D } from '../mesh/principal-axes.ts';

/** In PyRadiomics's output order (its getFeatureNames sorts the class's members by name). */
export const shapeClassInfo: FeatureClassInfo = {
  name: 'shape',
  features: [
    { name: 'Compactness1', deprecated: true },
    { name: 'Compactness2', deprecated: true },
    { name: 'Elongation' },
    { name: 'Flatness' },
    { name: 'LeastAxisLength' },
    { name: 'MajorAxisLength' },
    { name: 'Maximum2DDiameterColumn' },
    { name: 'Maximum2DDiameterRow' },
    { name: 'Maximum2DDiameterSlice' },
    { name: 'Maximum3DDiameter' },
    { name: 'MeshVolume' },
    { name: 'MinorAxisLength' },
    { name: 'SphericalDisproportion', deprecated: true },
    { name: 'Sphericity' },
    { name: 'SurfaceArea' },
    { name: 'SurfaceVolumeRatio' },
    { name: 'VoxelVolume' },
  ],
};

/** What the features are computed from; each part is computed only when an enabled feature needs it. */
class ShapeInputs {
  private measures?: MeshMeasures;
  private diams?: Diameters;
  private moments?: [number, number, number];
  /** PyRadiomics's pixelSpacing: [sz, sy, sx] */
  readonly spacing: [number, number, number];

  constructor(readonly grid: PaddedGrid, spacing: Vec3) {
    this.spacing = [spacing[2], spacing[1], spacing[0]];
  }
  get V(): number {
    return this.mesh().volume;
  }
  get A(): number {
    return this.mesh().surfaceArea;
  }
  private mesh(): MeshMeasures {
    return (this.measures ??= meshMeasures(this.grid, this.spacing));
  }
  diameters(): Diameters {
    return (this.diams ??= meshDiameters(this.grid, this.spacing));
  }
  /** [least, minor, major] */
  lambda(): [number, number, number] {
    return (this.moments ??= principalMoments3D(this.grid, this.spacing));
  }
}

/** PyRadiomics returns NaN (with a warning) for an axis whose eigenvalue is negative. */
const axisLength = (lambda: number): number => (lambda < 0 ? NaN : Math.sqrt(lambda) * 4);
const ratio = (small: number, large: number): number => (small < 0 || large < 0 ? NaN : Math.sqrt(small / large));

const FEATURES: Record<string, (s: ShapeInputs) => number> = {
  // V / (sqrt(pi) A^(3/2))
  Compactness1: (s) => s.V / (s.A ** (3 / 2) * Math.sqrt(Math.PI)),
  // 36 pi V^2 / A^3
  Compactness2: (s) => (36 * Math.PI * s.V ** 2) / s.A ** 3,
  // sqrt(lambda_minor / lambda_major)
  Elongation: (s) => ratio(s.lambda()[1], s.lambda()[2]),
  // sqrt(lambda_least / lambda_major)
  Flatness: (s) => ratio(s.lambda()[0], s.lambda()[2]),
  // 4 sqrt(lambda_least)
  LeastAxisLength: (s) => axisLength(s.lambda()[0]),
  // 4 sqrt(lambda_major)
  MajorAxisLength: (s) => axisLength(s.lambda()[2]),
  // largest distance between mesh vertices with equal y (row-slice, usually coronal, plane)
  Maximum2DDiameterColumn: (s) => s.diameters().column,
  // largest distance between mesh vertices with equal x (column-slice, usually sagittal, plane)
  Maximum2DDiameterRow: (s) => s.diameters().row,
  // largest distance between mesh vertices with equal z (row-column, usually axial, plane)
  Maximum2DDiameterSlice: (s) => s.diameters().slice,
  // largest distance between any two mesh vertices (Feret diameter)
  Maximum3DDiameter: (s) => s.diameters().max3D,
  // V = sum over faces of Oa . (Ob x Oc) / 6
  MeshVolume: (s) => s.V,
  // 4 sqrt(lambda_minor)
  MinorAxisLength: (s) => axisLength(s.lambda()[1]),
  // A / (36 pi V^2)^(1/3)
  SphericalDisproportion: (s) => s.A / (36 * Math.PI * s.V ** 2) ** (1 / 3),
  // (36 pi V^2)^(1/3) / A
  Sphericity: (s) => (36 * Math.PI * s.V ** 2) ** (1 / 3) / s.A,
  // A = sum over faces of |ab x ac| / 2
  SurfaceArea: (s) => s.A,
  // A / V
  SurfaceVolumeRatio: (s) => s.A / s.V,
  // N_v * voxel volume (PyRadiomics multiplies z * x * y)
  VoxelVolume: (s) => s.grid.count * (s.spacing[0] * s.spacing[2] * s.spacing[1]),
};

export class ShapeError extends Error {}

/**
 * The enabled 3D shape features of the ROI (nonzero voxels of `mask`, x fastest, `size` = [nx, ny, nz],
 * `spacing` = [sx, sy, sz] mm), in the order of `enabled`. The mask is normally already cropped to the
 * ROI's bounding box; any mask works (the box is taken again).
 */
export function computeShape(mask: Uint8Array, size: Vec3, spacing: Vec3, enabled: readonly string[]): Record<string, number> {
  for (const name of enabled) if (!(name in FEATURES)) throw new ShapeError(`shape: unknown feature '${name}'`);
  if (mask.length !== size[0] * size[1] * size[2]) {
    throw new ShapeError(`shape: mask has ${mask.length} voxels, size ${size.join('x')} needs ${size[0] * size[1] * size[2]}`);
  }
  const box = maskBoundingBox(mask, size);
  if (!box) throw new ShapeError('shape: the mask has no ROI voxel');
  const inputs = new ShapeInputs(paddedGrid(mask, size, box), spacing);
  const out: Record<string, number> = {};
  for (const name of enabled) out[name] = FEATURES[name](inputs);
  return out;
}
