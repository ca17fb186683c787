/**
 * `her2 tic --phases DIR --mask MASK [--out tic.json]`: the lesion's time-intensity curve over the
 * DCE phases and its kinetic type (1 persistent, 2 plateau, 3 washout), by the rule of docs/tic.md.
 */
import { writeFile } from 'node:fs/promises';
import { loadDcePhases } from '../dicom-dir.ts';
import { CliError, one, parseArgs, required } from '../cli-args.ts';
import { notDicomSibling, readMask } from '../inputs.ts';
import { computeTic, type HotSpot, type TicRule } from '../../workers/dce/tic.ts';

export const USAGE = `usage: her2 tic --phases DIR --mask MASK [options]

  --phases DIR        DICOM files of every DCE phase (sub-folders or not); phase 0 = pre-contrast
  --mask MASK         the lesion's ROI on the phases' grid: .nrrd, .nii, .nii.gz, or a DICOM SEG
                      (.dcm; its frames are placed on the phases' grid by their positions)
  --out FILE          write the JSON there (default: standard output)
  --label N           ROI label in the mask, or SegmentNumber in a SEG (default: every nonzero voxel)
  --series S          the DCE series (number, description or id) when DIR holds several
  --hotspot H         type the most-enhancing hot spot: 3 (3x3x3 voxels, any odd n) or 5mm (sphere)
  --threshold P       type threshold in % (default 10)
  --window S          initial window after t0, seconds (default 120)
  --untimed-initial N post-contrast phases that give S_init when times are missing (default 1)

Prints JSON: type (1, 2, 3), typeName, change, the ROI curve (signal, % enhancement), times
(seconds from t0, or null), the initial and delayed phases, and warnings. See docs/tic.md.`;

function number(args: ReturnType<typeof parseArgs>, key: string): number | undefined {
  const v = one(args, key);
  if (v === undefined) return undefined;
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x)) throw new CliError(`--${key}: '${v}' is not a number`);
  return x;
}

export function parseHotSpot(text: string): HotSpot {
  const mm = text.match(/^(\d+(?:\.\d+)?)\s*mm$/i);
  if (mm) return { kind: 'sphere', diameterMm: Number(mm[1]) };
  const cube = text.match(/^(\d+)(?:x\1x\1)?$/);
  if (cube) return { kind: 'cube', voxels: Number(cube[1]) };
  throw new CliError(`--hotspot: '${text}' is neither a cube size in voxels (3, 3x3x3) nor a diameter in mm (5mm)`);
}

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, {
    values: ['phases', 'mask', 'out', 'label', 'series', 'hotspot', 'threshold', 'window', 'untimed-initial'],
    flags: ['help'],
  });
  if (args.flags.has('help')) {
    console.log(USAGE);
    return 0;
  }
  if (args.positional.length) throw new CliError(`unexpected argument '${args.positional[0]}'`);
  const dir = required(args, 'phases');
  const maskPath = required(args, 'mask');
  const label = number(args, 'label');
  const threshold = number(args, 'threshold');
  const window = number(args, 'window');
  const untimed = number(args, 'untimed-initial');
  const hotSpotText = one(args, 'hotspot');
  const rule: Partial<TicRule> = {};
  if (threshold !== undefined) rule.threshold = threshold / 100;
  if (window !== undefined) rule.initialWindow = window;
  if (untimed !== undefined) rule.untimedInitialPhases = untimed;
  const hotSpot = hotSpotText === undefined ? null : parseHotSpot(hotSpotText);

  const importWarnings: string[] = [];
  const onWarning = (w: string) => importWarnings.push(w);
  // The phases first: a SEG mask is placed on their grid. Label maps, tables and the mask itself
  // beside the phases (a patient folder as `her2 demo` writes it) are not scanned as DICOM.
  const { item, volumes } = await loadDcePhases(dir, { series: one(args, 'series'), onWarning, skip: notDicomSibling(maskPath) });
  const mask = await readMask(maskPath, {
    grid: volumes[0],
    label,
    frameOfReferenceUID: item.frameOfReferenceUID || undefined,
    sliceSopInstanceUIDs: item.phases.map((p) => p.frames.map((f) => f.sopInstanceUID)),
    onWarning,
  });
  const result = computeTic({
    phases: item.phases.map((p, k) => ({
      volume: volumes[k],
      time: p.time,
      // the importer's labels already read 'phase 2 (post-contrast 2)'
      label: p.label || `phase ${p.index}`,
    })),
    mask,
    label,
    contrastBolusStartTime: item.contrastBolusStartTime,
    hotSpot,
    rule,
  });
  const out = {
    ...result,
    warnings: [...importWarnings, ...result.warnings],
    source: { phases: dir, mask: maskPath, series: `${item.seriesNumber} ${item.seriesDescription}`.trim(), patientId: item.patientId },
  };
  const json = JSON.stringify(out, null, 2) + '\n';
  for (const w of out.warnings) console.error(`her2 tic: warning: ${w}`);
  const outPath = one(args, 'out');
  if (outPath === undefined) process.stdout.write(json);
  else {
    await writeFile(outPath, json);
    console.error(`her2 tic: type ${result.type} (${result.typeName}), change ${(100 * result.change).toFixed(1)} %; written to ${outPath}`);
  }
  return 0;
}
