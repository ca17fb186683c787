#!/usr/bin/env node
// `npm test`: system packages, type check, lint, unit tests, build, end-to-end tests.
// Stops at the first failing step and names it.
import { spawnSync } from 'node:child_process';

const steps = [
  ['system packages', 'node', ['scripts/ensure-system-deps.mjs']],
  ['type check (tsc --noEmit)', 'npx', ['tsc', '--noEmit', '-p', '.']],
  ['lint (eslint)', 'npx', ['eslint', '.']],
  ['unit tests (vitest)', 'npx', ['vitest', 'run']],
  ['build (vite)', 'npx', ['vite', 'build', '--logLevel', 'warn']],
  ['end-to-end tests (playwright, headless chromium)', 'npx', ['playwright', 'test']],
];

// `npm test -- unit e2e`: only the steps whose names start with the words given
const only = process.argv.slice(2);
const unknown = only.filter((o) => !steps.some(([name]) => name.startsWith(o)));
if (unknown.length) {
  console.error(`npm test: no step named ${unknown.map((u) => `'${u}'`).join(', ')}; the steps: ${steps.map(([name]) => `'${name.split(' ')[0]}'`).join(', ')}`);
  process.exit(2);
}
const started = Date.now();
for (const [name, cmd, args] of steps) {
  if (only.length && !only.some((o) => name.startsWith(o))) continue;
  const t0 = Date.now();
  console.log(`\n=== ${name}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  if (r.status !== 0) {
    console.error(`\n=== FAILED: ${name} (${secs} s)`);
    process.exit(r.status ?? 1);
  }
  console.log(`=== ok: ${name} (${secs} s)`);
}
console.log(`\n=== all ${only.length ? 'chosen ' : ''}steps passed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
