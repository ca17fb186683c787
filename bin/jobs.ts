/**
 * `--jobs N` for the CLI commands: how many worker threads extract features (the pool of
 * workers/radiomics/pool). One job runs in the command's own thread, as before.
 */
import { availableParallelism } from 'node:os';
import { CliError } from './cli-args.ts';
import type { Volume } from '../workers/io/volume.ts';
import { extract, type ExtractionResult } from '../workers/radiomics/extractor.ts';
import type { ExtractionParams } from '../workers/radiomics/settings.ts';
import { createNodeExtractionPool } from '../workers/radiomics/pool/node.ts';

/** `--jobs` as given, or `fallback`; 'auto' = the machine's available parallelism. */
export function parseJobs(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  if (text === 'auto') return availableParallelism();
  const n = Number(text);
  if (!(Number.isInteger(n) && n >= 1)) throw new CliError(`--jobs: '${text}' is not a number of workers (1, 2, ... or auto)`);
  return n;
}

/**
 * One case's features: in this thread for jobs = 1, else split by image type over `jobs`
 * worker threads. Either way the record is `extract(image, mask, params)`'s, bit for bit.
 */
export async function extractWithJobs(image: Volume, mask: Volume, params: ExtractionParams, jobs: number): Promise<ExtractionResult> {
  if (jobs <= 1) return extract(image, mask, params);
  const pool = createNodeExtractionPool(jobs);
  try {
    return await pool.extractCase(image, mask, params, { transfer: true });
  } finally {
    pool.close();
  }
}
