/**
 * Connected components of a mask, and the lesions they make: the study delineates the
 * largest lesion, so the workstation numbers the components by size, largest first, and
 * marks the largest automatically. DOM-free.
 */
import type { Vec3 } from '../io/volume.ts';

export type Connectivity = 6 | 18 | 26;

export interface Components {
  /** per voxel: 0 outside the mask, else the component number (1 = largest) */
  labels: Int32Array;
  /** sizes[c - 1] = voxels of component c, in decreasing order (ties: first voxel first) */
  sizes: number[];
}

/** Neighbour offsets (di, dj, dk) of a connectivity: faces (6), + edges (18), + corners (26). */
function offsets(connectivity: Connectivity): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let dk = -1; dk <= 1; dk++)
    for (let dj = -1; dj <= 1; dj++)
      for (let di = -1; di <= 1; di++) {
        const m = Math.abs(di) + Math.abs(dj) + Math.abs(dk);
        if (m === 0) continue;
        if (connectivity === 6 && m > 1) continue;
        if (connectivity === 18 && m > 2) continue;
        out.push([di, dj, dk]);
      }
  return out;
}

/**
 * Components of the voxels that are nonzero (or equal to `label`), by flood fill with an
 * explicit stack; 26-connectivity by default (ITK's FullyConnected, as PyRadiomics counts
 * VolumeNum).
 */
export function connectedComponents(
  mask: ArrayLike<number>,
  size: Vec3,
  opts: { label?: number; connectivity?: Connectivity } = {},
): Components {
  const [nx, ny, nz] = size;
  const n = nx * ny * nz;
  if (mask.length !== n) throw new Error(`components: ${mask.length} voxels for a ${size.join('x')} grid`);
  const label = opts.label;
  const nbrs = offsets(opts.connectivity ?? 26);
  const di = Int32Array.from(nbrs, (o) => o[0]);
  const dj = Int32Array.from(nbrs, (o) => o[1]);
  const dk = Int32Array.from(nbrs, (o) => o[2]);
  const raw = new Int32Array(n); // provisional numbers in discovery order
  const stack = new Int32Array(n);
  const sizes: number[] = [];
  for (let start = 0; start < n; start++) {
    const v0 = mask[start];
    if (raw[start] !== 0 || (label === undefined ? v0 === 0 : v0 !== label)) continue;
    const c = sizes.length + 1;
    let count = 0;
    let top = 0;
    stack[top++] = start;
    raw[start] = c;
    while (top > 0) {
      const v = stack[--top];
      count++;
      const k = Math.floor(v / (nx * ny));
      const r = v - k * nx * ny;
      const j = Math.floor(r / nx);
      const i = r - j * nx;
      for (let o = 0; o < di.length; o++) {
        const ii = i + di[o];
        const jj = j + dj[o];
        const kk = k + dk[o];
        if (ii < 0 || jj < 0 || kk < 0 || ii >= nx || jj >= ny || kk >= nz) continue;
        const u = ii + nx * (jj + ny * kk);
        if (raw[u] !== 0) continue;
        const m = mask[u];
        if (label === undefined ? m === 0 : m !== label) continue;
        raw[u] = c;
        stack[top++] = u;
      }
    }
    sizes.push(count);
  }
  // Renumber by size, largest first (a stable sort keeps discovery order among ties).
  const order = sizes.map((s, i) => ({ s, i })).sort((a, b) => b.s - a.s || a.i - b.i);
  const rank = new Int32Array(sizes.length + 1);
  order.forEach((o, r) => (rank[o.i + 1] = r + 1));
  for (let v = 0; v < n; v++) if (raw[v] !== 0) raw[v] = rank[raw[v]];
  return { labels: raw, sizes: order.map((o) => o.s) };
}

/** One lesion per connected component, largest first, as 0/1 masks (at most `max`). */
export function splitLesions(
  mask: ArrayLike<number>,
  size: Vec3,
  opts: { label?: number; connectivity?: Connectivity; max?: number } = {},
): { masks: Uint8Array[]; sizes: number[] } {
  const comps = connectedComponents(mask, size, opts);
  const count = Math.min(comps.sizes.length, opts.max ?? Infinity);
  const masks = Array.from({ length: count }, () => new Uint8Array(comps.labels.length));
  for (let v = 0; v < comps.labels.length; v++) {
    const c = comps.labels[v];
    if (c !== 0 && c <= count) masks[c - 1][v] = 1;
  }
  return { masks, sizes: comps.sizes.slice(0, count) };
}

/** Index of the largest of several lesions by voxel count (the first on ties); -1 when all are empty. */
export function largestLesion(voxelCounts: readonly number[]): number {
  let best = -1;
  for (let i = 0; i < voxelCounts.length; i++) if (voxelCounts[i] > 0 && (best < 0 || voxelCounts[i] > voxelCounts[best])) best = i;
  return best;
}

/**
 * The label value of the largest lesion of a label map (lesion k = voxels of value k): the
 * value with the most voxels, the lowest on ties; 0 when the map is empty. The study
 * analysed a patient's largest lesion.
 */
export function largestLabel(labels: ArrayLike<number>): number {
  const counts = new Uint32Array(256);
  for (let i = 0; i < labels.length; i++) counts[labels[i] & 255]++;
  let best = 0;
  for (let v = 1; v < 256; v++) if (counts[v] > (best ? counts[best] : 0)) best = v;
  return best;
}

/** The 0/1 mask of the voxels of value `value`; null when there is none. */
export function labelMask(labels: ArrayLike<number>, value: number): Uint8Array | null {
  const out = new Uint8Array(labels.length);
  let any = false;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === value) {
      out[i] = 1;
      any = true;
    }
  }
  return any ? out : null;
}
