import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../../io/volume.ts';
import { computeShape2D, shape2DClassInfo, Shape2DError } from './shape2D.ts';
import { columnSettings, compare, featureCells, printComparisons, readBaselineColumns, readCroppedLabel } from './shape-references.ts';

const CASES = ['brain1_shape2D', 'breast1_shape2D', 'lung1_shape2D'];
/** TestCase 'brain1_2D' is brain1_image.nrrd with brain1_label_2D.nrrd (the README of the baselines, §3). */
const label2DFile = (testCase: string): string => `${testCase.replace(/_2D$/, '')}_label_2D.nrrd`;
const ACTIVE = shape2DClassInfo.features.filter((f) => !f.deprecated).map((f) => f.name);

/** The same mask with its numpy axes permuted: our axis `a` becomes axis perm[a] (0 = x). */
function permute(mask: Uint8Array, size: Vec3, spacing: Vec3, perm: Vec3): { mask: Uint8Array; size: Vec3; spacing: Vec3 } {
  const ns = [0, 0, 0] as Vec3;
  const nsp = [0, 0, 0] as Vec3;
  for (let a = 0; a < 3; a++) {
    ns[perm[a]] = size[a];
    nsp[perm[a]] = spacing[a];
  }
  const out = new Uint8Array(mask.length);
  const idx = [0, 0, 0];
  for (let k = 0; k < size[2]; k++)
    for (let j = 0; j < size[1]; j++)
      for (let i = 0; i < size[0]; i++) {
        idx[perm[0]] = i;
        idx[perm[1]] = j;
        idx[perm[2]] = k;
        out[idx[0] + ns[0] * (idx[1] + ns[1] * idx[2])] = mask[i + size[0] * (j + size[1] * k)];
      }
  return { mask: out, size: ns, spacing: nsp };
}

describe('shape2D: feature list', () => {
  it('has the baseline features (non-deprecated), in PyRadiomics order, and flags SphericalDisproportion', () => {
    const baseline = [...featureCells(readBaselineColumns('baseline_shape2D.csv')[0].cells, 'original_shape2D_').keys()].sort();
    expect([...ACTIVE].sort()).toEqual(baseline);
    expect(ACTIVE).toEqual([...ACTIVE].sort());
    expect(shape2DClassInfo.features.filter((f) => f.deprecated).map((f) => f.name)).toEqual(['SphericalDisproportion']);
  });
});

describe('shape2D: PyRadiomics baselines (baseline_shape2D.csv, reconstructed *_label_2D.nrrd)', () => {
  for (const col of readBaselineColumns('baseline_shape2D.csv').filter((c) => CASES.includes(c.name))) {
    it(`${col.name}: every feature within 1e-6`, () => {
      const settings = columnSettings(col);
      const roi = readCroppedLabel(label2DFile(col.cells.get('diagnostics_Configuration_TestCase')!), Number(settings.label));
      const expected = featureCells(col.cells, 'original_shape2D_');
      const got = computeShape2D(roi.mask, roi.size, roi.spacing, [...expected.keys()], Number(settings.force2Ddimension));
      const rows = [...expected].map(([name, ref]) => compare(`${col.name} ${name}`, got[name], ref));
      printComparisons(`shape2D ${col.name}`, rows);
      expect(rows.filter((r) => !r.ok)).toEqual([]);
    });
  }

  it('gives the same values when the slice lies across y or x (force2Ddimension 1 or 2)', () => {
    const roi = readCroppedLabel('breast1_label_2D.nrrd', 1);
    const ref = computeShape2D(roi.mask, roi.size, roi.spacing, ACTIVE, 0);
    // numpy axes (z, y, x) = our (2, 1, 0). Put the slice axis (our z) on y: our (x, y, z) -> (x, z, y);
    // the in-plane numpy axes are then (z, x), the same rows and columns as (y, x) before.
    const onY = permute(roi.mask, roi.size, roi.spacing, [0, 2, 1]);
    expect(computeShape2D(onY.mask, onY.size, onY.spacing, ACTIVE, 1)).toEqual(ref);
    // on x: our (x, y, z) -> (y, z, x); in-plane numpy axes (z, y) hold the old (y, x)
    const onX = permute(roi.mask, roi.size, roi.spacing, [1, 2, 0]);
    expect(computeShape2D(onX.mask, onX.size, onX.spacing, ACTIVE, 2)).toEqual(ref);
  });
});

describe('shape2D: bad input', () => {
  it('rejects a mask more than one voxel thick along force2Ddimension, as PyRadiomics does', () => {
    const roi = readCroppedLabel('breast1_label.nrrd', 1);
    expect(() => computeShape2D(roi.mask, roi.size, roi.spacing, ACTIVE, 0)).toThrow(Shape2DError);
    expect(() => computeShape2D(roi.mask, roi.size, roi.spacing, ACTIVE, 0)).toThrow(/3 voxels thick along force2Ddimension 0 \(z\)/);
  });

  it('rejects a bad force2Ddimension, an unknown feature and an empty mask', () => {
    const roi = readCroppedLabel('breast1_label_2D.nrrd', 1);
    expect(() => computeShape2D(roi.mask, roi.size, roi.spacing, ACTIVE, 3)).toThrow(/force2Ddimension must be 0, 1 or 2/);
    expect(() => computeShape2D(roi.mask, roi.size, roi.spacing, ['Area'])).toThrow(/shape2D: unknown feature 'Area'/);
    expect(() => computeShape2D(new Uint8Array(4), [2, 2, 1], [1, 1, 1], ['Perimeter'])).toThrow(/no ROI voxel/);
  });

  it('computes the deprecated SphericalDisproportion on request as 1 / Sphericity', () => {
    const roi = readCroppedLabel('breast1_label_2D.nrrd', 1);
    const r = computeShape2D(roi.mask, roi.size, roi.spacing, ['SphericalDisproportion', 'Sphericity']);
    expect(r.SphericalDisproportion).toBe(1 / r.Sphericity);
  });
});
