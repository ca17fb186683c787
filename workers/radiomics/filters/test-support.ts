/**
 * Helpers for the filter tests: the conformance inputs and manifests in
 * ../shared/conformance/filters, cropping to a manifest box, and float32 ulp distances.
 * Node-only (reads files); imported by *.test.ts and scripts, never by the engine.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { readNpy } from '../../io/npy.ts';
import { readNrrd } from '../../io/nrrd.ts';
import type { Vec3, Volume, VoxelArray } from '../../io/volume.ts';
import { IDENTITY, indexToPhysical } from '../../io/volume.ts';
import type { FilterSettings } from './types.ts';

export const SHARED = resolve(import.meta.dirname, '../../../../shared');
export const FILTERS_DIR = resolve(SHARED, 'conformance/filters');
export const DATA_DIR = resolve(SHARED, 'conformance/pyradiomics/data');
/** References made by scripts/filters-reference/make_fixtures.py (PyRadiomics + pywt / scikit-image). */
export const FIXTURES_DIR = resolve(import.meta.dirname, 'fixtures');

export interface Box { x: [number, number]; y: [number, number]; z: [number, number] }

export interface ManifestOutput {
  imageType: string;
  filter: 'LoG' | 'wavelet';
  variant: 'padded' | 'fullimage';
  filteredBox: Box;
  storedBox: Box;
  storedSize: Vec3;
  storedOrigin: Vec3;
  settings: Record<string, unknown>;
  file: string;
  dtype: string;
  stats: { count: number; min: number; max: number; sum: number };
  wholeImageStats?: { count: number; min: number; max: number; sum: number };
}

export interface Manifest {
  case: string;
  imageSize: Vec3;
  spacing: Vec3;
  origin: Vec3;
  maskBoundingBox: Box;
  paddedBox: Box;
  outputs: ManifestOutput[];
}

export function readVolume(path: string): Volume {
  return readNrrd(new Uint8Array(readFileSync(path)), path);
}

export function readManifest(caseName: string): Manifest {
  return JSON.parse(readFileSync(resolve(FILTERS_DIR, `${caseName}_manifest.json`), 'utf8')) as Manifest;
}

export function readCaseImage(caseName: string): Volume {
  return readVolume(resolve(DATA_DIR, `${caseName}_image.nrrd`));
}

/** The sub-volume of an inclusive index box, with the origin moved to its first voxel. */
export function cropBox(v: Volume, box: Box): Volume {
  const [nx, ny] = v.size;
  const sx = box.x[1] - box.x[0] + 1;
  const sy = box.y[1] - box.y[0] + 1;
  const sz = box.z[1] - box.z[0] + 1;
  const Ctor = v.data.constructor as new (n: number) => VoxelArray;
  const out = new Ctor(sx * sy * sz);
  let o = 0;
  for (let k = box.z[0]; k <= box.z[1]; k++) {
    for (let j = box.y[0]; j <= box.y[1]; j++) {
      const row = (k * ny + j) * nx;
      for (let i = box.x[0]; i <= box.x[1]; i++) out[o++] = v.data[row + i];
    }
  }
  return {
    size: [sx, sy, sz],
    spacing: [...v.spacing] as Vec3,
    origin: indexToPhysical(v, box.x[0], box.y[0], box.z[0]),
    direction: [...v.direction] as Volume['direction'],
    data: out,
  };
}

/** The box of a whole volume. */
export function wholeBox(v: Volume): Box {
  return { x: [0, v.size[0] - 1], y: [0, v.size[1] - 1], z: [0, v.size[2] - 1] };
}

/** A box expressed relative to another (both in the same image's indices). */
export function relativeBox(inner: Box, outer: Box): Box {
  return {
    x: [inner.x[0] - outer.x[0], inner.x[1] - outer.x[0]],
    y: [inner.y[0] - outer.y[0], inner.y[1] - outer.y[0]],
    z: [inner.z[0] - outer.z[0], inner.z[1] - outer.z[0]],
  };
}

const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);
/** Position of a float32 on the ordered integer line (adjacent floats differ by 1). */
function orderedBits(x: number): number {
  f32[0] = x;
  const b = i32[0];
  return b < 0 ? -2147483648 - b : b;
}

/** Distance in float32 ulps between two float32 values. */
export function ulpDistance(a: number, b: number): number {
  return Math.abs(orderedBits(a) - orderedBits(b));
}

export function index3(size: Vec3, i: number): Vec3 {
  const nx = size[0];
  const ny = size[1];
  return [i % nx, Math.floor(i / nx) % ny, Math.floor(i / (nx * ny))];
}

export interface FixtureCase {
  id: string;
  function: string;
  input: string;
  settings: FilterSettings;
  names: string[];
  file: string;
  dtype: string;
}
export interface FixtureManifest {
  inputs: Record<string, { file: string; shape_zyx: number[]; dtype: string }>;
  cases: FixtureCase[];
  /** pywt.Wavelet(name).dec_lo / dec_hi of every discrete wavelet */
  filters: Record<string, { dec_lo: number[]; dec_hi: number[] }>;
}

export function readFixtureManifest(): FixtureManifest {
  return JSON.parse(readFileSync(resolve(FIXTURES_DIR, 'manifest.json'), 'utf8')) as FixtureManifest;
}

/** A fixture input as a Volume (unit spacing, as the generator's stand-in image has). */
export function fixtureInput(m: FixtureManifest, name: string): Volume {
  const info = m.inputs[name];
  const npy = readNpy(readFileSync(resolve(FIXTURES_DIR, info.file)), info.file);
  const [nz, ny, nx] = npy.shape;
  const Ctor = info.dtype === 'int16' ? Int16Array : info.dtype === 'float32' ? Float32Array : Float64Array;
  return { size: [nx, ny, nz] as Vec3, spacing: [1, 1, 1], origin: [0, 0, 0], direction: [...IDENTITY], data: Ctor.from(npy.data) };
}

/** The stacked outputs of a fixture case, one Float64Array per yielded image. */
export function fixtureOutputs(c: FixtureCase): Float64Array[] {
  const npy = readNpy(readFileSync(resolve(FIXTURES_DIR, c.file)), c.file);
  const per = npy.data.length / npy.shape[0];
  return Array.from({ length: npy.shape[0] }, (_, i) => npy.data.subarray(i * per, (i + 1) * per));
}
