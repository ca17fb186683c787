#!/usr/bin/env node
// Installs the Debian packages the tests need that npm cannot provide, or says exactly
// what to install. Called by `npm test` (and `npm run test:e2e`) before anything else.
import { existsSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';

/** [package, a file that proves it is installed] */
const NEEDED = [
  ['chromium', '/usr/bin/chromium'],
  ['dicom3tools', '/usr/bin/dciodvfy'],
  ['dcmtk', '/usr/bin/dcmdump'],
  ['python3-pydicom', '/usr/lib/python3/dist-packages/pydicom/data/test_files/MR_small.dcm'],
  // the readout and subtraction tests read pixels with pydicom into NumPy (only recommended by pydicom)
  ['python3-numpy', '/usr/lib/python3/dist-packages/numpy/__init__.py'],
];

const missing = NEEDED.filter(([, file]) => !existsSync(file)).map(([pkg]) => pkg);
if (missing.length === 0) process.exit(0);

const command = `apt-get update && apt-get install -y ${missing.join(' ')}`;
const sudoCommand = `sudo sh -c '${command}'`;
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
if (!isRoot || !hasApt) {
  console.error(`Missing Debian packages: ${missing.join(', ')}.\nInstall them with:\n  ${sudoCommand}`);
  process.exit(1);
}
console.error(`Installing Debian packages the tests need: ${missing.join(', ')}`);
try {
  execFileSync('sh', ['-c', command], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
} catch {
  console.error(`Installing failed. Run by hand:\n  ${command}`);
  process.exit(1);
}
const still = NEEDED.filter(([, file]) => !existsSync(file)).map(([pkg]) => pkg);
if (still.length) {
  console.error(`Still missing after install: ${still.join(', ')}`);
  process.exit(1);
}
