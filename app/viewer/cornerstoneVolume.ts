/**
 * Our decoded arrays -> Cornerstone volumes, without any Cornerstone image loader.
 *
 * Each slice k becomes a Cornerstone "local image" (`imageLoader.createAndCacheLocalImage`)
 * whose pixel data is a view (subarray) of the volume's own typed array, with a correct
 * per-slice ImagePositionPatient, the row/column cosines and the FrameOfReferenceUID in its
 * image-plane metadata. The volume itself is an `ImageVolume` over those images, given our
 * geometry directly (Cornerstone would otherwise re-sort the slices by position). Derived
 * labelmaps (`volumeLoader.createAndCacheDerivedLabelmapVolume`) and the segmentation tools
 * work on these volumes as on loader-built ones: they only need cached images with
 * image-plane metadata.
 *
 * Direction conventions: ours (workers/io/volume.ts) is ITK's, row-major with column c the
 * direction of index axis c; Cornerstone's `direction` lists the three axis vectors one
 * after the other, i.e. the transpose.
 */
import {
  cache,
  imageLoader,
  ImageVolume,
  metaData,
  utilities as csUtils,
  type Types,
} from '@cornerstonejs/core';
import type { Mat3, Vec3, Volume, VoxelArray } from '../../workers/io/volume.ts';

export type DisplayArray = Uint8Array | Int16Array | Uint16Array | Float32Array;

export interface VolumeMeta {
  frameOfReferenceUID: string;
  modality: string;
  seriesInstanceUID?: string;
}

const SCHEME = 'her2local';

/** Cornerstone's direction (axis vectors one after the other) from ours (ITK, row-major). */
export function toCornerstoneDirection(d: Mat3): Types.Mat3 {
  return [d[0], d[3], d[6], d[1], d[4], d[7], d[2], d[5], d[8]] as Types.Mat3;
}

/** Local images accept only these four types; anything else is shown as Float32. */
export function toDisplayArray(data: VoxelArray): DisplayArray {
  if (
    data instanceof Uint8Array ||
    data instanceof Int16Array ||
    data instanceof Uint16Array ||
    data instanceof Float32Array
  ) {
    return data;
  }
  return Float32Array.from(data as ArrayLike<number>);
}

/**
 * A volume one voxel thick along an axis (a single 2D image, a MIP) has a degenerate
 * bounding box, which the ray-casting volume mapper does not rasterise reliably. For
 * display only, such an axis is given two identical samples one spacing apart, centred on
 * the original plane (so the plane itself shows the original values). Other volumes are
 * returned as they are (same memory).
 */
export function thickenFlatAxes(volume: Volume): Volume {
  let v = volume;
  for (const axis of [0, 1, 2] as const) {
    if (v.size[axis] !== 1) continue;
    const [nx, ny, nz] = v.size;
    const src = v.data;
    const out = new (src.constructor as new (n: number) => VoxelArray)(src.length * 2);
    if (axis === 2) {
      out.set(src, 0);
      out.set(src, src.length);
    } else if (axis === 1) {
      for (let k = 0; k < nz; k++) {
        const row = src.subarray(k * nx, (k + 1) * nx);
        out.set(row, 2 * k * nx);
        out.set(row, (2 * k + 1) * nx);
      }
    } else {
      for (let r = 0; r < ny * nz; r++) {
        out[2 * r] = src[r];
        out[2 * r + 1] = src[r];
      }
    }
    const size = [...v.size] as Vec3;
    size[axis] = 2;
    const half = v.spacing[axis] / 2;
    const d = v.direction;
    const origin: Vec3 = [v.origin[0] - d[axis] * half, v.origin[1] - d[3 + axis] * half, v.origin[2] - d[6 + axis] * half];
    v = { ...v, size, origin, data: out };
  }
  return v;
}

/** Static metadata the local images lack (series module, modality LUT already applied). */
const extraMeta = new Map<string, VolumeMeta>();
let providerAdded = false;
function addMetadataProvider(): void {
  if (providerAdded) return;
  providerAdded = true;
  // Some code paths (e.g. a viewport asking for an image by id) go through the image loader
  // even though the images are cached: serve them from the cache.
  imageLoader.registerImageLoader(SCHEME, (imageId: string) => {
    const image = cache.getImage(imageId);
    return {
      promise: image ? Promise.resolve(image) : Promise.reject(new Error(`${imageId} is not in the cache`)),
    } as unknown as Types.IImageLoadObject;
  });
  metaData.addProvider((type: string, imageId: string) => {
    if (!imageId.startsWith(`${SCHEME}:`)) return undefined;
    const volumeId = imageId.slice(SCHEME.length + 1, imageId.lastIndexOf('#'));
    const meta = extraMeta.get(volumeId);
    if (!meta) return undefined;
    if (type === 'generalSeriesModule') {
      return { modality: meta.modality, seriesInstanceUID: meta.seriesInstanceUID };
    }
    // The values are already rescaled by our importer: Cornerstone must not rescale again.
    if (type === 'modalityLutModule') return { rescaleSlope: 1, rescaleIntercept: 0 };
    return undefined;
  }, 10000);
}

/**
 * Creates (and caches) a Cornerstone volume sharing `volume.data`'s memory.
 * Returns the display array actually used (a copy when the input type is not one
 * Cornerstone renders, or when a flat axis is thickened for display).
 */
export function createCornerstoneVolume(
  volumeId: string,
  volume: Volume,
  meta: VolumeMeta,
): { imageVolume: Types.IImageVolume; data: DisplayArray } {
  addMetadataProvider();
  const existing = cache.getVolume(volumeId);
  if (existing) cache.removeVolumeLoadObject(volumeId);
  extraMeta.set(volumeId, meta);

  const shown = thickenFlatAxes(volume);
  const data = toDisplayArray(shown.data);
  const [nx, ny, nz] = shown.size;
  const [sx, sy, sz] = shown.spacing;
  const d = shown.direction;
  const row: Vec3 = [d[0], d[3], d[6]];
  const col: Vec3 = [d[1], d[4], d[7]];
  const normal: Vec3 = [d[2], d[5], d[8]];
  const sliceLength = nx * ny;
  const imageIds: string[] = [];
  for (let k = 0; k < nz; k++) {
    const imageId = `${SCHEME}:${volumeId}#${k}`;
    imageIds.push(imageId);
    if (cache.getImage(imageId)) cache.removeImageLoadObject(imageId, { force: true });
    const origin: Vec3 = [
      shown.origin[0] + normal[0] * sz * k,
      shown.origin[1] + normal[1] * sz * k,
      shown.origin[2] + normal[2] * sz * k,
    ];
    imageLoader.createAndCacheLocalImage(imageId, {
      scalarData: data.subarray(k * sliceLength, (k + 1) * sliceLength),
      dimensions: [nx, ny],
      spacing: [sx, sy],
      origin,
      direction: [...row, ...col] as unknown as Types.Mat3,
      frameOfReferenceUID: meta.frameOfReferenceUID,
      targetBuffer: { type: data.constructor.name as 'Float32Array' },
    });
  }
  const signed = data instanceof Int16Array || data instanceof Float32Array;
  const imageVolume = new ImageVolume({
    volumeId,
    dataType: data.constructor.name as 'Float32Array',
    dimensions: [nx, ny, nz],
    spacing: [sx, sy, sz],
    origin: [...shown.origin] as Types.Point3,
    direction: toCornerstoneDirection(d),
    imageIds,
    metadata: {
      BitsAllocated: data.BYTES_PER_ELEMENT * 8,
      BitsStored: data.BYTES_PER_ELEMENT * 8,
      SamplesPerPixel: 1,
      HighBit: data.BYTES_PER_ELEMENT * 8 - 1,
      PhotometricInterpretation: 'MONOCHROME2',
      PixelRepresentation: signed ? 1 : 0,
      Modality: meta.modality,
      ImageOrientationPatient: [...row, ...col],
      PixelSpacing: [sy, sx],
      FrameOfReferenceUID: meta.frameOfReferenceUID,
      Columns: nx,
      Rows: ny,
      voiLut: [],
      SeriesInstanceUID: meta.seriesInstanceUID,
    } as unknown as Types.Metadata,
    voxelManager: csUtils.VoxelManager.createImageVolumeVoxelManager({
      imageIds,
      dimensions: [nx, ny, nz],
      numberOfComponents: 1,
      id: volumeId,
    }),
  } as unknown as Types.ImageVolumeProps);
  cache.putVolumeSync(volumeId, imageVolume as unknown as Types.IImageVolume);
  return { imageVolume: imageVolume as unknown as Types.IImageVolume, data };
}

/** Removes a volume and its slice images from Cornerstone's cache. */
export function removeCornerstoneVolume(volumeId: string): void {
  const v = cache.getVolume(volumeId);
  if (!v) return;
  const ids = v.imageIds ?? [];
  cache.removeVolumeLoadObject(volumeId);
  for (const id of ids) if (cache.getImage(id)) cache.removeImageLoadObject(id, { force: true });
  extraMeta.delete(volumeId);
}
