/**
 * Marching cubes on a binary grid, PyRadiomics's way (radiomics/src/cshape.c, calculate_coefficients):
 * iso-level 0.5, so every vertex is the midpoint of a cube edge; the cube at (iz, iy, ix) has corner k at
 * (iz, iy, ix) + CUBE_CORNERS[k] (numpy (z, y, x) order); a cube whose index is above 127 is replaced by its
 * complement and its triangles count with the opposite sign. Triangles are oriented so that the signed
 * tetrahedron sum gives a positive volume.
 */
import type { PaddedGrid } from './grid.ts';
import { CUBE_CORNERS, EDGE_MIDPOINTS, TRIANGLES } from './marching-cubes-tables.ts';

/** TRIANGLES flattened: row `idx` starts at idx * 16, terminated by -1. */
const TRI = new Int8Array(128 * 16).fill(-1);
TRIANGLES.forEach((row, idx) => row.forEach((e, t) => (TRI[idx * 16 + t] = e)));

const EZ = Float64Array.from(EDGE_MIDPOINTS, (m) => m[0]);
const EY = Float64Array.from(EDGE_MIDPOINTS, (m) => m[1]);
const EX = Float64Array.from(EDGE_MIDPOINTS, (m) => m[2]);

function cornerOffsets(g: PaddedGrid): Int32Array {
  return Int32Array.from(CUBE_CORNERS, ([dz, dy, dx]) => dz * g.ny * g.nx + dy * g.nx + dx);
}

/** Cube index of the cube whose corner 0 is at linear index `base` (bit k = corner k inside). */
function cubeIndex(data: Uint8Array, base: number, off: Int32Array): number {
  return (
    data[base + off[0]] |
    (data[base + off[1]] << 1) |
    (data[base + off[2]] << 2) |
    (data[base + off[3]] << 3) |
    (data[base + off[4]] << 4) |
    (data[base + off[5]] << 5) |
    (data[base + off[6]] << 6) |
    (data[base + off[7]] << 7)
  );
}

export interface MeshMeasures {
  /** mm^2: sum of the triangle areas |(a - c) x (b - c)| / 2 */
  surfaceArea: number;
  /** mm^3: sum of the signed tetrahedra a . (b x c) / 6 (PyRadiomics MeshVolume) */
  volume: number;
}

/**
 * Surface area and enclosed volume of the marching-cubes mesh of `g` (which must have a zero border),
 * with `spacing` = [sz, sy, sx]. Vertex coordinates are (index + midpoint offset) * spacing and sums run
 * in PyRadiomics's loop order, so the rounding matches cshape.c.
 */
export function meshMeasures(g: PaddedGrid, spacing: readonly [number, number, number]): MeshMeasures {
  const { data, nz, ny, nx } = g;
  const [s0, s1, s2] = spacing;
  const off = cornerOffsets(g);
  let area = 0;
  let volume = 0;
  for (let iz = 0; iz < nz - 1; iz++) {
    for (let iy = 0; iy < ny - 1; iy++) {
      let base = (iz * ny + iy) * nx;
      for (let ix = 0; ix < nx - 1; ix++, base++) {
        let idx = cubeIndex(data, base, off);
        if (idx === 0 || idx === 255) continue;
        let sign = 1;
        if (idx & 0x80) {
          idx ^= 0xff;
          sign = -1;
        }
        for (let t = idx * 16; TRI[t] >= 0; t += 3) {
          const ea = TRI[t], eb = TRI[t + 1], ec = TRI[t + 2];
          const a0 = (iz + EZ[ea]) * s0, a1 = (iy + EY[ea]) * s1, a2 = (ix + EX[ea]) * s2;
          const b0 = (iz + EZ[eb]) * s0, b1 = (iy + EY[eb]) * s1, b2 = (ix + EX[eb]) * s2;
          const c0 = (iz + EZ[ec]) * s0, c1 = (iy + EY[ec]) * s1, c2 = (ix + EX[ec]) * s2;
          // signed volume of the tetrahedron (origin, a, b, c), times 6
          const x0 = a1 * b2 - b1 * a2, x1 = a2 * b0 - b2 * a0, x2 = a0 * b1 - b0 * a1;
          volume += sign * (x0 * c0 + x1 * c1 + x2 * c2);
          // area of the triangle, from the edges a - c and b - c
          const u0 = a0 - c0, u1 = a1 - c1, u2 = a2 - c2;
          const v0 = b0 - c0, v1 = b1 - c1, v2 = b2 - c2;
          const w0 = u1 * v2 - v1 * u2, w1 = u2 * v0 - v2 * u0, w2 = u0 * v1 - v0 * u1;
          area += 0.5 * Math.sqrt(w0 * w0 + w1 * w1 + w2 * w2);
        }
      }
    }
  }
  return { surfaceArea: area, volume: volume / 6 };
}

export interface IndexMesh {
  /** vertex positions in grid index units, numpy order: (z, y, x) per vertex */
  vertices: Float64Array;
  /** three vertex numbers per triangle, oriented so that normals point out of the ROI in (z, y, x) */
  triangles: Uint32Array;
}

/**
 * The same mesh with shared vertices: each edge midpoint becomes one vertex, whichever cubes use it.
 * Triangles of complemented cubes are reversed so that every triangle has the orientation that gives
 * a positive volume.
 */
export function marchingCubesMesh(g: PaddedGrid): IndexMesh {
  const { data, nz, ny, nx } = g;
  const off = cornerOffsets(g);
  // edge e of a cube: its lower corner (linear offset) and its axis (0 = z, 1 = y, 2 = x)
  const edgeLower = new Int32Array(12);
  const edgeAxis = new Int32Array(12);
  for (let e = 0; e < 12; e++) {
    const m = EDGE_MIDPOINTS[e];
    edgeAxis[e] = m.indexOf(0.5);
    edgeLower[e] = Math.floor(m[0]) * ny * nx + Math.floor(m[1]) * nx + Math.floor(m[2]);
  }
  const vertexOfEdge = new Int32Array(nz * ny * nx * 3).fill(-1);
  const verts: number[] = [];
  const tris: number[] = [];
  const vertex = (base: number, e: number, iz: number, iy: number, ix: number): number => {
    const key = (base + edgeLower[e]) * 3 + edgeAxis[e];
    let v = vertexOfEdge[key];
    if (v < 0) {
      v = verts.length / 3;
      vertexOfEdge[key] = v;
      verts.push(iz + EZ[e], iy + EY[e], ix + EX[e]);
    }
    return v;
  };
  for (let iz = 0; iz < nz - 1; iz++) {
    for (let iy = 0; iy < ny - 1; iy++) {
      let base = (iz * ny + iy) * nx;
      for (let ix = 0; ix < nx - 1; ix++, base++) {
        let idx = cubeIndex(data, base, off);
        if (idx === 0 || idx === 255) continue;
        let flip = false;
        if (idx & 0x80) {
          idx ^= 0xff;
          flip = true;
        }
        for (let t = idx * 16; TRI[t] >= 0; t += 3) {
          const a = vertex(base, TRI[t], iz, iy, ix);
          const b = vertex(base, TRI[t + 1], iz, iy, ix);
          const c = vertex(base, TRI[t + 2], iz, iy, ix);
          if (flip) tris.push(a, c, b);
          else tris.push(a, b, c);
        }
      }
    }
  }
  return { vertices: Float64Array.from(verts), triangles: Uint32Array.from(tris) };
}
