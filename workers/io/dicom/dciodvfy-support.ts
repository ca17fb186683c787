/**
 * Test support (Node only): runs `dciodvfy` (Debian dicom3tools), the DICOM IOD validator,
 * on files and splits its report into errors and warnings. The tool must be installed
 * (`npm test` installs it, like Chromium); a missing tool is a failure, not a skip.
 */
import { spawnSync } from 'node:child_process';

export interface DciodvfyReport {
  file: string;
  errors: string[];
  warnings: string[];
}

export function dciodvfy(file: string): DciodvfyReport {
  const r = spawnSync('dciodvfy', [file], { encoding: 'utf8' });
  if (r.error) throw new Error(`dciodvfy could not run (${r.error.message}); install Debian's dicom3tools: sudo apt-get install dicom3tools`);
  const lines = `${r.stdout}\n${r.stderr}`.split('\n').map((l) => l.trim());
  return {
    file,
    errors: lines.filter((l) => l.startsWith('Error')),
    warnings: lines.filter((l) => l.startsWith('Warning')),
  };
}

/** Distinct warning texts over several reports, with how many files gave each. */
export function warningSummary(reports: DciodvfyReport[]): string[] {
  const counts = new Map<string, number>();
  for (const r of reports) for (const w of new Set(r.warnings)) counts.set(w, (counts.get(w) ?? 0) + 1);
  return [...counts].map(([w, n]) => `${n} file(s): ${w}`);
}
