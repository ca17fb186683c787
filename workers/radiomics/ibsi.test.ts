/**
 * The IBSI digital phantom (../shared/conformance/ibsi) through `extract`, in PyRadiomics
 * mode and in `ibsi` mode, against the consensus values of the IBSI-1 workbook
 * (ibsi1_reference_values_digital_phantom.csv, read here: no value is typed by hand),
 * with the workbook's own tolerance rule. Every tag mapped in ibsi.ts must match in
 * `ibsi` mode. The test writes docs/ibsi.md from what it measured.
 *
 * Phantom settings (IBSI manual, "Reference data sets"): no discretisation needed (fixed
 * bin size 1 leaves the grey levels unchanged), no resegmentation, distance 1, NGLDM
 * alpha 0 (gldm_a 0, the default).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../io/csv.ts';
import { readNifti } from '../io/nifti.ts';
import { extract } from './extractor.ts';
import { aggregationSettings, IBSI_TAGS, ibsiMatch, type Aggregation, type IbsiTag } from './ibsi.ts';
import { paramsFromGiven } from './settings.ts';

const IBSI = resolve(process.cwd(), '../shared/conformance/ibsi');
const DOC = resolve(process.cwd(), 'docs/ibsi.md');

interface Reference {
  feature: string;
  value: number;
  tolerance: number;
  consensus: string;
}

function readReferences(): Map<string, Reference> {
  const table = parseCsv(readFileSync(join(IBSI, 'reference_values/ibsi1_reference_values_digital_phantom.csv'), 'utf8'));
  const header = table[0];
  const col = (name: string) => header.indexOf(name);
  const out = new Map<string, Reference>();
  for (const r of table.slice(1)) {
    if (r.length < header.length || r[col('reference_value')] === '') continue;
    out.set(r[col('tag')], {
      feature: r[col('feature')],
      value: Number(r[col('reference_value')]),
      tolerance: Number(r[col('tolerance')]),
      consensus: r[col('consensus')],
    });
  }
  return out;
}

/** Every mapped feature of one aggregation, in one mode. */
function computeGroup(aggregation: Aggregation, tags: readonly IbsiTag[], ibsi: boolean): Record<string, number> {
  const image = readNifti(readFileSync(join(IBSI, 'digital_phantom/nifti/image/phantom.nii.gz')), 'phantom.nii.gz');
  const mask = readNifti(readFileSync(join(IBSI, 'digital_phantom/nifti/mask/mask.nii.gz')), 'mask.nii.gz');
  const featureClass: Record<string, string[]> = {};
  for (const t of tags) {
    const list = (featureClass[t.featureClass] ??= []);
    if (!list.includes(t.feature)) list.push(t.feature);
  }
  const a = aggregationSettings(aggregation);
  const params = paramsFromGiven(
    { imageType: { Original: {} }, featureClass, setting: { binWidth: 1, label: 1, ibsi, force2D: a.force2D, weightingNorm: a.weightingNorm } },
    `IBSI phantom ${aggregation}`,
  );
  return extract(image, mask, params).features;
}

function settingsText(t: IbsiTag): string {
  const a = aggregationSettings(t.aggregation);
  const parts: string[] = [];
  if (a.force2D) parts.push('force2D');
  if (a.weightingNorm) parts.push(`weightingNorm ${a.weightingNorm}`);
  return parts.join(', ');
}

function fmt(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(6))) : String(v);
}

describe('IBSI digital phantom', () => {
  it('ibsi mode matches every mapped tag; docs/ibsi.md is written from the results', () => {
    const refs = readReferences();
    const rows: string[] = [];
    const failures: string[] = [];
    let pyMatches = 0;
    let ibsiMatches = 0;
    const groups = new Map<Aggregation, IbsiTag[]>();
    for (const t of IBSI_TAGS) groups.set(t.aggregation, [...(groups.get(t.aggregation) ?? []), t]);
    for (const [aggregation, tags] of groups) {
      const py = computeGroup(aggregation, tags, false);
      const ib = computeGroup(aggregation, tags, true);
      for (const t of tags) {
        const ref = refs.get(t.tag);
        if (!ref) {
          failures.push(`${t.tag}: not in the reference CSV`);
          continue;
        }
        const key = `original_${t.featureClass}_${t.feature}`;
        const vPy = py[key];
        const vIb = ib[key];
        const mPy = ibsiMatch(ref.value, ref.tolerance, vPy);
        const mIb = ibsiMatch(ref.value, ref.tolerance, vIb);
        if (mPy === 'match') pyMatches++;
        if (mIb === 'match') ibsiMatches++;
        else failures.push(`${t.tag} (${key}): ibsi mode ${vIb}, reference ${ref.value} +- ${ref.tolerance}: ${mIb}`);
        const settings = settingsText(t);
        rows.push(
          `| \`${t.tag}\` | ${t.featureClass}_${t.feature}${settings ? ` (${settings})` : ''}${t.note ? ` [^${t.feature}]` : ''} | ${ref.value}${ref.tolerance ? ` ± ${ref.tolerance}` : ''} | ${fmt(vPy)} (${mPy}) | ${fmt(vIb)} (${mIb}) |`,
        );
      }
    }
    const unmapped = [...refs.keys()].filter((tag) => !IBSI_TAGS.some((t) => t.tag === tag));
    const notes = [...new Map(IBSI_TAGS.filter((t) => t.note).map((t) => [t.feature, t.note!])).entries()];
    const doc = [
      '# IBSI digital phantom: PyRadiomics mode and `ibsi` mode',
      '',
      '_Generated by `workers/radiomics/ibsi.test.ts` from its own results; do not edit by hand._',
      '',
      'The IBSI-1 digital phantom (`../shared/conformance/ibsi/digital_phantom/nifti`) run through',
      "`extract` with binWidth 1 (the phantom's grey levels unchanged), once with PyRadiomics's",
      'definitions and once with `ibsi: true`. Reference values and tolerances are read from',
      '`ibsi1_reference_values_digital_phantom.csv` and judged with the workbook\'s rule: the',
      "difference is truncated at the reference's third significant digit; match if it is at most",
      'the tolerance, partial match if below three tolerances.',
      '',
      'What `ibsi: true` changes (workers/radiomics/ibsi.ts): fixed-bin-size bins counted from the',
      "resegmentation range's lower bound or the ROI minimum; Ng from the bin range; excess",
      'kurtosis; no voxelArrayShift; PCA axis lengths from the n - 1 covariance. Aggregation: GLCM',
      'and GLRLM `_avg` = features per direction averaged (weightingNorm null), `_comb` = matrices',
      'summed first (weightingNorm no_weighting); 2.5D = force2D. GLDM with gldm_a 0 is NGLDM.',
      '',
      `Mapped tags: ${IBSI_TAGS.length}. Matches: PyRadiomics mode ${pyMatches}, \`ibsi\` mode ${ibsiMatches}.`,
      '',
      '| IBSI tag | PyRadiomics feature (settings) | reference | PyRadiomics mode | `ibsi` mode |',
      '| --- | --- | --- | --- | --- |',
      ...rows,
      '',
      ...notes.map(([f, n]) => `[^${f}]: ${n}.`),
      '',
      `Not mapped (${unmapped.length} tags with a reference value): features PyRadiomics does not compute`,
      '(e.g. asphericity, centre-of-mass shift, AABB/AEE/convex-hull densities, integrated intensity,',
      "Moran's I, Geary's C, most intensity-histogram features, GLDZM, IVH, local intensity peaks),",
      'deprecated duplicates PyRadiomics drops (NGLDM grey-level non-uniformity normalised, dependence',
      'count percentage), dependence count energy, and the 2D (per-slice) aggregations, which',
      'PyRadiomics has no setting for.',
      '',
    ].join('\n');
    writeFileSync(DOC, doc);
    console.log(`IBSI phantom: ${IBSI_TAGS.length} mapped tags; PyRadiomics mode ${pyMatches} match, ibsi mode ${ibsiMatches} match`);
    if (failures.length) console.log(failures.map((f) => `  NO MATCH ${f}`).join('\n'));
    expect(failures).toEqual([]);
  });
});
