/**
 * LBP2D against PyRadiomics's getLBP2DImage run with scikit-image 0.19.3 (fixtures/, written by
 * scripts/filters-reference/make_fixtures.py): default settings on the breast1 padded crop
 * (int16: the values are stored back as int16), radius 2 / 16 samples / 'default' across
 * numpy axis 1 (values past 32767 wrap, as numpy's cast does), 'ror' with radius 1.5 and
 * 'var' on float32 data, 'nri_uniform'. Expected identical.
 */
import { describe, expect, it } from 'vitest';
import { lbp2dImages } from './lbp2d.ts';
import { fixtureInput, fixtureOutputs, readFixtureManifest } from './test-support.ts';

describe('LBP2D matches PyRadiomics + scikit-image', () => {
  const manifest = readFixtureManifest();
  for (const c of manifest.cases.filter((x) => x.function === 'getLBP2DImage')) {
    it(c.id, () => {
      const warnings: string[] = [];
      const out = [...lbp2dImages(fixtureInput(manifest, c.input), c.settings, { warn: (m) => warnings.push(m) })];
      expect(out.map((d) => d.name)).toEqual(c.names);
      const ref = fixtureOutputs(c)[0];
      const mine = out[0].image.data;
      let differing = 0;
      for (let i = 0; i < ref.length; i++) {
        const same = mine[i] === ref[i] || (Number.isNaN(mine[i]) && Number.isNaN(ref[i]));
        if (!same) {
          differing++;
          if (differing <= 5) console.log(`${c.id} voxel ${i}: mine ${mine[i]} skimage ${ref[i]}`);
        }
      }
      console.log(`${c.id}: ${ref.length} voxels, ${differing} differ`);
      expect(differing).toBe(0);
      expect(warnings.length).toBe(c.settings.force2D ? 0 : 1);
    });
  }
});
