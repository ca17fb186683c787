/**
 * The mask steps of PyRadiomics's preprocessing (radiomics/imageoperations.py): label
 * selection (`getMask`), the image/mask geometry check (the ITK check behind
 * `checkMask`, with geometryTolerance), the ROI checks (`checkMask`: single voxel,
 * minimumROIDimensions, minimumROISize), and the ROI measures the diagnostics report
 * (bounding box, voxel count, connected components, centre of mass).
 *
 * An ROI is a Uint8Array on its volume's grid: 1 where mask == label, else 0.
 */
import type { Geometry, Vec3, Volume, VoxelArray } from '../io/volume.ts';

export class MaskError extends Error {}

/** Inclusive index bounds of the ROI, x, y, z. */
export interface BoundingBox {
  lo: Vec3;
  hi: Vec3;
}

export function boxSize(b: BoundingBox): Vec3 {
  return [b.hi[0] - b.lo[0] + 1, b.hi[1] - b.lo[1] + 1, b.hi[2] - b.lo[2] + 1];
}

/**
 * The mask as PyRadiomics sees it: cast to uint32 (`sitk.Cast(mask, sitkUInt32)`; floats
 * truncate toward zero, negative integers wrap), as a new Uint32Array.
 */
export function maskAsUint32(mask: Volume): Uint32Array {
  const d = mask.data;
  if (d instanceof Uint32Array) return d;
  const out = new Uint32Array(d.length);
  if (d instanceof Float32Array || d instanceof Float64Array) {
    for (let i = 0; i < d.length; i++) out[i] = Math.trunc(d[i]) >>> 0;
  } else out.set(d); // ToUint32 wraps negatives, as a C cast does
  return out;
}

/**
 * PyRadiomics's getMask + `mask == label`: the ROI of `label`, or an error when the mask
 * is empty or the label is absent (naming the labels that are there).
 */
export function selectLabel(mask: Volume, label: number, source = 'mask'): Uint8Array {
  return selectLabelWithBox(mask, label, source).roi;
}

/**
 * An ROI given on a block of its grid: `data` holds the voxels [lo, lo + size) (x fastest);
 * the ROI has no voxel outside the block. Saves a whole-grid array when only the ROI's
 * neighbourhood is read (a 384 x 384 x 88 mask is 13 MB per extraction).
 */
export interface RoiBlock {
  data: Uint8Array;
  lo: Vec3;
  size: Vec3;
}

/** A selected label: its ROI, bounding box and voxel count. */
export interface SelectedLabel {
  roi: Uint8Array;
  box: BoundingBox;
  count: number;
}

/**
 * selectLabel with the ROI's bounding box and voxel count, in one pass over the mask.
 * Masks are mostly zeros: the pass reads them 8 bytes at a time and looks at single voxels
 * only where those bytes are not all zero.
 */
export function selectLabelWithBox(mask: Volume, label: number, source = 'mask'): SelectedLabel {
  const { block, box, count } = selectLabelBlock(mask, label, source);
  return { roi: expandRoi(block, mask.size), box, count };
}

/** selectLabelWithBox with the ROI on its bounding box only (RoiBlock). */
export function selectLabelBlock(mask: Volume, label: number, source = 'mask'): { block: RoiBlock; box: BoundingBox; count: number } {
  const d = mask.data;
  const float = d instanceof Float32Array || d instanceof Float64Array;
  const n = d.length;
  // [any nonzero, count, x0, y0, z0, x1, y1, z1]
  const st = Int32Array.of(0, 0, mask.size[0], mask.size[1], mask.size[2], -1, -1, -1);
  const bpe = d.BYTES_PER_ELEMENT;
  // the elements [first, last) fill whole 8-byte spans of per elements (bpe divides 8 and the offset)
  const per = 8 / bpe;
  const first = Math.min(n, ((8 - (d.byteOffset % 8)) % 8) / bpe);
  const spans = Math.floor((n - first) / per);
  const last = first + spans * per;
  const words = new Int32Array(d.buffer, d.byteOffset + first * bpe, 2 * spans);
  scanLabel(d, float, label, 0, first, mask.size, st);
  for (let j = 0; j < spans; ) {
    if ((words[2 * j] | words[2 * j + 1]) === 0) {
      j++;
      continue;
    }
    let k = j + 1;
    while (k < spans && (words[2 * k] | words[2 * k + 1]) !== 0) k++;
    scanLabel(d, float, label, first + j * per, first + k * per, mask.size, st);
    j = k;
  }
  scanLabel(d, float, label, last, n, mask.size, st);
  const found = st[1] > 0;
  if (!st[0] || (float && !found && maskAsUint32(mask).every((v) => v === 0)))
    throw new MaskError(`${source}: no labels found in this mask (nothing is segmented)`);
  if (!found) {
    const m = maskAsUint32(mask);
    const present = new Set<number>();
    for (let k = 0; k < m.length && present.size < 50; k++) if (m[k] !== 0) present.add(m[k]);
    const list = [...present].sort((a, b) => a - b).join(', ');
    throw new MaskError(`${source}: label ${label} is not present in the mask (labels present: ${list})`);
  }
  const box: BoundingBox = { lo: [st[2], st[3], st[4]], hi: [st[5], st[6], st[7]] };
  const size = boxSize(box);
  const data = new Uint8Array(size[0] * size[1] * size[2]);
  const [nx, ny] = mask.size;
  for (let z = 0, o = 0; z < size[2]; z++)
    for (let y = 0; y < size[1]; y++) {
      const base = box.lo[0] + nx * (box.lo[1] + y + ny * (box.lo[2] + z));
      for (let x = 0; x < size[0]; x++, o++) {
        const raw = d[base + x];
        if (raw !== 0 && (float ? Math.trunc(raw) >>> 0 : raw >>> 0) === label) data[o] = 1;
      }
    }
  return { block: { data, lo: [...box.lo], size }, box, count: st[1] };
}

/** The label's voxels among d[a..b): count and box in st (see selectLabelBlock). */
function scanLabel(d: VoxelArray, float: boolean, label: number, a: number, b: number, size: Vec3, st: Int32Array): void {
  const nx = size[0];
  const nxy = nx * size[1];
  for (let i = a; i < b; i++) {
    const raw = d[i];
    if (raw === 0) continue;
    st[0] = 1;
    // sitk.Cast(mask, sitkUInt32): floats truncate toward zero, negative integers wrap
    const v = float ? Math.trunc(raw) >>> 0 : raw >>> 0;
    if (v !== label) continue;
    st[1]++;
    const z = Math.floor(i / nxy);
    const r = i - z * nxy;
    const y = Math.floor(r / nx);
    const x = r - y * nx;
    if (x < st[2]) st[2] = x;
    if (x > st[5]) st[5] = x;
    if (y < st[3]) st[3] = y;
    if (y > st[6]) st[6] = y;
    if (z < st[4]) st[4] = z;
    if (z > st[7]) st[7] = z;
  }
}

/** The ROI of a block on its whole grid of `size`. */
export function expandRoi(block: RoiBlock, size: Vec3): Uint8Array {
  const [nx, ny, nz] = size;
  const out = new Uint8Array(nx * ny * nz);
  const [bx, by, bz] = block.size;
  const [x0, y0, z0] = block.lo;
  for (let z = 0, o = 0; z < bz; z++)
    for (let y = 0; y < by; y++, o += bx) out.set(block.data.subarray(o, o + bx), x0 + nx * (y0 + y + ny * (z0 + z)));
  return out;
}

/** A whole-grid ROI as a block (the whole grid). */
export function wholeBlock(roi: Uint8Array, size: Vec3): RoiBlock {
  return { data: roi, lo: [0, 0, 0], size: [...size] };
}

/** Bounding box of the nonzero voxels (their indices plus `offset`), or null when there are none. */
export function roiBoundingBox(roi: Uint8Array, size: Vec3, offset: Vec3 = [0, 0, 0]): BoundingBox | null {
  const [nx, ny, nz] = size;
  let x0 = nx;
  let y0 = ny;
  let z0 = nz;
  let x1 = -1;
  let y1 = -1;
  let z1 = -1;
  let i = 0;
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++, i++) {
        if (roi[i] === 0) continue;
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
        if (z < z0) z0 = z;
        if (z > z1) z1 = z;
      }
  if (x1 < 0) return null;
  const [ox, oy, oz] = offset;
  return { lo: [x0 + ox, y0 + oy, z0 + oz], hi: [x1 + ox, y1 + oy, z1 + oz] };
}

export function roiVoxelCount(roi: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < roi.length; i++) n += roi[i];
  return n;
}

/**
 * Why two grids do not occupy the same physical space for ITK (ImageToImageFilter::
 * VerifyInputInformation): size must be equal; origin and spacing within
 * tolerance * spacing[0]; direction within tolerance. Default tolerance 1e-6 (ITK's),
 * replaced by PyRadiomics's geometryTolerance. Returns null when they match.
 */
export function geometryMismatch(a: Geometry, b: Geometry, tolerance: number | null): string | null {
  const tol = tolerance ?? 1e-6;
  if (a.size[0] !== b.size[0] || a.size[1] !== b.size[1] || a.size[2] !== b.size[2])
    return `size ${fmt(a.size)} vs ${fmt(b.size)}`;
  const coordTol = Math.abs(tol * a.spacing[0]);
  for (let i = 0; i < 3; i++) {
    if (Math.abs(a.origin[i] - b.origin[i]) > coordTol) return `origin ${fmt(a.origin)} vs ${fmt(b.origin)}`;
    if (Math.abs(a.spacing[i] - b.spacing[i]) > coordTol) return `spacing ${fmt(a.spacing)} vs ${fmt(b.spacing)}`;
  }
  for (let i = 0; i < 9; i++)
    if (Math.abs(a.direction[i] - b.direction[i]) > tol) return `direction ${fmt(a.direction)} vs ${fmt(b.direction)}`;
  return null;
}

function fmt(v: readonly number[]): string {
  return `(${v.join(', ')})`;
}

export interface RoiChecks {
  minimumROIDimensions: number;
  minimumROISize: number | null;
}

/**
 * PyRadiomics checkMask's ROI checks on the bounding box: a single voxel is always an
 * error; fewer dimensions with extent > 1 than minimumROIDimensions is an error; with
 * minimumROISize set, a voxel count <= it is an error. Returns the bounding box.
 */
export function checkRoi(roi: Uint8Array, size: Vec3, s: RoiChecks, source = 'mask', box?: BoundingBox): BoundingBox {
  const bb = box ?? roiBoundingBox(roi, size);
  if (!bb) throw new MaskError(`${source}: the ROI is empty`);
  const ext = boxSize(bb);
  const ndims = ext.filter((e) => e > 1).length;
  if (ndims === 0) throw new MaskError(`${source}: the ROI contains only 1 voxel; features cannot be extracted from a single voxel`);
  if (ndims < s.minimumROIDimensions)
    throw new MaskError(
      `${source}: the ROI has too few dimensions (${ndims} with more than one voxel, minimumROIDimensions is ${s.minimumROIDimensions})`,
    );
  if (s.minimumROISize !== null) {
    const n = roiVoxelCount(roi);
    if (n <= s.minimumROISize) throw new MaskError(`${source}: the ROI is too small (${n} voxels; minimumROISize is ${s.minimumROISize})`);
  }
  return bb;
}

/**
 * Number of connected components with 26-connectivity (ITK's ConnectedComponentImageFilter
 * with FullyConnectedOn, as PyRadiomics's diagnostics VolumeNum uses). Works on the ROI's
 * bounding box, where every component lies.
 */
export function countComponents(roi: Uint8Array, size: Vec3, box?: BoundingBox): number {
  const bb = box ?? roiBoundingBox(roi, size);
  if (!bb) return 0;
  const [nx, ny, nz] = boxSize(bb);
  const nxy = nx * ny;
  // the box, with 1 for ROI voxels not yet visited
  const todo = new Uint8Array(nxy * nz);
  for (let z = 0, o = 0; z < nz; z++)
    for (let y = 0; y < ny; y++) {
      const base = bb.lo[0] + size[0] * (bb.lo[1] + y + size[1] * (bb.lo[2] + z));
      for (let x = 0; x < nx; x++, o++) todo[o] = roi[base + x] !== 0 ? 1 : 0;
    }
  const stack = new Int32Array(todo.length);
  let count = 0;
  for (let start = 0; start < todo.length; start++) {
    if (!todo[start]) continue;
    count++;
    let top = 0;
    stack[top++] = start;
    todo[start] = 0;
    while (top > 0) {
      const v = stack[--top];
      const z = Math.floor(v / nxy);
      const r = v - z * nxy;
      const y = Math.floor(r / nx);
      const x = r - y * nx;
      for (let zz = Math.max(z - 1, 0); zz <= Math.min(z + 1, nz - 1); zz++)
        for (let yy = Math.max(y - 1, 0); yy <= Math.min(y + 1, ny - 1); yy++)
          for (let xx = Math.max(x - 1, 0); xx <= Math.min(x + 1, nx - 1); xx++) {
            const u = xx + nx * yy + nxy * zz;
            if (todo[u]) {
              todo[u] = 0;
              stack[top++] = u;
            }
          }
    }
  }
  return count;
}

/**
 * Mean index (x, y, z) of the ROI voxels (numpy mean of np.where coordinates); `box` bounds
 * the scan; `offset` is added to the array's indices (the array is a block of the grid there).
 */
export function centerOfMassIndex(roi: Uint8Array, size: Vec3, box?: BoundingBox, offset: Vec3 = [0, 0, 0]): Vec3 {
  const [nx, ny, nz] = size;
  const lo = box?.lo ?? [0, 0, 0];
  const hi = box?.hi ?? [nx - 1, ny - 1, nz - 1];
  let sx = 0;
  let sy = 0;
  let sz = 0;
  let n = 0;
  for (let z = lo[2]; z <= hi[2]; z++)
    for (let y = lo[1]; y <= hi[1]; y++) {
      const base = nx * (y + ny * z);
      for (let x = lo[0]; x <= hi[0]; x++) {
        if (roi[base + x] === 0) continue;
        sx += x + offset[0];
        sy += y + offset[1];
        sz += z + offset[2];
        n++;
      }
    }
  // Integer sums are exact in double below 2^53, so the order numpy adds them in does not matter.
  return [sx / n, sy / n, sz / n];
}
