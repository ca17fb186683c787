/**
 * `her2 extract --image IMG --mask MASK [--params P.yaml] [--label N] [--setting key=value ...]
 * [--id ID] [--out OUT.csv|OUT.json]`: PyRadiomics's features of one image and mask, in the one
 * features format (docs/features-csv.md).
 */
import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { CliError, one, parseArgs, required } from '../cli-args.ts';
import { paramsFromArgs, phaseArg, readImage, readMask } from '../inputs.ts';
import { formatFeaturesCsv, featureRowToJson, type FeatureRow } from '../../workers/io/features-csv.ts';
import { extractWithJobs, parseJobs } from '../jobs.ts';

export const USAGE = `usage: her2 extract --image IMG --mask MASK [options]

  --image IMG          the image: .nrrd, .nii or .nii.gz, or a folder of DICOM files (one series)
  --mask MASK          the label map on the image's grid: .nrrd, .nii or .nii.gz, or a DICOM SEG
                       (.dcm) whose frames lie on the image's voxels
  --params P.yaml      a PyRadiomics parameter file (imageType / featureClass / setting sections);
                       default: PyRadiomics's defaults (Original image, every class but shape2D)
  --label N            the ROI's label value (default: the params' label, else 1)
  --setting key=value  a PyRadiomics setting on top of the params (repeatable), e.g.
                       --setting binWidth=10 --setting resampledPixelSpacing=[2,2,2]
  --id ID              the row's id (default: the image's file or folder name)
  --out FILE           write FILE.csv or FILE.json (default: CSV to standard output)
  --series S           DICOM folder holding several series: the one to use (number, description, id)
  --phase N            DICOM series with several phases: the phase (0 = pre-contrast)
  --jobs N             worker threads sharing the case's image types (default 1: this
                       thread; 'auto' = one per core); the values are the same either way

The CSV has the columns id, the diagnostics_* as PyRadiomics writes them, then the features
(<image type>_<class>_<feature>) in PyRadiomics's order; the JSON is one object with the same
names. See docs/features-csv.md.`;

/** The default id: the image's name without its extension. */
export function defaultId(imagePath: string): string {
  const b = basename(imagePath.replace(/[/\\]+$/, ''));
  return b.replace(/\.nii\.gz$/i, '').replace(/\.(nrrd|nhdr|nii)$/i, '');
}

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, {
    values: ['image', 'mask', 'params', 'label', 'setting', 'id', 'out', 'series', 'phase', 'jobs'],
    flags: ['help'],
  });
  if (args.flags.has('help')) {
    console.log(USAGE);
    return 0;
  }
  if (args.positional.length) throw new CliError(`unexpected argument '${args.positional[0]}'`);
  const imagePath = required(args, 'image');
  const maskPath = required(args, 'mask');
  const outPath = one(args, 'out');
  if (outPath !== undefined && !/\.(csv|json)$/i.test(outPath)) throw new CliError(`--out ${outPath}: give a .csv or .json file name`);
  const jobs = parseJobs(one(args, 'jobs'), 1);
  const phase = phaseArg(args);
  // Settings first: a bad parameter file fails before any image is read.
  const params = await paramsFromArgs(args);

  const warnings: string[] = [];
  const image = await readImage(imagePath, one(args, 'series'), phase, (m) => warnings.push(m), maskPath);
  // a DICOM SEG is placed on the image's grid (its segment `label`); NRRD / NIfTI are taken as they are
  const mask = await readMask(maskPath, { grid: image, label: params.settings.label, onWarning: (m) => warnings.push(m) });
  let result;
  try {
    result = await extractWithJobs(image, mask, params, jobs);
  } catch (e) {
    throw new CliError(`${imagePath} with mask ${maskPath}: ${(e as Error).message.split('\n')[0]}`);
  }
  warnings.push(...result.warnings);
  for (const w of warnings) console.error(`her2 extract: warning: ${w}`);

  const row: FeatureRow = { id: one(args, 'id') ?? defaultId(imagePath), diagnostics: result.diagnostics, features: result.features };
  const text = outPath?.toLowerCase().endsWith('.json') ? JSON.stringify(featureRowToJson(row), null, 2) + '\n' : formatFeaturesCsv([row]);
  if (outPath === undefined) process.stdout.write(text);
  else {
    await writeFile(outPath, text);
    console.error(`her2 extract: ${Object.keys(result.features).length} features of '${row.id}' written to ${outPath}`);
  }
  return 0;
}
