/**
 * PyRadiomics's imageoperations.resegmentMask: keep the ROI voxels whose value lies in
 * the resegmentation range. One threshold keeps x >= t; two keep t1 <= x <= t2 (closed).
 * Modes: absolute (the values themselves), relative (times the ROI maximum), sigma
 * (mean + k * sd over the ROI, population sd, numpy's pairwise sums).
 */
import type { VoxelArray } from '../io/volume.ts';
import type { ResegmentMode } from './settings.ts';
import { MaskError } from './mask.ts';
import { npSum } from './npstats.ts';

export interface ResegmentSettings {
  resegmentRange: number[];
  resegmentMode: ResegmentMode;
  label: number;
}

/** The thresholds (sorted) PyRadiomics derives from the range and the ROI's values. */
export function resegmentThresholds(image: VoxelArray, roi: Uint8Array, s: ResegmentSettings): number[] {
  const range = [...s.resegmentRange].sort((a, b) => a - b);
  if (s.resegmentMode === 'absolute') return range;
  const values: number[] = [];
  for (let i = 0; i < roi.length; i++) if (roi[i]) values.push(image[i]);
  if (s.resegmentMode === 'relative') {
    let max = -Infinity;
    for (const v of values) if (v > max) max = v;
    return range.map((t) => max * t);
  }
  const n = values.length;
  const mean = npSum(values) / n;
  const dev = values.map((v) => (v - mean) * (v - mean));
  const sd = Math.sqrt(npSum(dev) / n);
  return range.map((t) => mean + sd * t);
}

/** The resegmented ROI; an error when fewer than 2 voxels remain. */
export function resegmentRoi(image: VoxelArray, roi: Uint8Array, s: ResegmentSettings): Uint8Array {
  const t = resegmentThresholds(image, roi, s);
  const lo = t[0];
  const hi = t.length === 2 ? t[1] : Infinity;
  const out = new Uint8Array(roi.length);
  let kept = 0;
  for (let i = 0; i < roi.length; i++) {
    if (!roi[i]) continue;
    const v = image[i];
    if (v >= lo && v <= hi) {
      out[i] = 1;
      kept++;
    }
  }
  if (kept <= 1)
    throw new MaskError(
      `resegmentation (range [${s.resegmentRange.join(', ')}], mode ${s.resegmentMode}) excluded too many voxels of label ${s.label} (${kept} left); features cannot be extracted`,
    );
  return out;
}
