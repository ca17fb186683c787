/**
 * The study's feature set: public/params/her2-dce-paper.yaml is PyRadiomics's
 * exampleMR_5mm.yaml (same parsed parameters), gives exactly 960 uniquely named features on
 * breast1, in the names and order of PyRadiomics's own output with that file
 * (../shared/conformance/pyradiomics-full/pyradiomics_paper_exampleMR_5mm.csv), with the
 * paper's counts per image and every Table 4 name; docs/paper-features.md is what
 * scripts/paper-features.ts generates from that output.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../workers/io/csv.ts';
import { parseParams } from '../workers/radiomics/settings.ts';
import { DOC, PAPER_PARAMS, paperFeatureNames, renderPaperFeaturesDoc, TABLE4 } from './paper-features.ts';

const FULL = resolve(process.cwd(), '../shared/conformance/pyradiomics-full');
const UPSTREAM = resolve(process.cwd(), '../shared/conformance/pyradiomics/params/exampleMR_5mm.yaml');

describe("the paper's params (public/params/her2-dce-paper.yaml)", () => {
  const names = paperFeatureNames();
  const reference = parseCsv(readFileSync(resolve(FULL, 'pyradiomics_paper_exampleMR_5mm.csv'), 'utf8')).filter((r) => r.length > 1);
  const refNames = reference[0].slice(3).filter((h) => !h.startsWith('diagnostics_'));

  it("parse to exactly PyRadiomics's exampleMR_5mm.yaml", () => {
    const ours = parseParams(readFileSync(PAPER_PARAMS, 'utf8'), 'ours');
    const upstream = parseParams(readFileSync(UPSTREAM, 'utf8'), 'upstream');
    expect(ours).toEqual(upstream);
  });

  it('give 960 uniquely named features on breast1, the names and order of PyRadiomics with exampleMR_5mm', () => {
    expect(names.length).toBe(960);
    expect(new Set(names).size).toBe(960);
    expect(names).toEqual(refNames);
  });

  it("have the paper's counts: 14 shape, 86 per image, LoG 2 x 86 = 172, wavelet 8 x 86 = 688", () => {
    const count = (re: RegExp) => names.filter((n) => re.test(n)).length;
    expect(count(/^original_shape_/)).toBe(14);
    expect(count(/^original_(?!shape_)/)).toBe(86);
    expect(count(/^original_firstorder_/)).toBe(18);
    expect(count(/^log-sigma-/)).toBe(172);
    expect(count(/^log-sigma-.*_firstorder_/)).toBe(36);
    expect(count(/^wavelet-/)).toBe(688);
  });

  it('include every feature of Table 4', () => {
    expect(TABLE4.length).toBe(16);
    expect(TABLE4.filter((n) => !names.includes(n))).toEqual([]);
    expect(TABLE4.filter((n) => !refNames.includes(n))).toEqual([]);
  });

  it('docs/paper-features.md is up to date (npx tsx scripts/paper-features.ts)', () => {
    expect(readFileSync(DOC, 'utf8')).toBe(renderPaperFeaturesDoc(names));
  });
});
