#!/usr/bin/env node
// `npm run bench`: runs every scripts/bench-*.{ts,mjs} in turn and prints its figures.
// `npm run bench -- extract filters` runs only the named ones.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const ORDER = ['extract', 'texture', 'shape', 'filters', 'paper', 'pool', 'dicom', 'demo', 'load', 'paint', 'fit'];
const only = process.argv.slice(2);
const files = readdirSync(new URL('.', import.meta.url))
  .filter((f) => /^bench-.+\.(ts|mjs)$/.test(f))
  .sort((a, b) => {
    const ka = ORDER.indexOf(a.replace(/^bench-|\.(ts|mjs)$/g, ''));
    const kb = ORDER.indexOf(b.replace(/^bench-|\.(ts|mjs)$/g, ''));
    return (ka < 0 ? 99 : ka) - (kb < 0 ? 99 : kb) || a.localeCompare(b);
  });
let failed = 0;
for (const f of files) {
  const name = f.replace(/^bench-|\.(ts|mjs)$/g, '');
  if (only.length && !only.includes(name)) continue;
  console.log(`\n### ${name}`);
  const cmd = f.endsWith('.ts') ? ['npx', ['tsx', `scripts/${f}`]] : ['node', [`scripts/${f}`]];
  const r = spawnSync(cmd[0], cmd[1], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`bench ${name} failed (exit ${r.status})`);
    failed++;
  }
}
process.exit(failed ? 1 : 0);
