/**
 * `npx tsx scripts/bench-filters.ts` (or `npm run bench -- filters`): median single-thread
 * times of the LoG (sigma 3 and 5 mm, the paper's) and coif1 wavelet image types, on
 * breast1 and brain1 (whole images, as PyRadiomics's defaults filter them, and the padded crops
 * of preCrop), on a 3 mm padded crop of a 30 mm lesion (what the paper's resampled settings
 * filter), and on a 384 x 384 x 88 synthetic DCE-sized volume (whole image).
 */
import { resolve } from 'node:path';
import type { Vec3, Volume } from '../workers/io/volume.ts';
import { IDENTITY } from '../workers/io/volume.ts';
import { imageTypeFilter } from '../workers/radiomics/filters/index.ts';
import { cropBox, readCaseImage, readManifest, SHARED } from '../workers/radiomics/filters/test-support.ts';

function synthetic(size: Vec3, spacing: Vec3, seed: number): Volume {
  const [nx, ny, nz] = size;
  const data = new Int16Array(nx * ny * nz);
  let s = seed >>> 0;
  const cx = nx / 2, cy = ny / 2, cz = nz / 2;
  const r = 15; // mm: a 30 mm lesion
  for (let k = 0, p = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, p++) {
        s = (s * 1664525 + 1013904223) >>> 0;
        const dx = (i - cx) * spacing[0], dy = (j - cy) * spacing[1], dz = (k - cz) * spacing[2];
        const inside = dx * dx + dy * dy + dz * dz < r * r;
        data[p] = (inside ? 800 : 300) + (s >>> 24);
      }
    }
  }
  return { size, spacing, origin: [0, 0, 0], direction: [...IDENTITY], data };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * Median wall time and median CPU time (ms) of fn, repeated until ~1.5 s or 25 runs (at least
 * 3), after one warm-up run. On a shared machine the CPU time (user + system of this
 * single-threaded process) is the steadier figure.
 */
function time(fn: () => void): { wall: number; cpu: number } {
  fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  const start = performance.now();
  while (wall.length < 3 || (wall.length < 25 && performance.now() - start < 1500)) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

function consume(type: string, image: Volume, settings: object): number {
  let n = 0;
  for (const d of imageTypeFilter(type)(image, settings)) n += d.image.data.length > 0 ? 1 : 0;
  return n;
}

const cases: { name: string; image: Volume }[] = [];
for (const c of ['breast1', 'brain1']) {
  const image = readCaseImage(c);
  cases.push({ name: `${c} whole image`, image });
  cases.push({ name: `${c} padded crop`, image: cropBox(image, readManifest(c).paddedBox) });
}
cases.push({ name: '30 mm lesion, 3 mm padded crop', image: synthetic([20, 20, 20], [3, 3, 3], 7) });
cases.push({ name: '384x384x88 whole image', image: synthetic([384, 384, 88], [0.7, 0.7, 2], 11) });

const load = (await import('node:os')).loadavg()[0];
console.log(`filters, single thread, median ms: wall (cpu) (inputs from ${resolve(SHARED, 'conformance')}; load average ${load.toFixed(1)})`);
console.log('case'.padEnd(34) + 'size'.padEnd(14) + 'LoG 3,5 mm'.padStart(20) + 'wavelet coif1'.padStart(20) + 'total'.padStart(20));
const fmt = (t: { wall: number; cpu: number }) => `${t.wall.toFixed(2)} (${t.cpu.toFixed(2)})`.padStart(20);
for (const { name, image } of cases) {
  const log = time(() => consume('LoG', image, { sigma: [3.0, 5.0] }));
  const wav = time(() => consume('Wavelet', image, { wavelet: 'coif1' }));
  console.log(name.padEnd(34) + image.size.join('x').padEnd(14) + fmt(log) + fmt(wav) + fmt({ wall: log.wall + wav.wall, cpu: log.cpu + wav.cpu }));
}
