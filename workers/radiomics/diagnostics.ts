/**
 * The `diagnostics_*` entries PyRadiomics writes (radiomics/generalinfo.py), with its
 * names, order and text: Python's repr of floats ('6.0', '1e-05'), tuples as
 * '(a, b, c)', the settings as a Python dict literal.
 *
 * - Image-<prefix>: Hash and Dimensionality (original only), Spacing, Size, and the
 *   Mean / Minimum / Maximum over every voxel.
 * - Mask-<prefix>: Hash (original only; SHA-1 of the mask cast to uint32), Spacing,
 *   Size, BoundingBox (lower index then size, x y z), VoxelNum, VolumeNum (26-connected
 *   components), CenterOfMassIndex, CenterOfMass (physical); and with an image (all but
 *   the original mask) the Mean / Minimum / Maximum of the ROI's voxels.
 *
 * Versions: our engine's name and version, not PyRadiomics's.
 */
import type { Geometry, Vec3, VoxelArray, Volume } from '../io/volume.ts';
import { boxSize, centerOfMassIndex, countComponents, roiBoundingBox, wholeBlock, type BoundingBox, type RoiBlock } from './mask.ts';
import { itkContinuousIndexToPhysical } from './itk-geometry.ts';
import type { ImageStats } from './image-stats.ts';
import { npSum } from './npstats.ts';
import { littleEndianBytes, sha1Hex, sha1HexOfUint32 } from './sha1.ts';
import { PyFloat, type GivenValue } from './settings.ts';

export const ENGINE_NAME = 'her2-workstation radiomics';
export const ENGINE_VERSION = '0.1.0';
/** The PyRadiomics whose definitions and output format the engine reproduces. */
export const REFERENCE_VERSION = 'PyRadiomics 3.1 (AIM-Harvard/pyradiomics 8ed5793)';

export type DiagnosticEntry = [string, string];

/**
 * Python's repr of a float: shortest round-trip digits; exponent form when the decimal
 * exponent is below -4 or at least 16 ('1e-05', '1e+16'), else fixed with at least one
 * decimal ('6.0').
 */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const [mant, expText] = Math.abs(x).toExponential().split('e');
  const digits = mant.replace('.', '');
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  const point = exp + 1;
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}.0`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

function pyString(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  return q + s.replaceAll('\\', '\\\\').replaceAll(q, `\\${q}`) + q;
}

/** Python repr of a parameter value (None, True, ints, floats, strings, lists, dicts). */
export function pyRepr(v: GivenValue | undefined): string {
  if (v === null || v === undefined) return 'None';
  if (v instanceof PyFloat) return pyFloat(v.value);
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : pyFloat(v);
  if (typeof v === 'string') return pyString(v);
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  return `{${Object.entries(v)
    .map(([k, x]) => `${pyString(k)}: ${pyRepr(x)}`)
    .join(', ')}}`;
}

export function pyDict(entries: readonly [string, GivenValue][]): string {
  return `{${entries.map(([k, v]) => `${pyString(k)}: ${pyRepr(v)}`).join(', ')}}`;
}

function intTuple(v: readonly number[]): string {
  return `(${v.join(', ')})`;
}

function floatTuple(v: readonly number[]): string {
  return `(${v.map(pyFloat).join(', ')})`;
}

export function versionEntries(): DiagnosticEntry[] {
  return [
    ['diagnostics_Versions_Engine', `${ENGINE_NAME} ${ENGINE_VERSION}`],
    ['diagnostics_Versions_Reference', REFERENCE_VERSION],
  ];
}

/**
 * Image-<prefix>_*: (Hash, Dimensionality,) Spacing, Size, Mean, Minimum, Maximum. `stats`,
 * the image's smallIntegerStats when the caller has them, saves the pass over the voxels.
 */
export function imageEntries(prefix: string, image: Volume, stats?: ImageStats | null): DiagnosticEntry[] {
  const p = `diagnostics_Image-${prefix}_`;
  const out: DiagnosticEntry[] = [];
  if (prefix === 'original') {
    out.push([`${p}Hash`, sha1Hex(littleEndianBytes(image.data))]);
    out.push([`${p}Dimensionality`, '3D']);
  }
  out.push([`${p}Spacing`, floatTuple(image.spacing)]);
  out.push([`${p}Size`, intTuple(image.size)]);
  const d = image.data;
  let min = Infinity;
  let max = -Infinity;
  let mean: number;
  if (stats) {
    // exact sums (image-stats.ts): the plain sum below, whatever the order
    min = stats.min;
    max = stats.max;
    mean = Math.max(-min, max) * d.length < 2 ** 53 ? stats.sum / d.length : npSum(d) / d.length;
  } else if (d instanceof Float32Array || d instanceof Float64Array) {
    let nan = false;
    for (let i = 0; i < d.length; i++) {
      const v = d[i];
      if (v < min) min = v;
      if (v > max) max = v;
      if (v !== v) nan = true;
    }
    if (nan) min = max = NaN;
    mean = npSum(d) / d.length;
  } else {
    // Integer voxels: while every partial sum is an integer below 2^53 it is exact in any
    // order, so a plain sum equals numpy's pairwise one
    let sum = 0;
    for (let i = 0; i < d.length; i++) {
      const v = d[i];
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
    }
    // (beyond 2^53 the order matters again: then numpy's)
    mean = Math.max(-min, max) * d.length < 2 ** 53 ? sum / d.length : npSum(d) / d.length;
  }
  out.push([`${p}Mean`, pyFloat(mean)]);
  out.push([`${p}Minimum`, pyFloat(min)]);
  out.push([`${p}Maximum`, pyFloat(max)]);
  return out;
}

/**
 * Mask-<prefix>_*. `roi` is 1 inside the label on grid `geometry`; `original` is the mask
 * volume as read (hashed as uint32, original prefix only); `image` (same grid) adds the
 * ROI's Mean / Minimum / Maximum.
 */
export function maskEntries(
  prefix: string,
  roiIn: Uint8Array | RoiBlock,
  geometry: Geometry,
  opts: { original?: Volume; image?: VoxelArray; box?: BoundingBox } = {},
): DiagnosticEntry[] {
  // the ROI as a block of the grid (the whole grid for a whole-grid array)
  const block = roiIn instanceof Uint8Array ? wholeBlock(roiIn, geometry.size) : roiIn;
  const roi = block.data;
  const p = `diagnostics_Mask-${prefix}_`;
  const out: DiagnosticEntry[] = [];
  if (prefix === 'original' && opts.original) {
    const m = opts.original.data;
    out.push([`${p}Hash`, sha1HexOfUint32(m, m instanceof Float32Array || m instanceof Float64Array)]);
  }
  out.push([`${p}Spacing`, floatTuple(geometry.spacing)]);
  out.push([`${p}Size`, intTuple(geometry.size)]);
  const bb = opts.box ?? roiBoundingBox(roi, block.size, block.lo);
  if (!bb) return out;
  out.push([`${p}BoundingBox`, intTuple([...bb.lo, ...boxSize(bb)])]);
  // the box in the block's indices
  const local: BoundingBox = { lo: [0, 1, 2].map((a) => bb.lo[a] - block.lo[a]) as Vec3, hi: [0, 1, 2].map((a) => bb.hi[a] - block.lo[a]) as Vec3 };
  const n = voxelsInBox(roi, block.size, local);
  out.push([`${p}VoxelNum`, String(n)]);
  out.push([`${p}VolumeNum`, String(countComponents(roi, block.size, local))]);
  const com = centerOfMassIndex(roi, block.size, local, block.lo);
  out.push([`${p}CenterOfMassIndex`, floatTuple(com)]);
  out.push([`${p}CenterOfMass`, floatTuple(itkContinuousIndexToPhysical(geometry, com))]);
  if (opts.image) {
    const v = new Float64Array(n);
    let min = Infinity;
    let max = -Infinity;
    const [nx, ny] = geometry.size;
    const [bnx, bny] = block.size;
    let k = 0;
    for (let z = bb.lo[2]; z <= bb.hi[2]; z++)
      for (let y = bb.lo[1]; y <= bb.hi[1]; y++) {
        const base = nx * (y + ny * z);
        const rbase = bnx * (y - block.lo[1] + bny * (z - block.lo[2])) - block.lo[0];
        for (let xi = bb.lo[0]; xi <= bb.hi[0]; xi++) {
          if (!roi[rbase + xi]) continue;
          const x = opts.image[base + xi];
          v[k++] = x;
          if (x < min) min = x;
          if (x > max) max = x;
        }
      }
    out.push([`${p}Mean`, pyFloat(npSum(v) / n)]);
    out.push([`${p}Minimum`, pyFloat(min)]);
    out.push([`${p}Maximum`, pyFloat(max)]);
  }
  return out;
}

/** ROI voxels, counted inside their bounding box. */
function voxelsInBox(roi: Uint8Array, size: readonly number[], bb: BoundingBox): number {
  const [nx, ny] = size;
  let n = 0;
  for (let z = bb.lo[2]; z <= bb.hi[2]; z++)
    for (let y = bb.lo[1]; y <= bb.hi[1]; y++) {
      const base = nx * (y + ny * z);
      for (let i = base + bb.lo[0]; i <= base + bb.hi[0]; i++) n += roi[i];
    }
  return n;
}
