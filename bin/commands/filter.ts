/**
 * `her2 filter --image IMG --mask MASK [--params P.yaml] --out-dir DIR`: writes every derived
 * image PyRadiomics would compute for the params' image types, as DIR/<image>.nrrd
 * (original.nrrd, log-sigma-3-0-mm-3D.nrrd, wavelet-HLL.nrrd, ...).
 *
 * Each file holds the region PyRadiomics filters (../shared/conformance/filters/README.md §1):
 * the whole image by default, the mask's bounding box padded by padDistance with preCrop, or
 * the resampled padded crop when resampledPixelSpacing is set (after normalize when it is
 * on), with its own origin, spacing and directions so that it overlays the input. The
 * voxel type is the filter's: float32 for LoG (ITK's output), float64 for the others.
 * The mask is needed because the region, the resampling and PyRadiomics's mask checks
 * depend on it, exactly as in `her2 extract`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CliError, one, parseArgs, required } from '../cli-args.ts';
import { paramsFromArgs, phaseArg, readImage, readMask } from '../inputs.ts';
import { writeNrrd } from '../../workers/io/nrrd.ts';
import type { Volume } from '../../workers/io/volume.ts';
import { prepareCase } from '../../workers/radiomics/extractor.ts';
import { imageTypeFilter } from '../../workers/radiomics/filters/index.ts';

export const USAGE = `usage: her2 filter --image IMG --mask MASK --out-dir DIR [options]

  --image IMG          the image: .nrrd, .nii or .nii.gz, or a folder of DICOM files (one series)
  --mask MASK          the label map on the image's grid: .nrrd, .nii or .nii.gz, or a DICOM SEG (.dcm)
  --out-dir DIR        where to write DIR/<image>.nrrd (created if needed)
  --params P.yaml      a PyRadiomics parameter file; its imageType section says which
                       images are written (default: PyRadiomics's defaults, Original only)
  --label N            the ROI's label value (default: the params' label, else 1)
  --setting key=value  a PyRadiomics setting on top of the params (repeatable)
  --series S           DICOM folder holding several series: the one to use
  --phase N            DICOM series with several phases: the phase (0 = pre-contrast)

Each file is the region PyRadiomics filters: the whole image, or the padded crop when
preCrop or resampledPixelSpacing applies; origin and directions overlay the input. LoG
images are float32, the others float64, as PyRadiomics computes them.`;

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ['image', 'mask', 'params', 'label', 'setting', 'out-dir', 'series', 'phase'], flags: ['help'] });
  if (args.flags.has('help')) {
    console.log(USAGE);
    return 0;
  }
  if (args.positional.length) throw new CliError(`unexpected argument '${args.positional[0]}'`);
  const imagePath = required(args, 'image');
  const maskPath = required(args, 'mask');
  const outDir = required(args, 'out-dir');
  const phase = phaseArg(args);
  const params = await paramsFromArgs(args);

  const image = await readImage(imagePath, one(args, 'series'), phase, undefined, maskPath);
  // a DICOM SEG is placed on the image's grid (its segment `label`); NRRD / NIfTI are taken as they are
  const mask = await readMask(maskPath, { grid: image, label: params.settings.label, onWarning: (m) => console.error(`her2 filter: warning: ${m}`) });
  let prepared;
  try {
    prepared = prepareCase(image, mask, params);
  } catch (e) {
    throw new CliError(`${imagePath} with mask ${maskPath}: ${(e as Error).message.split('\n')[0]}`);
  }
  await mkdir(outDir, { recursive: true }).catch((e: Error) => {
    throw new CliError(`--out-dir ${outDir}: cannot be created (${e.message})`);
  });

  const region = prepared.image;
  const roi: Volume = { ...region, data: prepared.roi };
  const warn = (m: string) => console.error(`her2 filter: warning: ${m}`);
  for (const w of prepared.warnings) warn(w);
  let written = 0;
  for (const t of prepared.imageTypes) {
    for (const derived of imageTypeFilter(t.name)(region, t.filterSettings, { mask: roi, warn })) {
      for (const w of derived.warnings ?? []) warn(w);
      const file = join(outDir, `${derived.name}.nrrd`);
      await writeFile(file, writeNrrd(derived.image));
      written++;
      const type = derived.image.data instanceof Float32Array ? 'float32' : 'float64';
      console.error(`her2 filter: ${file} (${derived.image.size.join('x')}, ${type})`);
    }
  }
  if (written === 0) warn('no derived image was produced (check the imageType section and the LoG size checks)');
  return 0;
}
