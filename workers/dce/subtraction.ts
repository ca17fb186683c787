/**
 * DCE subtraction images, as breast radiologists read them: post_k - pre, voxel by voxel,
 * in Float32 (signed: washout and noise go below zero), and the maximum intensity
 * projection (MIP) of such a volume. DOM-free.
 */
import { geometryOf, sameGeometry, type Vec3, type Volume } from '../io/volume.ts';

export class GeometryMismatchError extends Error {}

/** post - pre as Float32, on their common grid. The two grids must coincide. */
export function subtractPhases(post: Volume, pre: Volume, tolerance = 1e-4): Volume<Float32Array> {
  if (!sameGeometry(post, pre, tolerance)) {
    throw new GeometryMismatchError(
      `subtraction needs both phases on one grid: size ${post.size.join('x')} vs ${pre.size.join('x')}, ` +
        `spacing ${post.spacing.join(',')} vs ${pre.spacing.join(',')}, origin ${post.origin.join(',')} vs ${pre.origin.join(',')}`,
    );
  }
  const n = post.data.length;
  const out = new Float32Array(n);
  const a = post.data;
  const b = pre.data;
  for (let i = 0; i < n; i++) out[i] = a[i] - b[i];
  return { ...geometryOf(post), data: out };
}

/**
 * Maximum along index axis `axis` (0 = i, 1 = j, 2 = k). The result is a one-voxel-thick
 * volume on the same grid otherwise, placed at the middle of the projected extent so that
 * it lies inside the source volume (reference lines and the cursor stay meaningful); its
 * spacing along `axis` is the full extent projected (n * spacing).
 */
export function maximumIntensityProjection(volume: Volume, axis: 0 | 1 | 2): Volume<Float32Array> {
  const [nx, ny, nz] = volume.size;
  const src = volume.data;
  const size: Vec3 = [nx, ny, nz];
  size[axis] = 1;
  const out = new Float32Array(size[0] * size[1] * size[2]).fill(-Infinity);
  if (axis === 2) {
    const plane = nx * ny;
    for (let k = 0; k < nz; k++) {
      const base = k * plane;
      for (let p = 0; p < plane; p++) {
        const v = src[base + p];
        if (v > out[p]) out[p] = v;
      }
    }
  } else if (axis === 1) {
    for (let k = 0; k < nz; k++) {
      for (let j = 0; j < ny; j++) {
        const base = nx * (j + ny * k);
        const o = nx * k;
        for (let i = 0; i < nx; i++) {
          const v = src[base + i];
          if (v > out[o + i]) out[o + i] = v;
        }
      }
    }
  } else {
    for (let k = 0; k < nz; k++) {
      for (let j = 0; j < ny; j++) {
        const base = nx * (j + ny * k);
        const o = j + ny * k;
        let m = out[o];
        for (let i = 0; i < nx; i++) {
          const v = src[base + i];
          if (v > m) m = v;
        }
        out[o] = m;
      }
    }
  }
  const g = geometryOf(volume);
  const n = volume.size[axis];
  const d = g.direction;
  const shift = (g.spacing[axis] * (n - 1)) / 2;
  g.origin = [
    g.origin[0] + d[axis] * shift,
    g.origin[1] + d[3 + axis] * shift,
    g.origin[2] + d[6 + axis] * shift,
  ];
  g.spacing[axis] = g.spacing[axis] * n;
  g.size = size;
  return { ...g, data: out };
}

/** The three orthogonal MIPs (along k: axial for an axial acquisition; along j; along i). */
export function orthogonalMips(volume: Volume): [Volume<Float32Array>, Volume<Float32Array>, Volume<Float32Array>] {
  return [
    maximumIntensityProjection(volume, 0),
    maximumIntensityProjection(volume, 1),
    maximumIntensityProjection(volume, 2),
  ];
}
