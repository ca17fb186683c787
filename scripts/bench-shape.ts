/**
 * `npx tsx scripts/bench-shape.ts` (or `npm run bench -- shape`): median time of the shape and shape2D
 * feature classes on PyRadiomics's test masks (cropped to the ROI, as the extractor hands them over),
 * and of the 3D-view surface mesh. Prints numbers only; nothing is asserted.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readNrrd } from '../workers/io/nrrd.ts';
import { computeShape, shapeClassInfo } from '../workers/radiomics/features/shape.ts';
import { computeShape2D, shape2DClassInfo } from '../workers/radiomics/features/shape2D.ts';
import { PYRADIOMICS, readCroppedLabel } from '../workers/radiomics/features/shape-references.ts';
import { surfaceMesh } from '../workers/radiomics/mesh/surface-mesh.ts';

const RUNS = 200;

function median(f: () => unknown): number {
  for (let i = 0; i < 20; i++) f(); // warm up the JIT
  const t: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    f();
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return t[RUNS >> 1];
}

const fmt = (ms: number) => `${ms.toFixed(3)} ms`;
const shapeAll = shapeClassInfo.features.filter((f) => !f.deprecated).map((f) => f.name);
const shape2DAll = shape2DClassInfo.features.filter((f) => !f.deprecated).map((f) => f.name);
const parts: Record<string, string[]> = {
  'mesh (MeshVolume, SurfaceArea)': ['MeshVolume', 'SurfaceArea'],
  'diameters (4)': ['Maximum3DDiameter', 'Maximum2DDiameterSlice', 'Maximum2DDiameterColumn', 'Maximum2DDiameterRow'],
  'axes (eigenvalues)': ['MajorAxisLength', 'MinorAxisLength', 'LeastAxisLength'],
};

console.log(`median of ${RUNS} runs (Node ${process.version})`);
for (const name of ['breast1', 'brain1', 'lung1']) {
  const roi = readCroppedLabel(`${name}_label.nrrd`, 1);
  const voxels = roi.mask.reduce((a, b) => a + b, 0);
  console.log(`${name} (ROI ${voxels} voxels, box ${roi.size.join('x')})`);
  console.log(`  shape, all ${shapeAll.length} features: ${fmt(median(() => computeShape(roi.mask, roi.size, roi.spacing, shapeAll)))}`);
  for (const [part, features] of Object.entries(parts)) {
    console.log(`    ${part}: ${fmt(median(() => computeShape(roi.mask, roi.size, roi.spacing, features)))}`);
  }
  const roi2D = readCroppedLabel(`${name}_label_2D.nrrd`, 1);
  console.log(`  shape2D, all ${shape2DAll.length} features: ${fmt(median(() => computeShape2D(roi2D.mask, roi2D.size, roi2D.spacing, shape2DAll)))}`);
  const vol = readNrrd(readFileSync(join(PYRADIOMICS, 'data', `${name}_label.nrrd`)));
  console.log(
    `  surfaceMesh on the whole ${vol.size.join('x')} label: ${fmt(median(() => surfaceMesh(vol.data, vol.size, vol.spacing, vol.origin, vol.direction, 1)))}`,
  );
}
