/**
 * The shared vitest suite of the texture classes' feature-conformance tests (kept apart
 * from texture-conformance.fixtures.ts so that scripts can use the fixtures without vitest).
 */
import { describe, expect, it } from 'vitest';
import type { TextureCompute } from '../types.ts';
import { AVAILABLE_CASES, conformanceColumns, fullPipelineColumns, runColumn } from './texture-conformance.fixtures.ts';

/**
 * Declares the feature-conformance tests of a texture class: every covered column of
 * baseline_<cls>.csv for brain1 and breast1 (lung1's columns need lung1_image.nrrd, which
 * is not in ../shared, so none is generated), then today's PyRadiomics full-pipeline
 * references. Each test prints its largest relative error and every mismatch.
 */
export function featureConformanceSuite(cls: string, compute: TextureCompute, suffixes: readonly string[]): void {
  const columns = conformanceColumns(cls);
  describe(`${cls} features vs PyRadiomics baseline_${cls}.csv, brain1 and breast1 (lung1 columns need lung1_image.nrrd, not in ../shared)`, () => {
    it('finds every column it should reproduce', () => {
      expect(columns.map((c) => c.name)).toEqual(AVAILABLE_CASES.flatMap((c) => suffixes.map((s) => c + s)));
    });
    for (const column of columns) {
      it(column.name, () => {
        const r = runColumn(column, compute);
        console.log(`${cls} ${column.name}: ${column.values.size} features, max rel error ${r.worst.toExponential(2)} (${r.worstFeature})`);
        for (const m of r.mismatches) console.log(`MISMATCH ${cls} ${m}`);
        expect(r.mismatches).toEqual([]);
      });
    }
  });
  describe(`${cls} original-image features vs today's PyRadiomics (pyradiomics-full configs 1 and 2)`, () => {
    for (const column of fullPipelineColumns(cls)) {
      it(column.name, () => {
        const r = runColumn(column, compute);
        console.log(`${cls} ${column.name}: ${column.values.size} features, max rel error ${r.worst.toExponential(2)} (${r.worstFeature})`);
        for (const m of r.mismatches) console.log(`MISMATCH ${cls} ${m}`);
        expect(column.values.size).toBeGreaterThan(0);
        expect(r.mismatches).toEqual([]);
      });
    }
  });
}
