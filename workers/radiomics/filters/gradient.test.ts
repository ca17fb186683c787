/**
 * Gradient against ITK 5.2.1's GradientMagnitudeImageFilter<Image<short,3>, Image<float,3>>
 * (what SimpleITK runs for PyRadiomics), on the breast1 and brain1 padded crops, with and
 * without image spacing (fixtures/gradient_*.nrrd, scripts/filters-reference/gradient_magnitude.cxx).
 * The arithmetic is ITK's, so the float32 values are expected to be identical.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gradientImage } from './gradient.ts';
import { cropBox, FIXTURES_DIR, readCaseImage, readManifest, readVolume } from './test-support.ts';

const CASES = [
  { caseName: 'breast1', file: 'gradient_breast1_padded_spacing.nrrd', useSpacing: true },
  { caseName: 'breast1', file: 'gradient_breast1_padded_nospacing.nrrd', useSpacing: false },
  { caseName: 'brain1', file: 'gradient_brain1_padded_spacing.nrrd', useSpacing: true },
];

describe('Gradient matches ITK GradientMagnitudeImageFilter', () => {
  for (const { caseName, file, useSpacing } of CASES) {
    it(file, () => {
      const crop = cropBox(readCaseImage(caseName), readManifest(caseName).paddedBox);
      const d = gradientImage(crop, useSpacing);
      const ref = readVolume(resolve(FIXTURES_DIR, file));
      expect(d.name).toBe('gradient');
      expect(d.image.size).toEqual(ref.size);
      expect(ref.data).toBeInstanceOf(Float32Array);
      let differing = 0;
      for (let i = 0; i < ref.data.length; i++) {
        if (d.image.data[i] !== ref.data[i]) {
          differing++;
          if (differing <= 10) console.log(`${file} voxel ${i}: mine ${d.image.data[i]} ITK ${ref.data[i]}`);
        }
      }
      console.log(`${file}: ${ref.data.length} voxels, ${differing} differ`);
      expect(differing).toBe(0);
    });
  }
});
