/**
 * Reads one patient of a cohort folder (the layout `her2 demo` writes) for `her2 cohort`.
 * The extraction pool's workers import this module and call `loadCohortInput`, so the DICOM
 * decoding runs in the workers, in parallel, like the extraction (see CohortCase.source).
 *
 *   DIR/<id>/phase-<N>/        the DICOM files of phase N (one series)
 *   DIR/<id>/mask.nrrd         reader 1's mask
 *   DIR/<id>/mask-reader2.nrrd reader 2's mask (the reproducibility subset only)
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { loadSeriesVolume } from './dicom-dir.ts';
import { readNrrd } from '../workers/io/nrrd.ts';
import type { CohortInput } from '../workers/radiomics/pool/pool.ts';

export const READER1_MASK = 'mask.nrrd';
export const READER2_MASK = 'mask-reader2.nrrd';

export interface PatientSource {
  dir: string;
  id: string;
  phase: number;
  /** also read mask-reader2.nrrd when the folder has one */
  reader2: boolean;
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/** Phase N's image, reader 1's mask, and reader 2's when asked for and present; errors name the file. */
export async function loadCohortInput(arg: unknown): Promise<CohortInput> {
  const { dir, id, phase, reader2 } = arg as PatientSource;
  const folder = join(dir, id);
  const phaseDir = join(folder, `phase-${phase}`);
  if (!(await isDirectory(phaseDir))) throw new Error(`no folder phase-${phase} (expected ${phaseDir} with the DICOM files of phase ${phase})`);
  const warnings: string[] = [];
  const image = await loadSeriesVolume(phaseDir, { onWarning: (w) => warnings.push(w) }).catch((e: Error) => {
    throw new Error(`phase-${phase}: ${e.message.split('\n')[0]}`);
  });
  const readMask = async (file: string) => {
    const bytes = await readFile(join(folder, file)).catch((e: NodeJS.ErrnoException) => {
      throw new Error(`${file}: ${e.code === 'ENOENT' ? 'not found' : e.message}`);
    });
    return readNrrd(bytes, `${id}/${file}`);
  };
  const masks = [{ name: 'reader1', mask: await readMask(READER1_MASK) }];
  const hasReader2 = reader2 && (await stat(join(folder, READER2_MASK)).then(() => true, () => false));
  if (hasReader2) masks.push({ name: 'reader2', mask: await readMask(READER2_MASK) });
  return { image, masks, warnings };
}
