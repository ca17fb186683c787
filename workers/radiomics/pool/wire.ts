/**
 * What crosses the thread boundary between the extraction pool and its workers, and how.
 *
 * - Parameters: ExtractionParams is plain data except the YAML floats kept as `PyFloat`
 *   (they decide names such as 'log-sigma-3-0-mm-3D' and the diagnostics text). Structured
 *   clone drops their class, so they travel tagged and are revived in the worker.
 * - Voxel arrays: transferred (moved, not copied) when the caller gives them up, shared when
 *   they live in a SharedArrayBuffer, cloned otherwise.
 */
import type { Volume, VoxelArray } from '../../io/volume.ts';
import { PyFloat, type ExtractionParams } from '../settings.ts';

/** ExtractionParams with every PyFloat written as `{ $pyFloat: value }`. */
export type WireParams = { readonly $wireParams: unknown };

const TAG = '$pyFloat';

function encode(v: unknown): unknown {
  if (v instanceof PyFloat) return { [TAG]: v.value };
  if (Array.isArray(v)) return v.map(encode);
  if (v !== null && typeof v === 'object' && !ArrayBuffer.isView(v)) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encode(x)]));
  }
  return v;
}

function decode(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(decode);
  if (v !== null && typeof v === 'object' && !ArrayBuffer.isView(v)) {
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === TAG) return new PyFloat((v as Record<string, number>)[TAG]);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decode(x)]));
  }
  return v;
}

export function encodeParams(params: ExtractionParams): WireParams {
  return { $wireParams: encode(params) };
}

export function decodeParams(wire: WireParams): ExtractionParams {
  return decode(wire.$wireParams) as ExtractionParams;
}

/** True where SharedArrayBuffer can be posted to workers (Node; browsers only when cross-origin isolated). */
export function canShareMemory(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  return isolated !== false;
}

/** A copy of `a` in a SharedArrayBuffer (the same type); `a` itself if it is shared already. */
export function sharedCopy<T extends VoxelArray>(a: T): T {
  if (typeof SharedArrayBuffer !== 'undefined' && a.buffer instanceof SharedArrayBuffer) return a;
  const Ctor = a.constructor as { new (b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number };
  const out = new Ctor(new SharedArrayBuffer(a.length * Ctor.BYTES_PER_ELEMENT));
  out.set(a as ArrayLike<number>);
  return out;
}

/**
 * The buffers of these arrays that can be moved to another thread without taking more
 * than the arrays themselves: whole, unshared ArrayBuffers, each listed once. Views into
 * a larger buffer (e.g. a slice of a file read) are left out and get cloned.
 */
export function transferList(arrays: readonly VoxelArray[]): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const a of arrays) {
    const b = a.buffer;
    if (b instanceof ArrayBuffer && a.byteOffset === 0 && a.byteLength === b.byteLength) out.add(b);
  }
  return [...out];
}

export function volumeArrays(...volumes: Volume[]): VoxelArray[] {
  return volumes.map((v) => v.data);
}
