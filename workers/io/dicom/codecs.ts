/**
 * The compressed-pixel decoders: Cornerstone's emscripten builds of libjpeg-turbo (JPEG
 * baseline 8-bit), CharLS (JPEG-LS), OpenJPEG (JPEG 2000) and OpenJPH (HTJ2K), and the
 * JavaScript JPEG Lossless decoder. Each is loaded once, on first use.
 *
 * Where the wasm comes from: in Node (CLI, tests) emscripten reads it with fs from the
 * package folder next to its .js; in the browser (Web Worker) Vite emits it as an asset of
 * our own origin through the `?url` import, so nothing is fetched from another origin.
 */

/** What the emscripten decoders expose (the subset we use). */
export interface WasmDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getDecodedBuffer(): Uint8Array;
  getFrameInfo(): { width: number; height: number; bitsPerSample: number; componentCount: number; isSigned?: boolean };
}

type EmscriptenFactory = (opts?: {
  locateFile?: (file: string, dir: string) => string;
  print?: (s: string) => void;
  printErr?: (s: string) => void;
}) => Promise<Record<string, unknown>>;

/**
 * OpenJPEG prints [INFO] lines for every image; decoding errors are thrown, so drop the chatter.
 * A new object per module: emscripten adopts the object it is given as its Module.
 */
const quiet = () => ({ print: () => {}, printErr: () => {} });

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

async function instantiate(
  loadFactory: () => Promise<unknown>,
  loadWasmUrl: () => Promise<{ default: string }>,
): Promise<Record<string, unknown>> {
  const mod = (await loadFactory()) as { default?: EmscriptenFactory } | EmscriptenFactory;
  const factory = (typeof mod === 'function' ? mod : mod.default) as EmscriptenFactory;
  if (isNode) return factory(quiet());
  const url = (await loadWasmUrl()).default;
  return factory({ ...quiet(), locateFile: (f) => (f.endsWith('.wasm') ? url : f) });
}

const cache = new Map<string, Promise<Record<string, unknown>>>();

function once(key: string, load: () => Promise<Record<string, unknown>>): Promise<Record<string, unknown>> {
  let p = cache.get(key);
  if (!p) {
    p = load();
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  return p;
}

async function decoderOf(key: string, className: string, load: () => Promise<Record<string, unknown>>): Promise<WasmDecoder> {
  const module = await once(key, load);
  const Ctor = module[className] as new () => WasmDecoder;
  return new Ctor();
}

export function libjpegTurbo(): Promise<WasmDecoder> {
  return decoderOf('libjpeg-turbo', 'JPEGDecoder', () =>
    instantiate(
      () => import('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs'),
      () => import('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasm?url'),
    ),
  );
}

export function charls(): Promise<WasmDecoder> {
  return decoderOf('charls', 'JpegLSDecoder', () =>
    instantiate(
      () => import('@cornerstonejs/codec-charls/decodewasmjs'),
      () => import('@cornerstonejs/codec-charls/decodewasm?url'),
    ),
  );
}

export function openjpeg(): Promise<WasmDecoder> {
  return decoderOf('openjpeg', 'J2KDecoder', () =>
    instantiate(
      () => import('@cornerstonejs/codec-openjpeg/decodewasmjs'),
      () => import('@cornerstonejs/codec-openjpeg/decodewasm?url'),
    ),
  );
}

/** The OpenJPH module itself (it also holds an HTJ2KEncoder); emscripten/embind allows one instance per realm. */
export function openjphModule(): Promise<Record<string, unknown>> {
  return once('openjph', () =>
    instantiate(
      () => import('@cornerstonejs/codec-openjph/wasmjs'),
      () => import('@cornerstonejs/codec-openjph/wasm?url'),
    ),
  );
}

export function openjph(): Promise<WasmDecoder> {
  return decoderOf('openjph', 'HTJ2KDecoder', openjphModule);
}

/** Runs one wasm decode and copies the result out of the wasm heap. */
export function runWasmDecoder(d: WasmDecoder, encoded: Uint8Array): { bytes: Uint8Array; info: ReturnType<WasmDecoder['getFrameInfo']> } {
  d.getEncodedBuffer(encoded.length).set(encoded);
  d.decode();
  const info = d.getFrameInfo();
  const out = d.getDecodedBuffer();
  return { bytes: out.slice(), info };
}

interface LosslessDecoder {
  decode(buffer: ArrayBuffer, offset: number, length: number, numBytes: number): Uint8Array | Uint16Array | Int16Array;
}

let losslessModule: Promise<{ Decoder: new () => LosslessDecoder }> | undefined;

/** JPEG Lossless, processes 14 and 14 SV1 (1.2.840.10008.1.2.4.57 / .70). */
export async function jpegLossless(): Promise<LosslessDecoder> {
  losslessModule ??= import('@cornerstonejs/jpeg-lossless-decoder-js') as unknown as Promise<{ Decoder: new () => LosslessDecoder }>;
  const { Decoder } = await losslessModule;
  return new Decoder();
}
