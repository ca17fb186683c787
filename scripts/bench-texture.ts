/**
 * Median time per texture class (matrix + all default features) and of the
 * discretisation, on PyRadiomics's brain1 and breast1 test cases with the base settings
 * (binWidth 25, class defaults), after 10 warm-up runs. Run: npx tsx scripts/bench-texture.ts [runs]
 */
import { binImage } from '../workers/radiomics/discretize.ts';
import { computeGlcm, glcmInfo } from '../workers/radiomics/features/glcm.ts';
import { computeGldm, gldmInfo } from '../workers/radiomics/features/gldm.ts';
import { computeGlrlm, glrlmInfo } from '../workers/radiomics/features/glrlm.ts';
import { computeGlszm, glszmInfo } from '../workers/radiomics/features/glszm.ts';
import { computeNgtdm, ngtdmInfo } from '../workers/radiomics/features/ngtdm.ts';
import { cropCase } from '../workers/radiomics/features/texture-conformance.fixtures.ts';
import { DEFAULT_TEXTURE_SETTINGS, type FeatureClassInfo, type TextureCompute } from '../workers/radiomics/types.ts';

const runs = Number(process.argv[2] ?? 21);
const classes: [FeatureClassInfo, TextureCompute][] = [
  [glcmInfo, computeGlcm],
  [glrlmInfo, computeGlrlm],
  [glszmInfo, computeGlszm],
  [gldmInfo, computeGldm],
  [ngtdmInfo, computeNgtdm],
];

function median(times: number[]): number {
  const s = [...times].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(fn: () => unknown): number {
  for (let r = 0; r < 10; r++) fn(); // warm up the JIT
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

for (const testCase of ['brain1', 'breast1']) {
  const roi = cropCase(testCase);
  const binned = binImage(roi, { binWidth: 25 });
  let voxels = 0;
  for (let i = 0; i < roi.mask.length; i++) voxels += roi.mask[i];
  const row: string[] = [`discretize ${time(() => binImage(roi, { binWidth: 25 })).toFixed(2)}`];
  let total = 0;
  for (const [info, compute] of classes) {
    const enabled = info.features.filter((f) => !f.deprecated).map((f) => f.name);
    const t = time(() => compute(binned, DEFAULT_TEXTURE_SETTINGS, enabled));
    total += t;
    row.push(`${info.name} ${t.toFixed(2)}`);
  }
  console.log(`${testCase} (crop ${roi.size.join('x')}, ${voxels} ROI voxels, ${binned.grayLevels.length} levels), median of ${runs} runs, ms: ${row.join(', ')}; texture total ${total.toFixed(2)}`);
}
