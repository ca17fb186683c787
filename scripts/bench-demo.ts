/**
 * `npx tsx scripts/bench-demo.ts` (or `npm run bench -- demo`): time to generate the demo
 * cohort with `her2 demo` into a temporary folder: the study's 118 patients on the
 * default 128 x 128 x 40 grid, and one patient on the study's 384 x 384 x 88 grid. Prints
 * wall-clock and CPU time (the machine is shared, so CPU time is the steadier figure) and
 * the bytes written; nothing is asserted. The folders are deleted afterwards.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../bin/commands/demo.ts';

function folderBytes(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    const s = statSync(p);
    if (s.isDirectory()) {
      const r = folderBytes(p);
      files += r.files;
      bytes += r.bytes;
    } else {
      files++;
      bytes += s.size;
    }
  }
  return { files, bytes };
}

async function bench(label: string, args: string[]): Promise<void> {
  const out = mkdtempSync(join(tmpdir(), 'her2-bench-demo-'));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const log = console.log;
  console.log = () => {};
  try {
    await run(['--out', out, '--force', ...args]);
  } finally {
    console.log = log;
  }
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const { files, bytes } = folderBytes(out);
  console.log(
    `${label}: ${wall.toFixed(1)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU; ` +
      `${files} files, ${(bytes / 1e6).toFixed(0)} MB`,
  );
  rmSync(out, { recursive: true, force: true });
}

console.log(`her2 demo (Node ${process.version}, seed 42)`);
await bench('118 patients, 128x128x40 (the study cohort)', ['--seed', '42']);
await bench('1 patient, 384x384x88 (the study grid)', ['--seed', '42', '--patients', '1', '--grid', '384x384x88']);
