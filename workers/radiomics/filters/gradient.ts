/**
 * PyRadiomics's Gradient image type (imageoperations.getGradientImage): SimpleITK's
 * GradientMagnitudeImageFilter, i.e. itk::GradientMagnitudeImageFilter<input, Image<float>>
 * with UseImageSpacing = `gradientUseSpacing` (default true). As ITK computes it
 * (itkGradientMagnitudeImageFilter.hxx, itkDerivativeOperator.hxx):
 *
 *   g_d = (0 + c * x[i-1]) + 0 * x[i] + (-c) * x[i+1],  c = 0.5 * (1 / spacing_d) (or 0.5),
 *   |grad| = float(sqrt(g_x^2 + g_y^2 + g_z^2)), all in double;
 *
 * the derivative operator's coefficients are [0.5, 0, -0.5] (the sign does not matter for the
 * magnitude); at the image border the missing neighbour is the border voxel itself (ITK's
 * ZeroFluxNeumannBoundaryCondition). Output float32 on the input's grid.
 */
import type { Volume } from '../../io/volume.ts';
import { geometryOf } from '../../io/volume.ts';
import type { DerivedImage } from './types.ts';

export function gradientMagnitude(image: Volume, useSpacing: boolean): Volume<Float32Array> {
  const [nx, ny, nz] = image.size;
  const src = image.data;
  const c = [0, 1, 2].map((d) => {
    if (!useSpacing) return 0.5;
    const s = image.spacing[d];
    if (s === 0) throw new Error('Gradient: image spacing cannot be zero');
    return 0.5 * (1.0 / s);
  });
  const [cx, cy, cz] = c;
  const out = new Float32Array(src.length);
  const sy = nx;
  const sz = nx * ny;
  for (let k = 0; k < nz; k++) {
    const zm = k > 0 ? -sz : 0;
    const zp = k < nz - 1 ? sz : 0;
    for (let j = 0; j < ny; j++) {
      const ym = j > 0 ? -sy : 0;
      const yp = j < ny - 1 ? sy : 0;
      const row = (k * ny + j) * nx;
      for (let i = 0; i < nx; i++) {
        const p = row + i;
        const xm = i > 0 ? -1 : 0;
        const xp = i < nx - 1 ? 1 : 0;
        // ITK adds 0 * x[p] between the two terms; it changes nothing but a -0, which squares away
        const gx = cx * src[p + xm] + -cx * src[p + xp];
        const gy = cy * src[p + ym] + -cy * src[p + yp];
        const gz = cz * src[p + zm] + -cz * src[p + zp];
        let a = gx * gx;
        a += gy * gy;
        a += gz * gz;
        out[p] = Math.sqrt(a);
      }
    }
  }
  return { ...geometryOf(image), data: out };
}

export function gradientImage(image: Volume, useSpacing = true): DerivedImage {
  return { name: 'gradient', image: gradientMagnitude(image, useSpacing) };
}
