/**
 * The sphere brush: a true sphere of the brush radius in millimetres, centred on the voxel
 * under the cursor. Cornerstone 5's own sphere strategy fills an ellipsoid whose depth
 * semi-axis is the radius plus half a slice (its "voxel slab" model), which on 3 mm
 * slices paints 1.5 mm further above and below than across; here a voxel is painted when
 * its centre lies within the radius of the brush centre:
 *
 *   sum over index axes a of ((i_a - c_a) * spacing_a)^2 <= r^2,   c = the voxel under the cursor
 *
 * (the grid's axes are orthonormal, so index-space offsets scaled by the spacing are the
 * physical offsets). A drag paints a sphere at every point of the stroke, the points
 * taken no further apart than half the radius, as Cornerstone densifies its strokes.
 * Everything else (undo memos, preview, segment locking, the cursor, threshold ranges) is
 * Cornerstone's own BrushStrategy compositions.
 */
import type { Types } from '@cornerstonejs/core';
import * as csTools from '@cornerstonejs/tools';
import BrushStrategy from '@cornerstonejs/tools/tools/segmentation/strategies/BrushStrategy';

const { StrategyCallbacks } = csTools.Enums;
const C = BrushStrategy.COMPOSITIONS;

type P3 = [number, number, number];

interface ImageDataLike {
  getSpacing(): number[];
  getDimensions(): number[];
  worldToIndex(p: number[]): number[];
}

interface SphereOperation {
  points?: P3[];
  strokePointsWorld?: P3[];
  segmentationImageData: ImageDataLike;
  centerWorld?: Types.Point3;
  centerIJK?: Types.Point3;
  isInObject?: (pointLPS: unknown, pointIJK: number[]) => boolean;
  isInObjectBoundsIJK?: Types.BoundsIJK;
  brushVoxelSlabFill?: unknown;
}

function densify(points: readonly P3[], step: number): P3[] {
  if (points.length < 2 || !(step > 0)) return [...points];
  const out: P3[] = [points[0]];
  for (let n = 1; n < points.length; n++) {
    const a = points[n - 1];
    const b = points[n];
    const steps = Math.max(1, Math.ceil(Math.hypot(b[0] - a[0], b[1] - a[1], b[2] - a[2]) / step));
    for (let s = 1; s <= steps; s++) {
      const t = s / steps;
      out.push([a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t]);
    }
  }
  return out;
}

/** The voxel nearest a world point (continuous index rounded half up). */
function nearestVoxel(img: ImageDataLike, world: P3): P3 {
  const c = img.worldToIndex([...world]);
  return [Math.floor(c[0] + 0.5), Math.floor(c[1] + 0.5), Math.floor(c[2] + 0.5)];
}

const trueSphere = {
  [StrategyCallbacks.Initialize]: (op: SphereOperation) => {
    const { points, segmentationImageData: img } = op;
    if (!points || points.length < 2) return;
    const [p0, p1] = points;
    const radius = Math.hypot(p1[0] - p0[0], p1[1] - p0[1], p1[2] - p0[2]) / 2;
    const centre: P3 = [(p0[0] + p1[0]) / 2, (p0[1] + p1[1]) / 2, (p0[2] + p1[2]) / 2];
    const stroke = op.strokePointsWorld?.length ? densify(op.strokePointsWorld, radius / 2) : [centre];
    const seen = new Set<string>();
    const centres: P3[] = [];
    for (const w of stroke) {
      const c = nearestVoxel(img, w);
      const key = c.join(',');
      if (!seen.has(key)) {
        seen.add(key);
        centres.push(c);
      }
    }
    const spacing = img.getSpacing();
    const dims = img.getDimensions();
    const r2 = radius * radius;
    const reach = [0, 1, 2].map((a) => Math.ceil(radius / spacing[a]));
    const bounds = [0, 1, 2].map((a) => {
      const lo = Math.min(...centres.map((c) => c[a])) - reach[a];
      const hi = Math.max(...centres.map((c) => c[a])) + reach[a];
      return [Math.max(0, lo), Math.min(dims[a] - 1, hi)];
    }) as Types.BoundsIJK;
    const [sx, sy, sz] = spacing;
    op.centerIJK = nearestVoxel(img, centre) as Types.Point3;
    op.centerWorld = centre as Types.Point3;
    op.brushVoxelSlabFill = undefined;
    op.isInObjectBoundsIJK = bounds;
    op.isInObject = (_lps, ijk) => {
      for (let n = 0; n < centres.length; n++) {
        const c = centres[n];
        const dx = (ijk[0] - c[0]) * sx;
        const dy = (ijk[1] - c[1]) * sy;
        const dz = (ijk[2] - c[2]) * sz;
        if (dx * dx + dy * dy + dz * dz <= r2) return true;
      }
      return false;
    };
  },
};

type Composition = ConstructorParameters<typeof BrushStrategy>[1];
const sphere = trueSphere as unknown as Composition;

const FILL = new BrushStrategy('TrueSphere', C.regionFill, C.setValue, sphere, C.determineSegmentIndex, C.preview, C.labelmapStatistics);
const ERASE = new BrushStrategy('TrueSphereErase', C.erase, C.regionFill, C.setValue, sphere, C.determineSegmentIndex, C.preview, C.labelmapStatistics);
const THRESHOLD = new BrushStrategy(
  'TrueSphereThreshold',
  C.regionFill,
  C.setValue,
  sphere,
  C.determineSegmentIndex,
  C.dynamicThreshold,
  C.threshold,
  C.preview,
  C.labelmapStatistics,
  C.ensureImageVolumeFor3DManipulation,
);

/** Strategy functions to register in BrushTool's `strategies` configuration. */
export const SPHERE_STRATEGIES = {
  FILL_INSIDE_TRUE_SPHERE: FILL.strategyFunction,
  ERASE_INSIDE_TRUE_SPHERE: ERASE.strategyFunction,
  THRESHOLD_INSIDE_TRUE_SPHERE: THRESHOLD.strategyFunction,
};

