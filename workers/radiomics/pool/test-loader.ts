/**
 * Test support (Node): a cohort loader module for CohortCase.source, reading an image and
 * mask NRRD pair inside the worker. pool.test.ts uses it.
 */
import { readFileSync } from 'node:fs';
import { readNrrd } from '../../io/nrrd.ts';
import type { CohortInput } from './worker-api.ts';

export async function loadCohortInput(arg: unknown): Promise<CohortInput> {
  const { image, mask } = arg as { image: string; mask: string };
  return {
    image: readNrrd(readFileSync(image), image),
    masks: [{ name: 'reader1', mask: readNrrd(readFileSync(mask), mask) }],
    warnings: [`read ${image}`],
  };
}
