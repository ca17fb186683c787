/**
 * RT Structure Set: ROIs and their contours (PS3.3 C.8.8.5-6), and rasterisation of an ROI's
 * CLOSED_PLANAR contours onto a volume grid.
 *
 * Rasterisation follows IBSI's reference implementation (MIRP, ContourClass.
 * contour_to_grid_ray_cast + morphologyUtilities.poly2grid): each contour is assigned to the
 * slice its points round to; all contours of one slice are filled together by ray casting
 * with the even-odd rule (a contour inside another is a hole); a voxel is inside when its
 * centre is.
 */
import type { Geometry, Vec3, Volume } from '../volume.ts';
import { geometryOf, physicalToIndex, voxelCount } from '../volume.ts';
import { decimals, firstItem, items, str } from './header.ts';
import { parseDicomFile } from './parse.ts';

export interface RtContour {
  geometricType: string;
  /** x, y, z triples in patient coordinates (mm, LPS) */
  points: Float64Array;
  referencedSopInstanceUIDs: string[];
}

export interface RtRoi {
  number: number;
  name: string;
  color?: [number, number, number];
  frameOfReferenceUID?: string;
  contours: RtContour[];
}

export interface RtStruct {
  source: string;
  label: string;
  frameOfReferenceUID?: string;
  referencedSeriesInstanceUID?: string;
  rois: RtRoi[];
}

export interface RtStructMask extends Volume<Uint8Array> {
  roiName: string;
  /** voxels set to 1 */
  voxelCount: number;
  /** contours that could not be placed on the grid, and similar problems */
  warnings: string[];
}

/** Read an RT Structure Set file. */
export function readRtStruct(name: string, bytes: ArrayBuffer | Uint8Array): RtStruct {
  const f = parseDicomFile(name, bytes, { untilPixelData: false });
  const ds = f.dataSet;
  const sopClass = str(ds, 'x00080016');
  if (sopClass !== '1.2.840.10008.5.1.4.1.1.481.3') throw new Error(`${name}: not an RT Structure Set (SOP class ${sopClass || 'unknown'})`);
  const rois = new Map<number, RtRoi>();
  for (const r of items(ds, 'x30060020')) {
    const number = Number(str(r, 'x30060022'));
    rois.set(number, {
      number,
      name: str(r, 'x30060026'),
      frameOfReferenceUID: str(r, 'x30060024') || undefined,
      contours: [],
    });
  }
  for (const rc of items(ds, 'x30060039')) {
    const number = Number(str(rc, 'x30060084'));
    let roi = rois.get(number);
    if (!roi) {
      roi = { number, name: `ROI ${number}`, contours: [] };
      rois.set(number, roi);
    }
    const color = decimals(rc, 'x3006002a');
    if (color.length === 3) roi.color = color as [number, number, number];
    for (const c of items(rc, 'x30060040')) {
      roi.contours.push({
        geometricType: str(c, 'x30060042'),
        points: Float64Array.from(decimals(c, 'x30060050')),
        referencedSopInstanceUIDs: items(c, 'x30060016').map((ci) => str(ci, 'x00081155')),
      });
    }
  }
  let referencedSeries = '';
  let frameOfReference = '';
  for (const fr of items(ds, 'x30060010')) {
    frameOfReference ||= str(fr, 'x00200052');
    for (const study of items(fr, 'x30060012')) referencedSeries ||= str(firstItem(study, 'x30060014'), 'x0020000e');
  }
  return {
    source: name,
    label: str(ds, 'x30060002') || str(ds, 'x30060004'),
    frameOfReferenceUID: frameOfReference || undefined,
    referencedSeriesInstanceUID: referencedSeries || undefined,
    rois: [...rois.values()],
  };
}

/** A contour further than this (in slices) from a slice centre is reported. */
const OFF_SLICE = 0.1;

/**
 * Fill an ROI's CLOSED_PLANAR contours on `grid` (a phase's geometry). `roi` is the ROI name
 * or number. The mask has the grid's geometry, 1 inside and 0 outside.
 */
export function rasterizeRtStruct(
  rt: RtStruct,
  roi: string | number,
  grid: Geometry,
  opts: { frameOfReferenceUID?: string } = {},
): RtStructMask {
  const r = rt.rois.find((x) => (typeof roi === 'number' ? x.number === roi : x.name === roi));
  if (!r) {
    const names = rt.rois.map((x) => `${x.number} '${x.name}'`).join(', ');
    throw new Error(`${rt.source}: no ROI ${typeof roi === 'number' ? roi : `'${roi}'`} (it has ${names || 'none'})`);
  }
  const warnings: string[] = [];
  const roiFor = r.frameOfReferenceUID ?? rt.frameOfReferenceUID;
  if (opts.frameOfReferenceUID && roiFor && roiFor !== opts.frameOfReferenceUID) {
    warnings.push(`${rt.source}: ROI '${r.name}' is in frame of reference ${roiFor}, the image in ${opts.frameOfReferenceUID}`);
  }
  const [nx, ny, nz] = grid.size;
  const data = new Uint8Array(voxelCount(grid.size));

  // Contours in continuous index space, grouped by the slice they lie on.
  const bySlice = new Map<number, Float64Array[]>();
  let skipped = 0;
  for (const c of r.contours) {
    if (c.geometricType !== 'CLOSED_PLANAR') {
      skipped++;
      continue;
    }
    const n = Math.floor(c.points.length / 3);
    if (n < 3) continue;
    const ij = new Float64Array(2 * n);
    let kSum = 0;
    let kMin = Infinity;
    let kMax = -Infinity;
    for (let p = 0; p < n; p++) {
      const idx = physicalToIndex(grid, [c.points[3 * p], c.points[3 * p + 1], c.points[3 * p + 2]] as Vec3);
      ij[2 * p] = idx[0];
      ij[2 * p + 1] = idx[1];
      kSum += idx[2];
      kMin = Math.min(kMin, idx[2]);
      kMax = Math.max(kMax, idx[2]);
    }
    const kMean = kSum / n;
    const k = Math.round(kMean);
    if (kMax - kMin > 2 * OFF_SLICE) {
      warnings.push(`${rt.source}: a contour of '${r.name}' is not parallel to the image slices (it spans ${(kMax - kMin).toFixed(2)} slices): filled on slice ${k}`);
    } else if (Math.abs(kMean - k) > OFF_SLICE) {
      warnings.push(`${rt.source}: a contour of '${r.name}' lies ${(kMean - k).toFixed(2)} slices off slice ${k}`);
    }
    if (k < 0 || k >= nz) {
      warnings.push(`${rt.source}: a contour of '${r.name}' lies outside the image (slice ${k} of ${nz})`);
      continue;
    }
    const list = bySlice.get(k);
    if (list) list.push(ij);
    else bySlice.set(k, [ij]);
  }
  if (skipped > 0) warnings.push(`${rt.source}: ${skipped} contour(s) of '${r.name}' are not CLOSED_PLANAR (points or open curves): not filled`);

  // Even-odd scanline fill at voxel centres (i, j integers).
  const xs: number[] = [];
  let count = 0;
  for (const [k, polys] of bySlice) {
    const sliceOffset = k * nx * ny;
    for (let j = 0; j < ny; j++) {
      xs.length = 0;
      for (const poly of polys) {
        const n = poly.length / 2;
        for (let p = 0, q = n - 1; p < n; q = p++) {
          const y0 = poly[2 * q + 1];
          const y1 = poly[2 * p + 1];
          // half-open rule: a vertex on the scanline is counted once
          if (y0 <= j !== y1 <= j) {
            const x0 = poly[2 * q];
            const x1 = poly[2 * p];
            xs.push(x0 + ((j - y0) * (x1 - x0)) / (y1 - y0));
          }
        }
      }
      if (xs.length < 2) continue;
      xs.sort((a, b) => a - b);
      const row = sliceOffset + j * nx;
      for (let s = 0; s + 1 < xs.length; s += 2) {
        const from = Math.max(0, Math.ceil(xs[s]));
        const to = Math.min(nx - 1, Math.ceil(xs[s + 1]) - 1);
        for (let i = from; i <= to; i++) data[row + i] = 1;
      }
    }
  }
  for (let i = 0; i < data.length; i++) count += data[i];
  return { ...geometryOf(grid), data, roiName: r.name, voxelCount: count, warnings };
}
