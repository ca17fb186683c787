/**
 * A small greyscale preview of a volume's middle slice, for the series list. DOM-free:
 * returns RGBA bytes the UI puts on a canvas.
 */
import type { Volume } from './volume.ts';

export interface Thumbnail {
  width: number;
  height: number;
  /** RGBA, row-major, width * height * 4 bytes */
  rgba: Uint8ClampedArray;
}

/**
 * Nearest-neighbour downsampling of slice k = nz/2 so that the longer side is `maxSide`
 * pixels (never upsampled), windowed between the slice's 1st and 99th percentiles.
 */
export function makeThumbnail(volume: Volume, maxSide = 64): Thumbnail {
  const [nx, ny, nz] = volume.size;
  const k = Math.floor(nz / 2);
  const scale = Math.min(1, maxSide / Math.max(nx, ny));
  const width = Math.max(1, Math.round(nx * scale));
  const height = Math.max(1, Math.round(ny * scale));
  const base = k * nx * ny;
  const values = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const j = Math.min(ny - 1, Math.floor((y + 0.5) / scale));
    for (let x = 0; x < width; x++) {
      const i = Math.min(nx - 1, Math.floor((x + 0.5) / scale));
      values[x + width * y] = volume.data[base + i + nx * j];
    }
  }
  const sorted = values.slice().sort();
  const lo = sorted[Math.floor(0.01 * (sorted.length - 1))];
  const hi = sorted[Math.ceil(0.99 * (sorted.length - 1))];
  const range = hi > lo ? hi - lo : 1;
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < values.length; p++) {
    const g = ((values[p] - lo) / range) * 255;
    rgba[4 * p] = g;
    rgba[4 * p + 1] = g;
    rgba[4 * p + 2] = g;
    rgba[4 * p + 3] = 255;
  }
  return { width, height, rgba };
}
