/**
 * Which lesion numbers (label values) imported segments get, and which segments an export
 * writes. Pure: the lesion service (./lesionService.ts) applies the plans.
 *
 * Import, as Slicer keeps a label map's values:
 *   - into a reader with no voxel, each segment keeps its own label value (a NRRD / NIfTI
 *     label, a SEG's label value or SegmentNumber, an RTSTRUCT's ROINumber), so a file with
 *     labels {1, 3} gives lesions 1 and 3; a value outside 1..255 or met twice gets the
 *     next number free;
 *   - into a reader with voxels, a file with ONE segment replaces the lesion being edited
 *     (Reader 2 imports their delineation of lesion 2 onto lesion 2);
 *   - into a reader with voxels, several segments become new lesions after the last one.
 */
import { defaultLesion, type LesionInfo } from './lesionStore.ts';

/** The largest label value a lesion can have (the label maps are 8-bit). */
export const MAX_LESION = 255;

export interface ImportPlan {
  mode: 'keep' | 'active' | 'append';
  /** the lesion number of each segment, in the file's order; null when it was left out (over 255) */
  numbers: (number | null)[];
}

/**
 * @param values  each segment's label value in the file
 * @param readerEmpty  whether the reader importing has no voxel yet
 * @param active  the lesion being edited
 * @param used  the lesion numbers listed or present in the reader (appended segments go after them)
 */
export function planImport(values: readonly number[], readerEmpty: boolean, active: number, used: readonly number[]): ImportPlan {
  if (!readerEmpty && values.length === 1) return { mode: 'active', numbers: [active] };
  const numbers: (number | null)[] = [];
  if (readerEmpty) {
    const taken = new Set<number>();
    for (const v of values) {
      const keep = Number.isInteger(v) && v >= 1 && v <= MAX_LESION && !taken.has(v);
      numbers.push(keep ? v : null);
      if (keep) taken.add(v);
    }
    let next = Math.max(0, ...taken);
    for (let n = 0; n < numbers.length; n++) {
      if (numbers[n] !== null) continue;
      next++;
      numbers[n] = next <= MAX_LESION ? next : null;
    }
    return { mode: 'keep', numbers };
  }
  let next = Math.max(0, ...used);
  for (let n = 0; n < values.length; n++) {
    next++;
    numbers.push(next <= MAX_LESION ? next : null);
  }
  return { mode: 'append', numbers };
}

export interface SegmentToExport {
  value: number;
  name: string;
  color: [number, number, number];
}

/**
 * The segments of an export: every label present in the label map, named and coloured
 * by its lesion row, or "Lesion k" when it has none. An empty label map gives the first
 * lesion (an empty segment), as before.
 */
export function segmentsToExport(present: readonly number[], lesions: readonly LesionInfo[]): SegmentToExport[] {
  if (present.length === 0) return lesions.slice(0, 1).map((l) => ({ value: l.index, name: l.name, color: l.color }));
  return present.map((v) => {
    const l = lesions.find((x) => x.index === v) ?? defaultLesion(v);
    return { value: v, name: l.name, color: l.color };
  });
}
