/**
 * Bench: original-image feature extraction (PyRadiomics's default parameters: Original,
 * shape + firstorder + glcm + gldm + glrlm + glszm + ngtdm) on breast1 and brain1, warm, from
 * decoded arrays, single thread. Prints the median over the runs per step and in total.
 * The step times come from the extractor's progress events: "prepare" is label selection,
 * mask checks and diagnostics (hashes, components); "firstorder" includes cropping and
 * discretisation, which the classes after it reuse.
 *
 *   npx tsx scripts/bench-extract.ts [runs]
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { readNrrd } from '../workers/io/nrrd.ts';
import { extract, type ProgressEvent } from '../workers/radiomics/extractor.ts';
import { defaultParams } from '../workers/radiomics/settings.ts';

const DATA = resolve(import.meta.dirname, '../../shared/conformance/pyradiomics/data');
const runs = Number(process.argv[2] ?? 15);
const WARMUP = 3;

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

for (const id of ['breast1', 'brain1']) {
  const image = readNrrd(readFileSync(`${DATA}/${id}_image.nrrd`), id);
  const mask = readNrrd(readFileSync(`${DATA}/${id}_label.nrrd`), id);
  const params = defaultParams();
  const steps = new Map<string, number[]>();
  const totals: number[] = [];
  let nFeatures = 0;
  for (let r = 0; r < WARMUP + runs; r++) {
    const marks: [string, number][] = [];
    const t0 = performance.now();
    const result = extract(image, mask, params, {
      onProgress: (e: ProgressEvent) => marks.push([e.stage === 'prepare' ? 'prepare' : e.featureClass!, performance.now()]),
    });
    const t1 = performance.now();
    nFeatures = Object.keys(result.features).length;
    if (r < WARMUP) continue;
    totals.push(t1 - t0);
    marks.forEach(([name, t], i) => {
      const end = i + 1 < marks.length ? marks[i + 1][1] : t1;
      steps.set(name, [...(steps.get(name) ?? []), end - t]);
    });
  }
  const line = [...steps].map(([k, v]) => `${k} ${median(v).toFixed(2)}`).join(', ');
  console.log(`${id} (${image.size.join('x')}, ${nFeatures} original-image features): total ${median(totals).toFixed(2)} ms median of ${runs} [${line} ms]`);
}
