/**
 * Our decoded arrays -> Cornerstone volumes, without any Cornerstone image loader.
 *
 * Each slice k becomes a Cornerstone "local image" (as `imageLoader.createAndCacheLocalImage`
 * makes them, see cacheSliceImage) whose pixel data is a view (subarray) of the volume's own typed array, with a correct
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
  Enums as csEnums,
  imageLoader,
  ImageVolume,
  metaData,
  utilities as csUtils,
  type Types,
} from '@cornerstonejs/core';
import { Filter } from '@kitware/vtk.js/Rendering/OpenGL/Texture/Constants.js';
import type { Mat3, Vec3, Volume, VoxelArray } from '../../workers/io/volume.ts';
import { sliceRanges as sliceRangesOfData } from '../../workers/io/volume.ts';

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

interface SliceImage {
  imageId: string;
  pixels: DisplayArray;
  width: number;
  height: number;
  /** [along a row (x), along a column (y)], mm */
  spacing: [number, number];
  position: Vec3;
  row: Vec3;
  col: Vec3;
  frameOfReferenceUID: string;
  min: number;
  max: number;
}

/**
 * Caches one slice as a Cornerstone local image, as `imageLoader.createAndCacheLocalImage`
 * does, but with its value range given: that function scans every pixel for it, which for a
 * 384 x 384 x 88 phase took 100-170 ms of the main thread on the 2-core machine (the DICOM
 * worker computes the ranges while it decodes).
 */
function cacheSliceImage(s: SliceImage): void {
  const bits = s.pixels.BYTES_PER_ELEMENT * 8;
  const plane = {
    frameOfReferenceUID: s.frameOfReferenceUID,
    rows: s.height,
    columns: s.width,
    imageOrientationPatient: [...s.row, ...s.col],
    rowCosines: [...s.row],
    columnCosines: [...s.col],
    imagePositionPatient: [...s.position],
    // (Cornerstone's local images list the spacing along x first here, as createAndCacheLocalImage does)
    pixelSpacing: [s.spacing[1], s.spacing[0]],
    rowPixelSpacing: s.spacing[1],
    columnPixelSpacing: s.spacing[0],
  };
  const pixel = {
    samplesPerPixel: 1,
    photometricInterpretation: 'MONOCHROME2',
    rows: s.height,
    columns: s.width,
    bitsAllocated: bits,
    bitsStored: bits,
    highBit: bits - 1,
  };
  csUtils.genericMetadataProvider.add(s.imageId, { type: csEnums.MetadataModules.IMAGE_PLANE, metadata: plane });
  csUtils.genericMetadataProvider.add(s.imageId, { type: csEnums.MetadataModules.IMAGE_PIXEL, metadata: pixel });
  const voxelManager = csUtils.VoxelManager.createImageVoxelManager({
    width: s.width,
    height: s.height,
    numberOfComponents: 1,
    scalarData: s.pixels,
    id: s.imageId,
  });
  const image = {
    imageId: s.imageId,
    intercept: 0,
    slope: 1,
    windowCenter: 0,
    windowWidth: 0,
    color: false,
    numberOfComponents: 1,
    dataType: s.pixels.constructor.name,
    minPixelValue: s.min,
    maxPixelValue: s.max,
    rows: s.height,
    columns: s.width,
    height: s.height,
    width: s.width,
    columnPixelSpacing: plane.columnPixelSpacing,
    rowPixelSpacing: plane.rowPixelSpacing,
    FrameOfReferenceUID: s.frameOfReferenceUID,
    invert: false,
    getCanvas: undefined,
    rgba: undefined,
    getPixelData: () => voxelManager.getScalarData(),
    voxelManager,
    sizeInBytes: s.pixels.byteLength,
  };
  cache.putImageSync(s.imageId, image as unknown as Types.IImage);
}

/**
 * Creates (and caches) a Cornerstone volume sharing `volume.data`'s memory.
 * Returns the display array actually used (a copy when the input type is not one
 * Cornerstone renders, or when a flat axis is thickened for display).
 * `sliceRanges` ([2k] min, [2k + 1] max of slice k of `volume`) spares a pass over the voxels.
 */
export function createCornerstoneVolume(
  volumeId: string,
  volume: Volume,
  meta: VolumeMeta,
  sliceRanges?: Float64Array,
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
  // (a thickened flat axis changes the slices: their ranges are computed again)
  const ranges = sliceRanges && shown === volume ? sliceRanges : sliceRangesOfData(data, sliceLength, nz);
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
    cacheSliceImage({
      imageId,
      pixels: data.subarray(k * sliceLength, (k + 1) * sliceLength),
      width: nx,
      height: ny,
      spacing: [sx, sy],
      position: origin,
      row,
      col,
      frameOfReferenceUID: meta.frameOfReferenceUID,
      min: ranges[2 * k],
      max: ranges[2 * k + 1],
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
  // The volume's texture uploads the slices flagged as updated, and a volume built from
  // cached images has none flagged: the first viewport to draw it would draw an empty
  // texture (a black axial view on the first frame). Flag them all. The filters are set as
  // the volume mapper will set them for linear interpolation (the viewports' default):
  // changing them on the first draw would flag every slice again and upload it twice.
  const texture = (imageVolume as unknown as { vtkOpenGLTexture: VtkTextureFilters }).vtkOpenGLTexture;
  texture.setMinificationFilter(Filter.LINEAR);
  texture.setMagnificationFilter(Filter.LINEAR);
  imageVolume.invalidate();
  cache.putVolumeSync(volumeId, imageVolume as unknown as Types.IImageVolume);
  return { imageVolume: imageVolume as unknown as Types.IImageVolume, data };
}

interface VtkTextureFilters {
  setMinificationFilter(filter: number): boolean;
  setMagnificationFilter(filter: number): boolean;
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
