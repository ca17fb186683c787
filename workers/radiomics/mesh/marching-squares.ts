/**
 * Marching squares on a binary 2D grid, PyRadiomics's way (radiomics/src/cshape.c,
 * calculate_coefficients2D): vertices are edge midpoints; the square at (iy, ix) has corners
 * p0 (0,0), p1 (0,1), p2 (1,1), p3 (1,0) in numpy (row, column) order, and edges
 * v0 = p0p1, v1 = p1p2, v2 = p2p3, v3 = p3p0.
 *
 * The segment table is PyRadiomics's lineTable2D (mathematical data, taken from cshape.c at 8ed5793,
 * BSD-3-Clause, (c) 2017 Harvard Medical School). Its orientation makes the signed area positive. In the
 * two saddle cases (5: p0 and p2 inside; 10: p1 and p3 inside) the inside corners stay separate: each
 * gets its own segment cutting it off.
 */

/** Segments of square index 0..15 as pairs of edge numbers. */
const SEGMENTS: readonly (readonly number[])[] = [
  [], [3, 0], [0, 1], [3, 1],
  [1, 2], [1, 2, 3, 0], [0, 2], [3, 2],
  [2, 3], [2, 0], [0, 1, 2, 3], [2, 1],
  [1, 3], [1, 0], [0, 3], [],
];

/** Midpoint of edge e relative to the square's corner p0, as (row, column). */
const MID_R = Float64Array.from([0, 0.5, 1, 0.5]);
const MID_C = Float64Array.from([0.5, 1, 0.5, 0]);

export interface PerimeterMeasures {
  /** mm: sum of the segment lengths */
  perimeter: number;
  /** mm^2: signed area enclosed by the segments, sum of (a x b) / 2 */
  surface: number;
}

/**
 * Perimeter and enclosed area of the contour of a 2D binary grid with a zero border.
 * `data` is row-major (`rows` x `cols`), `spacing` = [row spacing, column spacing].
 */
export function contourMeasures(
  data: Uint8Array,
  rows: number,
  cols: number,
  spacing: readonly [number, number],
): PerimeterMeasures {
  const [s0, s1] = spacing;
  let perimeter = 0;
  let surface = 0;
  for (let iy = 0; iy < rows - 1; iy++) {
    let base = iy * cols;
    for (let ix = 0; ix < cols - 1; ix++, base++) {
      const idx = data[base] | (data[base + 1] << 1) | (data[base + cols + 1] << 2) | (data[base + cols] << 3);
      if (idx === 0 || idx === 15) continue;
      const segs = SEGMENTS[idx];
      for (let t = 0; t < segs.length; t += 2) {
        const ea = segs[t], eb = segs[t + 1];
        const a0 = (iy + MID_R[ea]) * s0, a1 = (ix + MID_C[ea]) * s1;
        const b0 = (iy + MID_R[eb]) * s0, b1 = (ix + MID_C[eb]) * s1;
        surface += a0 * b1 - b0 * a1;
        const d0 = a0 - b0, d1 = a1 - b1;
        perimeter += Math.sqrt(d0 * d0 + d1 * d1);
      }
    }
  }
  return { perimeter, surface: surface / 2 };
}
