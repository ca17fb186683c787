/**
 * `interpolator: sitkLinear` against ITK itself: PyRadiomics's resampleImage grid for
 * breast1 and brain1 (resampledPixelSpacing 2 and 3 mm, padDistance 5), the image resampled
 * by itk::ResampleImageFilter + LinearInterpolateImageFunction and the mask by
 * NearestNeighborInterpolateImageFunction (ITK 5.2.1), as SimpleITK runs them for PyRadiomics
 * (input pixel type, default value 0). The references, the grids and the command lines are in
 * fixtures-resample/manifest.json, made by scripts/resample-reference/make_fixtures.py.
 *
 * ITK interpolates in double and casts once to the output type (clamp, then static_cast:
 * truncation toward zero for short/int, round to nearest for float), so every output voxel
 * is expected to be identical, float32 included. The cases can tell the casts apart: on the
 * short references, rounding instead of truncating changes 975 to 19895 voxels per case, and
 * on breast1_int16_minus60_3mm (552 negative values) floor instead of truncation changes 550.
 * The two crop cases also have grid voxels outside the image (default value 0).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNrrd } from '../io/nrrd.ts';
import type { VoxelArray } from '../io/volume.ts';
import { selectLabel } from './mask.ts';
import { resampleForPyRadiomics } from './resample.ts';
import { resolveSettings } from './settings.ts';

interface Grid {
  size: number[];
  spacing: number[];
  origin: number[];
  direction: number[];
}

interface Case {
  id: string;
  image: string;
  mask: string;
  label: number;
  settings: { resampledPixelSpacing: number[]; interpolator: string; padDistance: number };
  grid: Grid;
  imageOutput: string;
  maskOutput?: string;
}

const root = process.cwd();
const manifest = JSON.parse(readFileSync(resolve(root, 'workers/radiomics/fixtures-resample/manifest.json'), 'utf8')) as { cases: Case[] };
const nrrd = (path: string) => readNrrd(readFileSync(resolve(root, path)), path);

/** Number of voxels that differ and the largest |difference|. */
function compare(ours: VoxelArray, ref: VoxelArray): { voxels: number; differing: number; maxAbsDiff: number } {
  let differing = 0;
  let maxAbsDiff = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs(ours[i] - ref[i]);
    if (d !== 0) differing++;
    if (d > maxAbsDiff) maxAbsDiff = d;
  }
  return { voxels: ref.length, differing, maxAbsDiff };
}

describe('resampling with sitkLinear matches ITK 5.2.1 (PyRadiomics resampleImage)', () => {
  for (const c of manifest.cases) {
    it(`${c.id}: grid, linear image and nearest-neighbour mask`, () => {
      const image = nrrd(c.image);
      const mask = nrrd(c.mask);
      // the 3 mm cases give the interpolator as PyRadiomics's integer (SimpleITK's enum: sitkLinear = 2)
      const interpolator = c.settings.resampledPixelSpacing[0] === 3 ? 2 : 'sitkLinear';
      const s = resolveSettings([
        ['resampledPixelSpacing', c.settings.resampledPixelSpacing],
        ['interpolator', interpolator],
      ]);
      expect(s.interpolator).toBe('sitkLinear');
      expect(s.padDistance).toBe(c.settings.padDistance);
      const roi = selectLabel(mask, c.label);
      const r = resampleForPyRadiomics(image, roi, mask, {
        resampledPixelSpacing: s.resampledPixelSpacing!,
        interpolator: s.interpolator!,
        padDistance: s.padDistance,
      });

      // the grid: PyRadiomics's (make_fixtures.py), bit for bit, and the reference file's
      const ref = nrrd(c.imageOutput);
      const grid = { size: [...r.geometry.size], spacing: [...r.geometry.spacing], origin: [...r.geometry.origin], direction: [...r.geometry.direction] };
      expect(grid).toEqual({ size: c.grid.size, spacing: c.grid.spacing, origin: c.grid.origin, direction: c.grid.direction });
      expect(grid).toEqual({ size: [...ref.size], spacing: [...ref.spacing], origin: [...ref.origin], direction: [...ref.direction] });
      expect({ ...r.image, data: null }).toMatchObject({ size: ref.size, spacing: ref.spacing, origin: ref.origin, direction: ref.direction });

      // the voxels: same pixel type, every value identical
      expect(r.image.data.constructor).toBe(ref.data.constructor);
      expect(compare(r.image.data, ref.data)).toEqual({ voxels: ref.data.length, differing: 0, maxAbsDiff: 0 });

      if (c.maskOutput) {
        const refMask = nrrd(c.maskOutput);
        expect([...refMask.size]).toEqual(grid.size);
        const refRoi = Uint8Array.from(refMask.data, (v) => (v === c.label ? 1 : 0));
        expect(compare(r.roi, refRoi)).toEqual({ voxels: refRoi.length, differing: 0, maxAbsDiff: 0 });
      }
    });
  }
});
